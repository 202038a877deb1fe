"""What the drafter proposes: facts in the curator's format, each with the rule that produced it.

A :class:`DraftFact` is one fact as ``corpus/README.md`` writes it (a body of
``relations``, ``statement``, ``casualties`` or ``response``, and its verbatim
quote), plus how it was drafted: the rule, the words that triggered it (the
cue) and a confidence from 0 to 1. Entity references in a body are ids: a
registry id, ``publisher`` for the article's own voice, or the id of a new
article-local entity, which the fact lists in ``new_entities`` so that the
writer declares it (as a draft too) under the file's ``entities:``.

Extractors are functions ``(Analysis) -> list[DraftFact]``; :data:`Extractor`
names their type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kg.drafting.analysis import Analysis, Mention

#: the article's own voice, as the curator format writes it
PUBLISHER = "publisher"
BODIES = ("relations", "statement", "casualties", "response")


@dataclass
class DraftFact:
    """One proposed fact.

    Attributes:
        name: A readable base for the fact's id ("claim-islamic-state"); the writer makes ids unique.
        kind: The body's key: ``relations``, ``statement``, ``casualties`` or ``response``.
        body: The body as the curator format writes it: a mapping, or for relations a list of
            ``[subject, property, object]`` (objects may be ``{"date": ..., "as_written": ...}`` or
            ``{"text": ...}``).
        quote: The verbatim passage of the article the fact rests on.
        start: Where the quote starts in the article (code points): it fixes the occurrence.
        rule: The name of the rule that drafted it ("claim-of-responsibility").
        cue: The words that triggered the rule, as written in the quote.
        confidence: How sure the rule is, from 0 to 1.
        new_entities: New names the body refers to, declared as draft article-local entities.
    """

    name: str
    kind: str
    body: Any
    quote: str
    start: int
    rule: str
    cue: str
    confidence: float
    new_entities: list[Mention] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in BODIES:
            raise ValueError(f"unknown body {self.kind!r}; one of {', '.join(BODIES)}")
        if not 0 <= self.confidence <= 1:
            raise ValueError(f"confidence {self.confidence} is not between 0 and 1")


Extractor = Callable[[Analysis], list[DraftFact]]


def reference(mention: Mention | None) -> str:
    """How a body refers to the entity a mention names (``publisher`` when there is none)."""
    return PUBLISHER if mention is None else mention.entity


def new_entities(*mentions: Mention | None) -> list[Mention]:
    """The mentions among these that name new (article-local) entities."""
    return [m for m in mentions if m is not None and not m.known]
