"""A statement as found in one clause, before conflicts are settled and claims merged, and the helpers on its body.

:class:`Candidate` is what every step of :mod:`kg.drafting.statements.drafter` passes on: the cue, who says it, the
quote's span and the body drafted so far. A body value is one id or a list of them (:func:`one`,
:func:`many`); :func:`agents` reads the agents a span names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.drafting.analysis import Mention, Sentence
from kg.drafting.model import PUBLISHER
from kg.drafting.speakers.attribution import Attribution
from kg.drafting.speakers.frames import Reader


@dataclass
class Candidate:
    """A statement found in one clause, before conflicts are settled and claims merged."""

    kind: str
    rule: str
    cue: str
    cue_start: int
    sentence: Sentence
    attribution: Attribution
    start: int
    end: int
    confidence: float
    body: dict[str, Any] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    heading: bool = False
    other_event: bool = False
    clause: tuple[int, int] = (0, 0)
    #: the fact's name, when another fact refers to it (a report a denial answers)
    name: str | None = None
    #: a rejection of "the accusations": kept only if the article reports an accusation against the speaker
    rejects_accusation: bool = False

    @property
    def by(self) -> tuple[str, ...]:
        """The speakers' ids (``publisher`` for the article's own voice)."""
        return tuple(m.entity for m in self.attribution.speakers) or (PUBLISHER,)

    def fields(self) -> int:
        """How many of a claim's details the candidate gives (to choose a claim's passage)."""
        return sum(
            1
            for key in ("channel", "title", "attack_type", "method_as_written", "names_perpetrator")
            if key in self.body
        )


def one(values: list[str]) -> Any:
    values = list(dict.fromkeys(values))
    return values[0] if len(values) == 1 else values


def many(value: Any) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


def agent(mention: Mention) -> bool:
    from kg.drafting.speakers.words import AGENT_TYPES

    return bool(set(mention.types) & AGENT_TYPES)


def agents(reader: Reader, start: int, end: int) -> list[Mention]:
    """The agents named in [start, end); an owner named in the possessive before another agent ("the Islamic
    State's Afghan branch, ISIS-K") is that agent's modifier, not named for itself (a branch is never widened
    to the whole group)."""
    found = [reader.hyphenated(m) for m in reader.mentions_in(start, end) if agent(m)]
    return [
        m
        for i, m in enumerate(found)
        if not (re.match(r"[’']s?\b", reader.text[m.end : m.end + 3]) and any(agent(o) for o in found[i + 1 :]))
    ]


def report_name(source: Mention) -> str:
    """The name of the account of a report by ``source`` (unique in the article: it holds the source's offset)."""
    return f"report-by-{source.entity}-{source.start}"
