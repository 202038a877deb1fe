"""Drafting ``statement`` facts: who said what about the attack, typed by the words that say it.

:func:`extract` finds cue words in each sentence (outside quotations: quoted words are the speaker's
own and are kept in ``words``), asks :mod:`kg.drafting.speakers.speaker` who says them, and drafts one
statement per cue and speaker in the curator format (``corpus/README.md``). A cue whose speaker
cannot be resolved drafts nothing; the article's own voice (``publisher``) speaks only where nothing
in the sentence attributes the cue and only for types the article can state itself (assessments,
accounts, method accounts). Every draft is valid as written (``kg check`` accepts it once the curator
marks it accepted): a statement that would lack what its type requires is not drafted.

Rules, each with the general pattern it covers (a rule name is the ``drafted.rule`` of its facts):

- **claim-of-responsibility**: "X claimed/claims/asserted/accepted responsibility", "X took/takes
  credit", "X said it carried out / was behind": X claims, ``attributes_to`` X; a negated cue ("has not
  claimed") drafts nothing. The claim's ``channel`` is an outlet or channel named after "on", "via",
  "through", "in", "cited by" ("in a note published on social media", "on its Telegram channels") or
  the speaker's own media wing; ``title`` the quotation after "titled"/"entitled"; ``attack_type`` and
  ``method_as_written`` the method it states (see method-account); ``names_perpetrator`` persons named
  next to "bombers", "attackers", "perpetrators", "martyred brothers". A claim for an earlier incident
  ("has previously claimed responsibility for an attack on a shrine in 2022") is about that incident,
  proposed as a new article-local attack; a claim with nothing it can be about is not drafted.
- **claimant-statement**: what a claimant's statement says about the method ("according to an ISIS
  statement, two suicide bombers...", "X's media wing stating that two suicide bombers...") is part of
  its claim, not a separate account: drafted as the claim (README: a claim that states a method carries
  it). A hedging verb ("suggesting", "proposing") keeps it a method account.
- **one-claim-per-claimant**: an article reports one claim in several passages (headline, lead, body);
  the drafter proposes one fact per claimant and event, on the passage that states most of it (body
  before headline; channel, title and method; an explicit claim and a plainly named claimant first),
  since a fact here carries one passage.
- **refusal-to-comment**: "declined/refused to comment", "did not comment", "would not comment", "had no
  comment": always a RefusalToComment, never a denial (a denial cue in the same clause is dropped).
  "Has not yet commented", "has yet to respond" is the article noting a silence (absence, below).
- **denial**: "X denied any involvement/role/responsibility" (``denies_involvement_of`` X, or whoever
  "the involvement of Y" names), "X denied/rejected the accusation that Y (or "it": X) was responsible"
  (Y); "X rejected the accusations" (X, kept only when the article reports an accusation against X).
- **no-involvement**: "there was no role for Y", "X said it had no role", "no reason to believe Y was
  involved" (Y; the hedge kept). Never in the article's own voice.
- **denial of a report**: "X denied state media reports of a shooting" is about that report, not the
  attack: no ``denies_involvement_of``; it ``answers`` the account of the report (account-phrase, below),
  and is not drafted when the report has no named source.
- **accusation**: "X accused Y (of)", "X blamed Y (for)", "X blamed the attack on Y", "X held Y
  responsible", "X pointed the finger at Y", "accusations were made against Y by X": ``accuses`` Y; a
  passive without its agent ("X was accused of") drafts nothing.
- **blame** (an accusation or an assessment, by who says it): "X suggested/said/claimed that Y was/were
  involved/behind/responsible", "X attributed the attack to Y", "Y is behind the attack": by officials,
  states and bodies an Accusation (``accuses``), by the article, analysts, experts or research bodies an
  Assessment (``attributes_to``); "suggested" is kept as a hedge; a negated one ("no reason to believe
  Y was involved") is a denial, not a blame. An accused the registry does not name ("“terrorists”",
  "foreign mercenaries") is a new article-local group.
- **condemnation**: "X condemned/denounced/deplored" the attack, "X extended/offered condolences".
- **vow-of-retaliation**: "X vowed/swore/pledged revenge or to retaliate", "X warned (Y) of
  consequences", "X issued a warning", "seek/take revenge"; and said by someone: "a strong/harsh
  response/retaliation", "retaliation would be carried out", "will retaliate". ``threatens`` the agent
  warned ("warned Y", "a message/warning to Y").
- **call-to-action**: "X called on ... to", "X urged", "X appealed to ... to" ("called for" protests is
  a response, left to the response rules).
- **designation**: "Y, designated (as) a (foreign) terrorist organisation by X": by X, about Y.
- **assessment**: a judgement about who did it or what it was like: "Y could/may/might be involved/
  behind/responsible", "may have been carried out by Y" (``attributes_to`` Y), "is consistent with", "is
  (more) in line with", "bore the hallmarks/trademarks of Y", "resembled", "similar to those carried out
  by Y", "diverged from", "inconsistent with" (``attributes_to`` Y), "likely/probably behind", "the
  perpetrators may have been...", "a hypothesis (put forward by X) that Y was behind"; the judging words
  are the ``hedge``.
- **superlative**: "the deadliest/worst/bloodiest attack ... since 1979", "one of the worst attacks",
  "this attack stands as the deadliest ... since": an assessment about the attack (the year is the
  period compared with, not another incident).
- **judgement**: "X criticized/praised/hailed ...": an assessment by X.
- **absence**: what is missing: "no further evidence was provided", "did not provide further details",
  "remain unclear", "has yet to respond", "has not yet commented": an Assessment, the article's unless
  attributed.
- **method-account**: how the attack was carried out: "suicide bomber(s)/vest(s)/belt(s)", "blew
  themselves up", "explosive vests/belts" (SuicideBombing); "detonated remotely", "remote(ly)
  detonated/controlled", "remote detonation", "car bomb", "a bomb (was) placed inside a car", "backpacks
  filled with explosives" (RemoteDetonatedBombing); a method negated ("not caused by", "rather than")
  is left out of ``attack_type``. Its hedges are its speaker's own ("the former suggesting ...").
- **account**: a description without claiming, blaming or judging: "X aired/broadcast footage",
  "footage aired by X showed", "videos of ... show/depicted" (the article's), and "X
  described/reported/said/stated ..." about the attack when no other cue in the clause applies and the
  clause gives no casualty figure (figures are left to the figure rules, with who gave them).
- **account-phrase**: a report named as a noun phrase: "X reports of ...", "the death toll/figures/
  information/accounts reported/provided by X", "X's figures": by X, the quote is that phrase.

Confidence is the rule's, times the speaker's (lower for a pronoun, a description or a new name). The
drafter is built in layers, each a module: the types (:mod:`kg.drafting.statements.kinds`) and cues
(:mod:`kg.drafting.statements.cues`); the candidate a cue makes (:mod:`kg.drafting.statements.candidates`);
its quote (:mod:`kg.drafting.statements.spans`) and fields (:mod:`kg.drafting.statements.fields`); the accounts
found without a cue verb (:mod:`kg.drafting.statements.accounts`); each type's body
(:mod:`kg.drafting.statements.builders`); and the settling of conflicts and repeats
(:mod:`kg.drafting.statements.settling`).
"""

