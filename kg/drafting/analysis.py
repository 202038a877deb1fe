"""Reading an article for the drafter: its sentences with their offsets, and the names in them.

The text is split into lines (an article's paragraphs and headings) and each line
into sentences by spaCy's rule-based sentencizer, on spaCy's blank English
pipeline: a tokenizer and rules, no statistical model, so nothing is downloaded
and the same text always gives the same sentences.

Names are found in three passes:

1. **Registry names**, with spaCy's ``PhraseMatcher``: every label, alias and
   other name of the registry, case-sensitive when the name has a capital
   ("IS" is not "is"), case-insensitive otherwise ("twin blasts"); the longest
   match wins where two overlap.
2. **Proper-name runs** the registry does not spell out: a run of capitalised
   words ("Ebhrahim Raisi", "Washington Institute for Near East Policy") close
   to a registry name in spelling (a *variant*), or ending in a person's
   family name that only one registry person has ("President Raisi", a
   *partial* name).
3. **New names**: any other capitalised run that is not a sentence's first
   ordinary word is proposed as a new entity, with a type guessed from the
   words it holds ("Ministry" makes a government body) or that precede it
   ("President" makes a person).

Every :class:`Mention` says how it was found and with what confidence, so the
facts drafted from it can carry that on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from kg.rdf import iris
from kg.rdf.namespaces import KGO

if TYPE_CHECKING:
    from kg.curation.registry import Entity

#: confidence of a link, by how the name was found
LINK_CONFIDENCE = {"label": 0.95, "alias": 0.95, "other-name": 0.9, "variant": 0.8, "partial": 0.75, "new": 0.5}

#: words that open a sentence or a heading without naming anything
ORDINARY_OPENERS = frozenset(
    """a an the this that these those it its he she they we i you his her their our there here as at by for
    from in into of on to with without while when where after before during since until according although
    but and or nor yet so if however initially meanwhile additionally also amid despite following prior
    regarding both either neither each every many much more most some such no not other another all any
    earlier later today yesterday tomorrow instead including unlike like among between against over under
    deep tensions videos state president supreme""".split()
)
#: words that may join the capitalised words of one name ("Institute for Near East Policy")
CONNECTORS = frozenset({"of", "for", "and", "the", "al", "bin", "ibn", "de", "on"})
#: title words before a person's name; they are not part of the name
PERSON_TITLES = frozenset(
    """president vice minister general gen. commander ayatollah supreme leader spokesman spokeswoman
    spokesperson chief head deputy secretary sheikh mr mr. mrs ms dr dr. prime first colonel lieutenant
    senator ambassador analyst expert specialist researcher director""".split()
)
#: words inside a new name, and the class they suggest, first match wins
TYPE_BY_WORD = (
    (
        {"ministry", "council", "parliament", "government", "office", "agency", "authority", "department"},
        "GovernmentBody",
    ),
    ({"guards", "guard", "corps", "force", "forces", "army", "brigade", "military", "militia"}, "MilitaryUnit"),
    ({"institute", "group", "center", "centre", "university", "foundation", "project"}, "ResearchInstitution"),
    ({"news", "tv", "television", "times", "post", "press", "media", "radio", "agency"}, "MediaOutlet"),
    ({"nations", "union", "organization", "organisation", "committee"}, "InternationalBody"),
    ({"state", "front", "movement", "brigades", "jihad", "taliban", "hamas", "hezbollah"}, "ArmedGroup"),
    ({"city", "province", "street", "square", "cemetery", "mosque", "shrine", "airport"}, "Place"),
)


@dataclass(frozen=True)
class Sentence:
    """A sentence, or a heading line, with its offsets in the article (code points, end exclusive)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A name in the text and the entity it is taken to name.

    Attributes:
        start: Offset of the name in the article.
        end: Its end offset (exclusive).
        text: The name as written.
        entity: A registry id, or for a new name the id proposed for an article-local entity.
        known: Whether the entity is in the registry.
        how: ``label``, ``alias``, ``other-name``, ``variant``, ``partial`` or ``new``.
        types: Local names of the entity's classes (for a new name, the guess).
        confidence: How sure the link is, from 0 to 1.
    """

    start: int
    end: int
    text: str
    entity: str
    known: bool
    how: str
    types: tuple[str, ...]
    confidence: float


@dataclass
class Analysis:
    """An article read for drafting."""

    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    published: dt.date | None = None
    names: dict[str, list[str]] = field(default_factory=dict)
    #: the registry the names were linked against (empty for an analysis built by hand)
    registry: dict[str, Entity] = field(default_factory=dict)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """The mentions inside [start, end), in text order."""
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def sentence_at(self, offset: int) -> Sentence:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        raise ValueError(f"no sentence at offset {offset}")


@cache
def _nlp() -> Any:
    """spaCy's blank English pipeline with its rule-based sentencizer (no model to download)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str) -> list[Sentence]:
    """The article's lines, each split into sentences, with their offsets."""
    found = []
    nlp = _nlp()
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().strip():
            continue
        for sent in nlp(line.group()).sents:
            body = sent.text.strip()
            if not body:
                continue
            start = line.start() + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            found.append(Sentence(start, start + len(body), body))
    return found


