"""One canonical entity per real thing: aliases resolve to one entity each; Wikidata only from the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import select, shared_dir
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import SKOS

from kg import resources
from kg.curation.corpus import CorpusLayout, read_text
from kg.curation.registry import aliases_not_in, load_registry, load_wikidata
from kg.rdf import iris
from kg.rdf.namespaces import WD
from kg.rdf.ontology import Vocabulary, load_ontology

FIND_BY_NAME = """
SELECT DISTINCT ?e WHERE {
  ?e rdfs:label|skos:altLabel ?name .
  FILTER(LCASE(STR(?name)) = LCASE(STR(?q)))
}"""


def find(dataset: Dataset, name: str) -> set[str]:
    return {str(r[0]) for r in select(dataset, FIND_BY_NAME, q=Literal(name))}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ebrahim Raisi", "ebrahim-raisi"),
        ("Ibrahim Raisi", "ebrahim-raisi"),
        ("Ebhrahim Raisi", "ebrahim-raisi"),
        ("Qasem Soleimani", "qasem-soleimani"),
        ("Qassem Soleimani", "qasem-soleimani"),
        ("ISIS", "islamic-state"),
        ("IS", "islamic-state"),
        ("Islamic State", "islamic-state"),
        ("Daesh", "islamic-state"),
        ("ISIS-K", "isis-k"),
        ("ISIS-Khorasan", "isis-k"),
        ("Mohammad Jamsidi", "mohammad-jamshidi"),
        ("Mohammad Jamshidi", "mohammad-jamshidi"),
        ("Meir Livak", "meir-litvak"),
        ("U.S.", "united-states"),
        ("Revolutionary Guards Corps", "irgc"),
    ],
)
def test_alias_resolves_to_one_entity(dataset: Dataset, name: str, slug: str) -> None:
    assert find(dataset, name) == {str(iris.entity(slug))}


def test_no_name_is_shared_by_two_registry_entities(dataset: Dataset) -> None:
    registry = dataset.graph(iris.REGISTRY_GRAPH)
    owners: dict[str, set[URIRef]] = {}
    for s, o in registry.subject_objects(SKOS.altLabel):
        owners.setdefault(str(o).lower(), set()).add(s)
    for s, o in registry.subject_objects(URIRef("http://www.w3.org/2000/01/rdf-schema#label")):
        owners.setdefault(str(o).lower(), set()).add(s)
    shared = {name: sorted(map(str, who)) for name, who in owners.items() if len(who) > 1}
    assert shared == {}


def registry_and_texts() -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    layout = CorpusLayout(resources.corpus_dir())
    vocabulary = Vocabulary.from_graph(load_ontology(resources.ontology_dir()))
    registry = load_registry(layout.registry, vocabulary, load_wikidata(layout.wikidata))
    texts = [read_text(layout.articles_dir / f"{s}.txt")[0] for s in layout.article_stems()]
    return registry, texts


def test_every_alias_is_a_spelling_the_articles_use() -> None:
    registry, texts = registry_and_texts()
    assert len(registry) > 50
    assert aliases_not_in(registry, texts) == []


def test_alias_check_catches_an_invented_spelling() -> None:
    registry, texts = registry_and_texts()
    registry["islamic-state"].aliases.append("Islamic Statez")
    assert aliases_not_in(registry, texts) == [("islamic-state", "Islamic Statez")]


def test_wikidata_links_only_from_the_confirmed_list(dataset: Dataset) -> None:
    listed = load_wikidata(resources.corpus_dir() / "wikidata.tsv")
    links = {(str(s), str(o)) for g in dataset.graphs() for s, o in g.subject_objects(SKOS.exactMatch)}
    assert links, "no Wikidata links at all"
    for _, target in links:
        assert target.startswith(str(WD)) and target[len(str(WD)) :] in listed, target
    for graph in dataset.graphs():
        if graph.identifier != iris.BACKGROUND_GRAPH:
            assert not list(graph.subject_objects(SKOS.exactMatch)), graph.identifier
    assert (str(iris.entity("kerman-bombings")), str(WD["Q124098799"])) in links


def test_wikidata_list_is_the_shared_one() -> None:
    shared = shared_dir() / "wikidata.tsv"
    assert (resources.corpus_dir() / "wikidata.tsv").read_bytes() == shared.read_bytes()


def test_unlisted_wikidata_item_is_refused(corpus_copy: Path) -> None:
    from kg.errors import BuildFailed
    from kg.pipeline.build import build_dataset

    registry = corpus_copy / "entities.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("label: Tehran\n", "label: Tehran\n  wikidata: Q3616\n"),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed) as failed:
        build_dataset(corpus_copy)
    assert "Q3616 is not in the confirmed list" in str(failed.value)
