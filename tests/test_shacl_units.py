"""SHACL unit by unit (kg.pipeline.units.shacl): the units' findings together are the whole's, each where it belongs.

The reference is :func:`kg.pipeline.validation.validate` on the whole dataset, quality checks left out (they
stay global): every field of every finding, ``terms`` included, must match the disjoint union of
the articles' and the shared unit's findings, on the embedded corpus, on a synthetic corpus, on
every data fixture of the shapes, and on a small dataset whose shapes use what today's shapes do
not (inverse and sequence paths, object targets, nested and qualified shapes, SPARQL). Mutations
show that a fault lands in the unit that owns the faulty node and nowhere else, and that a change
in the registry reaches the articles that read it through their context.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kg import resources
from kg.pipeline.build import BuildResult, as_dataset, build_dataset
from kg.pipeline.findings import Finding
from kg.pipeline.reasoning import INFERRED_GRAPH
from kg.pipeline.units import shacl as su
from kg.pipeline.units.context import ContextIndex, context_nodes, exported_triples, shared_context
from kg.pipeline.units.findingjson import finding_from_json, finding_to_json, node_to_nt
from kg.pipeline.units.partition import Partition, Triple, article_ids_in
from kg.pipeline.units.readplans import Step, UnsupportedShapes
from kg.pipeline.units.shapereads import dependencies
from kg.pipeline.validation import SH, load_shapes, validate
from kg.rdf import iris
from kg.rdf.namespaces import KGD, KGO, KGO_NS
from kg.rdf.ontology import load_ontology

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
EX = Namespace("https://example.org/")

Graphs = dict[URIRef, set[Triple]]


# ----------------------------------------------------------------------------- helpers


def term_key(term: Node) -> tuple[str, str, str, str]:
    """A term with everything that tells two terms apart: kind, text, datatype, language."""
    return (
        type(term).__name__,
        str(term),
        str(getattr(term, "datatype", None) or ""),
        str(getattr(term, "language", None) or ""),
    )


def compared(finding: Finding) -> tuple[object, ...]:
    """Every field of a finding, ``terms`` included (the dataclass leaves them out of ==)."""
    return (
        finding.severity,
        finding.shape,
        finding.shape_label,
        finding.focus,
        finding.focus_label,
        finding.component,
        finding.message,
        finding.path or "",
        finding.value or "",
        tuple(term_key(term) for term in finding.terms),
    )


def whole_shape_findings(data: Dataset, shapes: Graph | None = None) -> list[tuple[object, ...]]:
    """The SHACL findings kg validate gives on the whole, the quality checks left out, as compared."""
    findings = validate(data, shapes=shapes, checks=False).findings
    return sorted(compared(f) for f in findings if not f.shape.startswith("checks/"))


def union(by_unit: Mapping[str | None, list[Finding]]) -> list[tuple[object, ...]]:
    return sorted(compared(f) for findings in by_unit.values() for f in findings)


def assert_each_finding_in_its_unit(by_unit: Mapping[str | None, list[Finding]], ids: Iterable[str]) -> None:
    """Every finding is in the unit that owns its focus node."""
    partition = Partition(ids)
    for unit, findings in by_unit.items():
        for finding in findings:
            assert partition.owner(finding.terms[0]) == unit, (unit, finding)


def copy_graphs(built: BuildResult) -> Graphs:
    """The build's graphs as new sets, for a test to change."""
    return {name: set(triples) for name, triples in built.graphs.items()}


def article_ids(built: BuildResult) -> list[str]:
    return [article.id for article in built.articles]


def load_fixture(path: Path) -> Dataset:
    """A Turtle fixture as kg validate reads it: its triples in the default graph."""
    dataset = Dataset()
    dataset.parse(path, format="turtle")
    return dataset


def triples_of(dataset: Dataset) -> list[Triple]:
    return [(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))]


# ----------------------------------------------------------------------------- the partition


