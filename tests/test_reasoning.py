"""OWL RL reasoning: useful entailments, in their own graph, with the input untouched."""

from __future__ import annotations

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from kg.pipeline.reasoning import INFERRED_GRAPH, Inference, infer, keep, with_inferences
from kg.rdf import iris
from kg.rdf.namespaces import KGD, KGO


@pytest.fixture(scope="module")
def reasoned(reasoning: tuple[Dataset, Inference]) -> tuple[Dataset, Inference]:
    """The session's reasoned embedded corpus (see conftest), as (dataset, inference)."""
    return reasoning


def union_has(ds: Dataset, triple: tuple[object, object, object]) -> bool:
    return any(True for _ in ds.quads((*triple, None)))  # type: ignore[arg-type]


def test_query_for_attacks_finds_every_kind_of_attack(dataset: Dataset, reasoned: tuple[Dataset, Inference]) -> None:
    full, _ = reasoned
    query = "SELECT DISTINCT ?a WHERE { ?a a <https://w3id.org/kerman-kg/ontology#Attack> }"
    before = {r[0] for r in dataset.query(query)}
    after = {r[0] for r in full.query(query)}
    # typed as bombings, drone strikes and missile strikes by the articles, attacks only by inference
    for slug in ("kerman-bombings", "tehran-attacks-2017", "soleimani-killing", "iran-missile-retaliation-2020"):
        assert KGD[slug] in after, slug
    assert KGD["soleimani-killing"] not in before  # asserted as a strike, an air strike and a drone strike
    assert (KGD["soleimani-killing"], RDF.type, KGO.DroneStrike) in full


def test_query_for_attacks_returns_suicide_bombings() -> None:
    """The corpus types no event as a suicide bombing (that is contested), so a small graph shows it."""
    data = Dataset()
    graph = data.graph(URIRef("urn:test"))
    graph.add((KGD["test-suicide-bombing"], RDF.type, KGO.SuicideBombing))
    from kg import resources
    from kg.rdf.ontology import load_ontology

    for triple in load_ontology(resources.ontology_dir()):
        data.graph(iris.ONTOLOGY_GRAPH).add(triple)
    inferred = infer(data).graph
    assert (KGD["test-suicide-bombing"], RDF.type, KGO.Bombing) in inferred
    assert (KGD["test-suicide-bombing"], RDF.type, KGO.Attack) in inferred
    assert (KGD["test-suicide-bombing"], RDF.type, KGO.Event) in inferred


def test_events_in_iran_include_the_kerman_attack_through_part_of(reasoned: tuple[Dataset, Inference]) -> None:
    full, inference = reasoned
    in_iran = {
        r[0]
        for r in full.query(
            "SELECT ?e WHERE { ?e <https://w3id.org/kerman-kg/ontology#occurredAt> "
            "<https://w3id.org/kerman-kg/id/iran> }"
        )
    }
    assert {KGD["kerman-bombings"], KGD["kerman-explosion-1"], KGD["kerman-explosion-2"]} <= in_iran
    # the explosions are placed at the cemetery in Kerman; Iran comes from the transitive part-of
    assert (KGD["kerman-explosion-1"], KGO.occurredAt, KGD.iran) in inference.graph
    assert (KGD["kerman-cemetery"], KGO.locatedIn, KGD.iran) in inference.graph


def test_inverse_properties_are_materialized(reasoned: tuple[Dataset, Inference]) -> None:
    _, inference = reasoned
    assert (KGD["president-of-iran"], KGO.heldBy, KGD["ebrahim-raisi"]) in inference.graph
    assert (KGD["kerman-explosion-1"], KGO.subEventOf, KGD["kerman-bombings"]) in inference.graph


def test_property_chain_gives_affiliation(reasoned: tuple[Dataset, Inference]) -> None:
    _, inference = reasoned
    # holdsPosition o positionIn -> affiliatedWith: Mokhber's position is in Iran (article 001)
    assert (KGD["mohammad-mokhber"], KGO.affiliatedWith, KGD.iran) in inference.graph


def test_symmetric_and_super_properties(reasoned: tuple[Dataset, Inference]) -> None:
    _, inference = reasoned
    analysts = iris.in_article("000_97a337defbf8726c", "analysts-not-israeli-blueprint")
    raisi_000 = iris.in_article("000_97a337defbf8726c", "raisi-accuses-us-israel")
    assert (raisi_000, KGO.contradicts, analysts) in inference.graph  # stated the other way round
    raisi = iris.in_article("004_42786bf6974ebd47", "raisi-accuses-israel")
    assert (raisi, KGO.concerns, KGD.israel) in inference.graph


def test_no_noise_in_the_inferred_graph(reasoned: tuple[Dataset, Inference]) -> None:
    _, inference = reasoned
    assert len(inference.graph) > 1000
    for s, p, o in inference.graph:
        assert not isinstance(s, Literal), (s, p, o)
        assert not isinstance(s, BNode) and not isinstance(o, BNode), (s, p, o)
        assert not (p == OWL.sameAs and s == o), (s, p, o)
        assert str(s).startswith((iris.ENTITY_NS, iris.GRAPH_NS)), (s, p, o)
        assert not (p == RDF.type and o in (OWL.Thing, OWL.NamedIndividual)), (s, p, o)


