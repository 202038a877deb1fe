"""The names of an article's speakers: quotations blanked, registry names looked up, names completed, pronouns resolved.

:class:`NameReader` holds the article as the speaker rules read it (the text with quotations blanked, the
mentions with the aliases the text declares) and answers for names: a name completed with the name words
next to it, a title and a name, a role the registry names, a city for the state it lies in, a pronoun or a
description for the agent it refers back to. The rules are written out in :mod:`kg.drafting.speakers.phrases`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from kg.drafting.analysis import LINK_CONFIDENCE, PERSON_TITLES, Analysis, Mention, Sentence, guess_type, slug
from kg.drafting.quotations import quotations
from kg.drafting.speakers.attribution import UNRESOLVED, Attribution
from kg.drafting.speakers.patterns import ALSO_KNOWN, HYPHENATED, NAME_TOKEN, POSSESSIVE_END
from kg.drafting.speakers.words import (
    AGENT_TYPES,
    ANAPHORS,
    CALENDAR,
    CHANNEL_TYPES,
    DEFINITE,
    HONORIFICS,
    TITLE_WORDS,
    is_agent,
    source_kind,
)


class NameReader:
    """An article read for speakers: the text with quotations blanked, and the registry's names."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.text = analysis.text
        chars = list(analysis.text)
        self.quotes = quotations(analysis)
        for lo, hi in self.quotes:
            for i in range(lo, hi):
                if chars[i] != "\n":
                    chars[i] = "\x01"
        #: the text with every quotation (marks included) blanked to \x01, offsets kept
        self.plain = "".join(chars)
        self.index = _name_index(analysis)
        self.mentions = _distinct(analysis.mentions + self._declared_aliases(_distinct(analysis.mentions)))

    def _declared_aliases(self, mentions: list[Mention]) -> list[Mention]:
        """Names the text declares for a named agent ("ISIS, also known as Daesh, ..."), found where they recur."""
        found: list[Mention] = []
        for mention in mentions:
            if not (mention.known and is_agent(mention)):
                continue
            declared = ALSO_KNOWN.match(self.text, mention.end)
            if declared is None:
                continue
            alias = declared.group("alias")
            for hit in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", self.text):
                found.append(
                    replace(mention, start=hit.start(), end=hit.end(), text=alias, how="variant", confidence=0.8)
                )
        return found

    # ------------------------------------------------------------- helpers

    def quoted(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside a quotation."""
        return any(lo <= start and end <= hi for lo, hi in self.quotes)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions inside [start, end) and outside quotations, in text order."""
        return [m for m in self.mentions if start <= m.start and m.end <= end and not self.quoted(m.start, m.end)]

    def paragraph_start(self, offset: int) -> int:
        """Where the paragraph (the line) that holds an offset starts."""
        return self.text.rfind("\n", 0, offset) + 1

    def previous_sentence(self, sentence: Sentence) -> Sentence | None:
        """The sentence before this one in the same paragraph, if any."""
        sentences = self.analysis.sentences
        for i, other in enumerate(sentences):
            if other.start == sentence.start:
                if i == 0:
                    return None
                before = sentences[i - 1]
                return before if before.start >= self.paragraph_start(sentence.start) else None
        return None

    # ------------------------------------------------------------- names

    def hyphenated(self, mention: Mention) -> Mention:
        """A mention that ends inside a hyphenated name ("ISIS" of "ISIS-Khorasan"), completed to that name."""
        rest = HYPHENATED.match(self.text, mention.end)
        return self.complete(mention, mention.start, rest.end()) if rest else mention

    def complete(self, mention: Mention, start: int, end: int) -> Mention:
        """A name with the name words next to it in the phrase: "Revolutionary Guards Corps" for a link to
        "Revolutionary Guards", "State TV" for a new name "TV", "Abu Hutaifa al-Ansari" for "Abu Hutaifa".

        The completed name is the registry's when one of its names is this or close to it (as the linker's
        variants), otherwise a new name.
        """
        lo, hi = mention.start, mention.end
        joined = HYPHENATED.match(self.text, hi, end)
        if joined:
            hi = joined.end()  # "ISIS-Khorasan" for a link to "ISIS": a longer name, not the shorter one
        base = hi
        for word in re.finditer(r"\S+", self.text[base:end]):
            token = word.group().rstrip(",.;:")
            if not NAME_TOKEN.match(token) or token.lower() in TITLE_WORDS or token.lower() in PERSON_TITLES:
                break
            if token.lower() in CALENDAR:
                break
            if POSSESSIVE_END.search(token):
                break  # "Group’s": the name of another agent, which owns this one
            if not self.text[hi : base + word.start()].isspace():
                break  # only a space may join the words of a name
            hi = base + word.start() + len(token)
            if token != word.group():
                break  # a comma or a full stop ends the name
        if not mention.known:
            for word in reversed(list(re.finditer(r"\S+", self.text[start:lo]))):
                token = word.group()
                if not NAME_TOKEN.match(token) or token.lower() in PERSON_TITLES or token.lower() in DEFINITE:
                    break
                if POSSESSIVE_END.search(token):
                    break  # "The International Crisis Group’s Ali Vaez": the owner is not part of the name
                if not self.text[start + word.end() : lo].isspace():
                    break
                lo = start + word.start()
        if (lo, hi) == (mention.start, mention.end):
            return mention
        text = self.text[lo:hi]
        found = self._lookup(text) or self._close(text)
        if found is not None:
            return self._known(found, lo, hi)
        kind = guess_type(text, self.text[max(0, lo - 40) : lo])
        kinds = (mention.types[0],) if kind == "Agent" and mention.types else (kind,)
        return Mention(lo, hi, text, slug(text), False, "new", kinds, LINK_CONFIDENCE["new"])

    def _close(self, text: str) -> str | None:
        """A registry agent with a name close to ``text`` in spelling."""
        close = difflib.get_close_matches(_normal(text), list(self.index), n=1, cutoff=0.85)
        return self.index[close[0]] if close else None

    def _titled_name(self, start: int, end: int) -> Mention | None:
        """A person named by title and name where the name alone is not a known name: "Supreme Leader Ayatollah
        Khamenei", "President Macron": the name after the titles, as a new person."""
        words = list(re.finditer(r"[\w’'.-]+", self.text[start:end]))
        titled = False
        first = None
        for word in words:
            token = word.group()
            if token.lower() in HONORIFICS and titled and first is None:
                first = word  # "Ayatollah Khamenei": the honorific is part of the name as written
            elif token.lower().strip(".") in PERSON_TITLES:
                titled, first = True, None
            elif titled and NAME_TOKEN.match(token) and token[0].isupper():
                first = word if first is None else first
            else:
                titled, first = False, None
        if first is None or words[-1].group()[0].islower():
            return None
        lo, hi = start + first.start(), start + words[-1].end()
        text = self.text[lo:hi]
        found = self._lookup(text)
        if found is not None:
            return self._known(found, lo, hi)
        return Mention(lo, hi, text, slug(text), False, "new", ("Person",), LINK_CONFIDENCE["new"])

    def _titled_before(self, start: int, phrase: str) -> Mention | None:
        """The person named earlier in the article right after the same title ("ISIS spokesman Abu ...")."""
        title = re.sub(r"^(?:the|this|that)\s+", "", phrase.strip(), flags=re.IGNORECASE)
        if not title:
            return None
        best = None
        for mention in self.mentions:
            if mention.start >= start or "Person" not in mention.types:
                continue
            before = self.text[max(0, mention.start - len(title) - 1) : mention.start]
            if before.lower().rstrip() == title.lower() or before.lower().strip() == title.lower():
                best = mention
        if best is None:
            return None
        line_end = self.text.find("\n", best.end)
        return self.complete(best, best.start, len(self.text) if line_end < 0 else line_end)

    def _lookup(self, phrase: str) -> str | None:
        """A registry agent whose name is this phrase (articles, case and apostrophes aside)."""
        return self.index.get(_normal(phrase))

    def _lookup_entity_role(self, owner: Mention, role: str) -> str | None:
        """ "Iran's interior minister" or "Israel's military" as the registry names it ("Israeli military")."""
        names = {owner.text.lower()}
        if owner.known:
            entity = self.analysis.registry.get(owner.entity)
            if entity is not None:
                names |= {n.lower() for n in (entity.label, *entity.aliases, *entity.other_names)}
        for name in names:
            found = self.index.get(_normal(f"{name}'s {role}"))
            if found is not None:
                return found
        for name_key, slug_ in self.index.items():
            first, _, rest = name_key.partition(" ")
            if rest != role:
                continue
            # a demonym extends the country's name: Israel -> Israeli, Iran -> Iranian, America -> American
            if any(" " not in n and first.startswith(n) and len(first) - len(n) <= 3 for n in names):
                return slug_
        return None

    def demonym(self, word: str, start: int) -> Mention | None:
        """The registry state an adjective of nationality names ("American", "Israeli", "Iranian"), as a mention of
        the word at ``start``; a demonym extends one of the state's names by at most three letters."""
        low = word.lower()
        for entity_id, entity in self.analysis.registry.items():
            if not any(str(t).endswith("#State") for t in entity.types):
                continue
            for name in (entity.label, *entity.aliases, *entity.other_names):
                name = name.lower()
                if " " not in name and len(name) > 3 and low.startswith(name) and 0 < len(low) - len(name) <= 3:
                    return self._known(entity_id, start, start + len(word))
        return None

    def _lookup_role(self, owner: Mention, role: str, start: int, end: int) -> Mention | None:
        """The registry agent "<owner>'s <role>", "<role> for/of <owner>" names, as a mention of [start, end)."""
        found = self._lookup_entity_role(owner, role)
        if found is None:
            found = self._lookup(f"{role} for {owner.text}") or self._lookup(f"{role} of {owner.text}")
        return self._known(found, start, end) if found is not None else None

    def _known(self, entity: str, start: int, end: int) -> Mention:
        """A mention of a registry entity found by description rather than by name."""
        found = self.analysis.registry.get(entity)
        types = tuple(str(t).rsplit("#", 1)[-1] for t in found.types) if found is not None else ()
        return Mention(start, end, self.text[start:end], entity, True, "variant", types, LINK_CONFIDENCE["variant"])

    def _new(self, start: int, end: int, noun: str) -> Attribution:
        """A new article-local entity for a description ("an unnamed source cited by IRNA", "analysts")."""
        words = re.match(r"(?:(?:a|an|the)\s+)", self.text[start:end], re.IGNORECASE)
        if words:
            start += words.end()
        text = self.text[start:end]
        kind = source_kind(noun) or ("Person" if noun in TITLE_WORDS else "Agent")
        mention = Mention(start, end, text, slug(text), False, "new", (kind,), LINK_CONFIDENCE["new"])
        channel = None
        for inner in self.mentions_in(start, end):
            before = self.text[max(start, inner.start - 50) : inner.start].lower()
            # "cited by the state news agency IRNA", "quoted on Telegram": a preposition, then only the outlet's words
            if set(inner.types) & CHANNEL_TYPES and re.search(r"\b(?:by|via|on|through|from|to)\s+[^,;]*$", before):
                channel = inner
        return Attribution((mention,), text, start, "unnamed-source", 0.85, channel)

    def _as_speaker(self, mention: Mention, start: int, end: int, rule: str = "name") -> Attribution:
        """A name as speaker: an agent; a city for the state it lies in; nothing else speaks."""
        words = self.text[start:end]
        factor = 1.0 if mention.known else 0.8
        if is_agent(mention):
            return Attribution((mention,), words, start, rule, factor)
        if "City" in mention.types and mention.known:
            state = self._state_of(mention.entity)
            if state is not None:
                return Attribution((self._known(state, mention.start, mention.end),), words, start, "metonymy", 0.8)
        return UNRESOLVED

    def _state_of(self, place: str) -> str | None:
        """The registry state a place lies in, following ``located_in``."""
        seen = set()
        current = self.analysis.registry.get(place)
        while current is not None and current.slug not in seen:
            seen.add(current.slug)
            for parent, _ in current.located_in:
                entity = self.analysis.registry.get(parent)
                if entity is not None and any(str(t).endswith("#State") for t in entity.types):
                    return parent
            current = self.analysis.registry.get(current.located_in[0][0]) if current.located_in else None
        return None

    def _antecedent(self, start: int, end: int, word: str, rule: str, confidence: float) -> Attribution:
        """The nearest earlier mention in the paragraph that a pronoun or description may refer to."""
        kinds = ANAPHORS.get(word)
        if kinds is None:
            return UNRESOLVED
        lo = self.paragraph_start(start)
        inside = {(m.start, m.end) for m in self.mentions_in(start, end)}
        candidates = [
            m
            for m in self.mentions_in(lo, start)
            if set(m.types) & kinds and (m.start, m.end) not in inside and (m.known or "Person" in m.types)
        ]
        if not candidates:
            return UNRESOLVED
        return Attribution((candidates[-1],), self.text[start:end], start, rule, confidence)

    def _former_latter(self, sentence: Sentence, start: int, end: int, former: bool) -> Attribution:
        """ "the former"/"the latter": the first/second of the last pair "X and Y" before them in the sentence."""
        agents = [m for m in self.mentions_in(sentence.start, start) if is_agent(m)]
        for second in reversed(agents):
            firsts = [m for m in agents if m.end <= second.start]
            if not firsts:
                continue
            first = firsts[-1]
            if re.fullmatch(r"\s+and\s+", self.text[first.end : second.start]):
                chosen = first if former else second
                return Attribution((chosen,), self.text[start:end], start, "former-latter", 0.75)
        return UNRESOLVED


# ------------------------------------------------------------------ helpers


def _distinct(mentions: list[Mention]) -> list[Mention]:
    """Mentions that do not overlap: registry links first (the longer where two overlap), then new names."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (not m.known, -(m.end - m.start), m.start)):
        if any(mention.start < other.end and other.start < mention.end for other in kept):
            continue
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _normal(name: str) -> str:
    text = name.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" .,;:")


def _name_index(analysis: Analysis) -> dict[str, str]:
    """Normalised name -> registry id, for the registry's agents (names given to two entities are left out)."""
    index: dict[str, str] = {}
    clashes: set[str] = set()
    for entity_id, entity in analysis.registry.items():
        types = {str(t).rsplit("#", 1)[-1] for t in entity.types}
        if not types & AGENT_TYPES:
            continue
        for name in (entity.label, *entity.aliases, *entity.other_names):
            key = _normal(name)
            if key in index and index[key] != entity_id:
                clashes.add(key)
            index.setdefault(key, entity_id)
    for key in clashes:
        del index[key]
    return index
