"""Where an event's words place it: the registry place named right after them, and the place that holds it.

The place follows the event's words in the same clause (no comma, at most 14 words), after "in",
"at", "near", "inside" or "outside" ("the explosions in Iran", "the twin blasts near the burial site
of X in southern Iran", "a drone strike at Baghdad International Airport"); "in Kerman, Iran" gives
both places when the registry puts the first inside the second. A nearer event's words between
them keep the place for that event.
"""

from __future__ import annotations

import re

from kg.drafting import context
from kg.drafting.analysis import Analysis, Mention, Sentence
from kg.drafting.events.incidents import INCIDENT

_PLACE_GAP = re.compile(
    r"(?:\s+(?!(?:said|says|claimed|stated|who|whose|and|but|while|after|before|since|against|during|for|"
    r"to|of\s+the\s+victims)\b)[\w’'.-]+){0,14}?\s+(?P<prep>in|at|near|inside|outside)\s+"
    r"(?:(?:the|a|an|southern|northern|eastern|western|central|south-eastern|southeastern|south-western|"
    r"southwestern|north-eastern|northeastern|north-western|northwestern|city|town|province|of)\s+){0,4}$"
)


def place_after(
    analysis: Analysis, sentence: Sentence, offset: int, refs: list[context.Reference]
) -> list[Mention] | None:
    """The registry place an event's words are placed at ("the explosions in Iran"), and the one that holds it."""
    places = [m for m in context.distinct(analysis.mentions_in(sentence.start, sentence.end)) if m.known]
    places = [m for m in places if context.is_place(m.types)]
    for place in places:
        if place.start <= offset:
            continue
        gap = analysis.text[offset : place.start]
        if re.search(r"[,;:—()“”\"]", gap) or not _PLACE_GAP.fullmatch(gap):
            continue
        if any(r.start >= offset and r.end <= place.start for r in refs) or INCIDENT.search(gap):
            return None  # the place belongs to a nearer event
        outer = _containing(analysis, place, places)
        return [place] if outer is None else [place, outer]
    return None


def _containing(analysis: Analysis, place: Mention, places: list[Mention]) -> Mention | None:
    """ "Kerman, Iran": the place named right after a comma, when the registry puts the first inside it."""
    for other in places:
        if other.start > place.end and re.fullmatch(r",\s*", analysis.text[place.end : other.start]):
            if other.entity in _located_in(analysis, place.entity):
                return other
    return None


def _located_in(analysis: Analysis, entity: str) -> set[str]:
    found: set[str] = set()
    todo = [entity]
    while todo:
        current = analysis.registry.get(todo.pop())
        if current is None:
            continue
        for outer, _line in current.located_in:
            if outer not in found:
                found.add(outer)
                todo.append(outer)
    return found