def test_partition_owns_an_article_and_what_hangs_under_it() -> None:
    partition = Partition(["a", "ab"])
    assert partition.owner(iris.article("a")) == "a"
    assert partition.owner(iris.in_article("a", "claim", "quote")) == "a"
    assert partition.owner(iris.in_article("ab", "claim")) == "ab"  # not "a": a segment is matched whole
    assert partition.owner(URIRef(str(iris.article("a")) + "x")) is None  # an article "ax" that the build lacks
    for shared in (
        iris.article_graph("a"),
        KGD["kerman"],
        iris.REGISTRY_GRAPH,
        Literal(str(iris.article("a"))),
        BNode(),
    ):
        assert partition.owner(shared) is None and partition.is_shared(shared)
    assert partition.owned_by("a")(iris.in_article("a", "x")) and not partition.owned_by("a")(iris.article("ab"))
    with pytest.raises(ValueError, match="no '/'"):
        Partition(["a/b"])
    with pytest.raises(KeyError):
        partition.owned_by("c")


def test_units_split_triples_by_their_subject() -> None:
    a_fact = (iris.in_article("a", "f"), KGO.about, KGD["event"])
    a_record = (iris.in_article("a", "record"), KGO.recordOf, iris.article("a"))
    registry = (KGD["event"], RDF.type, KGO.Event)
    provenance = (iris.article_graph("a"), RDF.type, KGO.ArticleGraph)
    units = Partition(["a", "b"]).units([a_fact, registry, a_record, provenance, a_fact])
    assert units == {"a": [a_fact, a_record], "b": [], None: [registry, provenance]}


def test_article_ids_in_data() -> None:
    triples = [(iris.in_article("fx_0001", "q"), KGO.source, iris.article("fx_0002")), (KGD.x, RDF.type, KGO.Event)]
    assert article_ids_in(triples) == {"fx_0001", "fx_0002"}


# ----------------------------------------------------------------------------- what the project's shapes read


def test_project_shapes_read_one_hop_and_the_types_of_values() -> None:
    """Today's shapes read the focus node's own triples and, through sh:class, the rdf:type of its values."""
    deps = dependencies()
    paths = deps.plan.paths()
    assert (Step(KGO.statedBy), Step(RDF.type)) in paths  # StatementShape: the speaker is an agent
    assert (Step(KGO.source), Step(RDF.type)) in paths
    assert (Step(KGO.figureValue),) in paths and (Step(KGO.figureValue), Step(RDF.type)) not in paths  # a datatype
    assert (Step(URIRef("http://www.w3.org/2004/02/skos/core#exactMatch")),) in paths  # the SPARQL target
    assert max(len(path) for path in paths) == 2
    assert deps.deep_forward == {RDF.type}
    assert deps.inverse == frozenset() and deps.object_targets == frozenset() and deps.target_nodes == frozenset()
    assert deps.schema == {RDFS.subClassOf}
    kept = exported_triples(
        [(KGD.x, RDF.type, KGO.Person), (KGD.x, RDFS.label, Literal("x")), (KGO_NS.A, RDFS.subClassOf, KGO_NS.B)], deps
    )
    assert kept == [(KGD.x, RDF.type, KGO.Person), (KGO_NS.A, RDFS.subClassOf, KGO_NS.B)]


# ----------------------------------------------------------------------------- the whole is the union of the units


@pytest.mark.parametrize("batch", [0, pytest.param(20_000, marks=pytest.mark.slow)], ids=["unit-by-unit", "batched"])
def test_units_give_the_whole_on_the_embedded_corpus(built: BuildResult, batch: int) -> None:
    ids = article_ids(built)
    by_unit = su.validate_by_units(built.dataset, ids, batch_triples=batch)
    assert set(by_unit) == {*ids, None}
    whole = whole_shape_findings(built.dataset)
    assert whole, "the corpus gives warnings (states without a Wikidata link): the comparison has something to compare"
    assert union(by_unit) == whole
    assert_each_finding_in_its_unit(by_unit, ids)


def test_graphs_as_sets_give_what_the_dataset_gives(built: BuildResult) -> None:
    """The build's graphs (sets of triples) give the same as its dataset; an inferred graph is left out."""
    ids = article_ids(built)
    graphs = copy_graphs(built)
    graphs[INFERRED_GRAPH] = {(iris.in_article(ids[0], "x"), KGO.figureValue, Literal("not a number"))}
    from_graphs = su.validate_by_units(graphs, ids)
    assert union(from_graphs) == union(su.validate_by_units(built.dataset, ids))


@pytest.fixture(scope="module")
def synthetic_build(synthetic_corpus: Path) -> BuildResult:
    """The synthetic corpus (conftest), built."""
    return build_dataset(synthetic_corpus)


