"""The entity registry: one canonical entity per real thing.

``corpus/entities.yaml`` maps an id (the slug of the entity's IRI) to its
types, canonical label, the spellings the articles use (``aliases``, each
checked to occur in some article), other usual names (``other_names``,
knowledge from outside the articles), a Wikidata item (only one listed in
``corpus/wikidata.tsv``, the project's copy of the confirmed list) and,
for places, what they are located in. The registry is knowledge from outside
the articles, so it goes into its own named graph; Wikidata links go into
the background graph.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from kg.curation.yamlsrc import Node, load_yaml
from kg.errors import InputError
from kg.rdf import iris
from kg.rdf.namespaces import KGO, KGO_NS
from kg.rdf.ontology import Vocabulary

#: The kinds of thing the registry may hold: its types must fall under these.
ENTITY_ROOTS = ("Agent", "Place", "Event", "Position", "Channel")

ENTITY_KEYS = {"type", "label", "aliases", "other_names", "wikidata", "located_in", "note"}


@dataclass(frozen=True)
class WikidataItem:
    """One row of the confirmed Wikidata list."""

    qid: str
    label: str
    note: str


@dataclass
class Entity:
    """A canonical entity, or an article-local one (``article`` set)."""

    slug: str
    iri: URIRef
    types: list[URIRef]
    label: str
    file: Path
    line: int
    aliases: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    wikidata: str | None = None
    located_in: list[tuple[str, int]] = field(default_factory=list)
    note: str | None = None
    article: str | None = None
    #: the line of each alias and other name, for errors
    name_lines: dict[str, int] = field(default_factory=dict)


def load_wikidata(path: Path) -> dict[str, WikidataItem]:
    """Read the confirmed Wikidata list (tab-separated label, qid, note; # comments)."""
    items: dict[str, WikidataItem] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, None, f"cannot read the Wikidata list: {exc.strerror}") from exc
    for number, row in enumerate(csv.reader(lines, delimiter="\t"), start=1):
        if not row or row[0].startswith("#"):
            continue
        if len(row) < 2 or not row[1].startswith("Q") or not row[1][1:].isdigit():
            raise InputError(path, number, "expected 'label<TAB>Q-id<TAB>note'")
        items[row[1]] = WikidataItem(row[1], row[0], row[2] if len(row) > 2 else "")
    return items


def parse_types(node: Node, vocabulary: Vocabulary, what: str) -> list[URIRef]:
    """Class names given by a curator, checked against the ontology."""
    roots = [KGO[r] for r in ENTITY_ROOTS]
    types = []
    for item in node.seq(what):
        name = item.text(what)
        cls = KGO_NS[name]
        if cls not in vocabulary.classes:
            raise item.error(f"unknown class '{name}' in {what}; see ontology/modules/*.ttl")
        if not any(vocabulary.is_subclass(cls, r) for r in roots):
            raise item.error(
                f"class '{name}' is not a kind of entity; an entity's type must fall under " + ", ".join(ENTITY_ROOTS)
            )
        types.append(cls)
    return types


def parse_names(node: Node | None, what: str, lines: dict[str, int] | None = None) -> list[str]:
    """A list of names (or one name); each name's line goes into ``lines`` when given."""
    if node is None:
        return []
    names = []
    for item in node.seq(what):
        name = item.text(what)
        names.append(name)
        if lines is not None:
            lines.setdefault(name, item.line)
    return names


def load_registry(path: Path, vocabulary: Vocabulary, wikidata: dict[str, WikidataItem]) -> dict[str, Entity]:
    """Read the registry, checking ids, types, Wikidata links and place references."""
    root = load_yaml(path).mapping("the entity registry")
    entities: dict[str, Entity] = {}
    for slug, node in root.items():
        if not iris.SLUG.match(slug):
            raise node.error(f"entity id '{slug}' must be lower-case words joined by '-'")
        node.mapping(f"entity '{slug}'")
        node.only_keys(ENTITY_KEYS, f"entity '{slug}'")
        lines: dict[str, int] = {}
        entity = Entity(
            slug=slug,
            iri=iris.entity(slug),
            types=parse_types(node.require("type", f"entity '{slug}'"), vocabulary, "type"),
            label=node.require("label", f"entity '{slug}'").text("label"),
            file=path,
            line=node.line,
            aliases=parse_names(node.get("aliases"), "aliases", lines),
            other_names=parse_names(node.get("other_names"), "other_names", lines),
            name_lines=lines,
        )
        qid_node = node.get("wikidata")
        if qid_node is not None:
            qid = qid_node.text("wikidata")
            if qid not in wikidata:
                raise qid_node.error(
                    f"Wikidata item {qid} is not in the confirmed list (corpus/wikidata.tsv); "
                    "link only items listed there"
                )
            entity.wikidata = qid
        located = node.get("located_in")
        if located is not None:
            entity.located_in = [(i.text("located_in"), i.line) for i in located.seq("located_in")]
        note = node.get("note")
        if note is not None:
            entity.note = note.text("note")
        entities[slug] = entity
    for entity in entities.values():
        for place, line in entity.located_in:
            if place not in entities:
                raise InputError(path, line, f"located_in names unknown entity '{place}'")
    _refuse_shared_names(entities)
    return entities


