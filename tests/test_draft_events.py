"""Drafting the attack's date and place, earlier incidents and responses (kg.drafting.events.attack), on sentences
written for the tests, with a fictional registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from draft_fixtures import article

from kg.curation import dates as kgdates
from kg.drafting.events import attack as events
from kg.drafting.model import DraftFact


def drafted(text: str, published: dt.date | None = None) -> list[DraftFact]:
    analysis = article(text, published)
    facts = events.extract(analysis)
    for fact in facts:  # every quote is verbatim at its offset and holds every text field
        assert analysis.text[fact.start : fact.start + len(fact.quote)] == fact.quote
        assert fact.cue in analysis.text
        if fact.kind == "relations":
            for _, _, obj in fact.body:
                if isinstance(obj, dict):
                    assert obj["as_written"] in fact.quote
                    assert kgdates.disagreements(kgdates.parse_iso(obj["date"]), obj["as_written"]) == []
    return facts


def triples(facts: list[DraftFact], prop: str) -> list[list[Any]]:
    return [t for f in facts if f.kind == "relations" for t in f.body if t[1] == prop]


def responses(facts: list[DraftFact]) -> list[dict[str, Any]]:
    return [f.body for f in facts if f.kind == "response"]


# ------------------------------------------------------------------ the attack


def test_the_attacks_date_and_place_in_the_articles_voice() -> None:
    facts = drafted("The twin blasts in Riverton on March 5, 2030 killed 41 people.")
    assert triples(facts, "occurredOn") == [
        ["riverton-bombings", "occurredOn", {"date": "2030-03-05", "as_written": "on March 5, 2030"}]
    ]
    assert triples(facts, "occurredAt") == [["riverton-bombings", "occurredAt", "riverton"]]


def test_a_place_and_the_place_that_holds_it() -> None:
    facts = drafted("The explosions that took place in Riverton, Veldoria, shocked the region.")
    assert triples(facts, "occurredAt") == [
        ["riverton-bombings", "occurredAt", "riverton"],
        ["riverton-bombings", "occurredAt", "veldoria"],
    ]


def test_a_claimants_words_are_not_the_articles_facts() -> None:
    facts = drafted("The Red Hand Front said the bombings in Riverton were carried out on March 5, 2030.")
    assert triples(facts, "occurredOn") == [] and triples(facts, "occurredAt") == []


def test_a_weekday_dates_the_attack_only_with_a_publication_date() -> None:
    text = "The twin blasts took place on Tuesday."
    assert triples(drafted(text), "occurredOn") == []
    assert triples(drafted(text, dt.date(2030, 3, 7)), "occurredOn") == [
        ["riverton-bombings", "occurredOn", {"date": "2030-03-05", "as_written": "on Tuesday"}]
    ]


def test_a_date_of_another_event_in_the_sentence_is_not_the_attacks() -> None:
    text = "The twin blasts were claimed in a statement released on March 6, 2030."
    assert triples(drafted(text), "occurredOn") == []


# ------------------------------------------------------------ earlier incidents


def test_an_earlier_incident_is_linked_to_the_registry_by_its_year() -> None:
    facts = drafted("The twin blasts recalled an attack on the Riverton stadium in 2025.")
    assert triples(facts, "relatedIncident") == [["riverton-bombings", "relatedIncident", "stadium-attack-2025"]]
    assert triples(facts, "occurredOn") == [
        ["stadium-attack-2025", "occurredOn", {"date": "2025", "as_written": "in 2025"}]
    ]


def test_an_incident_the_text_does_not_tie_to_the_attack_is_dated_but_not_related() -> None:
    facts = drafted("Twin blasts hit Riverton. Anna Kovac survived an attack on the Riverton stadium in 2025.")
    assert triples(facts, "relatedIncident") == []
    assert triples(facts, "occurredOn") == [
        ["stadium-attack-2025", "occurredOn", {"date": "2025", "as_written": "in 2025"}]
    ]


def test_an_incident_the_registry_does_not_have_becomes_a_new_event() -> None:
    text = (
        "Twin blasts hit Riverton. It was not the first such attack: a bombing at a Port Elm mosque in 2019 killed 20."
    )
    facts = drafted(text)
    [related] = [f for f in facts if f.rule == "related-incident"]
    new = "bombing-at-a-port-elm-mosque-in-2019"
    assert related.body == [["riverton-bombings", "relatedIncident", new]]
    assert [(m.entity, m.types, m.text) for m in related.new_entities] == [
        (new, ("Bombing",), "bombing at a Port Elm mosque in 2019")
    ]
    assert triples(facts, "occurredOn") == [[new, "occurredOn", {"date": "2019", "as_written": "in 2019"}]]


def test_a_counted_plural_matches_every_tied_registry_event_and_a_next_sentence_ties_them() -> None:
    text = (
        "Twin blasts hit Riverton.\n"
        "In 2027, there were two ferry attacks in Veldoria. Both cases were similar to what happened in Riverton."
    )
    facts = drafted(text)
    [related] = [f for f in facts if f.rule == "related-incident"]  # one passage, one fact
    assert related.body == [
        ["riverton-bombings", "relatedIncident", "ferry-attack-2027-a"],
        ["riverton-bombings", "relatedIncident", "ferry-attack-2027-b"],
    ]
    assert related.quote == "Both cases were similar to what happened in Riverton."
    assert {t[0] for t in triples(facts, "occurredAt")} == {"ferry-attack-2027-a", "ferry-attack-2027-b"}


def test_two_incidents_of_one_sentence_are_one_fact_per_property() -> None:
    text = "Twin blasts hit Riverton. Such attacks include an attack on the stadium in 2025 and a drone strike in 2027."
    facts = drafted(text)
    [related] = [f for f in facts if f.rule == "related-incident"]
    assert [t[2] for t in related.body] == ["stadium-attack-2025", "harbour-strike-2027"]
    [dated] = [f for f in facts if f.rule == "incident-date"]
    assert [(t[0], t[2]["as_written"]) for t in dated.body] == [
        ("stadium-attack-2025", "in 2025"),
        ("harbour-strike-2027", "in 2027"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "It was the deadliest attack in Veldoria since 2019.",
        "The twin blasts were one of the worst attacks since the 2019 elections.",
    ],
)
def test_a_comparison_is_not_an_incident(sentence: str) -> None:
    facts = drafted("Twin blasts hit Riverton. " + sentence)
    assert triples(facts, "relatedIncident") == [] and triples(facts, "occurredOn") == []


def test_a_strike_noun_wants_a_strike() -> None:
    facts = drafted("Twin blasts hit Riverton. Anna Kovac survived a drone strike in 2027.")
    assert triples(facts, "occurredOn") == [
        ["harbour-strike-2027", "occurredOn", {"date": "2027", "as_written": "in 2027"}]
    ]


# ------------------------------------------------------------------- responses


def test_a_cancelled_visit_with_its_destination() -> None:
    facts = drafted("After the twin blasts, Anna Kovac cancelled a planned visit to Norland.")
    assert responses(facts) == [
        {
            "type": "CancelledVisit",
            "by": "anna-kovac",
            "in_response_to": "riverton-bombings",
            "destination": "norland",
        }
    ]


def test_a_response_the_text_does_not_tie_to_the_attack_has_no_in_response_to() -> None:
    facts = drafted("Twin blasts hit Riverton. Veldoria declared three days of national mourning.")
    assert responses(facts) == [{"type": "DayOfMourning", "by": "veldoria"}]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The Veldorian government declared a day of mourning for the victims.",
            {"type": "DayOfMourning", "by": "veldorian-government", "in_response_to": "riverton-bombings"},
        ),
        (
            "The Red Hand Front called for protests over the twin blasts.",
            {"type": "ProtestCall", "by": "red-hand-front", "in_response_to": "riverton-bombings"},
        ),
        (
            "In response to the twin blasts, Anna Kovac called off her trip to Norland.",
            {
                "type": "CancelledVisit",
                "by": "anna-kovac",
                "in_response_to": "riverton-bombings",
                "destination": "norland",
            },
        ),
    ],
)
def test_responses_tied_to_the_attack(sentence: str, expected: dict[str, str]) -> None:
    assert responses(drafted("Twin blasts hit Riverton. " + sentence)) == [expected]


def test_a_crowd_that_demonstrates_is_a_new_group() -> None:
    [fact] = [
        f for f in drafted("Twin blasts hit Riverton. Thousands of people took to the streets.") if f.kind == "response"
    ]
    assert fact.body == {"type": "Demonstration", "by": "thousands-of-people"}
    assert [(m.entity, m.types) for m in fact.new_entities] == [("thousands-of-people", ("Group",))]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Riverton Herald reported that Anna Kovac cancelled her visit to Norland.",
        "Anna Kovac postponed her visit to Norland.",
        "Someone cancelled a visit to Norland.",
    ],
)
def test_no_response_without_an_action_in_the_articles_voice_and_an_actor(sentence: str) -> None:
    assert responses(drafted("Twin blasts hit Riverton. " + sentence)) == []


def test_event_dates_gives_the_attacks_date_for_relative_phrases() -> None:
    analysis = article("The twin blasts took place on March 5, 2030.")
    anchors = events.event_dates(analysis)
    assert anchors["riverton-bombings"].iso == "2030-03-05"
