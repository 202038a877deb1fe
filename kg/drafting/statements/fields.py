"""The fields of a drafted statement read from its quote: what it is about, its hedge, channel, title, method, agents.

``about`` is the registry event the clause names, or the article's main attack
(:func:`kg.drafting.context.main_attack`) when the clause refers to it ("the attack", "the
explosions"; without a main attack in the registry, such words still count as referring to an attack).
A speech act that must say what it is about (a refusal, a denial, a vow without ``threatens``) and
names nothing is about the main attack, unless its clause marks another incident ("previous", "past");
with no main attack it is not drafted. ``hedge`` keeps the hedging words as written ("said to",
"reportedly", "alleged", "suggested", "could", "likely", "possibly", "may have"...). ``words`` are the
quotations in the quote, for a speaker other than the article. Every text field lies inside the quote
(:mod:`kg.drafting.statements.spans`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from kg.drafting.analysis import Mention
from kg.drafting.context import attack_refs
from kg.drafting.statements.candidates import Candidate, agents, many, one
from kg.drafting.statements.cues import ATTACK_NOUN, ICASE, METHODS, NEGATED_METHOD
from kg.drafting.statements.kinds import CLAIM
from kg.drafting.statements.spans import ClauseSpans

_NP_LEAD: Final = re.compile(
    r"(?:\b(?:a|an|the|two|three|four|five|several|multiple|its|their|his|her|one|both|\d+)\s+)*$", ICASE
)
HEDGES: Final = re.compile(
    r"\b(?:said\s+to(?:\s+have)?|reportedly|allegedly|alleged|suggested|suggesting|speculated|"
    r"could(?:\s+have)?(?:\s+be(?:en)?)?|may\s+have(?:\s+been)?|might\s+have(?:\s+been)?|likely|possibly|"
    r"probably|apparently|purportedly|presumably|believed\s+to|thought\s+to|appears?\s+to|seem(?:s|ed)?\s+to|"
    r"no\s+reason\s+to\s+believe|proposing)\b",
    ICASE,
)
OTHER_EVENT: Final = re.compile(r"\b(?:previously|previous|past|earlier|prior|formerly|before\s+that)\b", ICASE)
#: "X said it ...": a pronoun right after the speaker's reporting verb is the speaker
_SPEAKER_PRONOUN: Final = re.compile(
    r"\b(?:said|says|stated|states|added|insisted|insists|maintained|maintains|declared|claimed|claims)\s+"
    r"(?:that\s+)?(?P<pronoun>it|he|she|they|its|his|her|their)\b(?:\s+\w+)?\s*$",
    ICASE,
)
DEFINITE_ATTACK: Final = re.compile(
    rf"\b(?:the|this|these|those|twin|dual)\s+(?:[\w-]+\s+)?{ATTACK_NOUN}\b(?!\s+(?:in|of)\s+(?:1[89]|20)\d\d)",
    ICASE,
)
YEAR: Final = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_PERPETRATOR_BEFORE: Final = re.compile(
    r"\b(?:bombers?|attackers?|perpetrators?|assailants?|gunm[ae]n|martyrs?|brothers?)\s*,?\s*(?:named\s+|were\s+)?$",
    ICASE,
)
_PERPETRATOR_AFTER: Final = re.compile(r"^\s*,?\s*(?:as\s+the\s+(?:bombers?|attackers?|perpetrators?))", ICASE)


class StatementFields(ClauseSpans):
    """Reads a statement's fields from its quote, into the candidate's body."""

    # ------------------------------------------------------------- fields

    def _set(self, c: Candidate, key: str, mentions: list[Mention]) -> None:
        """Set a body key to these agents (one id, or a list), remembering new ones to declare."""
        unique: list[Mention] = []
        for mention in mentions:
            if all(mention.entity != other.entity for other in unique):
                unique.append(mention)
        if unique:
            c.body[key] = one([m.entity for m in unique])
            c.mentions.extend(unique)

    def _about_or_main(self, c: Candidate) -> bool:
        """``about`` for a speech act that must have one (a refusal, a denial, a vow): what the clause names, else
        the article's main attack, unless the clause marks another incident. False when there is none."""
        self._set_about(c)
        if "about" not in c.body and self.attack and not OTHER_EVENT.search(self.plain, c.clause[0], c.clause[1]):
            c.body["about"] = self.attack
        return "about" in c.body

    def _set_about(self, c: Candidate) -> None:
        """Set ``about`` to what the quote refers to, if anything."""
        refs = self._about(c)
        if refs:
            c.body["about"] = one(refs)

    def _about(self, c: Candidate) -> list[str]:
        """The events the quote refers to: registry events it names, or the main attack by description."""
        events = [m.entity for m in self._event_mentions(c)]
        if events:
            return list(dict.fromkeys(events))
        if self._refers_to_attack(c) and self.attack:
            return [self.attack]
        return []

    def _event_mentions(self, c: Candidate) -> list[Mention]:
        """Registry events named in the quote."""
        return [
            m
            for m in self.reader.mentions_in(c.start, c.end)
            if m.known and set(m.types) & {"Attack", "Bombing", "SuicideBombing", "RemoteDetonatedBombing", "Event"}
        ]

    def _refers_to_attack(self, c: Candidate) -> bool:
        """Whether the quote refers to the attack: to the main attack, or, when the registry has none, by a
        definite description ("the attack", "the explosions")."""
        if self.attack is not None:
            return any(c.start <= r.start and r.end <= c.end for r in attack_refs(self.analysis, c.sentence))
        return bool(DEFINITE_ATTACK.search(self.plain, c.start, c.end))

    def _main_year(self) -> int | None:
        """The year of the main attack (its label's), else of publication."""
        if self.attack is None:
            return self.analysis.published.year if self.analysis.published else None
        entity = self.analysis.registry.get(self.attack)
        year = YEAR.search(entity.label) if entity is not None else None
        if year:
            return int(year.group())
        return self.analysis.published.year if self.analysis.published else None

    def _channel(self, c: Candidate) -> Mention | None:
        """An outlet or channel named after "on", "via", "through", "in" or "by" in the quote."""
        for mention in self.reader.mentions_in(c.start, c.end):
            if not {"Channel", "MediaOutlet"} & set(mention.types) or mention.entity in c.by:
                continue
            before = self.text[max(c.start, mention.start - 30) : mention.start]
            if re.search(
                r"\b(?:on|via|through|in|over|by)\s+(?:(?:its|his|her|their|the|a|an)\s+)?(?:[\w-]+\s+)?$",
                before,
                ICASE,
            ):
                return mention
        return None

    def _title(self, start: int, end: int) -> str | None:
        """The quotation after "titled", "entitled" or "headlined" in [start, end), without its closing punctuation."""
        for match in re.finditer(r"\b(?:titled|entitled|headlined)\s*,?\s*", self.text[start:end], ICASE):
            at = start + match.end()
            for lo, hi in self.reader.quotes:
                if lo == at and hi <= end:
                    return self.text[lo + 1 : hi - 1].strip().rstrip(",.;:").strip()
        return None

    def _words(self, c: Candidate) -> list[str]:
        """The quotations inside the quote (the title aside): the speaker's own words."""
        words = []
        title = self._title(c.start, c.end)
        for lo, hi in self.reader.quotes:
            if c.start <= lo and hi <= c.end:
                inner = self.text[lo + 1 : hi - 1].strip().rstrip(",").strip()
                if inner and inner != title:
                    words.append(inner)
        return words

    def _hedge(
        self, c: Candidate, extra: Iterable[tuple[int, int]] = (), within: list[tuple[int, int]] | None = None
    ) -> None:
        """Set ``hedge`` to the hedging words in the quote (outside quotations) and the cue's own hedge (``extra``),
        only those inside ``within`` when given; a hedge inside a longer one is left out."""
        spans = [(m.start(), m.end()) for m in HEDGES.finditer(self.plain, c.start, c.end)]
        if within is not None:
            spans = [(a, b) for a, b in spans if any(lo <= a and b <= hi for lo, hi in within)]
        spans += [(a, b) for a, b in extra if c.start <= a and b <= c.end]
        spans = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
        hedges = list(dict.fromkeys(self.text[a:b] for a, b in sorted(set(spans))))
        if c.kind == CLAIM and "hedge" in c.body:
            hedges = list(dict.fromkeys([*many(c.body["hedge"]), *hedges]))
        if hedges:
            c.body["hedge"] = one(hedges)

    def _perpetrators(self, c: Candidate) -> list[Mention]:
        """Persons named next to "bombers", "attackers", "martyred brothers", or "as the perpetrators"."""
        named: list[Mention] = []
        people = [m for m in self.analysis.mentions if c.start <= m.start and m.end <= c.end and "Person" in m.types]
        for mention in sorted(people, key=lambda m: m.start):
            before = self.text[max(c.start, mention.start - 40) : mention.start]
            after = self.text[mention.end : c.end]
            if _PERPETRATOR_BEFORE.search(before) or _PERPETRATOR_AFTER.match(after):
                named.append(mention)
            elif named and re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", self.text[named[-1].end : mention.start]):
                named.append(mention)
        return named

    def _predicate_agents(self, c: Candidate, match: re.Match[str]) -> list[Mention]:
        """The agents a predicate is said of: "Y could be involved", "Y was behind", "no role for Y"."""
        if "x" in match.re.groupindex and match.group("x"):
            return agents(self.reader, match.start("x"), match.end("x"))
        if re.search(r"\brole\s+for$", match.group(), ICASE):
            stop = re.compile(r"[,;:\x01]|\s(?:in|on|at|over)\s").search(self.plain, match.end(), c.clause[1])
            return agents(self.reader, match.end(), stop.start() if stop else c.clause[1])
        left = self.plain[c.clause[0] : match.start()]
        hi = len(left)
        # "ISIS-K, located in neighbouring Afghanistan, could be involved": step over the apposition
        apposition = re.search(r",\s*[a-z][^,]*,\s*$", left)
        if apposition:
            hi = apposition.start()
        opener = [m.end() for m in re.finditer(r"\b(?:that|whether|if)\b|[,;:]", left[:hi], ICASE)]
        lo = c.clause[0] + (opener[-1] if opener else 0)
        subject = [m for m in agents(self.reader, lo, c.clause[0] + hi) if m.entity not in c.by]
        pronoun = _SPEAKER_PRONOUN.search(left[:hi])
        if not subject and c.attribution.speakers and pronoun:
            return self._self_reference(c, pronoun.group("pronoun"))  # "X said it had no role": the speaker itself
        # an apposition after the subject ("ISIS-K, located in Afghanistan, could be") is not the subject
        if len(subject) > 1:
            first = subject[0]
            tail = self.plain[first.end : match.start()]
            if re.match(r"\s*,", tail):
                subject = [first]
        return subject

    def _self_reference(self, c: Candidate, pronoun: str) -> list[Mention]:
        """Whom a pronoun in the speaker's own clause means: "it" an organisation (the speaker, or the one its
        description names: "a spokesman for the government ... that it was involved"), "he"/"she" a person,
        "they" the speakers; nothing when none agrees."""
        word = pronoun.lower()
        speakers = list(c.attribution.speakers)
        if word in ("he", "she", "his", "her"):
            return [m for m in speakers if "Person" in m.types]
        if word in ("they", "their"):
            return speakers
        organisations = [m for m in speakers if "Person" not in m.types]
        if organisations:
            return organisations
        if c.attribution.start >= 0:
            lo, hi = c.attribution.start, c.attribution.end
            inner = [self.reader.complete(m, lo, hi) for m in agents(self.reader, lo, hi)]
            return [m for m in inner if "Person" not in m.types][-1:]
        return []

    # ------------------------------------------------------------- a claim's fields and the method it states

    def _claim_fields(self, c: Candidate) -> None:
        """A claim's channel, attributes_to, title, method and named perpetrators."""
        channel = c.attribution.channel or self._channel(c)
        if channel is not None:
            c.body["channel"] = channel.entity
            c.mentions.append(channel)
        c.body["attributes_to"] = one(list(c.by))
        title = self._title(c.start, c.end)
        if title:
            c.body["title"] = title
        self._method(c)
        names = self._perpetrators(c)
        if names:
            c.body["names_perpetrator"] = one([m.entity for m in names])
            c.mentions.extend(names)

    def _method(self, c: Candidate) -> None:
        """attack_type and method_as_written of a claim: the non-negated methods in its quote, quotations
        included (they are the claimant's own words)."""
        text = self.text
        kinds: list[str] = []
        first: re.Match[str] | None = None
        for attack_type, pattern in METHODS:
            for match in pattern.finditer(text, c.start, c.end):
                if NEGATED_METHOD.search(text[c.start : match.start()][-60:]):
                    continue
                kinds.append(attack_type)
                if first is None or match.start() < first.start():
                    first = match
        if len(set(kinds)) == 1:
            c.body["attack_type"] = kinds[0]
        if first is not None:
            quote = next(((lo, hi) for lo, hi in self.reader.quotes if lo < first.start() < hi), None)
            end = min(c.end, quote[1] - 1) if quote else c.end
            c.body["method_as_written"] = self._method_words(c, first.start(), end)

    def _method_words(self, c: Candidate, cue_start: int, end: int) -> str:
        """The method as written: from the noun phrase of the cue to the end of its clause."""
        lead = _NP_LEAD.search(self.text[max(c.start, cue_start - 40) : cue_start])
        lo = cue_start - (len(lead.group()) if lead else 0)
        clause_end = min(end, c.clause[1])
        other = re.compile(r",?\s+(?:and|while|whereas|but)\s+(?:the\s+|a\s+|an\s+)?\w+\s+\w+ing\b", ICASE)
        stop = other.search(self.plain, cue_start, clause_end)
        hi = stop.start() if stop else clause_end
        if c.attribution.start > cue_start:
            hi = min(hi, c.attribution.start)  # "... a car bomb, according to State TV"
        return self.text[lo:hi].rstrip(' ,.;:“”"')
