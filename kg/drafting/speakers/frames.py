"""The frames that attribute a cue, and the subject of a verb: the speakers' :class:`Reader`, complete.

:class:`Reader` reads a sentence for the words around a cue that say who says it; the speaker those
words name is read by :class:`~kg.drafting.speakers.phrases.PhraseReader`. Rules, each with the general
pattern it covers:

- **according-to**: "according to X, ...", "as per X", "citing X": X speaks for the whole sentence.
- **reporting-verb**: "X said/stated/told/announced/added/warned/emphasized/pointed out/believes/
  speculated/described ... (that) <cue>": the subject of the nearest reporting verb before the cue; a
  participle ("..., saying, ...") takes the subject of the verb before it, or the noun phrase right
  before it ("with X stating that"). "Are said to", "is believed to" are hedges, not frames;
  "as was thought", "it is believed that" attribute to someone unnamed (unresolved).
- **closing-attribution**: "..., X said." / "..., said X.": the speaker named after the cue.
- **passive-agent**: "put forward by X", "suggested by X", "was condemned by X": X.
- **subject** (act cues): the noun phrase before the verb, skipping auxiliaries and adverbs ("has
  categorically denied"), control verbs ("was quick to point", "expressed its determination to seek
  revenge"), appositions and relative clauses ("X, the Deputy Head of ..., expressed"; "X, who is in
  charge of ..., stated"; "<title>, X, stated"); "X and Y said" gives both; "Some experts, such as X,
  believe" gives both; a verb joined by "and" to an earlier one shares its subject ("X denied ... and
  stated that ...").
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.drafting.analysis import Analysis, Mention, Sentence
from kg.drafting.context import memo
from kg.drafting.speakers.attribution import UNRESOLVED, Attribution
from kg.drafting.speakers.patterns import (
    ACCORDING,
    ADJECTIVAL,
    AGENTLESS,
    BY_AGENT,
    CLAUSE_START,
    HEDGE_PASSIVE,
    PARTICIPLE,
    POSSESSIVE,
    REPORTING,
    SPEECH_WORDS,
    VERBS,
    WORD,
    last,
    phrase_end,
    skip_back,
)
from kg.drafting.speakers.phrases import PhraseReader
from kg.drafting.speakers.words import TITLE_WORDS, WING_NOUNS, is_agent, source_kind


class Reader(PhraseReader):
    """An article read for speakers: the frames around a cue, the subjects of verbs, and the noun phrases in them."""

    @classmethod
    def of(cls, analysis: Analysis) -> Reader:
        """The reader of an analysis, made once."""
        return memo(analysis, "speakers.reader", lambda: cls(analysis))

    # ------------------------------------------------------------- frames

    def frame(self, sentence: Sentence, cue_start: int, cue_end: int) -> Attribution | None:
        """The frame that attributes a content cue, :data:`UNRESOLVED`, or None when there is none."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        c = cue_start - s0
        for match in ACCORDING.finditer(plain):
            end = phrase_end(plain, match.end())
            found = self.phrase(sentence, s0 + match.end(), s0 + end)
            return self._framed(found, s0 + match.start(), s0 + end, "according-to")
        for match in reversed(list(REPORTING.finditer(plain, 0, max(c, 0)))):
            if match.end() > c:
                continue
            before = plain[: match.start()]
            if ADJECTIVAL.search(before):
                continue
            after = plain[match.end() :]
            if HEDGE_PASSIVE.search(before):
                if re.match(r"\s+to\b", after):
                    continue  # "are said to have": a hedge
                by = re.match(r"\s+by\s+", after)
                if by:
                    return self._by(sentence, match.start(), match.end() + by.end())
                return UNRESOLVED  # "as was thought", "it is believed"
            by = re.match(r"\s+by\s+", after)
            if by:
                return self._by(sentence, match.start(), match.end() + by.end())
            if PARTICIPLE.fullmatch(match.group()):
                found = self._participle(sentence, s0 + match.start())
            else:
                found = self.subject(sentence, s0 + match.start())
            return self._framed(found, s0 + match.start(), s0 + match.end(), "reporting-verb")
        closing = self._closing(sentence, cue_end)
        if closing is not None:
            return closing
        for match in BY_AGENT.finditer(plain):
            return self._by(sentence, match.start(), match.end())
        return None

    def _framed(self, found: Attribution, start: int, end: int, rule: str) -> Attribution:
        """An attribution widened to the frame's words [start, end), its rule prefixed with the frame's."""
        if not found.resolved:
            return UNRESOLVED
        lo = min(start, found.start) if found.start >= 0 else start
        hi = max(end, found.end)
        return replace(found, words=self.text[lo:hi], start=lo, rule=f"{rule}/{found.rule}")

    def _by(self, sentence: Sentence, verb: int, agent: int) -> Attribution:
        """The agent after "by": up to the end of the first name in it ("by State TV showed ..." is State TV),
        or of its description ("by a spokesman for the Foreign Ministry")."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        end = phrase_end(plain, agent, stop_that=True)
        names = self.mentions_in(s0 + agent, s0 + end)
        if names and not POSSESSIVE.match(self.text[names[0].end : s0 + end]):
            end = names[0].end - s0
        found = self.phrase(sentence, s0 + agent, s0 + end)
        return self._framed(found, s0 + verb, s0 + end, "passive-agent")

    def _participle(self, sentence: Sentence, verb_at: int) -> Attribution:
        """The subject of "saying"/"stating": the phrase right before it, or the subject of the verb before."""
        s0 = sentence.start
        before = self.plain[s0:verb_at].rstrip()
        if before.endswith(",") or before.endswith("\x01") or not before:
            previous = last(VERBS, self.plain[s0 : s0 + len(before)], exclude_participles=True)
            if previous is None:
                return UNRESOLVED
            return self.subject(sentence, s0 + previous)
        return self.subject(sentence, verb_at)

    def _closing(self, sentence: Sentence, cue_end: int) -> Attribution | None:
        """ "..., X said." or "..., said X." after the cue."""
        tail = self.plain[cue_end : sentence.end]
        match = re.search(
            r"[,\x01]\s*(?P<np>[^,;\x01]{1,80}?)\s+(?P<v>said|says|added|wrote|stated|told\s+\w+|reported|"
            r"confirmed)\s*[.;!]?\s*$",
            tail,
        )
        if match:
            a, b = cue_end + match.start("np"), cue_end + match.end("np")
            found = self.phrase(sentence, a, b)
            return self._framed(found, a, cue_end + match.end("v"), "closing-attribution")
        match = re.search(
            r"[,\x01]\s*(?P<v>said|says|added|wrote|reported)\s+(?P<np>[^,;\x01]{1,80}?)\s*[.;!]?\s*$", tail
        )
        if match:
            a, b = cue_end + match.start("np"), cue_end + match.end("np")
            found = self.phrase(sentence, a, b)
            return self._framed(found, cue_end + match.start("v"), b, "closing-attribution")
        return None

    def attributed(self, sentence: Sentence, cue_start: int = -1, cue_end: int = -1) -> bool:
        """Whether anything in the sentence (outside the cue) attributes something to someone."""
        plain = self.plain[sentence.start : sentence.end]
        if cue_start >= 0:
            a, b = cue_start - sentence.start, cue_end - sentence.start
            plain = plain[:a] + " " * (b - a) + plain[b:]
        if ACCORDING.search(plain) or BY_AGENT.search(plain) or AGENTLESS.search(plain):
            return True
        for match in REPORTING.finditer(plain):
            after = plain[match.end() :]
            if ADJECTIVAL.search(plain[: match.start()]):
                continue
            if HEDGE_PASSIVE.search(plain[: match.start()]) and re.match(r"\s+to\b", after):
                continue  # "are said to have" is a hedge
            return True
        for lo, hi in self.quotes:
            if sentence.start <= lo < sentence.end and len(WORD.findall(self.text[lo:hi])) >= SPEECH_WORDS:
                return True
        return False

    def carried_over(self, sentence: Sentence) -> bool:
        """Whether the sentence before it in the paragraph is attributed (its speech may run on into this one)."""
        before = self.previous_sentence(sentence)
        return before is not None and self.attributed(before)

    # ------------------------------------------------------------- subjects

    def subject(self, sentence: Sentence, verb_at: int, depth: int = 0) -> Attribution:
        """The speaker of the verb at ``verb_at``: its subject, or the agent of a passive."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        i = verb_at - s0
        before = plain[:i]
        if re.search(r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?$", before, re.IGNORECASE):
            by = re.search(r"\bby\s+", plain[i : i + 120])
            if by is None or re.search(r"[;\x01]", plain[i : i + by.start()]):
                return UNRESOLVED  # a passive without its agent
            return self._by(sentence, i, i + by.end())
        i = skip_back(plain, i)
        before = plain[:i]
        if re.search(r"(?:,\s*)?\b(?:and|but|or)\s*$", before, re.IGNORECASE):
            start = re.search(r"(?:,\s*)?\b(?:and|but|or)\s*$", before, re.IGNORECASE)
            assert start is not None
            previous = last(VERBS, plain[: start.start()])
            if previous is None or depth > 2:
                return UNRESOLVED
            found = self.subject(sentence, s0 + previous, depth + 1)
            if not found.resolved:
                return UNRESOLVED
            return replace(found, rule=f"shared-subject/{found.rule}", confidence=found.confidence * 0.9)
        return self._before(sentence, i)

    def _before(self, sentence: Sentence, i: int) -> Attribution:
        """The noun phrase that ends at sentence offset ``i``, past its appositions and relative clauses."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        left = plain[:i]
        titled = re.search(r",\s*(?:titled|entitled|dubbed|called|named|headlined|known\s+as)\s*\x01+[\s,]*$", left)
        if titled:
            left = left[: titled.start() + 1]  # 'X, titled "...",' is an apposition like any other
        strong = [m.end() for m in re.finditer(r"[;:()—–]|\x01+", left)]
        lo = strong[-1] if strong else 0
        cuts = [lo] + [lo + m.end() for m in re.finditer(r",", left[lo:])]
        segments = [(cuts[k], (cuts[k + 1] - 1) if k + 1 < len(cuts) else len(left)) for k in range(len(cuts))]
        segments = [(a, b) for a, b in segments if plain[a:b].strip()]
        if not segments:
            return UNRESOLVED
        k = len(segments) - 1
        skipped: list[tuple[int, int]] = []
        if re.search(r",\s*$", left):
            # an apposition or a relative clause stands between the subject and its verb
            while k > 0 and self._description(sentence, *segments[k]):
                skipped.append(segments[k])
                k -= 1
        a, b = self._clause_tail(plain, *segments[k])
        seg = plain[a:b].strip()
        if re.match(r"such\s+as\b", seg, re.IGNORECASE) and k > 0:
            members = self.phrase(sentence, s0 + a + plain[a:b].lower().index("as") + 2, s0 + b)
            ga, gb = self._clause_tail(plain, *segments[k - 1])
            group = self.phrase(sentence, s0 + ga, s0 + gb)
            return self._combine([group, members], "such-as")
        found = self.phrase(sentence, s0 + a, s0 + b)
        if not found.resolved:
            return UNRESOLVED
        outlet = found.mention
        if outlet is not None and "MediaOutlet" in outlet.types:
            # "the ISIS media wing, Al-Furqan," / "Al-Furqan, the ISIS media wing,": the owner speaks
            neighbours = [segments[k - 1]] if k > 0 else []
            neighbours += skipped
            for na, nb in neighbours:
                owner = self._wing_owner(sentence, s0 + na, s0 + nb)
                if owner is not None:
                    return Attribution((owner,), self.text[s0 + a : s0 + b].strip(), s0 + a, "media-wing", 0.9, outlet)
        return found

    @staticmethod
    def _clause_tail(plain: str, a: int, b: int) -> tuple[int, int]:
        """The part of [a, b) after the last clause opener in it ("that", "while", "as", ", and"...)."""
        starts = [m.end() for m in CLAUSE_START.finditer(plain, a, b)]
        return (starts[-1] if starts else a), b

    def _description(self, sentence: Sentence, a: int, b: int) -> bool:
        """Whether a comma-delimited segment describes the noun phrase before it (an apposition, a relative clause)."""
        s0 = sentence.start
        seg = self.plain[s0 + a : s0 + b].strip()
        if not seg:
            return True
        first = seg.split()[0]
        if first[0].islower():
            return not first.lower().startswith("such")
        words = [w.lower() for w in WORD.findall(seg)]
        names = [m for m in self.mentions_in(s0 + a, s0 + b) if "Person" in m.types]
        if names:
            return False
        return bool(words) and (bool(source_kind(words[-1])) or words[-1] in TITLE_WORDS)

    def _wing_owner(self, sentence: Sentence, a: int, b: int) -> Mention | None:
        """The X of "the X media wing" / "X's media arm" in [a, b)."""
        seg = self.plain[a:b]
        low = " ".join(w.lower() for w in WORD.findall(seg))
        if not any(low.endswith(w) for w in WING_NOUNS):
            return None
        agents = [m for m in self.mentions_in(a, b) if is_agent(m) and "MediaOutlet" not in m.types]
        return agents[-1] if agents else None
