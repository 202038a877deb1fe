"""Settling an article's candidate statements: conflicts in a clause, duplicates merged, one claim per claimant.

In a clause a refusal to comment is never a denial, a claim carries the method its claimant states, and the
fallback account stands only where nothing else is said; in a sentence two statements of one type by different
speakers are cut apart, and one type and speaker gives one fact, the fullest. Across the article a claimant's
method statement becomes its claim (claimant-statement), one claim is kept per claimant and event
(one-claim-per-claimant), a statement said again in the next sentence is one fact quoted across both, and a
denial that answers nothing drafted is dropped.
"""

from __future__ import annotations

import re
from typing import Any

from kg.drafting.statements.builders import TypeBuilders
from kg.drafting.statements.candidates import Candidate, many, one
from kg.drafting.statements.kinds import ACCOUNT, ACCUSATION, CLAIM, DENIAL, METHOD, REFUSAL


class Settling(TypeBuilders):
    """Settles the candidates found in each sentence, then across the article."""

    # ------------------------------------------------------------- settling

    def _resolve(self, found: list[Candidate], methods: list[Candidate]) -> list[Candidate]:
        """One sentence's candidates with its method accounts: conflicts settled, duplicates merged."""
        kept = list(found)
        # a refusal to comment is never a denial
        refusals = {c.clause for c in kept if c.kind == REFUSAL}
        kept = [c for c in kept if not (c.kind == DENIAL and c.clause in refusals)]
        # a claim carries the method its claimant states in the same clause
        claims = {(c.clause, c.by) for c in kept if c.kind == CLAIM}
        methods = [m for m in methods if (m.clause, m.by) not in claims]
        kept.extend(methods)
        # the fallback account only where nothing else is said in the clause
        busy = {c.clause for c in kept if c.rule not in ("account-report", "account-phrase")}
        kept = [c for c in kept if not (c.rule == "account-report" and c.clause in busy)]
        # one fact per type and speaker in a sentence: the fullest
        kept = self._apart(kept)
        best: dict[tuple[int, str, tuple[str, ...]], Candidate] = {}
        for c in kept:
            key = (
                c.sentence.start if c.kind != ACCOUNT else c.start,
                c.kind + (c.rule if c.kind == DENIAL else ""),
                c.by,
            )
            held = best.get(key)
            if held is None:
                best[key] = c
                continue
            _absorb(held, c)
        return list(best.values())

    def _apart(self, found: list[Candidate]) -> list[Candidate]:
        """Two statements of one type in a sentence by different speakers ("with the former suggesting suicide
        bombers and the latter proposing a remote detonation"): each quote stops where the other's speaker is
        named, when every field of the first lies before that point."""
        ordered = sorted(found, key=lambda c: c.cue_start)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.kind != a.kind or b.by == a.by or not (a.start < b.end and b.start < a.end):
                    continue
                cut = b.attribution.start
                if cut < 0 or cut <= a.cue_start or cut > b.cue_start:
                    continue
                if any(self.text.find(v, a.start) + len(v) > cut for v in _texts(a.body)) or a.attribution.end > cut:
                    continue
                head = re.sub(r"[\s,;]*(?:\band|\bwhile|\bbut|\bwith)?\s*$", "", self.text[a.start : cut])
                a.end = a.start + len(head)
                b.start = max(b.start, cut)
        return found

    def _claims(self, candidates: list[Candidate]) -> list[Candidate]:
        """Claimants' method statements become their claims; one claim per claimant and event."""
        claimants = {c.by for c in candidates if c.kind == CLAIM and not c.other_event}
        out: list[Candidate] = []
        for c in candidates:
            if c.kind == METHOD and c.by in claimants and self._states_claim(c) and self.attack:
                c.kind = CLAIM
                c.rule = "claimant-statement"
                c.confidence = 0.75 * c.attribution.confidence
                c.body = {}
                if self.attack:
                    c.body["about"] = self.attack
                self._claim_fields(c)
                self._hedge(c)
            out.append(c)
        groups: dict[tuple[tuple[str, ...], str], list[Candidate]] = {}
        rest = []
        for c in out:
            if c.kind != CLAIM:
                rest.append(c)
                continue
            key = (c.by, str(c.body.get("about")) if not c.other_event else f"other:{c.start}")
            groups.setdefault(key, []).append(c)
        for group in groups.values():
            best = max(
                group,
                key=lambda c: (
                    not c.heading,
                    c.fields() + (c.rule == "claim-of-responsibility"),
                    c.confidence,
                    -c.start,
                ),
            )
            rest.append(best)
        return rest

    def _states_claim(self, c: Candidate) -> bool:
        """Whether a claimant's method is given as what its statement says (not as a hedged account)."""
        words = c.attribution.words.lower()
        return not re.search(r"\b(?:suggest\w*|propos\w*|believ\w*|think\w*|speculat\w*)\b", words)

    # ------------------------------------------------------------- across sentences

    def _repeated(self, candidates: list[Candidate]) -> list[Candidate]:
        """One statement said again in the next sentence of the paragraph ("accusations were made against Israel by
        Raisi. He held Israel responsible ...": same type, speaker and target) is one fact, quoted across both."""
        kept: list[Candidate] = []
        for c in sorted(candidates, key=lambda c: c.start):
            target = _target(c)
            previous = self.reader.previous_sentence(c.sentence)
            twin = next(
                (
                    k
                    for k in reversed(kept)
                    if target
                    and k.kind == c.kind
                    and k.by == c.by
                    and _target(k) == target
                    and previous is not None
                    and k.sentence.start == previous.start
                ),
                None,
            )
            if twin is None:
                kept.append(c)
                continue
            _absorb(twin, c)
        return kept

    def _answered(self, candidates: list[Candidate]) -> list[Candidate]:
        """Denials that answer something drafted: a report's account, an accusation against the speaker."""
        names = {c.name for c in candidates if c.name}
        accused = [(c.start, c.body.get("accuses")) for c in candidates if c.kind == ACCUSATION]
        kept = []
        for c in candidates:
            if c.kind == DENIAL and "answers" in c.body and c.body["answers"] not in names:
                continue
            if c.rejects_accusation:
                denied = set(many(c.body.get("denies_involvement_of", [])))
                if not any(start < c.start and denied & set(many(who or [])) for start, who in accused):
                    continue
            kept.append(c)
        return kept


def _absorb(held: Candidate, other: Candidate) -> None:
    """Merge a second cue of the same type and speaker into the first (its fields and hedges)."""
    for key, value in other.body.items():
        if key not in held.body:
            held.body[key] = value
        elif key in ("attributes_to", "accuses", "hedge", "threatens", "denies_involvement_of"):
            held.body[key] = one([*many(held.body[key]), *many(value)])
    held.start, held.end = min(held.start, other.start), max(held.end, other.end)
    held.mentions.extend(other.mentions)
    held.confidence = max(held.confidence, other.confidence)


def _texts(body: dict[str, Any]) -> list[str]:
    """The text fields of a body (each must lie in the quote)."""
    return [v for key in ("words", "hedge", "method_as_written", "title") for v in many(body.get(key, []))]


def _target(c: Candidate) -> frozenset[str]:
    """Whom a statement is about, for telling two statements of one type and speaker apart."""
    keys = ("accuses", "attributes_to", "denies_involvement_of", "threatens")
    return frozenset(v for key in keys for v in many(c.body.get(key, [])))
