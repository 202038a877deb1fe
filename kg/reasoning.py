"""OWL 2 RL reasoning, into a graph of its own.

:func:`infer` computes the OWL 2 RL closure of a dataset's asserted graphs
(the union of the ontology, registry, background and article graphs) and
returns only the useful entailments, as a separate graph; the input is
never changed. It runs the OWL 2 RL rules the ontology calls for
(:func:`infer_rules`: class and property hierarchies, inverses, symmetric and
transitive properties, property chains, domains and ranges) to a fixpoint, in
about a thirtieth of the time owlrl takes; :func:`infer_owlrl` computes the
same with owlrl (on a scratch dataset, deriving into a graph of its own), the
reference a test compares it with on the real corpus and a synthetic one.

What is kept: triples whose subject is one of our data resources (an IRI
under ``https://w3id.org/kerman-kg/id/`` or ``.../graph/``), with no blank
node and no literal in subject position. What is dropped: everything about
the vocabularies themselves (the ontology's own closure, RDF/RDFS/OWL
axioms), ``rdf:type`` to ``owl:Thing``, ``rdfs:Resource`` or
``owl:NamedIndividual``, reflexive ``owl:sameAs``, and anything involving a
blank node (owlrl's literal proxies and error-message nodes). A node in two
disjoint classes is not reported here: the SHACL consistency shape and the
disjoint-classes quality check report it with the node and classes named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS
from rdflib.term import Node

from kg import __version__, iris, namespaces

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

    Computed by :func:`infer_rules`, the rule set this ontology uses; :func:`infer_owlrl` computes the
    same with owlrl, the reference the tests compare it with. The input is not modified.
    """
    return infer_rules(dataset)


def infer_owlrl(dataset: Dataset | Graph) -> Inference:
    """The kept OWL 2 RL entailments, as owlrl computes them (slow: the reference for :func:`infer_rules`)."""
    import owlrl

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


# --------------------------------------------------------------------- the rules this ontology uses


@dataclass(frozen=True)
class Schema:
    """What the OWL 2 RL rules need of the ontology, read once: closures and property characteristics.

    Attributes:
        superclasses: class -> every class it is a subclass of (itself excluded), transitively.
        superproperties: property -> every property it is a subproperty of (itself excluded), transitively.
        inverses: property -> the properties declared its inverse (both ways).
        symmetric: properties declared owl:SymmetricProperty.
        transitive: properties declared owl:TransitiveProperty.
        chains: (first, second, implied) for each two-step owl:propertyChainAxiom.
        domains: property -> classes declared its rdfs:domain.
        ranges: property -> classes declared its rdfs:range.
    """

    superclasses: dict[Node, frozenset[Node]]
    superproperties: dict[Node, frozenset[Node]]
    inverses: dict[Node, frozenset[Node]]
    symmetric: frozenset[Node]
    transitive: frozenset[Node]
    chains: tuple[tuple[Node, Node, Node], ...]
    domains: dict[Node, frozenset[Node]]
    ranges: dict[Node, frozenset[Node]]

    @classmethod
    def of(cls, graph: Graph) -> Schema:
        def closure(relation: Node) -> dict[Node, frozenset[Node]]:
            direct: dict[Node, set[Node]] = {}
            for a, b in graph.subject_objects(relation):
                if a != b:
                    direct.setdefault(a, set()).add(b)
            found = {}
            for start in direct:
                seen: set[Node] = set()
                todo = list(direct[start])
                while todo:
                    node = todo.pop()
                    if node not in seen:
                        seen.add(node)
                        todo.extend(direct.get(node, ()))
                seen.discard(start)
                found[start] = frozenset(seen)
            return found

        inverses: dict[Node, set[Node]] = {}
        for a, b in graph.subject_objects(OWL.inverseOf):
            inverses.setdefault(a, set()).add(b)
            inverses.setdefault(b, set()).add(a)
        chains = []
        for implied, chain in graph.subject_objects(OWL.propertyChainAxiom):
            steps = list(Collection(graph, chain))  # type: ignore[arg-type]
            if len(steps) != 2:
                raise ValueError(f"only two-step property chains are supported, not {implied}'s {len(steps)} steps")
            chains.append((steps[0], steps[1], implied))
        declared: dict[Node, dict[Node, set[Node]]] = {RDFS.domain: {}, RDFS.range: {}}
        for axiom, table in declared.items():
            for prop, cls_ in graph.subject_objects(axiom):
                table.setdefault(prop, set()).add(cls_)
        return cls(
            closure(RDFS.subClassOf),
            closure(RDFS.subPropertyOf),
            {k: frozenset(v) for k, v in inverses.items()},
            frozenset(graph.subjects(RDF.type, OWL.SymmetricProperty)),
            frozenset(graph.subjects(RDF.type, OWL.TransitiveProperty)),
            tuple(sorted(chains)),
            {k: frozenset(v) for k, v in declared[RDFS.domain].items()},
            {k: frozenset(v) for k, v in declared[RDFS.range].items()},
        )