def _local(term: object) -> str:
    text = str(term)
    return text[len(str(KGO)) :] if text.startswith(str(KGO)) else text


def _names(registry: dict[str, Entity]) -> list[tuple[str, str, str]]:
    """(name, entity id, how) for every label, alias and other name of the registry."""
    names = []
    for slug, entity in registry.items():
        names.append((entity.label, slug, "label"))
        names.extend((alias, slug, "alias") for alias in entity.aliases)
        names.extend((other, slug, "other-name") for other in entity.other_names)
    return names


def _family_names(registry: dict[str, Entity]) -> dict[str, str]:
    """A person's family name (the last word of a name) -> the person, when only one registry person has it."""
    owners: dict[str, set[str]] = {}
    for slug, entity in registry.items():
        if not any(_local(t) == "Person" for t in entity.types):
            continue
        for name in (entity.label, *entity.aliases, *entity.other_names):
            words = name.split()
            if len(words) > 1 and len(words[-1]) > 3 and words[-1][0].isupper():
                owners.setdefault(words[-1], set()).add(slug)
    return {name: next(iter(slugs)) for name, slugs in owners.items() if len(slugs) == 1}


def slug(text: str) -> str:
    """An id for a new entity, from its name: lower-case words joined by '-'."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    return "-".join(words)[:60].strip("-") or "entity"


#: words of descriptions, faiths, peoples and eras, which do not occur in a person's name
NOT_PERSONAL = frozenset(
    """islamic islam revolution republic muslim muslims sunni shia shiite shi’ite arab arabs persian kurdish
    iranian iraqi american israeli western eastern northern southern middle east west north south new great
    holy national international united democratic popular people war front state states day""".split()
)


def guess_type(name: str, before: str) -> str:
    """The class of a new name: from its own words, the title before it, or Agent when nothing tells."""
    words = {w.lower().strip(".") for w in re.findall(r"[\w.’']+", name)}
    for keys, cls in TYPE_BY_WORD:
        if words & keys:
            return cls
    previous = re.findall(r"[\w.]+", before.lower())[-2:]
    if any(w in PERSON_TITLES for w in previous):
        return "Person"
    parts = name.split()
    if len(parts) in (2, 3) and not words & NOT_PERSONAL and all(w[:1].isupper() and w[1:].islower() for w in parts):
        return "Person"
    return "Agent"


class Linker:
    """Finds the registry's names, and new names, in a text (see the module docstring)."""

    def __init__(self, registry: dict[str, Entity]) -> None:
        from spacy.matcher import PhraseMatcher

        self.registry = registry
        nlp = _nlp()
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        #: name -> (entity, how it names it); the build refuses a name given to two entities
        self.names: dict[str, tuple[str, str]] = {}
        for name, entity, how in _names(registry):
            if name in self.names:
                continue
            self.names[name] = (entity, how)
            matcher = self.exact if any(c.isupper() for c in name) else self.folded
            matcher.add(name, [nlp.make_doc(name)])
        self.family = _family_names(registry)
        self.multiword = sorted({n for n, _, _ in _names(registry) if " " in n or "-" in n})

    def _types(self, entity: str) -> tuple[str, ...]:
        return tuple(_local(t) for t in self.registry[entity].types)

    def mentions(self, text: str, sentences: Iterable[Sentence]) -> list[Mention]:
        """Every mention in the text, sentence by sentence, in text order."""
        found: list[Mention] = []
        for sentence in sentences:
            found.extend(self._in_sentence(sentence))
        return found

    def _in_sentence(self, sentence: Sentence) -> list[Mention]:
        from spacy.util import filter_spans

        doc = _nlp().make_doc(sentence.text)
        spans = []
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                span.label_ = doc.vocab.strings[match_id]
                spans.append(span)
        mentions: list[Mention] = []
        covered: set[int] = set()
        for span in filter_spans(spans):
            entity, how = self.names[span.label_]
            covered.update(range(span.start, span.end))
            mentions.append(self._mention(sentence, span.start_char, span.end_char, entity, True, how))
        for start, end in _proper_runs(doc, covered):
            mentions.extend(self._unmatched(sentence, doc, start, end))
        return sorted(mentions, key=lambda m: m.start)

    def _mention(self, sentence: Sentence, start: int, end: int, entity: str, known: bool, how: str) -> Mention:
        text = sentence.text[start:end]
        types = self._types(entity) if known else ()
        return Mention(
            sentence.start + start, sentence.start + end, text, entity, known, how, types, LINK_CONFIDENCE[how]
        )

    def _unmatched(self, sentence: Sentence, doc: Any, start: int, end: int) -> list[Mention]:
        """A proper-name run no registry name covers: a variant, a partial name, or a new name."""
        words = doc[start:end]
        if all(w.text.lower().strip(".") in PERSON_TITLES for w in words):
            return []  # "Supreme Leader", "President": titles, not names
        # a title word that opens the run is not part of the name ("President", "General")
        while len(words) > 1 and words[0].text.lower().strip(".") in PERSON_TITLES:
            words = words[1:]
        text = words.text
        close = difflib.get_close_matches(text, self.multiword, n=1, cutoff=0.85) if len(words) > 1 else []
        if close:
            entity, _ = self.names[close[0]]
            return [self._mention(sentence, words.start_char, words.end_char, entity, True, "variant")]
        last = words[-1].text
        if last in self.family and (len(words) == 1 or words[0].text.lower() in PERSON_TITLES):
            tail = words[-1]
            return [self._mention(sentence, tail.start_char, tail.end_char, self.family[last], True, "partial")]
        if len(words) == 1 and not (words[0].text.isupper() and words[0].text.isalpha()):
            return []  # one capitalised word is a new name only as an acronym ("IRNA"): else an opener, a demonym
        if len(words) == 1 and words[0].text.lower() in ORDINARY_OPENERS:
            return []
        if words[0].text.lower() in ORDINARY_OPENERS and len(words) > 1:
            words = words[1:]
            text = words.text
        before = sentence.text[: words.start_char]
        kind = guess_type(text, before)
        mention = Mention(
            sentence.start + words.start_char,
            sentence.start + words.end_char,
            text,
            slug(text),
            False,
            "new",
            (kind,),
            LINK_CONFIDENCE["new"],
        )
        return [mention]


def _proper_runs(doc: Any, covered: set[int]) -> list[tuple[int, int]]:
    """Token ranges of capitalised words (joined by connectors) that no registry name covers."""
    runs = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if i in covered or not _capitalised(token.text):
            i += 1
            continue
        j = i + 1
        while j < len(doc) and j not in covered:
            if _capitalised(doc[j].text):
                j += 1
            elif doc[j].text.lower() in CONNECTORS and j + 1 < len(doc) and _capitalised(doc[j + 1].text):
                j += 2
            elif doc[j].text in ("-",) and j + 1 < len(doc) and _capitalised(doc[j + 1].text):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and any(c.isalpha() for c in word) and not word.isdigit()


def analyse(text: str, registry: dict[str, Entity], published: dt.date | None = None) -> Analysis:
    """Read an article: its sentences and every name in them."""
    found = sentences(text)
    linker = Linker(registry)
    mentions = linker.mentions(text, found)
    return Analysis(text, found, mentions, published, registry=registry)


def entity_iri(entity: str) -> str:
    """The IRI of a registry entity (for messages and tests)."""
    return str(iris.entity(entity))
