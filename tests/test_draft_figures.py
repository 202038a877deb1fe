"""Drafting casualty figures (kg.drafting.figures) on sentences written for the tests, with a fictional registry."""

from __future__ import annotations

import datetime as dt

import pytest
from draft_fixtures import article

from kg.curation.figures import parse_figure
from kg.drafting import figures
from kg.drafting.model import DraftFact

LEAD = "Twin blasts hit Riverton on Tuesday.\n"


def casualties(text: str) -> list[dict[str, object]]:
    return [f.body for f in figures.extract(article(LEAD + text))]


def check_grounded(analysis_text: str, facts: list[DraftFact]) -> None:
    """Every quote is verbatim at its offset, and every text field is part of its quote."""
    for fact in facts:
        assert analysis_text[fact.start : fact.start + len(fact.quote)] == fact.quote
        for key in ("figure", "hedge"):
            if key in fact.body:
                assert fact.body[key] in fact.quote
        assert fact.cue and fact.cue in analysis_text


@pytest.mark.parametrize(
    ("figure", "qualifier"),
    [
        ("41", "exactly"),
        ("at least 41", "atLeast"),
        ("more than 80", "moreThan"),
        ("over 81", "moreThan"),
        ("upwards of 82", "moreThan"),
        ("nearly 90", "nearly"),
        ("almost 91", "nearly"),
        ("close to 92", "nearly"),
        ("about 60", "approximately"),
        ("around 61", "approximately"),
        ("approximately 62", "approximately"),
        ("roughly 63", "approximately"),
        ("some 64", "approximately"),
        ("a hundred", "exactly"),
        ("more than a hundred", "moreThan"),
        ("1,200", "exactly"),
    ],
)
def test_a_figure_keeps_its_qualifier_as_written(figure: str, qualifier: str) -> None:
    [body] = casualties(f"The twin blasts killed {figure} people.")
    assert body == {"type": "killed", "of": "riverton-bombings", "figure": figure, "given_by": "publisher"}
    assert parse_figure(str(body["figure"])).qualifier == qualifier


@pytest.mark.parametrize("figure", ["up to 50", "as many as 51", "an estimated 52", "well over 53", "fewer than 54"])
def test_a_qualifier_the_parser_cannot_keep_drops_the_figure(figure: str) -> None:
    assert casualties(f"The explosions killed {figure} people.") == []


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("The explosions left more than 200 people killed or wounded.", "more than 200"),
        ("The attackers detonated their vests, killing and wounding 150 worshippers.", "150"),
        ("The attack caused 151 casualties.", "151"),
        ("The bombings left 152 dead and injured.", "152"),
    ],
)
def test_a_combined_figure_is_one_figure_and_never_a_death_toll(sentence: str, figure: str) -> None:
    [body] = casualties(sentence)
    assert body["type"] == "killed_and_injured"
    assert body["figure"] == figure


@pytest.mark.parametrize(
    "sentence",
    [
        "The bombings left 95 killed and 211 injured.",
        "The bombings killed 95 people and wounded 211 others.",
        "The explosions caused 95 deaths and 211 injuries.",
        "The dual blasts resulted in the deaths of 95 people and left 211 others injured.",
    ],
)
def test_two_figures_in_a_sentence_are_two_facts(sentence: str) -> None:
    found = {(b["type"], b["figure"]) for b in casualties(sentence)}
    assert found == {("killed", "95"), ("injured", "211")}


@pytest.mark.parametrize(
    "sentence",
    [
        "The blasts caused numerous injuries.",
        "Dozens of people were injured in the blasts.",
        "Hundreds were wounded when the bombs went off.",
        "The war in the north has killed more than 2,000 people.",
    ],
)
def test_words_that_are_not_figures_of_the_attack_are_not_drafted(sentence: str) -> None:
    assert casualties(sentence) == []


def test_the_number_of_attackers_is_not_a_death_toll() -> None:
    found = casualties("Two suicide bombers killed 41 people at the market.")
    assert [(b["type"], b["figure"]) for b in found] == [("killed", "41")]


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("At least 82 people lost their lives in the explosions.", "At least 82"),
        ("83 people were confirmed dead after the blasts.", "83"),
        ("The death toll from the bombings was later revised down to 81.", "81"),
        ("The blasts claimed the lives of 40 worshippers.", "40"),
    ],
)
def test_more_ways_of_giving_a_death_toll(sentence: str, figure: str) -> None:
    [body] = casualties(sentence)
    assert (body["type"], body["figure"]) == ("killed", figure)


def test_a_death_toll_phrase_and_a_sentence_that_follows_the_attack() -> None:
    found = casualties("The death toll from the bombings rose to 48. The number of injured reached 150.")
    assert {(b["type"], b["figure"]) for b in found} == {("killed", "48"), ("injured", "150")}


