"""The dataset description (VoID + DCAT): counts agree with SPARQL over the built dataset, it is complete and stable,
and it is the same whether the graphs are given as rdflib triples or as N-Triples text."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDFS, VOID, XSD
from rdflib.term import Node

from kg import __version__, resources
from kg.curation.corpus import CorpusLayout
from kg.publishing import catalog, voidcounts
from kg.rdf import iris, ntriples, rdfio
from kg.rdf.namespaces import SCHEMA
from kg.rdf.ntriples import Triple

REPO = Path(__file__).resolve().parent.parent

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ENTITY_NS = "https://w3id.org/kerman-kg/id/"

#: every term of VoID (W3C Interest Group Note, namespace document http://rdfs.org/ns/void#)
VOID_TERMS = {
    "Dataset", "DatasetDescription", "Linkset", "TechnicalFeature", "class", "classPartition", "classes",
    "dataDump", "distinctObjects", "distinctSubjects", "documents", "entities", "exampleResource", "feature",
    "inDataset", "linkPredicate", "objectsTarget", "openSearchDescription", "properties", "property",
    "propertyPartition", "rootResource", "sparqlEndpoint", "subjectsTarget", "subset", "target", "triples",
    "uriLookupEndpoint", "uriRegexPattern", "uriSpace", "vocabulary",
}  # fmt: skip
#: the DCAT 3 terms a dataset description can use (W3C Recommendation, section 6)
DCAT_TERMS = {
    "Catalog", "CatalogRecord", "DataService", "Dataset", "DatasetSeries", "Distribution", "Relationship", "Resource",
    "Role", "accessService", "accessURL", "bbox", "byteSize", "catalog", "centroid", "compressFormat", "contactPoint",
    "dataset", "distribution", "downloadURL", "endDate", "endpointDescription", "endpointURL", "first",
    "hadRole", "hasCurrentVersion", "hasVersion", "inCatalog", "inSeries", "isVersionOf", "keyword", "landingPage",
    "last", "mediaType", "next", "packageFormat", "prev", "previousVersion", "qualifiedRelation", "record",
    "replaces", "servesDataset", "service", "spatialResolutionInMeters", "startDate", "temporalResolution", "theme",
    "themeTaxonomy", "version",
}  # fmt: skip
#: the SPDX terms the checksums use (SPDX 2.3 RDF ontology)
SPDX_TERMS = {"checksum", "Checksum", "algorithm", "checksumValue", "checksumAlgorithm_sha256"}


@pytest.fixture(scope="module")
def built_dir(build_dir: Path) -> Path:
    """The session's 'kg build --out DIR' of the embedded corpus."""
    return build_dir


@pytest.fixture(scope="module")
def built_dataset(built_dir: Path) -> Dataset:
    return rdfio.load_dataset(built_dir / rdfio.TRIG)


@pytest.fixture(scope="module")
def description(built_dir: Path) -> Graph:
    path = built_dir / catalog.FILE_NAME
    return Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())


def sparql_counts(dataset: Dataset) -> dict[str, dict[str, int]]:
    """Every count of the description, taken by SPARQL: per graph name, and for the dataset under ''."""
    measures = {
        "triples": "(COUNT(*) AS ?n)",
        "entities": "(COUNT(DISTINCT ?e) AS ?n)",
        "distinctSubjects": "(COUNT(DISTINCT ?s) AS ?n)",
        "distinctObjects": "(COUNT(DISTINCT ?o) AS ?n)",
        "properties": "(COUNT(DISTINCT ?p) AS ?n)",
        "classes": "(COUNT(DISTINCT ?c) AS ?n)",
    }
    body = f"""GRAPH ?g {{ ?s ?p ?o }}
        BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{ENTITY_NS}") && STR(?s) != "{ENTITY_NS}", ?s, ?unbound) AS ?e)
        BIND(IF(?p = rdf:type, ?o, ?unbound) AS ?c)"""
    counts: dict[str, dict[str, int]] = {}
    for void_name, aggregate in measures.items():
        for row in dataset.query(f"SELECT ?g {aggregate} WHERE {{ {body} }} GROUP BY ?g"):
            counts.setdefault(str(row.g), {})[void_name] = int(row.n)  # type: ignore[union-attr]
        (total,) = dataset.query(f"SELECT {aggregate} WHERE {{ {body} }}")
        counts.setdefault("", {})[void_name] = int(total.n)  # type: ignore[union-attr]
    return counts