@pytest.mark.slow
def test_units_give_the_whole_on_a_synthetic_corpus(synthetic_build: BuildResult) -> None:
    synthetic = synthetic_build
    ids = article_ids(synthetic)
    assert len(ids) == 12
    by_unit = su.validate_by_units(synthetic.dataset, ids, batch_triples=5_000)
    assert union(by_unit) == whole_shape_findings(synthetic.dataset)
    assert_each_finding_in_its_unit(by_unit, ids)


def data_shape_names() -> list[str]:
    """The local names of the data node shapes (kgs:<Name> of shapes/*.ttl), which own fixture folders."""
    kgs = "https://w3id.org/kerman-kg/shapes#"
    return sorted(str(s)[len(kgs) :] for s in load_shapes().subjects(RDF.type, SH.NodeShape) if str(s).startswith(kgs))


FAILING_FIXTURES = [FIXTURES / "shapes" / name / "invalid.ttl" for name in data_shape_names()]
OTHER_FIXTURES = [FIXTURES / "shapes" / name / "valid.ttl" for name in data_shape_names()] + sorted(
    (FIXTURES / "checks").glob("*/*.ttl")
)


def test_every_data_shape_has_a_failing_fixture() -> None:
    """The fixture lists below are not empty: one failing fixture per data shape, and the others."""
    assert len(FAILING_FIXTURES) >= 20
    assert all(path.is_file() for path in FAILING_FIXTURES)
    assert len(OTHER_FIXTURES) >= len(FAILING_FIXTURES) + 20


def check_fixture(path: Path) -> list[tuple[object, ...]]:
    """Validate a fixture whole and by units (each article alone); the two must agree. Returns the findings."""
    dataset = load_fixture(path)
    ids = article_ids_in(triples_of(dataset))
    by_unit = su.validate_by_units(dataset, ids, batch_triples=0)
    whole = whole_shape_findings(dataset)
    assert union(by_unit) == whole, path
    assert_each_finding_in_its_unit(by_unit, ids)
    return whole


@pytest.mark.parametrize("path", FAILING_FIXTURES, ids=lambda p: p.parent.name)
def test_units_give_the_whole_on_a_failing_fixture(path: Path) -> None:
    """Each shape's invalid.ttl: the articles its IRIs name are the units, everything else is shared."""
    assert check_fixture(path), f"{path} gives no finding"


@pytest.mark.slow
def test_units_give_the_whole_on_every_other_fixture() -> None:
    for path in OTHER_FIXTURES:
        check_fixture(path)


# ----------------------------------------------------------------------------- mutations land in their unit


def owned_subjects(graphs: Graphs, article: str, kind: URIRef) -> list[Node]:
    """The nodes of a class that an article's graph types, sorted."""
    return sorted(
        {s for s, _, o in graphs[iris.article_graph(article)] if o == kind and Partition([article]).owner(s)},
        key=str,
    )


def first_statement(graphs: Graphs, ids: list[str], kind: URIRef) -> tuple[str, Node]:
    """An article and one of its statements of a kind (kgo:Accusation, ...), the first found."""
    for article in ids:
        for statement in owned_subjects(graphs, article, kind):
            return article, statement
    pytest.fail(f"no article states a {kind}")


def differing_units(
    before: Mapping[str | None, list[Finding]], after: Mapping[str | None, list[Finding]]
) -> dict[str | None, set[tuple[object, ...]]]:
    """The units whose findings changed, each with the findings it gained."""
    changed = {}
    for unit in after:
        old, new = {compared(f) for f in before[unit]}, {compared(f) for f in after[unit]}
        if old != new:
            changed[unit] = new - old
    return changed


def place(graphs: Graphs) -> Node:
    """A city of the registry."""
    cities = sorted((s for s, p, o in graphs[iris.REGISTRY_GRAPH] if p == RDF.type and o == KGO.City), key=str)
    assert cities, "the registry has no city"
    return cities[0]


@pytest.mark.slow
def test_a_place_as_accuser_lands_in_its_article_only(built: BuildResult) -> None:
    ids = article_ids(built)
    graphs = copy_graphs(built)
    before = su.validate_by_units(built.dataset, ids)
    article, accusation = first_statement(graphs, ids, KGO.Accusation)
    graph = graphs[iris.article_graph(article)]
    city = place(graphs)
    for prop in (KGO.statedBy, KGO.accuses):
        graph -= {t for t in graph if t[0] == accusation and t[1] == prop}
        graph.add((accusation, prop, city))
    dataset = as_dataset(graphs)
    after = su.validate_by_units(dataset, ids)
    changed = differing_units(before, after)
    assert list(changed) == [article]
    assert {(f[1], f[5]) for f in changed[article]} == {
        ("kgs:StatementShape / kgo:statedBy", "ClassConstraintComponent"),
        ("kgs:AccusationShape / kgo:accuses", "ClassConstraintComponent"),
    }
    assert union(after) == whole_shape_findings(dataset)


