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
The same rules run on triples written in N-Triples, one closed layer on
another, in :mod:`kg.pipeline.ntreasoning`, for builds by article.

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS
from rdflib.term import Node

from kg import __version__
from kg.curation.article_triples import TripleSink
from kg.rdf import iris, namespaces
from kg.rdf.ntriples import Triple

#: where inferred triples live in a dataset
INFERRED_GRAPH = iris.INFERRED_GRAPH

_SCRATCH_ASSERTED = URIRef(iris.GRAPH_NS + "scratch/asserted")
TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
DATA_PREFIXES = (iris.ENTITY_NS, iris.GRAPH_NS)


@dataclass
class Inference:
    """The outcome of reasoning: the kept entailments and owlrl's complaints."""

    triples: set[Triple]
    derived: int = 0
    messages: list[str] = field(default_factory=list)
    _graph: Graph | None = field(default=None, repr=False)

    @property
    def graph(self) -> Graph:
        """The kept entailments as an rdflib Graph (made on first use)."""
        if self._graph is None:
            self._graph = Graph(bind_namespaces="core")
            namespaces.bind(self._graph)
            self._graph.addN((s, p, o, self._graph) for s, p, o in self.triples)
        return self._graph


#: what the reasoner reads: a dataset, a graph, or named graphs as sets of triples (see :mod:`kg.rdf.rdfio`)
Data = Dataset | Graph | Mapping[URIRef, Iterable[Triple]]


def asserted_set(data: Data) -> set[Triple]:
    """Every triple of the data's graphs except those of an inferred graph, as a set."""
    if isinstance(data, Dataset):
        return {
            (s, p, o)
            for s, p, o, g in data.quads((None, None, None, None))
            if (g.identifier if isinstance(g, Graph) else g) != INFERRED_GRAPH
        }
    if isinstance(data, Graph):
        return set(data)  # type: ignore[arg-type]
    found: set[Triple] = set()
    for name, triples in data.items():
        if name != INFERRED_GRAPH:
            found.update(triples)
    return found


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
    if not str(s).startswith(DATA_PREFIXES):
        return False
    # compared as strings: these are IRIs (the checks above), and rdflib's equality is slow
    if str(p) == _RDF_TYPE and isinstance(o, URIRef) and str(o) in _TRIVIAL_TYPE_NAMES:
        return False
    if str(p) == _SAME_AS and isinstance(o, URIRef) and str(s) == str(o):
        return False
    return True


_RDF_TYPE = str(RDF.type)
_SAME_AS = str(OWL.sameAs)
_TRIVIAL_TYPE_NAMES = {str(t) for t in TRIVIAL_TYPES}


def infer(dataset: Data) -> Inference:
    """The OWL 2 RL entailments of a dataset's asserted graphs (or of a graph) worth keeping.

    Computed by :func:`infer_rules`, the rule set this ontology uses; :func:`infer_owlrl` computes the
    same with owlrl, the reference the tests compare it with. The input is not modified.
    """
    return infer_rules(dataset)


def infer_owlrl(dataset: Data) -> Inference:
    """The kept OWL 2 RL entailments, as owlrl computes them (slow: the reference for :func:`infer_rules`)."""
    import owlrl

    scratch = Dataset(default_union=True)
    asserted = scratch.graph(_SCRATCH_ASSERTED)
    asserted.addN((s, p, o, asserted) for s, p, o in asserted_set(dataset))
    derived = scratch.graph(INFERRED_GRAPH)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(scratch, destination=derived)

    messages = []
    error_ns = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
    for message in derived.objects(None, error_ns):
        messages.append(str(message))
    kept = {triple for triple in derived if keep(triple) and triple not in asserted}
    return Inference(kept, len(derived), sorted(messages))  # type: ignore[arg-type]


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