def void_counts(description: Graph, subject: URIRef) -> dict[str, int]:
    found = {}
    for name in ("triples", "entities", "distinctSubjects", "distinctObjects", "properties", "classes"):
        values = list(description.objects(subject, VOID[name]))
        assert len(values) == 1, f"{subject} needs one void:{name}, has {values}"
        found[name] = int(values[0])  # type: ignore[call-overload]
    return found


@pytest.mark.slow
def test_counts_equal_sparql_counts_of_the_built_dataset(built_dataset: Dataset, description: Graph) -> None:
    expected = sparql_counts(built_dataset)
    subsets = set(description.objects(iris.DATASET, VOID.subset))
    assert {str(s) for s in subsets} == set(expected) - {""}
    assert len(subsets) >= 10  # 5 articles, registry, background, ontology, provenance, inferred
    for subset in subsets:
        assert void_counts(description, subset) == expected[str(subset)], subset  # type: ignore[arg-type]
    assert void_counts(description, iris.DATASET) == expected[""]
    totals = void_counts(description, iris.DATASET)
    assert totals["triples"] == sum(expected[str(s)]["triples"] for s in subsets)
    assert totals["entities"] > 500


@pytest.mark.slow
def test_partitions_equal_sparql_counts(built_dataset: Dataset, description: Graph) -> None:
    def number(node: object) -> int:
        return int(str(node))

    classes = {}
    for row in built_dataset.query(
        f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?e) AS ?entities) WHERE {{
            GRAPH ?g {{ ?s a ?c }}
            BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{ENTITY_NS}"), ?s, ?unbound) AS ?e)
        }} GROUP BY ?c"""
    ):
        classes[row[0]] = (number(row[1]), number(row[2]))
    described: dict[object, tuple[int, ...]] = {}
    for part in description.objects(iris.DATASET, VOID.classPartition):
        counts = (VOID.distinctSubjects, VOID.entities)
        described[description.value(part, VOID["class"])] = tuple(number(description.value(part, c)) for c in counts)
    assert described == classes and len(classes) > 50

    properties = {}
    for row in built_dataset.query(
        "SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?ns) (COUNT(DISTINCT ?o) AS ?no) "
        "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p"
    ):
        properties[row[0]] = (number(row[1]), number(row[2]), number(row[3]))
    described = {}
    for part in description.objects(iris.DATASET, VOID.propertyPartition):
        counts = (VOID.triples, VOID.distinctSubjects, VOID.distinctObjects)
        described[description.value(part, VOID.property)] = tuple(number(description.value(part, c)) for c in counts)
    assert described == properties and len(properties) > 50


def test_the_dataset_and_every_graph_have_title_description_license_and_version(description: Graph) -> None:
    subjects = [iris.DATASET, *description.objects(iris.DATASET, VOID.subset)]
    for subject in subjects:
        for prop in (DCTERMS.title, DCTERMS.description):
            value = description.value(subject, prop)
            assert isinstance(value, Literal) and value.language == "en" and len(value) > 10, (subject, prop)
        assert description.value(subject, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
        assert description.value(subject, DCAT.version) == Literal(__version__), subject
        assert (subject, RDF.type, VOID.Dataset) in description
        assert (subject, RDF.type, DCAT.Dataset) in description


def test_article_graphs_name_their_article_as_source(built_dataset: Dataset, description: Graph) -> None:
    articles = {
        a
        for a in built_dataset.subjects(RDF.type, URIRef(iris.ONTOLOGY_NS + "Article"))
        if str(a).startswith(iris.ENTITY_NS + "article/")
    }
    assert articles == {iris.article(s) for s in CorpusLayout(resources.corpus_dir()).article_stems()}
    assert set(description.objects(iris.DATASET, DCTERMS.source)) == articles
    for article in articles:
        graph = iris.article_graph(str(article).rsplit("/", 1)[-1])
        assert description.value(graph, DCTERMS.source) == article
        assert description.value(graph, DCTERMS.rights) is not None
        title = built_dataset.graph(graph).value(article, DCTERMS.title)
        assert title is not None and str(title) in str(description.value(graph, DCTERMS.description))


def test_endpoint_examples_vocabularies_and_distributions(built_dir: Path, description: Graph) -> None:
    ds = iris.DATASET
    assert description.value(ds, VOID.sparqlEndpoint) == URIRef("https://w3id.org/kerman-kg/sparql")
    assert URIRef(ENTITY_NS + "kerman-bombings") in set(description.objects(ds, VOID.exampleResource))
    vocabularies = {str(v) for v in description.objects(ds, VOID.vocabulary)}
    assert {"https://w3id.org/kerman-kg/ontology#", "http://www.w3.org/ns/prov#", "https://schema.org/"} <= vocabularies
    media_types = {}
    for dist in description.objects(ds, DCAT.distribution):
        url = description.value(dist, DCAT.downloadURL)
        path = Path(url.replace("file://", ""))  # type: ignore[union-attr]  # resolved against void.ttl
        assert path.parent == built_dir.resolve() and path.is_file(), url
        content = path.read_bytes()
        assert int(description.value(dist, DCAT.byteSize)) == len(content)  # type: ignore[arg-type]
        checksum = description.value(dist, SPDX.checksum)
        assert str(description.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest()
        assert (ds, VOID.dataDump, url) in description
        media_types[path.name] = str(description.value(dist, DCAT.mediaType))
    assert media_types == {
        "kerman-kg.trig": "https://www.iana.org/assignments/media-types/application/trig",
        "kerman-kg.nq": "https://www.iana.org/assignments/media-types/application/n-quads",
    }


def test_every_void_dcat_and_spdx_term_used_exists(description: Graph) -> None:
    used = set()
    for _, p, o in description:
        used.add(p)
        if p == RDF.type:
            used.add(o)
    unknown = []
    for term in used:
        for ns, terms in ((VOID, VOID_TERMS), (DCAT, DCAT_TERMS), (SPDX, SPDX_TERMS)):
            if str(term).startswith(str(ns)) and str(term)[len(str(ns)) :] not in terms:
                unknown.append(str(term))
        if str(term).startswith(str(DCTERMS)):
            assert term in DCTERMS, term  # rdflib's DCTERMS namespace is closed: unknown names fail
    assert unknown == []
    assert any(str(t).startswith(str(DCAT)) for t in used) and any(str(t).startswith(str(VOID)) for t in used)


@pytest.mark.slow
def test_description_is_deterministic(built_dir: Path, built_dataset: Dataset) -> None:
    files = {name: (built_dir / name).read_bytes() for name in (rdfio.TRIG, rdfio.NQUADS)}
    first = catalog.to_turtle(catalog.dataset_description(built_dataset, __version__, files))
    reread = rdfio.load_dataset(built_dir / rdfio.NQUADS)
    second = catalog.to_turtle(catalog.dataset_description(reread, __version__, files))
    assert first == second == (built_dir / catalog.FILE_NAME).read_bytes()


def test_version_and_download_base_are_parameters(built_dataset: Dataset) -> None:
    graph = catalog.dataset_description(
        built_dataset, "9.9.9", {"kerman-kg.nq": b"x"}, download_base="https://example.org/d/"
    )
    assert graph.value(iris.DATASET, DCAT.version) == Literal("9.9.9")
    assert (iris.DATASET, VOID.dataDump, URIRef("https://example.org/d/kerman-kg.nq")) in graph
    Graph().parse(data=catalog.to_turtle(graph), format="turtle")  # parses back
    with pytest.raises(ValueError, match="media type"):
        catalog.dataset_description(built_dataset, "1", {"dump.zip": b""})


@pytest.fixture(params=["frozen", pytest.param("synthetic", marks=pytest.mark.slow)])
def data(request: pytest.FixtureRequest) -> Dataset:
    """The frozen corpus with its inferences, and (with the slow tests) a synthetic corpus."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def as_strings(dataset: Dataset, keep: Collection[URIRef]) -> tuple[rdfio.GraphTriples, rdfio.StringGraphs]:
    """The graphs named in ``keep`` as rdflib triples, the others as string triples."""
    graphs = rdfio.graph_triples(dataset)
    strings = {name.n3(): [ntriples.nt_triple(t) for t in rows] for name, rows in graphs.items() if name not in keep}
    assert len(strings) >= 9
    return {name: graphs[name] for name in keep}, strings