@pytest.mark.slow
def test_a_statement_without_its_quote_lands_in_its_article_only(built: BuildResult) -> None:
    ids = article_ids(built)
    graphs = copy_graphs(built)
    before = su.validate_by_units(built.dataset, ids)
    article, claim = first_statement(graphs, ids, KGO.ClaimOfResponsibility)
    graph = graphs[iris.article_graph(article)]
    graph -= {t for t in graph if t[0] == claim and t[1] == KGO.evidence}
    dataset = as_dataset(graphs)
    after = su.validate_by_units(dataset, ids)
    changed = differing_units(before, after)
    assert list(changed) == [article]
    assert ("kgs:StatementShape / kgo:evidence", "MinCountConstraintComponent") in {
        (f[1], f[5]) for f in changed[article]
    }
    assert union(after) == whole_shape_findings(dataset)


@pytest.mark.slow
def test_a_registry_change_reaches_the_articles_that_read_it(built: BuildResult) -> None:
    """A speaker of the registry made a place: the articles quoting it get the findings, through their context.

    The registry is the shared unit, but the faulty values are read from the articles' statements, so
    the findings belong to the articles; a unit validated with the context it had before sees none.
    """
    ids = article_ids(built)
    graphs = copy_graphs(built)
    partition = Partition(ids)
    speakers = sorted(
        {
            o
            for article in ids
            for s, p, o in graphs[iris.article_graph(article)]
            if p == KGO.statedBy and partition.is_shared(o) and partition.owner(s) == article
        },
        key=str,
    )
    speaker = speakers[0]
    readers = sorted(
        {a for a in ids for s, p, o in graphs[iris.article_graph(a)] if p == KGO.statedBy and o == speaker}
    )
    before = su.validate_by_units(built.dataset, ids)
    units_before = partition.units(su.asserted_triples(built.dataset))
    stale = ContextIndex(t for unit in units_before.values() for t in unit)

    registry = graphs[iris.REGISTRY_GRAPH]
    registry -= {t for t in registry if t[0] == speaker and t[1] == RDF.type}
    registry.add((speaker, RDF.type, KGO.City))
    dataset = as_dataset(graphs)
    after = su.validate_by_units(dataset, ids)
    changed = differing_units(before, after)
    assert readers and set(readers) <= set(changed)
    for article in readers:
        assert ("kgs:StatementShape / kgo:statedBy", "ClassConstraintComponent") in {
            (f[1], f[5]) for f in changed[article]
        }
    assert not any(f[5] == "ClassConstraintComponent" for f in changed.get(None, ()))
    assert union(after) == whole_shape_findings(dataset)

    article = readers[0]
    unit = partition.units(su.asserted_triples(dataset))[article]
    old_context = stale.for_unit(unit, partition.owned_by(article))
    with_stale_context = su.unit_findings(unit, old_context, partition.owned_by(article))
    assert {compared(f) for f in with_stale_context} == {compared(f) for f in before[article]}  # the fault is missed


# ----------------------------------------------------------------------------- contexts for the incremental build


@pytest.fixture(scope="module")
def corpus_units(built: BuildResult) -> tuple[list[str], dict[str | None, list[Triple]]]:
    ids = article_ids(built)
    return ids, Partition(ids).units(su.asserted_triples(built.dataset))


def test_a_unit_alone_misses_what_its_context_holds(
    built: BuildResult, corpus_units: tuple[list[str], dict[str | None, list[Triple]]]
) -> None:
    """Without its context, an article's statements have speakers of no known class: the context is needed."""
    ids, units = corpus_units
    partition = Partition(ids)
    index = ContextIndex(t for unit in units.values() for t in unit)
    article = ids[0]
    context = index.for_unit(units[article], partition.owned_by(article))
    assert context and {p for _, p, _ in context} == {RDF.type, RDFS.subClassOf}
    assert su.unit_findings(units[article], context, partition.owned_by(article)) == []
    alone = su.unit_findings(units[article], [], partition.owned_by(article))
    assert any(f.component == "ClassConstraintComponent" for f in alone)