from __future__ import annotations

import re
from typing import Any, Final

from kg.drafting.analysis import Analysis, Mention, Sentence
from kg.drafting.model import DraftFact, new_entities
from kg.drafting.speakers.attribution import UNRESOLVED, Attribution
from kg.drafting.speakers.speaker import agent_after, speaker
from kg.drafting.statements.candidates import Candidate, one
from kg.drafting.statements.cues import CUES, ICASE, Cue
from kg.drafting.statements.kinds import (
    ACCUSATION,
    ASSESSMENT,
    CALL,
    CLAIM,
    CONDEMNATION,
    DENIAL,
    DESIGNATION,
    NAME_PREFIX,
    VOW,
    WORDS_TYPES,
)
from kg.drafting.statements.settling import Settling

_NEGATED: Final = re.compile(r"\b(?:not|never|no|yet\s+to|n[’']t|without)\b(?:\s+\w+){0,2}\s*$", ICASE)


class _Drafter(Settling):
    """Drafts the statements of one article."""

    # ------------------------------------------------------------- driver

    def run(self) -> list[DraftFact]:
        """Every statement of the article, in text order."""
        candidates: list[Candidate] = []
        for sentence in self.analysis.sentences:
            found = []
            for cue in CUES:
                for match in cue.pattern.finditer(self.plain, sentence.start, sentence.end):
                    candidate = self._candidate(sentence, cue, match)
                    if candidate is not None:
                        found.append(candidate)
            found.extend(self._report_phrases(sentence))
            candidates.extend(self._resolve(found, self._method_candidates(sentence)))
        candidates = self._answered(self._repeated(self._claims(candidates)))
        return [self._fact(c) for c in sorted(candidates, key=lambda c: (c.start, c.kind))]

    # ------------------------------------------------------------- one cue

    def _candidate(self, sentence: Sentence, cue: Cue, match: re.Match[str]) -> Candidate | None:
        """The statement one cue makes, with its speaker and body; None when it drafts nothing."""
        verb = match.start("verb") if "verb" in cue.pattern.groupindex and match.start("verb") >= 0 else match.start()
        if cue.kind in (CLAIM, CONDEMNATION, VOW, CALL, ACCUSATION, DENIAL) and cue.act:
            if _NEGATED.search(self.plain[sentence.start : verb]):
                return None  # "has not claimed responsibility", "did not condemn"
        if (
            cue.kind == ACCUSATION
            and cue.act
            and re.search(r"\b(?:was|were|is|are|been|being)\s+$", self.plain[sentence.start : verb])
        ):
            return None  # "was accused of": the accused is the subject; its accuser is said elsewhere, if at all
        if cue.rule == "accusation" and not cue.act:
            attribution = agent_after(self.analysis, sentence, match.end())
            attribution = _with_words(attribution, self.text, match.start(), attribution.end)
        elif cue.kind == DESIGNATION:
            attribution = self._designator(sentence, match)
        else:
            attribution = speaker(self.analysis, sentence, verb, match.end(), act=cue.act, publisher=cue.publisher)
        if not attribution.resolved:
            return None
        if attribution.publisher and not cue.publisher:
            return None
        kind = cue.kind
        clause = self._clause(sentence, match.start(), narrow=attribution.publisher)
        start, end = self._span(clause, attribution)
        candidate = Candidate(
            kind,
            cue.rule,
            self.text[match.start() : match.end()],
            match.start(),
            sentence,
            attribution,
            start,
            end,
            cue.confidence * attribution.confidence,
            heading=self._heading(sentence),
            clause=clause,
        )
        candidate.mentions.extend(attribution.speakers)
        return candidate if self._builders[kind](candidate, match) else None

    def _designator(self, sentence: Sentence, match: re.Match[str]) -> Attribution:
        """Who designates: the agent after "by"."""
        by = re.match(r"\s+by\s+", self.plain[match.end() : sentence.end])
        if by is None:
            return UNRESOLVED
        found = agent_after(self.analysis, sentence, match.end() + by.end())
        return _with_words(found, self.text, match.start(), found.end)

    # ------------------------------------------------------------- output

    def _fact(self, c: Candidate) -> DraftFact:
        """The candidate as a drafted fact in the curator format."""
        body: dict[str, Any] = {"type": c.kind, "by": one(list(c.by))}
        words = self._words(c) if c.kind in WORDS_TYPES and not c.attribution.publisher else []
        for key in _COPIED:
            if key in c.body and c.body[key] not in (None, [], ""):
                body[key] = c.body[key]
        if words:
            body["words"] = one(words)
        if c.kind in (ASSESSMENT, ACCUSATION, VOW, DENIAL, CLAIM) and "hedge" not in body:
            self._hedge(c)
            if "hedge" in c.body:
                body["hedge"] = c.body["hedge"]
        if "answers" in c.body:
            body["answers"] = c.body["answers"]
        quote = self.text[c.start : c.end]
        prefix = NAME_PREFIX.get(c.kind, "statement")
        name = c.name or f"{prefix}-{body['by'] if isinstance(body['by'], str) else body['by'][0]}"
        return DraftFact(
            name=name,
            kind="statement",
            body=_ordered(body),
            quote=quote,
            start=c.start,
            rule=c.rule,
            cue=c.cue,
            confidence=round(max(0.05, min(1.0, c.confidence)), 2),
            new_entities=_unique_new(new_entities(*c.mentions)),
        )


# ------------------------------------------------------------------ helpers

_ORDER: Final = (
    "type",
    "by",
    "about",
    "channel",
    "accuses",
    "denies_involvement_of",
    "threatens",
    "attributes_to",
    "names_perpetrator",
    "attack_type",
    "method_as_written",
    "words",
    "title",
    "hedge",
    "answers",
)


#: the keys of a candidate's body a drafted statement keeps as they are (the others are worked out in _fact)
_COPIED: Final = tuple(key for key in _ORDER if key not in ("type", "by", "words", "answers"))


def _ordered(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in _ORDER if key in body}


def _with_words(attribution: Attribution, text: str, start: int, end: int) -> Attribution:
    if not attribution.resolved or end < start:
        return attribution
    from dataclasses import replace

    return replace(attribution, words=text[start:end], start=start)


def _unique_new(mentions: list[Mention]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    for mention in mentions:
        seen.setdefault(mention.entity, mention)
    return list(seen.values())


def extract(analysis: Analysis) -> list[DraftFact]:
    """Draft the article's statements (see the module docstring for the rules).

    Args:
        analysis: The article, read by :func:`kg.drafting.analysis.analyse`.

    Returns:
        The drafted ``statement`` facts, in text order.
    """
    return _Drafter(analysis).run()