def shapes(description: Graph) -> tuple[set[Triple], Counter[tuple[Node, Node, frozenset[tuple[Node, Node]]]]]:
    """The description's triples without blank nodes, and each blank node (a partition or a checksum, all leaves)
    as what points at it and what it says: equal for equal descriptions, whatever the blank nodes' labels."""
    plain = {(s, p, o) for s, p, o in description if not isinstance(s, BNode) and not isinstance(o, BNode)}
    nested = Counter(
        (s, p, frozenset(description.predicate_objects(o))) for s, p, o in description if isinstance(o, BNode)
    )
    return plain, nested


def test_the_description_is_the_same_from_string_triples(frozen: Dataset) -> None:
    files = {rdfio.NQUADS: b"<a> <b> <c> <d> .\n"}
    expected = shapes(catalog.dataset_description(frozen, __version__, files))
    assert len(expected[0]) > 200 and sum(expected[1].values()) > 100
    for keep in ([iris.ONTOLOGY_GRAPH], [iris.ONTOLOGY_GRAPH, iris.PROVENANCE_GRAPH]):  # provenance parsed back, or not
        rdflib_graphs, strings = as_strings(frozen, keep)
        assert shapes(catalog.dataset_description(rdflib_graphs, __version__, files, string_graphs=strings)) == expected


