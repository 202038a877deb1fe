"""Accounts drafted without a cue verb: the methods of attack a sentence states, and reports named as noun phrases.

The rules method-account ("suicide bombers", "a car bomb": one account per method stated outside
quotations whose speaker is resolved) and account-phrase ("state media reports of ...", "the death toll
reported by X", "X's figures": an account by X, quoted as that phrase, named so that a denial can answer it);
see :mod:`kg.drafting.statements.drafter` for their patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from kg.drafting.analysis import LINK_CONFIDENCE, Mention, Sentence, slug
from kg.drafting.speakers.attribution import Attribution
from kg.drafting.speakers.patterns import VERBS
from kg.drafting.speakers.speaker import speaker
from kg.drafting.speakers.words import source_kind
from kg.drafting.statements.candidates import Candidate, agent, report_name
from kg.drafting.statements.cues import ICASE, METHODS, NEGATED_METHOD
from kg.drafting.statements.fields import StatementFields
from kg.drafting.statements.kinds import ACCOUNT, METHOD

#: words that end a generic source's description on the left ("denied | state media reports")
_STOPS: Final = frozenset(
    "the a an this that these those its their his her of by from and or denied rejected dismissed cited quoted "
    "citing according to in on".split()
)
#: "state media reports of a shooting": the source's name stands right before it
_SOURCE_REPORTS: Final = re.compile(r"\s+reports?\s+(?:of|that|on)\b", ICASE)
#: "the death toll reported by X", "the information provided by X", "the reported death toll by X"
_REPORTED_BY: Final = re.compile(
    r"\b(?:the\s+)?(?:reported\s+)?(?:death\s+toll|toll|casualty\s+figures?|figures?|information|accounts?|"
    r"reports?|details)\s+(?:(?:reported|provided|given|released|published|issued)\s+)?by\s+",
    ICASE,
)
#: "Iranian officials' figures", "the ministry's own toll": the source's name stands right before it
_SOURCE_FIGURES: Final = re.compile(
    r"[’']s?\s+(?:own\s+)?(?:death\s+toll|toll|tally|casualty\s+figures?|figures?|estimates?|count|reports?|"
    r"accounts?)\b",
    ICASE,
)


class AccountFinder(StatementFields):
    """Finds a sentence's method accounts and noun-phrase accounts."""

    # ------------------------------------------------------------- method accounts

    def _methods(self, sentence: Sentence) -> Iterable[tuple[str, re.Match[str]]]:
        """The method cues of a sentence (outside quotations), with their attack class."""
        for attack_type, pattern in METHODS:
            for match in pattern.finditer(self.plain, sentence.start, sentence.end):
                yield attack_type, match

    def _method_candidates(self, sentence: Sentence) -> list[Candidate]:
        """method-account: one per method stated outside quotations whose speaker is resolved."""
        found: list[Candidate] = []
        for attack_type, match in self._methods(sentence):
            if NEGATED_METHOD.search(self.plain[sentence.start : match.start()][-60:]):
                continue
            attribution = speaker(self.analysis, sentence, match.start(), match.end(), publisher=True)
            if not attribution.resolved:
                continue
            clause = self._clause(sentence, match.start(), narrow=attribution.publisher)
            start, end = self._span(clause, attribution)
            c = Candidate(
                METHOD,
                "method-account",
                match.group(),
                match.start(),
                sentence,
                attribution,
                start,
                end,
                0.75 * attribution.confidence,
                heading=self._heading(sentence),
                clause=clause,
            )
            c.mentions.extend(attribution.speakers)
            c.body["attack_type"] = attack_type
            c.body["method_as_written"] = self._method_words(c, match.start(), end)
            if attribution.channel is not None:
                c.body["channel"] = attribution.channel.entity
                c.mentions.append(attribution.channel)
            self._set_about(c)
            # the speaker's own words: from its attribution to the end of the method ("the former suggesting suicide
            # bombers", not "... and the latter proposing"), or the method's clause in the article's own voice
            method_end = self.text.find(c.body["method_as_written"], c.start) + len(c.body["method_as_written"])
            if attribution.start >= 0:
                own = [(min(attribution.start, match.start()), max(attribution.end, method_end))]
            else:
                own = [clause]
            self._hedge(c, within=own)
            found.append(c)
        return found

    # ------------------------------------------------------------- noun-phrase accounts

    def _report_phrases(self, sentence: Sentence) -> list[Candidate]:
        """ "state media reports of X", "the death toll reported by X": an account by X, quoted as that phrase."""
        found = []
        for match in _SOURCE_REPORTS.finditer(self.plain, sentence.start, sentence.end):
            source = self._report_source(match.start() + len(match.group()) - len(match.group().lstrip()))
            if source is None:
                continue
            clause = self._clause(sentence, match.start())
            start, end = self._trim(source.start, clause[1])
            found.append(self._phrase_candidate(sentence, source, match, start, end, clause))
        for match in _SOURCE_FIGURES.finditer(self.plain, sentence.start, sentence.end):
            owners = [m for m in self.reader.mentions if m.end == match.start() and agent(m)]
            if not owners:
                continue
            clause = self._clause(sentence, match.start())
            start, end = self._trim(owners[0].start, match.end())
            found.append(self._phrase_candidate(sentence, owners[0], match, start, end, clause))
        for match in _REPORTED_BY.finditer(self.plain, sentence.start, sentence.end):
            nxt = [m for m in self.reader.mentions if m.start >= match.end() and agent(m)]
            if not nxt or not re.fullmatch(r"(?:the\s+)?", self.text[match.end() : nxt[0].start], ICASE):
                continue
            clause = self._clause(sentence, match.start())
            start, end = self._trim(match.start(), nxt[0].end)
            found.append(self._phrase_candidate(sentence, nxt[0], match, start, end, clause))
        return found

    def _report_source(self, at: int) -> Mention | None:
        """Who the "reports" at ``at`` are by: the name right before it ("State TV reports"), or a generic source
        ("state media reports", "local officials' reports") as a new article-local group."""
        before = self.plain[max(0, at - 60) : at]
        named = [m for m in self.reader.mentions if m.end <= at and agent(m) and not self.plain[m.end : at].strip()]
        if named:
            return named[-1]
        words = list(re.finditer(r"[\w’'-]+", before))
        if not words or not source_kind(words[-1].group()) or not before.endswith(words[-1].group() + " "):
            return None
        lo = words[-1].start()
        for word in reversed(words[:-1]):
            token = word.group()
            if token.lower() in _STOPS or VERBS.fullmatch(token) or not before[word.end() : lo].isspace():
                break
            lo = word.start()
        start = at - len(before) + lo
        end = at - len(before) + words[-1].end()
        text = self.text[start:end]
        kind = source_kind(words[-1].group()) or "Group"
        return Mention(start, end, text, slug(text), False, "new", (kind,), LINK_CONFIDENCE["new"])

    def _phrase_candidate(
        self, sentence: Sentence, source: Mention, match: re.Match[str], start: int, end: int, clause: tuple[int, int]
    ) -> Candidate:
        """account-phrase: an account by ``source``, quoted as the phrase [start, end), named so that a denial
        can answer it."""
        attribution = Attribution((source,), source.text, source.start, "report-phrase", 0.9)
        c = Candidate(
            ACCOUNT,
            "account-phrase",
            self.text[match.start() : match.end()].strip() or source.text,
            match.start(),
            sentence,
            attribution,
            start,
            end,
            0.6 * (1.0 if source.known else 0.8),
            heading=self._heading(sentence),
            clause=clause,
        )
        c.mentions.append(source)
        c.name = report_name(source)
        self._set_about(c)
        return c
