"""Drafting the earlier incidents an article names: their dates, their places, and their ties to the main attack.

The incidents themselves are found by :mod:`kg.drafting.events.incidents`. Each incident is dated
(``[incident, occurredOn, {date, as_written}]``), in the article's own voice only. Rules, each with
the general pattern it covers:

- **incident-place** (``[incident, occurredAt, place]``): a registry place after the incident's
  noun, as for the attack's place ("a drone strike at Baghdad International Airport").
- **related-incident** (``[main attack, relatedIncident, incident]``): only where the text ties
  the incident to the attack: a word of comparison or series in the sentence ("previously",
  "previous attacks", "such incidents", "similar", "not the first", "recalls"), or a next sentence in
  the same paragraph that compares ("in both cases", "similar to", "the same way") and refers to the
  main attack or the place in its name; that sentence is then the quote.
"""

from __future__ import annotations

import re

from kg.drafting import context
from kg.drafting.analysis import Analysis, Sentence
from kg.drafting.events.incidents import Incident, incidents_in
from kg.drafting.events.places import place_after
from kg.drafting.model import DraftFact, new_entities
from kg.drafting.quotations import paragraph
from kg.drafting.speakers.voice import voice_of

_TIE = re.compile(
    r"\b(?:previous(?:ly)?|earlier|prior|past|such|similar(?:ly)?|another|again|instances?|recall(?:s|ed|ing)?|"
    r"echo(?:es|ed|ing)?|reminiscent|resembl\w*|not\s+the\s+first|latest\s+in|series|both\s+cases|same\s+way|"
    r"comparable)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:both\s+cases|similar|same\s+way|same\s+method|resembl\w*|like\s+what|echo\w*)\b", re.IGNORECASE
)


def draft_incidents(analysis: Analysis) -> list[DraftFact]:
    attack = context.main_attack(analysis)
    facts: list[DraftFact] = []
    dated: set[tuple[str, str, str]] = set()
    related: set[str] = set()
    for index, sentence in enumerate(analysis.sentences):
        for incident in incidents_in(analysis, sentence):
            if voice_of(analysis, sentence, incident.start, incident.end).attributed:
                continue
            confidence = 0.7 if incident.entities else 0.55
            for entity in incident.ids:
                key = (entity, incident.date.iso or "", incident.date.text)
                if key in dated:
                    continue
                dated.add(key)
                facts.append(
                    DraftFact(
                        name=f"{entity}-date",
                        kind="relations",
                        body=[[entity, "occurredOn", incident.date.body()]],
                        quote=sentence.text,
                        start=sentence.start,
                        rule="incident-date",
                        cue=incident.text,
                        confidence=confidence,
                        new_entities=new_entities(incident.new),
                    )
                )
            place = place_after(analysis, sentence, incident.noun_end, [])
            if place is not None:
                for entity in incident.ids:
                    triples = [[entity, "occurredAt", p.entity] for p in place]
                    key = (entity, "place", ",".join(p.entity for p in place))
                    if key in dated:
                        continue
                    dated.add(key)
                    facts.append(
                        DraftFact(
                            name=f"{entity}-place",
                            kind="relations",
                            body=triples,
                            quote=sentence.text,
                            start=sentence.start,
                            rule="incident-place",
                            cue=analysis.text[incident.start : place[-1].end],
                            confidence=round(confidence - 0.05, 2),
                            new_entities=new_entities(incident.new),
                        )
                    )
            if attack is None:
                continue
            tie = _tie(analysis, index, incident)
            if tie is None:
                continue
            tie_sentence, cue = tie
            for entity in incident.ids:
                if entity in related:
                    continue
                related.add(entity)
                facts.append(
                    DraftFact(
                        name=f"related-{entity}",
                        kind="relations",
                        body=[[attack, "relatedIncident", entity]],
                        quote=tie_sentence.text,
                        start=tie_sentence.start,
                        rule="related-incident",
                        cue=cue,
                        confidence=round(confidence - 0.05, 2),
                        new_entities=new_entities(incident.new),
                    )
                )
    return facts


def _tie(analysis: Analysis, index: int, incident: Incident) -> tuple[Sentence, str] | None:
    """The sentence that ties an incident to the main attack, and the words that do (see the module docstring)."""
    sentence = analysis.sentences[index]
    outside = analysis.text[sentence.start : incident.start] + " " + analysis.text[incident.end : sentence.end]
    match = _TIE.search(outside)
    if match:
        return sentence, match.group()
    if index + 1 >= len(analysis.sentences):
        return None
    following = analysis.sentences[index + 1]
    if paragraph(analysis, following.start) != paragraph(analysis, sentence.start):
        return None
    compare = _COMPARE.search(following.text)
    if compare is None:
        return None
    if context.attack_refs(analysis, following) or _names_attack_place(analysis, following):
        return following, compare.group()
    return None


def _names_attack_place(analysis: Analysis, sentence: Sentence) -> bool:
    """Whether a sentence names a city or site that the main attack's registry label names ("Kerman")."""
    attack = context.main_attack(analysis)
    if attack is None or attack not in analysis.registry:
        return False
    label = analysis.registry[attack].label
    for mention in analysis.mentions_in(sentence.start, sentence.end):
        if mention.known and any(t in ("City", "Site") for t in mention.types):
            if re.search(rf"\b{re.escape(mention.text)}\b", label):
                return True
    return False