def test_context_nodes_name_the_first_hops_outside_the_unit(
    corpus_units: tuple[list[str], dict[str | None, list[Triple]]],
) -> None:
    ids, units = corpus_units
    partition = Partition(ids)
    index = ContextIndex(t for unit in units.values() for t in unit)
    article = ids[0]
    owned = partition.owned_by(article)
    lookups = context_nodes(units[article], owned)
    assert lookups and all(steps == {Step(RDF.type)} for steps in lookups.values())
    assert all(not owned(node) for node in lookups)
    context = index.for_unit(units[article], owned)
    assert {s for s, p, _ in context if p != RDFS.subClassOf} <= set(lookups)
    objects = {o for _, _, o in units[article]}
    assert set(lookups) <= objects


def test_an_index_of_exports_gives_the_same_contexts(
    corpus_units: tuple[list[str], dict[str | None, list[Triple]]],
) -> None:
    """An index of every unit's exported triples is enough: the contexts equal those of an index of every triple."""
    ids, units = corpus_units
    partition = Partition(ids)
    full = ContextIndex(t for unit in units.values() for t in unit)
    exported = ContextIndex(t for unit in units.values() for t in exported_triples(unit))
    for article in ids:
        owned = partition.owned_by(article)
        assert set(full.for_unit(units[article], owned)) == set(exported.for_unit(units[article], owned))


def test_the_shared_context_from_exports_is_the_full_one(
    corpus_units: tuple[list[str], dict[str | None, list[Triple]]],
) -> None:
    """The shared unit's context from the articles' exports equals the one an index of every triple gives,
    and holds the types of the articles the provenance graph names."""
    ids, units = corpus_units
    exports = [t for article in ids for t in exported_triples(units[article])]
    from_exports = shared_context(units[None], exports, ids)
    full = ContextIndex(t for unit in units.values() for t in unit)
    ontology = list(load_ontology(resources.ontology_dir()))
    assert set(from_exports) == set(full.for_unit([*units[None], *ontology], Partition(ids).is_shared))
    assert {(iris.article(article), RDF.type, KGO.Article) for article in ids} <= set(from_exports)


# ----------------------------------------------------------------------------- shapes that read further


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; rdfs:label "thing" ;
    sh:property [ sh:path [ sh:inversePath ex:mentions ] ; sh:minCount 1 ; sh:class ex:Doc ;
                  sh:message "mentioned by a document" ] ,
                [ sh:path ( ex:partOf ex:name ) ; sh:minCount 1 ; sh:message "part of something named" ] ,
                [ sh:path ex:related ; sh:node ex:NamedShape ; sh:message "related to something named" ] ,
                [ sh:path ex:member ; sh:qualifiedValueShape [ sh:class ex:Person ] ; sh:qualifiedMinCount 1 ;
                  sh:message "a person among its members" ] ,
                [ sh:path ( ex:link [ sh:zeroOrOnePath ex:alias ] ) ; sh:class ex:Thing ;
                  sh:message "a link and its alias are things" ] .
ex:NamedShape a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "named" ] .
ex:CitedShape a sh:NodeShape ; sh:targetObjectsOf ex:cites ; rdfs:label "cited" ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "a cited node is named" ] .
ex:DocShape a sh:NodeShape ; sh:targetClass ex:Doc ; rdfs:label "document" ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:message "a document that mentions something is cited" ;
        sh:select "SELECT $this WHERE { $this <https://example.org/mentions> ?x . FILTER NOT EXISTS { ?y <https://example.org/cites> $this } }" ] .