def infer_rules(dataset: Dataset | Graph) -> Inference:
    """The kept OWL 2 RL entailments, by the rules this ontology calls for, run to a fixpoint.

    The rules (OWL 2 RL's names): cax-sco (an instance of a class is one of its superclasses), prp-spo1
    (subproperties), prp-inv1/2 (inverses), prp-symp (symmetric), prp-trp (transitive), prp-spo2 (two-step
    property chains), prp-dom and prp-rng (domains and ranges). The ontology's other axioms (disjointness,
    the functional datatype property kgo:count) entail nothing :func:`keep` keeps: owlrl's equality and
    datatype rules only produce literal subjects, blank nodes or reflexive owl:sameAs. Each round applies
    the rules to the triples the round before derived (semi-naive evaluation), so the work grows with the
    data, not with its square. A test compares the result with owlrl's on the real corpus and on a
    synthetic one.
    """
    asserted = asserted_triples(dataset)
    schema = Schema.of(asserted)
    known: set[tuple[Node, Node, Node]] = set(asserted)
    by_predicate: dict[Node, set[tuple[Node, Node]]] = {}
    by_subject: dict[tuple[Node, Node], set[Node]] = {}
    by_object: dict[tuple[Node, Node], set[Node]] = {}

    def index(triple: tuple[Node, Node, Node]) -> None:
        s, p, o = triple
        by_predicate.setdefault(p, set()).add((s, o))
        by_subject.setdefault((p, s), set()).add(o)
        by_object.setdefault((p, o), set()).add(s)

    for triple in known:
        index(triple)
    chain_first: dict[Node, list[tuple[Node, Node]]] = {}
    chain_second: dict[Node, list[tuple[Node, Node]]] = {}
    for first, second, implied in schema.chains:
        chain_first.setdefault(first, []).append((second, implied))
        chain_second.setdefault(second, []).append((first, implied))

    def consequences(triple: tuple[Node, Node, Node]) -> list[tuple[Node, Node, Node]]:
        s, p, o = triple
        out: list[tuple[Node, Node, Node]] = []
        if p == RDF.type:
            out.extend((s, RDF.type, c) for c in schema.superclasses.get(o, ()))
            return out
        out.extend((s, q, o) for q in schema.superproperties.get(p, ()))
        out.extend((s, RDF.type, c) for c in schema.domains.get(p, ()))
        if isinstance(o, Literal):
            return out
        out.extend((o, RDF.type, c) for c in schema.ranges.get(p, ()))
        out.extend((o, q, s) for q in schema.inverses.get(p, ()))
        if p in schema.symmetric:
            out.append((o, p, s))
        if p in schema.transitive:
            out.extend((s, p, z) for z in by_subject.get((p, o), ()))
            out.extend((x, p, o) for x in by_object.get((p, s), ()))
        for second, implied in chain_first.get(p, ()):
            out.extend((s, implied, z) for z in by_subject.get((second, o), ()))
        for first, implied in chain_second.get(p, ()):
            out.extend((x, implied, o) for x in by_object.get((first, s), ()))
        return out

    frontier = list(known)
    while frontier:
        fresh = []
        for triple in frontier:
            for derived in consequences(triple):
                if derived not in known:
                    known.add(derived)
                    index(derived)
                    fresh.append(derived)
        frontier = fresh
    kept = Graph(bind_namespaces="core")
    namespaces.bind(kept)
    derived_count = 0
    for triple in known:
        if triple in asserted:
            continue
        derived_count += 1
        if keep(triple):
            kept.add(triple)
    return Inference(kept, derived_count, [])


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
                "Triples the OWL 2 RL rules the ontology calls for derive from the union of the asserted graphs and "
                "the ontology (the same as owlrl derives), kept only when their subject is a resource of this "
                "dataset; nothing here is asserted by any source.",
                lang="en",
            ),
        )
    )
    provenance.add((INFERRED_GRAPH, PROV.wasGeneratedBy, activity))
    provenance.add((activity, RDF.type, PROV.Activity))
    provenance.add((activity, RDFS.label, Literal(f"OWL 2 RL reasoning by kerman-kg {__version__}", lang="en")))
    for graph in dataset.graphs():
        name = graph.identifier
        if isinstance(name, URIRef) and name not in (INFERRED_GRAPH, iris.PROVENANCE_GRAPH) and len(graph):
            provenance.add((INFERRED_GRAPH, PROV.wasDerivedFrom, name))