@pytest.mark.parametrize(
    ("sentence", "given_by"),
    [
        ("The bombings killed 41 people, Veldorian officials said.", "veldorian-officials"),
        ("According to the Riverton Herald, the explosions killed 45 people.", "riverton-herald"),
        ("The Red Hand Front said its fighters killed 300 people in the attack.", "red-hand-front"),
        ("The explosions, which killed 46 people, were claimed by the Red Hand Front.", "publisher"),
    ],
)
def test_an_attributed_figure_is_given_by_its_speaker(sentence: str, given_by: str) -> None:
    [body] = casualties(sentence)
    assert body["given_by"] == given_by


def test_a_figure_in_a_claimants_quotation_is_the_claimants() -> None:
    text = "In its statement, the Red Hand Front wrote: “Our brothers killed and wounded 500 infidels in the blasts.”"
    [body] = casualties(text)
    assert body == {
        "type": "killed_and_injured",
        "of": "riverton-bombings",
        "figure": "500",
        "given_by": "red-hand-front",
    }


def test_a_generic_source_becomes_a_new_group() -> None:
    [fact] = figures.extract(article(LEAD + "Health officials put the death toll at 50."))
    assert fact.body["given_by"] == "health-officials"
    assert [(m.entity, m.types) for m in fact.new_entities] == [("health-officials", ("Group",))]


@pytest.mark.parametrize(
    "sentence",
    [
        "According to a source close to the investigation, the blasts killed 60 people.",
        "He said the attack killed 51 people.",
    ],
)
def test_a_figure_from_a_speaker_that_cannot_be_named_is_not_drafted(sentence: str) -> None:
    assert casualties(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "hedge"),
    [
        ("The explosions are said to have killed 41 people.", "are said to have"),
        ("The blasts reportedly killed 42 people.", "reportedly"),
        ("43 people were reportedly killed in the bombings.", "reportedly"),
    ],
)
def test_a_hedge_goes_in_hedge(sentence: str, hedge: str) -> None:
    [body] = casualties(sentence)
    assert body["hedge"] == hedge
    assert body["given_by"] == "publisher"


def test_a_figure_of_an_earlier_incident_counts_that_incident() -> None:
    [body] = casualties(
        "The Red Hand Front previously claimed an attack on the Riverton stadium in 2025, which killed 12 people."
    )
    assert body["of"] == "stadium-attack-2025"


def test_a_figure_of_a_new_incident_declares_it() -> None:
    text = LEAD + "It was not the first such attack: a bombing at a Port Elm mosque in 2019 killed 20 people."
    [fact] = figures.extract(article(text))
    assert fact.body["of"] == "bombing-at-a-port-elm-mosque-in-2019"
    assert [m.entity for m in fact.new_entities] == ["bombing-at-a-port-elm-mosque-in-2019"]


def test_a_restatement_without_its_source_gives_way_to_the_attributed_figure() -> None:
    text = "Riverton: the twin blasts killed 84\nThe twin blasts killed 84 people, Veldorian officials said."
    [fact] = figures.extract(article(text))
    assert fact.body["given_by"] == "veldorian-officials"


def test_the_same_figure_is_drafted_once() -> None:
    text = "Twin blasts in Riverton kill 41\nThe twin blasts killed 41 people.\nThe twin blasts killed 41 people."
    assert len(figures.extract(article(text))) == 1


@pytest.mark.parametrize("published", [None, dt.date(2030, 3, 7)])
def test_a_description_another_attack_bears_does_not_make_it_the_articles_attack(published: dt.date | None) -> None:
    # "twin bombings" is the registry's alias of the 2026 market bombings; Riverton names this one's place
    text = "The twin bombings in Riverton killed 41 people.\nThe twin bombings shocked the country."
    [body] = [f.body for f in figures.extract(article(text, published))]
    assert body["of"] == "riverton-bombings"


def test_no_attack_named_no_figure() -> None:
    assert figures.extract(article("A storm hit the coast. It killed 30 people.")) == []


def test_quotes_are_verbatim_and_hold_every_text_field() -> None:
    text = LEAD + (
        "The twin blasts killed at least 41 people and injured 130 others.\n"
        "The explosions are said to have killed nearly 90 people, Veldorian officials said.\n"
        "In a statement, the Red Hand Front wrote: “We killed and wounded more than 300 in the blasts.”"
    )
    analysis = article(text)
    facts = figures.extract(analysis)
    assert len(facts) == 4
    check_grounded(analysis.text, facts)
    for fact in facts:
        parse_figure(str(fact.body["figure"]))
        assert fact.kind == "casualties" and fact.rule.startswith("casualty-figure")
