"""Where a statement's quote starts and ends: the clause that states it, widened to the words that attribute it.

The quote is the clause that states the fact (a sentence cut at "; ", at ", while/whereas/but", before a verb
phrase or a new subject joined by "and", and, for the article's own voice, before a participial clause),
widened to the words that attribute it (not to a subject shared with an earlier clause); every text field lies
inside it. :class:`ClauseSpans` also holds what the statement drafter knows of the article; the drafter's other
parts (:mod:`kg.drafting.statements.fields` and the modules built on it) extend it.
"""

from __future__ import annotations

import re
from typing import Final

from kg.drafting.analysis import Analysis, Sentence
from kg.drafting.context import main_attack
from kg.drafting.speakers.attribution import Attribution
from kg.drafting.speakers.frames import Reader
from kg.drafting.speakers.patterns import VERBS
from kg.drafting.statements.cues import ICASE

#: "and reports of ...": a noun, not a coordinated verb
REPORTING_NOUN: Final = re.compile(r"(?:reports?|claims?|statements?)\s+(?:of|by|from|that)\b", ICASE)
_CLAUSE_BREAK: Final = re.compile(r";\s+|,\s+(?=(?:while|whereas|but|although|though)\b)", ICASE)
#: a participial clause after a comma ("..., marking the deadliest attack"): the article's words, not the subject's
_PARTICIPIAL_BREAK: Final = re.compile(r",\s+(?=(?!including\b|according\b)[a-z]+ing\b)")


class ClauseSpans:
    """The article a statement drafter reads, and the spans of its clauses and quotes."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.reader = Reader.of(analysis)
        self.text = analysis.text
        self.plain = self.reader.plain
        self.attack = main_attack(analysis)
        first = re.search(r"\S", self.text)
        self.first_line = self.text.find("\n", first.start()) if first else 0

    # ------------------------------------------------------------- spans

    def _clause(self, sentence: Sentence, offset: int, narrow: bool = False) -> tuple[int, int]:
        """The clause of a sentence that holds an offset.

        Clauses are cut at "; ", at ", while/whereas/but/although" and before a verb phrase joined by
        "and" ("X denied ... and stated ..."); ``narrow`` also cuts before a participial clause after a
        comma ("..., marking the deadliest attack"), for what the article says in its own voice.
        """
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(self.plain, sentence.start, sentence.end)]
        for match in re.finditer(r",?\s+and\s+(?:\w+ly\s+)?(?=\w)", self.plain[sentence.start : sentence.end]):
            at = sentence.start + match.end()
            verb = VERBS.match(self.plain, at)
            if verb and not REPORTING_NOUN.match(self.plain, at):
                breaks.append((sentence.start + match.start(), at))
        for match in re.finditer(r",\s+and\s+", self.plain[sentence.start : sentence.end]):
            at = sentence.start + match.end()
            if VERBS.search(self.plain, at, min(sentence.end, at + 60)) and not VERBS.match(self.plain, at):
                head = self.plain[at : VERBS.search(self.plain, at, min(sentence.end, at + 60)).start()]  # type: ignore[union-attr]
                if len(head.split()) <= 5 and (head[:1].isupper() or re.match(r"(?:he|she|it|they)\b", head)):
                    breaks.append((sentence.start + match.start(), at))
        if narrow:
            breaks += [
                (m.start(), m.end()) for m in _PARTICIPIAL_BREAK.finditer(self.plain, sentence.start, sentence.end)
            ]
        lo, hi = sentence.start, sentence.end
        for start, end in sorted(breaks):
            if end <= offset:
                lo = max(lo, end)
            elif start >= offset:
                hi = min(hi, start)
        return lo, hi

    def _span(self, clause: tuple[int, int], attribution: Attribution) -> tuple[int, int]:
        """The quote: the clause, widened to the words that attribute it (not to a subject shared with an
        earlier clause, which the body names anyway)."""
        start, end = clause
        if attribution.start >= 0 and "shared-subject" not in attribution.rule:
            start, end = min(start, attribution.start), max(end, attribution.end)
        return self._trim(start, end)

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """A span without surrounding spaces and trailing commas, semicolons or colons."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and (self.text[end - 1].isspace() or self.text[end - 1] in ",;:"):
            end -= 1
        return start, end

    def _heading(self, sentence: Sentence) -> bool:
        """A title or standfirst: the text's first line, or a one-sentence line without a final full stop."""
        lo = self.text.rfind("\n", 0, sentence.start) + 1
        hi = self.text.find("\n", sentence.start)
        hi = len(self.text) if hi < 0 else hi
        line = self.text[lo:hi].strip()
        if sentence.start < self.first_line or self.first_line < 0:
            return True
        return line == sentence.text and not re.search(r"[.!?][”\"’)]*$", line)