"""  # noqa: E501


def in_article(article: str, name: str) -> URIRef:
    return iris.in_article(article, name)


def cross_unit_dataset() -> Dataset:
    """Three articles and a registry whose facts the shapes above read across units."""
    a, b, c = "a", "b", "c"
    graphs: dict[URIRef, set[Triple]] = {
        iris.REGISTRY_GRAPH: {
            (EX.Gadget, RDFS.subClassOf, EX.Thing),  # a class of the data's own
            (KGD.org, EX.name, Literal("Org")),
            (KGD.shared_thing, RDF.type, EX.Thing),
            (KGD.shared_thing, EX.partOf, in_article(a, "unnamed")),  # a shared node reading an article's node
            (KGD.person, RDF.type, EX.Person),
        },
        iris.article_graph(a): {
            (in_article(a, "t"), RDF.type, EX.Gadget),
            (in_article(a, "t"), EX.partOf, KGD.org),  # named in the registry
            (in_article(a, "t"), EX.related, in_article(b, "t")),  # named in b
            (in_article(a, "t"), EX.member, KGD.person),
            (in_article(a, "t"), EX.link, in_article(b, "t")),  # a thing, with no alias
            (in_article(a, "unnamed"), RDF.type, EX.Doc),
            (in_article(a, "t2"), RDF.type, EX.Thing),
            (in_article(a, "t2"), EX.partOf, in_article(c, "t")),  # c's node has no name
            (in_article(a, "t2"), EX.member, in_article(c, "t")),  # not a person
            (in_article(a, "t2"), EX.link, KGD.org),  # not a thing
            (in_article(a, "t2"), EX.link, in_article(b, "t3")),  # a thing whose alias is not
            (in_article(a, "t2"), EX.cites, in_article(c, "ghost")),  # a node of c with no triple at all
        },
        iris.article_graph(b): {
            (in_article(b, "d"), RDF.type, EX.Doc),
            (in_article(b, "d"), EX.mentions, in_article(a, "t")),
            (in_article(b, "d"), EX.mentions, KGD.shared_thing),
            (in_article(b, "t"), RDF.type, EX.Thing),
            (in_article(b, "t"), EX.name, Literal("B")),
            (in_article(b, "t"), EX.cites, in_article(b, "d")),
            (in_article(b, "t3"), RDF.type, EX.Thing),
            (in_article(b, "t3"), EX.name, Literal("B3")),
            (in_article(b, "t3"), EX.alias, KGD.person),
        },
        iris.article_graph(c): {
            (in_article(c, "d"), RDF.type, EX.Doc),
            (in_article(c, "d"), EX.mentions, in_article(a, "t2")),
            (in_article(c, "t"), RDF.type, EX.Thing),
        },
    }
    return as_dataset(graphs)


def test_shapes_that_read_across_units_are_decomposed_exactly() -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    deps = dependencies(shapes)
    paths = deps.plan.paths()
    assert (Step(EX.mentions, inverse=True), Step(RDF.type)) in paths
    assert (Step(EX.partOf), Step(EX.name)) in paths
    assert (Step(EX.related), Step(EX.name)) in paths
    assert (Step(EX.member), Step(RDF.type)) in paths
    assert (Step(EX.link), Step(RDF.type)) in paths  # a zero-or-one path: with the hop and without
    assert (Step(EX.link), Step(EX.alias), Step(RDF.type)) in paths
    assert (Step(EX.cites, inverse=True),) in paths and deps.object_targets == {EX.cites}
    assert deps.deep_forward == {RDF.type, EX.name, EX.alias} and deps.inverse == {EX.mentions, EX.cites}

    dataset = cross_unit_dataset()
    ids = ["a", "b", "c"]
    whole = whole_shape_findings(dataset, shapes)
    assert len(whole) >= 6
    for batch in (0, 20_000):
        by_unit = su.validate_by_units(dataset, ids, shapes=shapes, batch_triples=batch)
        assert union(by_unit) == whole
        assert_each_finding_in_its_unit(by_unit, ids)
    assert {"a", "c", None} <= {unit for unit, findings in by_unit.items() if findings}
    ghost = [f for f in by_unit["c"] if f.terms[0] == in_article("c", "ghost")]
    assert ghost, "a node with no triple of its own, cited from another article, is validated in its unit"

    # Without contexts the units would be wrong: the test data reads across units.
    partition = Partition(ids)
    units = partition.units(su.asserted_triples(dataset))
    alone = {
        unit: su.unit_findings(units[unit], [], partition.owned_by(unit), shapes)  # type: ignore[arg-type]
        for unit in ids
    }
    assert sorted(compared(f) for fs in alone.values() for f in fs) != sorted(
        compared(f) for unit in ids for f in by_unit[unit]
    )


UNSUPPORTED = {
    "a path of any length": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ] ."
    ),
    "a recursive shape": "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:S ] .",
    "a SPARQL pattern two hops away": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this <https://example.org/p> ?x . '
        '?x <https://example.org/q> ?y }" ] .'
    ),
    "a SHACL rule": "ex:S sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ] .",
    "a misspelt parameter": "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:dataType ex:D ] .",
    "a custom constraint component": "ex:Component a sh:ConstraintComponent .",
    "a SPARQL target that binds ?this": (
        'ex:S sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { VALUES ?this { 1 } }" ] .'
    ),
}


@pytest.mark.parametrize("case", sorted(UNSUPPORTED))
def test_what_cannot_be_bounded_is_refused(case: str) -> None:
    shapes = Graph().parse(
        format="turtle",
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .\n" + UNSUPPORTED[case],
    )
    with pytest.raises(UnsupportedShapes):
        dependencies(shapes)


def test_unsupported_cases_are_listed() -> None:
    assert len(UNSUPPORTED) >= 7


# ----------------------------------------------------------------------------- findings as JSON


AWKWARD_TERMS: list[Node] = [
    URIRef("https://w3id.org/kerman-kg/id/article/a/é"),
    URIRef("https://example.org/a b"),  # not a valid IRI, still written and read back
    URIRef('https://example.org/<">{}|^`\\'),
    BNode("b0"),
    Literal('a "quoted" back\\slash\nnew line\r\ttab é \x00 \x1b \U0001f600 \\u0041'),
    Literal("Kerman", lang="en"),
    Literal("Kerman", lang="en-GB"),
    Literal("05", datatype=XSD.integer, normalize=False),  # a lexical form rdflib would normalize
    Literal("-1", datatype=XSD.nonNegativeInteger),
    Literal("284"),
    Literal("284", datatype=XSD.string),
    Literal("", datatype=URIRef("https://example.org/type>")),
    Literal("2024-01-04T09:00:00", datatype=XSD.dateTime),
]


def test_a_finding_with_awkward_terms_goes_to_json_and_back() -> None:
    for term in AWKWARD_TERMS:
        finding = Finding(
            severity="Violation",
            shape="kgs:StatementShape / kgo:statedBy",
            shape_label="statement",
            focus="<https://w3id.org/kerman-kg/id/article/a/claim>",
            focus_label='claim "by" é',
            component="ClassConstraintComponent",
            message="A statement needs a speaker.",
            path="kgo:statedBy",
            value=None,
            terms=(iris.in_article("a", "claim"), term),
        )
        back = finding_from_json(json.loads(json.dumps(finding_to_json(finding))))
        assert back == finding
        assert [term_key(t) for t in back.terms] == [term_key(t) for t in finding.terms]  # terms has compare=False
        assert back.terms[1] == term


def test_terms_are_written_as_n_triples() -> None:
    """Each term, written as the object of a triple, is an N-Triples line rdflib parses (for valid IRIs)."""
    for term in AWKWARD_TERMS:
        if isinstance(term, URIRef) and " " in term:
            continue
        line = f"<https://example.org/s> <https://example.org/p> {node_to_nt(term)} .\n"
        (parsed,) = list(Graph().parse(data=line, format="nt").objects())
        assert type(parsed) is type(term)
        if isinstance(term, Literal):  # the parser normalizes "05"^^xsd:integer; node_from_nt keeps it as written
            assert term_key(parsed) == term_key(Literal(str(term), lang=term.language, datatype=term.datatype))
        elif isinstance(term, URIRef):  # (the parser renames blank nodes; node_from_nt keeps the label)
            assert term_key(parsed) == term_key(term)


def test_every_finding_of_a_fixture_goes_to_json_and_back() -> None:
    findings = [f for f in validate(load_fixture(FAILING_FIXTURES[0])).findings]
    findings += validate(load_fixture(FIXTURES / "shapes" / "CasualtyReportShape" / "invalid.ttl")).findings
    assert any(isinstance(t, Literal) for f in findings for t in f.terms)
    for finding in findings:
        back = finding_from_json(finding_to_json(finding))
        assert compared(back) == compared(finding)


def test_a_json_finding_with_other_fields_is_refused() -> None:
    data = finding_to_json(
        Finding("Violation", "kgs:S", "", "kgd:x", "", "MinCountConstraintComponent", "m", terms=(KGD.x,))
    )
    assert finding_from_json(data).terms == (KGD.x,)
    with pytest.raises(ValueError, match="fields"):
        finding_from_json({k: v for k, v in data.items() if k != "terms"})
    with pytest.raises(ValueError, match="N-Triples"):
        finding_from_json({**data, "terms": ["not a term"]})
