"""OWL 2 RL reasoning with owlrl, into a graph of its own.

:func:`infer` computes the OWL 2 RL closure of a dataset's asserted graphs
(the union of the ontology, registry, background and article graphs) and
returns only the useful entailments, as a separate graph; the input is
never changed. owlrl works on a scratch dataset that holds a copy of the
asserted triples and writes what it derives into a second graph of that
scratch store (its ``destination=``), so asserted and inferred never mix.

What is kept: triples whose subject is one of our data resources (an IRI
under ``https://w3id.org/kerman-kg/id/`` or ``.../graph/``), with no blank
node and no literal in subject position. What is dropped: everything about
the vocabularies themselves (the ontology's own closure, RDF/RDFS/OWL
axioms), ``rdf:type`` to ``owl:Thing``, ``rdfs:Resource`` or
``owl:NamedIndividual``, reflexive ``owl:sameAs``, and anything involving a
blank node (owlrl's literal proxies and error-message nodes). Inconsistencies
owlrl notices (a node in two disjoint classes) are returned as messages; the
SHACL consistency shape reports them with the node and classes named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import owlrl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS

from kg import iris, namespaces

#: where inferred triples live in a dataset
INFERRED_GRAPH = URIRef(iris.GRAPH_NS + "inferred")

_SCRATCH_ASSERTED = URIRef(iris.GRAPH_NS + "scratch/asserted")
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
_DATA_PREFIXES = (iris.ENTITY_NS, iris.GRAPH_NS)


@dataclass
class Inference:
    """The outcome of reasoning: the kept entailments and owlrl's complaints."""

    graph: Graph
    derived: int = 0
    messages: list[str] = field(default_factory=list)


def asserted_triples(data: Dataset | Graph) -> Graph:
    """The union of a dataset's graphs except any inferred graph (or a graph's triples), as one new graph."""
    union = Graph(bind_namespaces="core")
    namespaces.bind(union)
    if not isinstance(data, Dataset):
        for triple in data:
            union.add(triple)
        return union
    for s, p, o, g in data.quads((None, None, None, None)):
        graph_name = g.identifier if isinstance(g, Graph) else g
        if graph_name != INFERRED_GRAPH:
            union.add((s, p, o))
    return union


def keep(triple: tuple[object, object, object]) -> bool:
    """Whether an entailment is worth keeping (see the module docstring)."""
    s, p, o = triple
    if isinstance(s, (Literal, BNode)) or isinstance(o, BNode) or isinstance(p, BNode):
        return False
    if not str(s).startswith(_DATA_PREFIXES):
        return False
    if p == RDF.type and o in _TRIVIAL_TYPES:
        return False
    if p == OWL.sameAs and s == o:
        return False
    return True


def infer(dataset: Dataset | Graph) -> Inference:
    """The OWL 2 RL entailments of a dataset's asserted graphs (or of a graph) worth keeping.

    The input is not modified.
    """
    scratch = Dataset(default_union=True)
    asserted = scratch.graph(_SCRATCH_ASSERTED)
    for triple in asserted_triples(dataset):
        asserted.add(triple)
    derived = scratch.graph(INFERRED_GRAPH)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(scratch, destination=derived)

    messages = []
    error_ns = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
    for message in derived.objects(None, error_ns):
        messages.append(str(message))
    kept = Graph(bind_namespaces="core")
    namespaces.bind(kept)
    for triple in derived:
        if keep(triple) and triple not in asserted:
            kept.add(triple)
    return Inference(kept, len(derived), sorted(messages))


def with_inferences(dataset: Dataset) -> tuple[Dataset, Inference]:
    """A new dataset: the asserted graphs of the input plus a fresh inferred graph.

    Any inferred graph already in the input is replaced by one recomputed from its
    asserted graphs, so stale inferences never survive an edit.
    """
    result = Dataset(default_union=True)
    namespaces.bind(result)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name != INFERRED_GRAPH:
            result.graph(name).add((s, p, o))
    inference = infer(result)
    inferred = result.graph(INFERRED_GRAPH)
    for triple in inference.graph:
        inferred.add(triple)
    _describe(result.graph(iris.PROVENANCE_GRAPH), result)
    return result, inference


def _describe(provenance: Graph, dataset: Dataset) -> None:
    """Say in the provenance graph what the inferred graph is and what it came from."""
    activity = URIRef(iris.ENTITY_NS + "activity/owl-rl-reasoning")
    provenance.add((INFERRED_GRAPH, RDF.type, PROV.Entity))
    provenance.add((INFERRED_GRAPH, DCTERMS.title, Literal("OWL 2 RL entailments of the asserted graphs", lang="en")))
    provenance.add(
        (
            INFERRED_GRAPH,
            DCTERMS.description,
            Literal(
                "Triples an OWL 2 RL reasoner (owlrl) derives from the union of the asserted graphs and the ontology, "
                "kept only when their subject is a resource of this dataset; nothing here is asserted by any source.",
                lang="en",
            ),
        )
    )
    provenance.add((INFERRED_GRAPH, PROV.wasGeneratedBy, activity))
    provenance.add((activity, RDF.type, PROV.Activity))
    provenance.add((activity, RDFS.label, Literal(f"OWL 2 RL reasoning with owlrl {owlrl.__version__}", lang="en")))
    for graph in dataset.graphs():
        name = graph.identifier
        if isinstance(name, URIRef) and name not in (INFERRED_GRAPH, iris.PROVENANCE_GRAPH) and len(graph):
            provenance.add((INFERRED_GRAPH, PROV.wasDerivedFrom, name))