def test_keep_drops_literal_subjects_and_reflexive_same_as() -> None:
    node = KGD["x"]
    assert not keep((Literal("x"), RDF.type, KGO.Event))
    assert not keep((node, OWL.sameAs, node))
    assert not keep((node, RDF.type, OWL.Thing))
    assert not keep((KGO.Event, RDF.type, OWL.Class))
    assert keep((node, RDF.type, KGO.Event))
    assert keep((node, OWL.sameAs, KGD["y"]))


def test_inferred_triples_are_not_asserted_anywhere_else(reasoned: tuple[Dataset, Inference]) -> None:
    full, inference = reasoned
    for triple in list(inference.graph)[:500]:
        owners = {g.identifier for g in full.graphs() if triple in g}
        assert owners == {INFERRED_GRAPH}, (triple, owners)


def test_reasoning_leaves_the_asserted_graphs_unchanged(built) -> None:  # type: ignore[no-untyped-def]
    from kg.pipeline.build import build_dataset

    fresh = build_dataset().dataset
    before = {g.identifier: len(g) for g in fresh.graphs()}
    copies = {g.identifier: Graph().__iadd__(g) for g in fresh.graphs() if len(g)}
    infer(fresh)
    full, _ = with_inferences(fresh)
    assert {g.identifier: len(g) for g in fresh.graphs()} == before
    assert INFERRED_GRAPH not in {g.identifier for g in fresh.graphs() if len(g)}
    for name, copy in copies.items():
        assert isomorphic(fresh.graph(name), copy), name
        if name == iris.PROVENANCE_GRAPH:  # gains the description of the inferred graph, loses nothing
            assert set(copy) <= set(full.graph(name))
        else:
            assert isomorphic(full.graph(name), copy), name


def test_inferred_graph_is_described_with_prov(reasoned: tuple[Dataset, Inference]) -> None:
    full, _ = reasoned
    prov = full.graph(iris.PROVENANCE_GRAPH)
    derived_from = set(prov.objects(INFERRED_GRAPH, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert iris.REGISTRY_GRAPH in derived_from and iris.ONTOLOGY_GRAPH in derived_from
    assert prov.value(INFERRED_GRAPH, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")) is not None


def test_stale_inferences_are_replaced(reasoned: tuple[Dataset, Inference]) -> None:
    full, _ = reasoned
    stale = (KGD["kerman-bombings"], KGO.occurredAt, KGD.israel)
    full.graph(INFERRED_GRAPH).add(stale)
    again, _ = with_inferences(full)
    assert not union_has(again, stale)
    full.graph(INFERRED_GRAPH).remove(stale)


# ----------------------------------------------------------------------------- the rules against owlrl


@pytest.mark.slow
def test_the_rules_keep_exactly_what_owlrl_keeps_on_the_corpus(built: object) -> None:
    from kg.pipeline.reasoning import infer_owlrl, infer_rules

    dataset = built.dataset  # type: ignore[attr-defined]
    ours, reference = infer_rules(dataset).graph, infer_owlrl(dataset).graph
    assert len(reference) > 1000
    assert set(ours) == set(reference)


@pytest.mark.slow
def test_the_rules_keep_exactly_what_owlrl_keeps_on_a_synthetic_corpus(tmp_path: object) -> None:
    import subprocess
    import sys
    from pathlib import Path

    from kg.pipeline.build import build_dataset
    from kg.pipeline.reasoning import infer_owlrl, infer_rules

    folder = Path(str(tmp_path)) / "synthetic"
    script = Path(__file__).resolve().parent.parent / "bench" / "synthetic.py"
    made = subprocess.run([sys.executable, str(script), "7", str(folder)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    dataset = build_dataset(folder).dataset
    ours, reference = infer_rules(dataset).graph, infer_owlrl(dataset).graph
    assert len(reference) > 3000
    assert set(ours) == set(reference)


def test_the_rules_follow_chains_transitivity_inverses_and_symmetry() -> None:
    """Each rule on a small graph written for the test, beside owlrl's answer on the same graph."""
    from kg import resources
    from kg.pipeline.reasoning import infer_owlrl, infer_rules
    from kg.rdf.ontology import load_ontology

    data = Dataset()
    graph = data.graph(URIRef("urn:test"))
    for triple in (
        (KGD.a, KGO.occurredAt, KGD.site),
        (KGD.site, KGO.locatedIn, KGD.city),
        (KGD.city, KGO.locatedIn, KGD.country),
        (KGD.p, KGO.holdsPosition, KGD.post),
        (KGD.post, KGO.positionIn, KGD.org),
        (KGD.org, KGO.alliedWith, KGD.other),
        (KGD.a, KGO.hasSubEvent, KGD.b),
    ):
        graph.add(triple)
    for triple in load_ontology(resources.ontology_dir()):
        data.graph(iris.ONTOLOGY_GRAPH).add(triple)
    ours = set(infer_rules(data).graph)
    for expected in (
        (KGD.site, KGO.locatedIn, KGD.country),  # transitive
        (KGD.a, KGO.occurredAt, KGD.country),  # chain occurredAt o locatedIn, through transitivity
        (KGD.p, KGO.affiliatedWith, KGD.org),  # chain holdsPosition o positionIn
        (KGD.other, KGO.alliedWith, KGD.org),  # symmetric
        (KGD.b, KGO.subEventOf, KGD.a),  # inverse
        (KGD.post, RDF.type, KGO.Position),  # range
    ):
        assert expected in ours, expected
    assert ours == set(infer_owlrl(data).graph)