def infer_rules(dataset: Data) -> Inference:
    """The kept OWL 2 RL entailments, by the rules this ontology calls for, run to a fixpoint.

    The rules (OWL 2 RL's names): cax-sco (an instance of a class is one of its superclasses), prp-spo1
    (subproperties), prp-inv1/2 (inverses), prp-symp (symmetric), prp-trp (transitive), prp-spo2 (two-step
    property chains), prp-dom and prp-rng (domains and ranges). The ontology's other axioms (disjointness,
    the functional datatype property kgo:figureValue) entail nothing :func:`keep` keeps: owlrl's equality and
    datatype rules only produce literal subjects, blank nodes or reflexive owl:sameAs. Each round applies
    the rules to the triples the round before derived (semi-naive evaluation), so the work grows with the
    data, not with its square. A test compares the result with owlrl's on the real corpus and on a
    synthetic one.
    """
    asserted = asserted_set(dataset)
    schema = Schema.of(_schema_graph(asserted))
    # The rules run on integers, one per distinct term: rdflib terms hash and compare in Python, which
    # made every set and dict operation of the fixpoint the cost of the whole build.
    terms: list[Node] = []
    number: dict[object, int] = {}

    def of(term: Node) -> int:
        # an IRI is keyed by its string: rdflib's own equality, called on every hit of a dict keyed by terms,
        # costs more than the rest of the lookup (literals and blank nodes keep their own keys: a literal's
        # language and datatype matter, and neither equals a string)
        key = str(term) if term.__class__ is URIRef else term
        found = number.get(key)
        if found is None:
            found = number[key] = len(terms)
            terms.append(term)
        return found

    def table(mapping: dict[Node, frozenset[Node]]) -> dict[int, tuple[int, ...]]:
        return {of(k): tuple(of(v) for v in values) for k, values in mapping.items()}

    rdf_type = of(RDF.type)
    superclasses = table(schema.superclasses)
    superproperties = table(schema.superproperties)
    domains = table(schema.domains)
    ranges = table(schema.ranges)
    inverses = table(schema.inverses)
    symmetric = {of(p) for p in schema.symmetric}
    transitive = {of(p) for p in schema.transitive}
    chain_first: dict[int, list[tuple[int, int]]] = {}
    chain_second: dict[int, list[tuple[int, int]]] = {}
    for first, second, implied in schema.chains:
        chain_first.setdefault(of(first), []).append((of(second), of(implied)))
        chain_second.setdefault(of(second), []).append((of(first), of(implied)))
    joined = transitive | set(chain_first) | set(chain_second)  # the predicates rules join on
    literal = {of(o) for _, _, o in asserted if isinstance(o, Literal)}
    known: set[tuple[int, int, int]] = {(of(s), of(p), of(o)) for s, p, o in asserted}
    stated = frozenset(known)
    by_subject: dict[tuple[int, int], set[int]] = {}
    by_object: dict[tuple[int, int], set[int]] = {}

    def index(s: int, p: int, o: int) -> None:
        if p in joined:
            by_subject.setdefault((p, s), set()).add(o)
            by_object.setdefault((p, o), set()).add(s)

    for s, p, o in known:
        index(s, p, o)

    def consequences(s: int, p: int, o: int) -> list[tuple[int, int, int]]:
        if p == rdf_type:
            return [(s, rdf_type, c) for c in superclasses.get(o, ())]
        out = [(s, q, o) for q in superproperties.get(p, ())]
        out.extend((s, rdf_type, c) for c in domains.get(p, ()))
        if o in literal:
            return out
        out.extend((o, rdf_type, c) for c in ranges.get(p, ()))
        out.extend((o, q, s) for q in inverses.get(p, ()))
        if p in symmetric:
            out.append((o, p, s))
        if p in joined:
            if p in transitive:
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
            for derived in consequences(*triple):
                if derived not in known:
                    known.add(derived)
                    index(*derived)
                    fresh.append(derived)
        frontier = fresh
    entailed = [(terms[s], terms[p], terms[o]) for s, p, o in known - stated]
    return Inference({triple for triple in entailed if keep(triple)}, len(entailed), [])


SCHEMA_PREDICATES = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.inverseOf,
    OWL.propertyChainAxiom,
    RDFS.domain,
    RDFS.range,
    RDF.first,
    RDF.rest,
}
_SCHEMA_TYPES = {OWL.SymmetricProperty, OWL.TransitiveProperty}


def _schema_graph(asserted: set[Triple]) -> Graph:
    """The triples :meth:`Schema.of` reads (hierarchies, characteristics, chains and their lists), as a graph."""
    graph = Graph(bind_namespaces="core")
    graph.addN(
        (s, p, o, graph) for s, p, o in asserted if p in SCHEMA_PREDICATES or (p == RDF.type and o in _SCHEMA_TYPES)
    )
    return graph


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
    inferred.addN((s, p, o, inferred) for s, p, o in inference.triples)
    provenance = result.graph(iris.PROVENANCE_GRAPH)
    names = [g.identifier for g in result.graphs() if len(g)]
    record_inferred_provenance(provenance, [n for n in names if isinstance(n, URIRef)])
    return result, inference


def record_inferred_provenance(provenance: TripleSink, graph_names: Iterable[URIRef]) -> None:
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
    for name in graph_names:
        if name not in (INFERRED_GRAPH, iris.PROVENANCE_GRAPH):
            provenance.add((INFERRED_GRAPH, PROV.wasDerivedFrom, name))
