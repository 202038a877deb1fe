"""The builders of statements by type: the body a cue's clause gives, or that the cue drafts nothing.

Each builder fills a candidate's body from its clause (what a claim is about and its details, whose
involvement a denial denies, whom an accusation blames or a vow threatens, who an assessment says may be
behind the attack) and says False when the cue drafts nothing: a statement that would lack what its type
requires is not drafted. A ``Blame`` cue becomes an Accusation by officials, states and bodies, an Assessment
by the article, analysts, experts or research bodies. The rules are listed in :mod:`kg.drafting.statements.drafter`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from kg.drafting.analysis import LINK_CONFIDENCE, Analysis, Mention, slug
from kg.drafting.context import attack_refs
from kg.drafting.speakers.speaker import is_analyst
from kg.drafting.statements.accounts import AccountFinder
from kg.drafting.statements.candidates import Candidate, agent, agents, one, report_name
from kg.drafting.statements.cues import ATTACK_NOUN, ICASE
from kg.drafting.statements.fields import DEFINITE_ATTACK, OTHER_EVENT, YEAR
from kg.drafting.statements.kinds import (
    ACCOUNT,
    ACCUSATION,
    ASSESSMENT,
    BLAME,
    CALL,
    CLAIM,
    CONDEMNATION,
    DENIAL,
    DESIGNATION,
    REFUSAL,
    VOW,
)

#: a casualty figure ("at least 40 people were killed", "killing 84"): left to the figure rules
_CASUALTY: Final = re.compile(
    r"\b(?:\d[\d,]*|dozens|hundreds|scores|a\s+hundred)\s+(?:[\w-]+\s+){0,2}(?:people|persons|dead|deaths|lives|"
    r"killed|injured|wounded|victims|civilians|casualties|fatalities|injuries)\b|"
    r"\b(?:killed|killing|kills|injuring|wounding|injured|wounded|claimed)\s+(?:at\s+least\s+|more\s+than\s+|"
    r"nearly\s+|about\s+|some\s+|over\s+)?(?:\d|dozens|hundreds|scores)",
    ICASE,
)
EVENT_TYPES: Final = frozenset(
    {"Attack", "Bombing", "SuicideBombing", "RemoteDetonatedBombing", "ArmedAssault", "Event"}
)


class TypeBuilders(AccountFinder):
    """Builds a candidate's body by its type (each type's builder in ``_builders``)."""

    def __init__(self, analysis: Analysis) -> None:
        super().__init__(analysis)
        #: each type's builder: fills the body from the clause, or says the cue drafts nothing (False)
        self._builders: dict[str, Callable[[Candidate, re.Match[str]], bool]] = {
            CLAIM: self._claim,
            REFUSAL: self._refusal,
            DENIAL: self._denial,
            ACCUSATION: self._accusation,
            BLAME: self._blame,
            CONDEMNATION: self._condemnation,
            VOW: self._vow,
            CALL: self._call,
            ASSESSMENT: self._assessment,
            ACCOUNT: self._account,
            DESIGNATION: self._designation,
        }

    # ------------------------------------------------------------- type builders

    def _claim(self, c: Candidate, match: re.Match[str]) -> bool:
        """claim-of-responsibility: what the claim is about, and its details."""
        if c.attribution.publisher:
            return False
        c.other_event = self._other_event(c, match)
        refs = self._about(c)
        if c.other_event:
            refs = [r for r in refs if r != self.attack]
        if refs:
            c.body["about"] = one(refs)
        elif self.attack and not c.other_event:
            c.body["about"] = self.attack
        elif c.other_event:
            incident = self._incident(c, match)
            if incident is not None:
                c.body["about"] = incident.entity
                c.mentions.append(incident)
        if "about" not in c.body:
            return False  # a claim must say what it claims
        self._claim_fields(c)
        return True

    def _incident(self, c: Candidate, match: re.Match[str]) -> Mention | None:
        """An earlier incident a claim is for, as a new article-local attack: "for an attack on a shrine in 2022"."""
        found = re.match(r"\s+(?:for|of)\s+(?:(?:an?|the)\s+)?", self.plain[match.end() : c.clause[1]], ICASE)
        if found is None:
            return None
        start = match.end() + found.end()
        stop = re.compile(r"[,;:\x01]|\s(?:that|which|who|resulting|killing|leaving)\b").search(
            self.plain, start, c.clause[1]
        )
        end = stop.start() if stop else c.clause[1]
        while end > start and self.text[end - 1] in " .":
            end -= 1
        text = self.text[start:end]
        if not re.match(rf"(?:[\w’'-]+\s+){{0,2}}{ATTACK_NOUN}\b", text, ICASE) or len(text.split()) > 14:
            return None
        return Mention(start, end, text, slug(text), False, "new", ("Attack",), LINK_CONFIDENCE["new"])

    def _other_event(self, c: Candidate, match: re.Match[str]) -> bool:
        """Whether a claim is of an earlier incident: "has previously claimed ... an attack ... in 2022".

        Only what the claim is for counts (its object, up to the next comma), and a reference to the main
        attack there ("for the twin blasts") settles it.
        """
        stop = re.compile(r"[,;:]").search(self.plain, match.end(), c.clause[1])
        obj_end = stop.start() if stop else c.clause[1]
        refs = attack_refs(self.analysis, c.sentence)
        if any(match.end() <= r.start and r.end <= obj_end for r in refs):
            return False
        obj = self.plain[match.end() : obj_end]
        before = self.plain[c.clause[0] : match.start()]
        years = {int(y) for y in YEAR.findall(obj)}
        main_year = self._main_year()
        return bool(OTHER_EVENT.search(before + " " + obj)) or bool(main_year and years - {main_year})

    def _refusal(self, c: Candidate, match: re.Match[str]) -> bool:
        """refusal-to-comment: never the article's, always about something."""
        if c.attribution.publisher:
            return False
        return self._about_or_main(c)

    def _denial(self, c: Candidate, match: re.Match[str]) -> bool:
        """denial, no-involvement, denial of a report: whose involvement is denied, or which report."""
        if c.attribution.publisher:
            return False
        verb_end = match.end("verb") if "verb" in match.re.groupindex and match.group("verb") else match.end()
        after = self.plain[verb_end : c.clause[1]]
        speakers = list(c.attribution.speakers)
        if c.rule == "no-involvement":
            denied = self._predicate_agents(c, match)
            if not denied:
                return False
            self._set(c, "denies_involvement_of", denied)
        elif re.match(r"\s+(?:\w+\s+){0,3}?reports?\b", after, ICASE):
            # a denial of a report is about the report, not the attack: it answers the account drafted for it
            report = re.match(r"\s+(?:\S+\s+){0,3}?(?=reports?\b)", after, ICASE)
            assert report is not None
            source = self._report_source(verb_end + report.end())
            if source is None:
                return False  # a report from no one the text names: nothing to answer
            c.body["answers"] = report_name(source)
            return True
        elif involvement := re.match(
            r"\s+(?:any|all|its|their|his|her)?\s*(?P<adj>[A-Z][\w-]*\s+)?(?:involvement|role|responsibility|links?|"
            r"part|participation|connection)\b",
            after,
        ):
            named = re.match(
                r"\s+(?:any\s+)?(?:involvement|role|part|participation)\s+(?:of|by)\s+([^,;]{1,60})", after, ICASE
            )
            others = self.reader.mentions_in(verb_end, verb_end + (named.end() if named else 0))
            denied = [m for m in others if agent(m)] if named else self._self_reference(c, "it") or speakers
            if involvement.group("adj"):
                # "denied any American involvement": the state the adjective names (Israel -> Israeli, America ->
                # American), else no one this drafter can name
                at = verb_end + involvement.start("adj")
                state = self.reader.demonym(involvement.group("adj").strip(), at)
                denied = [state] if state is not None else []
            if not denied:
                return False
            self._set(c, "denies_involvement_of", denied)
        else:
            that = re.match(
                r"\s+(?:the\s+|these\s+|any\s+)?(?:\w+\s+)?(?:accusations?|allegations?|claims?|"
                r"charges?|suggestions?)?\s*that\s+(?P<x>[^,;]{1,80}?)\s+(?:was|were|is|are|had\s+been)\s+"
                r"(?:responsible|involved|behind)\b",
                after,
                ICASE,
            )
            if that:
                lo = verb_end + that.start("x")
                denied = [m for m in self.reader.mentions_in(lo, lo + len(that.group("x"))) if agent(m)]
                if not denied and re.fullmatch(r"(?:it|they|he|she)", that.group("x").strip(), ICASE):
                    denied = self._self_reference(c, that.group("x").strip())  # "the accusation that it was involved"
                if not denied:
                    return False
                self._set(c, "denies_involvement_of", denied)
            elif re.match(
                r"\s+(?:the\s+|these\s+|those\s+|such\s+|any\s+|all\s+)?(?:\w+\s+)?(?:accusations?|allegations?|"
                r"charges?)\b",
                after,
                ICASE,
            ):
                # "rejected the accusations": of the speaker's involvement, if the article reports one against it
                denied = self._self_reference(c, "it") or speakers
                self._set(c, "denies_involvement_of", denied)
                c.rejects_accusation = True
            else:
                return False  # "denied entry", "denied it": not a denial this drafter can read
        return self._about_or_main(c)

    def _accusation(self, c: Candidate, match: re.Match[str]) -> bool:
        """accusation: whom it blames (after the verb, after "on" in "blamed the attack on", after "at")."""
        if c.attribution.publisher:
            return False
        if "obj" in match.re.groupindex and match.group("obj"):
            lo, hi = match.start("obj"), match.end("obj")
        elif re.search(r"finger\s+at$", match.group(), ICASE):
            lo, hi = match.end(), c.clause[1]
        else:
            lo = match.end()
            stop = re.compile(r"\s(?:of|for|over|in|on|after|with|that|as)\b|[,;:\x01]").search(
                self.plain, lo, c.clause[1]
            )
            hi = stop.start() if stop else c.clause[1]
            on = re.match(r"\s+on\s+", self.plain[hi : c.clause[1]]) if stop else None
            if on and (self._about_span(lo, hi) or not agents(self.reader, lo, hi)):
                # "blamed the attack on X": the accused follows "on"
                lo = hi + on.end()
                after = re.compile(r"[,;:]|\s(?:for|over|after|while|and\s+(?:said|added))\b").search(
                    self.plain, lo, c.clause[1]
                )
                hi = after.start() if after else c.clause[1]
            elif stop and self.plain[stop.start()] == "," and agents(self.reader, lo, hi) == []:
                # "accused its archenemies, Israel and the United States, of ...": the apposition names them
                close = re.compile(r",\s(?:of|for)\b").search(self.plain, stop.end(), c.clause[1])
                hi = close.start() if close else hi
        accused = [m for m in agents(self.reader, lo, hi) if m.entity not in c.by] or self._unnamed(lo, hi)
        if not accused:
            return False
        self._set(c, "accuses", accused)
        self._set_about(c)
        return True

    def _about_span(self, lo: int, hi: int) -> bool:
        """Whether [lo, hi) names an attack ("the attack", "the market bombing")."""
        if any(set(m.types) & EVENT_TYPES for m in self.reader.mentions_in(lo, hi)):
            return True
        return bool(DEFINITE_ATTACK.search(self.plain, lo, hi))

    def _unnamed(self, lo: int, hi: int) -> list[Mention]:
        """A short description of an agent the registry does not name ("“terrorists”", "militants"), as a new
        article-local group: an accusation must name whom it blames."""
        text = self.text[lo:hi]
        inner = re.fullmatch(
            r"\s*(?:the\s+|some\s+|unnamed\s+)?[“\"]?(?P<np>[a-z][\w\s-]{1,40}?)[”\"]?[\s.]*", text, ICASE
        )
        if inner is None or len(inner.group("np").split()) > 4:
            return []
        np = inner.group("np")
        if not re.search(r"(?:ists|ants|ers|ors|ies|groups?|cells?|elements|forces|militias?|networks?)$", np, ICASE):
            return []
        start = lo + inner.start("np")
        return [Mention(start, start + len(np), np, slug(np), False, "new", ("Group",), LINK_CONFIDENCE["new"])]

    def _blame(self, c: Candidate, match: re.Match[str]) -> bool:
        """blame: an accusation by officials and states, an assessment by the article and analysts."""
        if re.search(r"\b(?:no|not|never|nothing|n[’']t)\b", match.group(), ICASE):
            return False  # "stated that it had no reason to believe X was involved" is a denial, not a blame
        if c.rule == "blame" and "obj" in match.re.groupindex and match.group("obj") is not None:
            if re.search(r"to$", match.group(), ICASE):
                lo = match.end()
                stop = re.compile(r"[,;:]|\s(?:and|while|but)\s").search(self.plain, lo, c.clause[1])
                hi = stop.start() if stop else c.clause[1]
            else:
                lo, hi = match.start("obj"), match.end("obj")
            if re.search(r"\b(?:been|was|were|is|are)\s+$", self.plain[c.sentence.start : match.start()], ICASE):
                return False  # "have been attributed to": agentless
            targets = [m for m in agents(self.reader, lo, hi) if m.entity not in c.by] or self._unnamed(lo, hi)
        else:
            targets = self._predicate_agents(c, match)
        if not targets:
            return False
        if c.attribution.publisher or any(is_analyst(self.analysis, m) for m in c.attribution.speakers):
            c.kind = ASSESSMENT
            self._set(c, "attributes_to", targets)
        else:
            c.kind = ACCUSATION
            self._set(c, "accuses", targets)
        if re.match(r"suggest", match.group(), ICASE):
            self._hedge(c, extra=[(match.start(), match.start() + len(match.group().split()[0]))])
        self._set_about(c)
        return True

    def _condemnation(self, c: Candidate, match: re.Match[str]) -> bool:
        """condemnation: of the attack (a clause that refers to one)."""
        if c.attribution.publisher:
            return False
        self._set_about(c)
        return bool(c.body.get("about")) or bool(self._event_mentions(c)) or self._refers_to_attack(c)

    def _vow(self, c: Candidate, match: re.Match[str]) -> bool:
        """vow-of-retaliation: whom it threatens, or what it avenges."""
        if c.attribution.publisher:
            return False
        threatened: list[Mention] = []
        for pattern in (
            r"\b(?:warn(?:ed|s|ing)?|threaten(?:ed|s|ing)?)\s+",
            r"\b(?:warning|caution|message|threat)\s+to\s+",
        ):
            for hit in re.finditer(pattern, self.text[c.start : c.end], ICASE):
                at = c.start + hit.end()
                nxt = [m for m in self.reader.mentions if m.start >= at and agent(m)]
                if nxt and re.fullmatch(r"(?:the\s+)?", self.text[at : nxt[0].start], ICASE):
                    threatened.append(nxt[0])
        threatened = [m for m in threatened if m.entity not in c.by]
        if threatened:
            self._set(c, "threatens", threatened)
            self._set_about(c)
            return True
        return self._about_or_main(c)  # a vow must say what it avenges or whom it threatens

    def _call(self, c: Candidate, match: re.Match[str]) -> bool:
        """call-to-action: not "called for" (a response), with its channel."""
        if c.attribution.publisher:
            return False
        if re.match(r"call", match.group(), ICASE) and re.match(r"\s*for\b", self.plain[match.end() : match.end() + 5]):
            return False
        channel = self._channel(c)
        if channel is not None:
            c.body["channel"] = channel.entity
            c.mentions.append(channel)
        return True

    def _assessment(self, c: Candidate, match: re.Match[str]) -> bool:
        """assessment, superlative, judgement, absence: who it says may be behind it, and its hedge."""
        words = match.group().lower()
        if c.rule == "superlative":
            # "the deadliest attack since 1979", "This attack stands as the deadliest ... since": a
            # comparison with a period, about the attack the clause speaks of
            noun = (match.group("noun") or "").lower()
            subject = re.search(
                rf"\b(?:this|the)\s+(?:[\w-]+\s+)?{ATTACK_NOUN}\b", self.plain[c.clause[0] : match.start()], ICASE
            )
            if not (re.fullmatch(ATTACK_NOUN, noun) or subject):
                return False
            if self.attack:
                c.body["about"] = self.attack
            return True
        if c.rule == "judgement":
            if c.attribution.publisher:
                return False
            self._set_about(c)
            return True
        if c.rule == "assessment" and re.match(r"(?:could|may|might|likely|probably|possibly|presumably)", words):
            targets = self._predicate_agents(c, match)
            if re.search(r"\b(?:the\s+work\s+of|by)$", words):
                targets = agents(self.reader, match.end(), c.clause[1])
        elif c.rule == "assessment" and re.search(r"perpetrators?|attackers?|bombers?|culprits?", words):
            targets = [m for m in agents(self.reader, match.end(), c.clause[1])]
        elif c.rule == "assessment" and not re.search(
            r"deadliest|worst|bloodiest|lethal|devastating|hypothesis", words
        ):
            targets = agents(self.reader, match.end(), c.clause[1])
        else:
            targets = []
        if c.rule == "assessment" and re.search(r"hypothesis", words):
            that = re.search(
                r"\bthat\s+(?P<x>[^,;]{1,60}?)\s+(?:was|were|is|are)\s+behind\b", self.plain[c.start : c.end]
            )
            if that:
                targets = agents(self.reader, c.start + that.start("x"), c.start + that.end("x"))
        targets = [m for m in targets if m.entity not in c.by]
        if targets:
            self._set(c, "attributes_to", targets)
        if c.rule == "assessment":
            part = "hedge" if "hedge" in match.re.groupindex and match.group("hedge") else 0
            self._hedge(c, extra=[(match.start(part), match.end(part))])
        self._set_about(c)
        if c.rule == "absence":
            return True
        return bool(c.body.get("about") or targets or self._refers_to_attack(c))

    def _account(self, c: Candidate, match: re.Match[str]) -> bool:
        """account: the fallback reporting verb only about the attack and without a casualty figure."""
        if c.rule == "account-report":
            if c.attribution.publisher or not self._refers_to_attack(c):
                return False
            if _CASUALTY.search(self.plain, c.clause[0], c.clause[1]):
                return False  # a casualty figure: the figure rules draft it, with who gave it
        self._set_about(c)
        return True

    def _designation(self, c: Candidate, match: re.Match[str]) -> bool:
        """designation: about the organisation named right before "designated"."""
        before = [m for m in agents(self.reader, c.clause[0], match.start()) if m.entity not in c.by]
        if not before:
            return False
        gap = self.plain[before[-1].end : match.start()]
        if not re.fullmatch(r"\s*,?\s*(?:which\s+was\s+|which\s+is\s+|was\s+|is\s+)?", gap):
            return False
        c.body["about"] = before[-1].entity
        c.mentions.append(before[-1])
        c.start, c.end = self._trim(before[-1].start, max(match.end(), c.attribution.end))
        return True
