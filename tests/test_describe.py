"""The dataset description (VoID + DCAT): counts agree with SPARQL over the built dataset, it is complete and stable."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID

from kg import __version__, describe, iris, rdfio, resources
from kg.corpus import CorpusLayout

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
    path = built_dir / describe.FILE_NAME
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
    first = describe.to_turtle(describe.describe(built_dataset, __version__, files))
    second = describe.to_turtle(describe.describe(rdfio.load_dataset(built_dir / rdfio.NQUADS), __version__, files))
    assert first == second == (built_dir / describe.FILE_NAME).read_bytes()


def test_version_and_download_base_are_parameters(built_dataset: Dataset) -> None:
    graph = describe.describe(built_dataset, "9.9.9", {"kerman-kg.nq": b"x"}, download_base="https://example.org/d/")
    assert graph.value(iris.DATASET, DCAT.version) == Literal("9.9.9")
    assert (iris.DATASET, VOID.dataDump, URIRef("https://example.org/d/kerman-kg.nq")) in graph
    Graph().parse(data=describe.to_turtle(graph), format="turtle")  # parses back
    with pytest.raises(ValueError, match="media type"):
        describe.describe(built_dataset, "1", {"dump.zip": b""})
