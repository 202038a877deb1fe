"""Every fact is grounded: its quote sits at its offsets, it names its article, it lives in its article's graph."""

from __future__ import annotations

from conftest import select, shared_dir
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import resources
from kg.curation.corpus import CorpusLayout, read_text
from kg.rdf import iris
from kg.rdf.namespaces import KGO, NIF


def article_graphs(dataset: Dataset) -> list[URIRef]:
    return sorted(g.identifier for g in dataset.graphs() if str(g.identifier).startswith(iris.GRAPH_NS + "article/"))


def test_one_graph_per_article_file(dataset: Dataset) -> None:
    stems = CorpusLayout(resources.corpus_dir()).article_stems()
    assert stems
    assert article_graphs(dataset) == sorted(iris.article_graph(s) for s in stems)


def test_every_article_graph_has_facts(dataset: Dataset) -> None:
    for name in article_graphs(dataset):
        graph = dataset.graph(name)
        facts = {f for f in graph.subjects(KGO.evidence, None) if "/meta-" not in str(f)}
        assert facts, f"{name} has no grounded fact besides its metadata"


def test_every_quote_is_at_its_offsets_in_the_file(dataset: Dataset) -> None:
    texts = {}
    for stem in CorpusLayout(resources.corpus_dir()).article_stems():
        texts[iris.article(stem)] = read_text(resources.corpus_dir() / "articles" / f"{stem}.txt")[0]
    rows = select(
        dataset,
        "SELECT ?q ?a ?exact ?b ?e WHERE { ?q a kgo:Quote ; nif:referenceContext ?a ; nif:anchorOf ?exact ;"
        " nif:beginIndex ?b ; nif:endIndex ?e }",
    )
    assert len(rows) >= len(texts)
    for quote, article, exact, begin, end in rows:
        assert texts[article][int(begin) : int(end)] == str(exact), quote


def test_article_text_in_graph_is_the_file(dataset: Dataset) -> None:
    for stem in CorpusLayout(resources.corpus_dir()).article_stems():
        text, digest = read_text(resources.corpus_dir() / "articles" / f"{stem}.txt")
        graph = dataset.graph(iris.article_graph(stem))
        assert graph.value(iris.article(stem), NIF.isString) == Literal(text)
        assert str(graph.value(iris.article(stem), KGO.sha256)) == digest


def test_every_fact_has_evidence_and_source_in_its_own_graph(dataset: Dataset) -> None:
    for name in article_graphs(dataset):
        graph = dataset.graph(name)
        article = iris.article(name.split("/")[-1])
        for node in set(graph.subjects(KGO.evidence, None)) | set(graph.subjects(KGO.source, None)):
            assert graph.value(node, KGO.source) == article, node
            quote = graph.value(node, KGO.evidence)
            assert quote is not None and (quote, RDF.type, KGO.Quote) in graph, node


def test_every_statement_figure_and_response_is_grounded(dataset: Dataset) -> None:
    rows = select(
        dataset,
        """SELECT ?x WHERE {
             { ?x kgo:statedBy ?who } UNION { ?x a/rdfs:subClassOf* kgo:CasualtyReport }
             UNION { ?x a/rdfs:subClassOf* kgo:Response }
             UNION { ?x a kgo:Assertion FILTER NOT EXISTS { ?x kgo:recordedIn ?record } }
             FILTER NOT EXISTS { ?x kgo:evidence ?q ; kgo:source ?a }
           }""",
    )
    assert rows == []


def test_every_asserted_triple_is_reified_with_evidence(dataset: Dataset) -> None:
    """Triples about registry entities in an article graph each have their Assertion."""
    for name in article_graphs(dataset):
        graph = dataset.graph(name)
        for s, p, o in graph:
            if not str(s).startswith(iris.ENTITY_NS) or str(s).startswith(iris.ENTITY_NS + "article/"):
                continue
            reified = (
                set(graph.subjects(RDF.subject, s))
                & set(graph.subjects(RDF.predicate, p))
                & set(graph.subjects(RDF.object, o))
            )
            assert reified, f"{name}: ({s} {p} {o}) has no kgo:Assertion"


def test_every_entity_has_a_label(dataset: Dataset) -> None:
    rows = select(
        dataset,
        """SELECT DISTINCT ?e WHERE {
             { ?s kgo:statedBy|kgo:about|kgo:accuses|kgo:givenBy|kgo:occurredAt|kgo:channel ?e }
             UNION { ?a a kgo:Assertion ; rdf:subject ?e }
             FILTER(isIRI(?e)) FILTER NOT EXISTS { ?e rdfs:label ?l }
           }""",
    )
    assert rows == []


def test_registry_and_background_hold_no_article_facts(dataset: Dataset) -> None:
    for name in (iris.REGISTRY_GRAPH, iris.BACKGROUND_GRAPH):
        graph = dataset.graph(name)
        assert len(graph) > 0
        assert not list(graph.subjects(KGO.evidence, None))
        assert not list(graph.subjects(KGO.statedBy, None))


def test_article_graphs_are_described_with_prov(dataset: Dataset) -> None:
    prov = dataset.graph(iris.PROVENANCE_GRAPH)
    for name in article_graphs(dataset):
        article = iris.article(name.split("/")[-1])
        assert (name, RDF.type, KGO.ArticleGraph) in prov
        assert (name, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), article) in prov
        assert prov.value(name, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")) is not None
    for name in (iris.REGISTRY_GRAPH, iris.BACKGROUND_GRAPH, iris.ONTOLOGY_GRAPH):
        assert prov.value(name, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")) is not None


def test_labels_are_language_tagged(dataset: Dataset) -> None:
    untagged = [s for s, o in dataset.subject_objects(RDFS.label) if isinstance(o, Literal) and not o.language]
    assert untagged == []


def test_corpus_files_are_the_shared_originals() -> None:
    originals = sorted((shared_dir() / "articles").glob("*.txt"))
    assert len(originals) == 5
    for original in originals:
        ours = resources.corpus_dir() / "articles" / original.name
        assert ours.read_bytes() == original.read_bytes(), original.name