def _refuse_shared_names(entities: dict[str, Entity]) -> None:
    """One name, one entity: a label, alias or other name given to two entities is an error at the second."""
    owners: dict[str, Entity] = {}
    for entity in entities.values():
        for name in dict.fromkeys([entity.label, *entity.aliases, *entity.other_names]):
            key = name.casefold()
            first = owners.setdefault(key, entity)
            if first is not entity:
                raise InputError(
                    entity.file,
                    entity.name_lines.get(name, entity.line),
                    f"the name '{name}' of '{entity.slug}' is already a name of '{first.slug}' (line {first.line}): "
                    "a name must pick out one entity; if they are the same thing, merge them, otherwise drop or "
                    "qualify the name",
                )


def unused_aliases(registry: dict[str, Entity], texts: list[str]) -> list[InputError]:
    """An error, at its line, for each alias that no article uses (see :func:`aliases_not_in`)."""
    return alias_errors(registry, aliases_not_in(registry, texts))


def alias_errors(registry: dict[str, Entity], unused: Iterable[tuple[str, str]]) -> list[InputError]:
    """An error, at its line, for each (entity id, alias) pair that no article uses."""
    return [
        InputError(
            registry[slug].file,
            registry[slug].name_lines.get(alias, registry[slug].line),
            f"alias '{alias}' of '{slug}' occurs in no article: aliases are the spellings the articles use (as whole "
            "words, same case); fix the spelling, or move a usual name from elsewhere to other_names",
        )
        for slug, alias in unused
    ]


#: an alias as :func:`aliases_in` looks for it: entity id, alias, its words
IndexedAlias = tuple[str, str, frozenset[str]]


def alias_index(registry: dict[str, Entity]) -> dict[str, list[IndexedAlias]]:
    """The registry's aliases by their longest word (the likeliest to be rare), for :func:`aliases_in`."""
    index: dict[str, list[IndexedAlias]] = {}
    for entity in registry.values():
        for alias in entity.aliases:
            words = _WORD.findall(alias)
            key = max(words, key=len) if words else ""  # an alias of no word is looked for in every text
            index.setdefault(key, []).append((entity.slug, alias, frozenset(words)))
    return index


def aliases_in(index: dict[str, list[IndexedAlias]], text: str) -> list[tuple[str, str]]:
    """The (entity id, alias) pairs of the index whose alias occurs in the text as a whole word (same case).

    The union over a corpus's texts is what :func:`aliases_not_in` does not report; kept per article, it lets
    an incremental build check the aliases without reading the other articles again.
    """
    words = set(_WORD.findall(text))
    found = []
    for word in (words | {""}) & index.keys():
        for slug, alias, alias_words in index[word]:
            if alias_words <= words and _whole_word(alias).search(text):
                found.append((slug, alias))
    return sorted(found)


def aliases_not_in(registry: dict[str, Entity], texts: list[str]) -> list[tuple[str, str]]:
    """(entity id, alias) pairs whose alias occurs, as a whole word, in none of the texts.

    Aliases are meant to be the spellings the articles use; other_names are exempt.
    """
    # Every run of word characters of an alias that occurs as a whole word is a whole word of the text
    # too, so an alias is only searched for in the texts that hold all its words: without this index
    # the check would search every alias (a registry grows with the corpus) in every text.
    texts_with: dict[str, set[int]] = {}
    for number, text in enumerate(texts):
        for word in set(_WORD.findall(text)):
            texts_with.setdefault(word, set()).add(number)
    everything = set(range(len(texts)))
    missing = []
    for entity in registry.values():
        for alias in entity.aliases:
            candidates = everything
            for word in sorted(set(_WORD.findall(alias)), key=lambda w: len(texts_with.get(w, ()))):
                candidates = candidates & texts_with.get(word, set())
                if not candidates:
                    break
            pattern = _whole_word(alias)
            if not any(pattern.search(texts[number]) for number in sorted(candidates)):
                missing.append((entity.slug, alias))
    return missing


_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=1 << 16)
def _whole_word(alias: str) -> re.Pattern[str]:
    """The alias as a whole word: not preceded or followed by a word character."""
    return re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)")