@pytest.mark.slow
def test_void_bytes_are_the_same_from_string_triples(data: Dataset) -> None:
    files = {rdfio.TRIG: rdfio.to_trig(data), rdfio.NQUADS: rdfio.to_nquads(data)}
    expected = catalog.to_turtle(catalog.dataset_description(data, __version__, files))
    rdflib_graphs, strings = as_strings(data, [iris.ONTOLOGY_GRAPH])  # the ontology has blank nodes
    found = catalog.dataset_description(rdflib_graphs, __version__, files, string_graphs=strings)
    assert catalog.to_turtle(found) == expected
    assert b"void:classPartition" in expected and b"dcterms:source" in expected


def term_counts(triples: Collection[Triple]) -> dict[str, int]:
    """The counts of the description, taken with rdflib's terms (their equality) rather than their text."""
    subjects = {s for s, _, _ in triples}
    return {
        "triples": len(triples),
        "entities": sum(1 for s in subjects if voidcounts.is_entity(s)),
        "distinctSubjects": len(subjects),
        "distinctObjects": len({o for _, _, o in triples}),
        "properties": len({p for _, p, _ in triples}),
        "classes": len({o for _, p, o in triples if p == RDF.type}),
    }


def partition_counts(
    description: Graph, kind: URIRef, key: URIRef, counts: list[URIRef]
) -> dict[Node, tuple[int, ...]]:
    found = {}
    for part in description.objects(iris.DATASET, kind):
        found[description.value(part, key)] = tuple(int(str(description.value(part, c))) for c in counts)
    return found


def test_counts_and_partitions_are_those_of_rdflibs_terms(frozen: Dataset) -> None:
    graphs = rdfio.graph_triples(frozen)
    ontology = {iris.ONTOLOGY_GRAPH: graphs[iris.ONTOLOGY_GRAPH]}
    strings = {
        name.n3(): [ntriples.nt_triple(t) for t in triples] for name, triples in graphs.items() if name not in ontology
    }
    description = catalog.dataset_description(ontology, __version__, string_graphs=strings)
    for name, triples in graphs.items():
        assert void_counts(description, name) == term_counts(triples), name
    quads = [triple for triples in graphs.values() for triple in triples]
    assert void_counts(description, iris.DATASET) == term_counts(quads)

    instances: dict[Node, set[Node]] = defaultdict(set)
    subjects: dict[Node, set[Node]] = defaultdict(set)
    objects: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in quads:
        subjects[p].add(s)
        objects[p].add(o)
        if p == RDF.type:
            instances[o].add(s)
    triples_of = Counter(p for _, p, _ in quads)
    classes = {c: (len(m), sum(1 for s in m if voidcounts.is_entity(s))) for c, m in instances.items()}
    assert (
        partition_counts(description, VOID.classPartition, VOID["class"], [VOID.distinctSubjects, VOID.entities])
        == classes
    )
    properties = {p: (n, len(subjects[p]), len(objects[p])) for p, n in triples_of.items()}
    counts = [VOID.triples, VOID.distinctSubjects, VOID.distinctObjects]
    assert partition_counts(description, VOID.propertyPartition, VOID.property, counts) == properties
    assert len(classes) > 50 and len(properties) > 50


