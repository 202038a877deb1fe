"""The speaker a noun phrase names: names, coordinations, descriptions, roles and unnamed sources.

:class:`PhraseReader` reads one noun phrase at a time; the names in it are completed and looked up by
:class:`~kg.drafting.speakers.names.NameReader`. Rules, each with the general pattern it covers:

- a name, with its titles and possessors ("President Ebrahim Raisi", "The International Crisis
  Group's Ali Vaez", "ISIS spokesman Abu Hutaifa al-Ansari"): the last name in it;
- **name completion**: a name is read whole, with the name words next to it that the linker left out
  (not across a possessive, a title or a date): "Revolutionary Guards Corps" for a link to "Revolutionary
  Guards", "State TV" for "TV", "Abu Hutaifa al-Ansari" for "Abu Hutaifa", "ISIS-Khorasan" for "ISIS"
  (a longer name is not the shorter one: a branch is never widened to its group); the registry's entity
  when one of its names is that or close to it in spelling, else a new name;
- **titled-name**: a title of office before a name the registry does not know ("Supreme Leader Ayatollah
  Khamenei", "President Macron"): a new person, named as written after the office (an honorific such as
  "Ayatollah" or "Sheikh" stays);
- **declared alias**: "ISIS, also known as Daesh, ...": "Daesh" names the same agent wherever it recurs;
- **statement-of**: "X's statement", "the X statement", "X's claim", "an X statement released on
  ...": X, the statement's author;
- **media-wing**: "X's Al-Furqan media wing", "the X media wing, Al-Furqan": X speaks, the outlet is
  the channel;
- **role-description**: "Israel's military", "Iran's interior minister", "the country's interior
  minister": the registry entity of that name (its demonym form "Israeli military" included),
  otherwise a new article-local entity; "a spokesman for X": a new Person "spokesman for X" unless
  the registry has one; "the X spokesman": the person the article earlier named with that title;
- **unnamed-source**: "an unnamed source cited by IRNA" (a new Person, IRNA the channel), "analysts",
  "certain analysts", "some experts", "his advisers", "a U.S. official", "another state media outlet",
  "the Iranian government" (a capitalised modifier makes a description, not an anaphor): the registry's
  entity of that name, else a new article-local Person, Group (a plural) or MediaOutlet;
- **metonymy**: a city as speaker stands for the state it lies in (the registry's ``located_in``):
  "Tehran accused" is Iran;
- **pronoun** and **description**: "he"/"she" is the nearest person named before in the paragraph,
  "it" the nearest organisation, "the group" the nearest armed group or group, "the country" the
  nearest state, "the ministry", "the military"... alike; "the former"/"the latter" the first/second
  of the last "X and Y". Only within the paragraph: otherwise unresolved.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.drafting.analysis import Mention, Sentence
from kg.drafting.speakers.attribution import UNRESOLVED, Attribution
from kg.drafting.speakers.names import NameReader
from kg.drafting.speakers.patterns import LEADING, POSSESSIVE, POSTMOD, VERBS, WORD, phrase_end
from kg.drafting.speakers.words import (
    ANAPHORS,
    DEFINITE,
    PRONOUNS,
    STATEMENT_NOUNS,
    TITLE_WORDS,
    WING_NOUNS,
    is_agent,
    is_place,
    source_kind,
)


class PhraseReader(NameReader):
    """An article read for the speakers its noun phrases name (see the module docstring)."""

    # ------------------------------------------------------------- noun phrases

    def _combine(self, parts: list[Attribution], rule: str) -> Attribution:
        """Several speakers of one statement ("X and Y said"); unresolved if any of them is."""
        if not parts or any(not p.resolved or p.publisher for p in parts):
            return UNRESOLVED
        speakers: list[Mention] = []
        for part in parts:
            for mention in part.speakers:
                if all(mention.entity != s.entity for s in speakers):
                    speakers.append(mention)
        start = min(p.start for p in parts)
        end = max(p.end for p in parts)
        channel = next((p.channel for p in parts if p.channel is not None), None)
        confidence = min(p.confidence for p in parts)
        return Attribution(tuple(speakers), self.text[start:end], start, rule, confidence, channel)

    def phrase_after(self, sentence: Sentence, start: int, end: int | None = None) -> Attribution:
        """The speaker the noun phrase starting at ``start`` names, up to ``end`` or the end of its clause."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        stop = phrase_end(plain, start - s0, stop_that=True) if end is None else end - s0
        return self.phrase(sentence, start, s0 + stop)

    def phrase(self, sentence: Sentence, start: int, end: int) -> Attribution:
        """The speaker a noun phrase at [start, end) names (see the module docstring), or :data:`UNRESOLVED`."""
        raw = self.plain[start:end]
        lead = LEADING.match(raw.lstrip())
        start += len(raw) - len(raw.lstrip()) + (lead.end() if lead else 0)
        while end > start and (self.plain[end - 1].isspace() or self.plain[end - 1] in ",.;:\x01"):
            if self.plain[end - 1] == "." and any(m.start < end <= m.end for m in self.mentions):
                break  # the full stop of "U.S."
            end -= 1
        text = self.plain[start:end]
        if not text or "\x01" in text or len(WORD.findall(text)) > 16:
            return UNRESOLVED
        parts = self._conjuncts(start, end)
        if len(parts) > 1:
            return self._combine([self._single(sentence, a, b) for a, b in parts], "coordination")
        return self._single(sentence, *parts[0])

    def _conjuncts(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of "X and Y": split at "and" outside names; a part with a verb ends the phrase before it."""
        inside = self.mentions_in(start, end)
        cuts: list[tuple[int, int]] = []
        for match in re.finditer(r"\s+(?:and|&)\s+", self.plain[start:end]):
            at = start + match.start()
            if not any(m.start <= at < m.end for m in inside):
                cuts.append((at, start + match.end()))
        if not cuts:
            return [(start, end)]
        parts, lo = [], start
        for a, b in cuts:
            parts.append((lo, a))
            lo = b
        parts.append((lo, end))
        for k in range(len(parts) - 1, -1, -1):
            a, b = parts[k]
            if VERBS.search(self.plain[a:b]) and k < len(parts) - 1:
                return parts[k + 1 :]
        return parts

    def _single(self, sentence: Sentence, start: int, end: int) -> Attribution:
        """The speaker one noun phrase (not a coordination) names: see the module docstring's noun-phrase rules."""
        text = self.text[start:end]
        low = text.lower()
        words = [w.lower().strip(".") for w in WORD.findall(text)]
        if not words:
            return UNRESOLVED
        if low in PRONOUNS:
            return self._antecedent(start, end, low, "pronoun", 0.7)
        former = re.fullmatch(r"the\s+(former|latter)", low)
        if former:
            return self._former_latter(sentence, start, end, former.group(1) == "former")
        head_end = self._head_end(start, end)
        head = [m for m in self.mentions_in(start, head_end) if is_agent(m) or is_place(m)]
        determiner = words[0]
        head_words = [w.lower().strip(".") for w in WORD.findall(self.text[start:head_end])]
        if not head:
            return self._nameless(sentence, start, end, head_end, determiner, head_words)
        last = self.complete(head[-1], start, head_end)
        head[-1] = last
        tail = self.text[last.end : head_end]
        possessive = bool(POSSESSIVE.match(tail))
        tail_words = [w.lower() for w in WORD.findall(POSSESSIVE.sub("", tail, count=1))]
        if not tail_words:
            return self._as_speaker(last, start, end)
        joined = " ".join(tail_words)
        if tail_words[0] in STATEMENT_NOUNS:
            return self._as_speaker(last, start, end, rule="statement-of")
        if (joined in WING_NOUNS or " ".join(tail_words[-2:]) in WING_NOUNS) and not possessive and len(head) > 1:
            # "Daesh's Al-Furqan media wing": the name before the wing's noun is the outlet, its owner before it
            owners = [m for m in head[:-1] if is_agent(m) and "MediaOutlet" not in m.types]
            if owners:
                outlet = last if "MediaOutlet" in last.types or last.known else replace(last, types=("MediaOutlet",))
                return Attribution((owners[-1],), text, start, "media-wing", 0.9, outlet)
        if joined in WING_NOUNS or " ".join(tail_words[-2:]) in WING_NOUNS:
            outlets = [m for m in head if "MediaOutlet" in m.types and m is not last]
            owner = [m for m in head if is_agent(m) and "MediaOutlet" not in m.types]
            if owner:
                channel = outlets[-1] if outlets else (last if "MediaOutlet" in last.types else None)
                return Attribution((owner[-1],), text, start, "media-wing", 0.9, channel)
            if "MediaOutlet" in last.types:
                return self._as_speaker(last, start, end)
            return UNRESOLVED
        noun = tail_words[-1]
        if noun in ANAPHORS and last.known and set(last.types) & ANAPHORS[noun]:
            return self._as_speaker(last, start, end)  # "the Islamic State group"
        if joined in ("outlets", "media outlets") and last.known and last.text.lower().endswith("media"):
            return self._as_speaker(last, start, end)  # "state media outlets": the outlets "state media" names
        if source_kind(noun) or noun in TITLE_WORDS:
            return self._role(sentence, start, end, last, joined, possessive, determiner)
        if determiner in DEFINITE and noun in ANAPHORS:
            return self._antecedent(start, end, noun, "description", 0.65)
        return UNRESOLVED

    def _head_end(self, start: int, end: int) -> int:
        """Where the head of a noun phrase ends: before "in Kerman", "cited by IRNA", "who ..."."""
        inside = self.mentions_in(start, end)
        for match in POSTMOD.finditer(self.plain, start, end):
            at = match.start()
            if any(m.start <= at < m.end for m in inside):
                continue
            if at <= start:
                continue
            return at
        return end

    def _nameless(
        self, sentence: Sentence, start: int, end: int, head_end: int, determiner: str, words: list[str]
    ) -> Attribution:
        """A noun phrase with no name in its head: a description, a possessive description, an unnamed source."""
        noun = words[-1] if words else ""
        owner = re.match(r"(?:the|this|that)\s+(\w+)[’']s\s+(.+)$", self.text[start:head_end], re.IGNORECASE)
        if owner and owner.group(1).lower() in ANAPHORS:
            word = owner.group(1).lower()
            antecedent = self._antecedent(start, start + len(owner.group(0)), word, "description", 0.7)
            if antecedent.mention is not None:
                role = self._lookup_role(antecedent.mention, owner.group(2).lower(), start, end)
                if role is not None:
                    return Attribution((role,), self.text[start:end], start, "role-description", 0.75)
            return self._new(start, end, noun)
        named = self._titled_name(start, head_end)
        if named is not None:
            return Attribution((named,), self.text[start:end], start, "titled-name", 0.75)
        modifiers = WORD.findall(self.text[start:head_end])[1:-1]
        if (
            determiner in DEFINITE
            and noun in ANAPHORS
            and len(words) <= 4
            and not any(w[0].isupper() for w in modifiers)
        ):
            return self._antecedent(start, end, noun, "description", 0.65)
        if source_kind(noun):
            found = self._lookup(self.text[start:end])
            if found is not None:
                return Attribution((self._known(found, start, end),), self.text[start:end], start, "registry-name", 0.8)
            spokesman = re.match(r"(?:an?\s+|the\s+)?(spokes\w+)\s+for\s+(.+)$", self.text[start:end], re.IGNORECASE)
            if spokesman:
                owner_mentions = [m for m in self.mentions_in(start, end) if is_agent(m)]
                if owner_mentions:
                    found_role = self._lookup_role(owner_mentions[-1], spokesman.group(1).lower(), start, end)
                    if found_role is not None:
                        return Attribution((found_role,), self.text[start:end], start, "role-description", 0.75)
            return self._new(start, end, noun)
        return UNRESOLVED

    def _role(
        self, sentence: Sentence, start: int, end: int, owner: Mention, role: str, possessive: bool, determiner: str
    ) -> Attribution:
        """ "Israel's military", "Iran's interior minister", "the ISIS spokesman", "a U.S. official"."""
        found = self._lookup(self.text[start:end]) or self._lookup_entity_role(owner, role)
        if found is not None:
            return Attribution((self._known(found, start, end),), self.text[start:end], start, "role-description", 0.8)
        if determiner in DEFINITE and not possessive:
            titled = self._titled_before(start, self.text[start:end])
            if titled is not None:
                return Attribution((titled,), self.text[start:end], start, "title-reference", 0.75)
        return self._new(start, end, role.split()[-1])