def test_article_graphs_are_described_from_string_triples(frozen: Dataset) -> None:
    graphs = rdfio.graph_triples(frozen)
    ontology = {iris.ONTOLOGY_GRAPH: graphs[iris.ONTOLOGY_GRAPH]}
    strings = {
        name.n3(): [ntriples.nt_triple(t) for t in rows] for name, rows in graphs.items() if name not in ontology
    }
    description = catalog.dataset_description(ontology, __version__, string_graphs=strings)
    described = 0
    for article in frozen.subjects(RDF.type, URIRef(iris.ONTOLOGY_NS + "Article")):
        name = iris.article_graph(str(article).rsplit("/", 1)[-1])
        assert description.value(name, DCTERMS.source) == article
        title = frozen.graph(name).value(article, DCTERMS.title)
        assert title is not None and f"The article's title: {title}" in str(
            description.value(name, DCTERMS.description)
        )
        publisher = frozen.graph(name).value(article, SCHEMA.publisher)
        assert description.value(name, DCTERMS.publisher) == (publisher if isinstance(publisher, URIRef) else None)
        described += 1
    assert described == 5 and len(set(description.objects(None, DCTERMS.publisher))) >= 1


def test_counting_text_tells_terms_apart_as_rdflib_does() -> None:
    """IRIs and literals with the same characters, language tags differing in case, blank nodes, the URI space."""
    space = URIRef(voidcounts.ENTITY_SPACE)
    entity = URIRef(voidcounts.ENTITY_SPACE + "x")
    triples: list[Triple] = [
        (entity, RDFS.label, Literal("a", lang="EN")),
        (entity, RDFS.label, Literal("a", lang="en")),
        (entity, RDFS.label, Literal("a", lang="en-GB")),
        (entity, RDFS.label, Literal("a")),
        (entity, RDFS.seeAlso, Literal(str(entity))),
        (entity, RDFS.seeAlso, entity),
        (entity, RDF.type, Literal("Class")),
        (entity, RDF.type, RDFS.Class),
        (space, RDFS.seeAlso, BNode("b")),
        (BNode("b"), RDFS.seeAlso, Literal("1", datatype=XSD.integer)),
        (BNode("b"), RDFS.seeAlso, Literal("01", datatype=XSD.integer, normalize=False)),
        (URIRef(voidcounts.ENTITY_SPACE + "y"), RDF.type, Literal("class", lang="EN")),
        (URIRef(voidcounts.ENTITY_SPACE + "z"), RDF.type, Literal("class", lang="en")),
    ]
    counts = voidcounts.count(triples)
    assert counts == voidcounts.count_strings([ntriples.nt_triple(t) for t in triples])
    # 13 triples; entities x, y, z (the URI space itself is none); subjects x, space, b, y, z; objects: "a"@EN and
    # "a"@en are one, "1" and "01" two; properties label, seeAlso, type; classes "Class", rdfs:Class, "class"@en
    assert counts == voidcounts.Counts(13, 3, 5, 11, 3, 3)
    assert tuple(term_counts(triples).values()) == (13, 3, 5, 11, 3, 3)


def test_string_graphs_are_named_by_iris_given_once(frozen: Dataset) -> None:
    graphs = rdfio.graph_triples(frozen)
    registry = [ntriples.nt_triple(t) for t in graphs[iris.REGISTRY_GRAPH]]
    with pytest.raises(ValueError, match="both"):
        catalog.dataset_description(frozen, __version__, string_graphs={iris.REGISTRY_GRAPH.n3(): registry})
    with pytest.raises(ValueError, match="N-Triples form"):
        catalog.dataset_description({}, __version__, string_graphs={str(iris.REGISTRY_GRAPH): registry})
