"""A synthetic corpus of N articles shaped like the real one, for benchmarking.

Synthetic article ``i`` is a copy of real article ``i mod 5`` (in name order)
with new entities, figures and dates, and the same annotation structure:

- every surface form of a registry entity (its label, aliases and other names)
  is replaced, in the text and in every string of the annotations, by a name
  unique to the article ("Person S00042-57": the entity's type, the article's
  code and the entity's position in the real registry; other spellings of the
  same entity get a letter, "Person S00042-57b");
- every registry id the annotations or the metadata refer to becomes a new
  per-article registry entity (``s00042-ebrahim-raisi``) with the original's
  types, a synthetic label and aliases, its place containment and its note
  rewritten; Wikidata links are left out;
- the numbers of the casualty figures are replaced by other numbers, wherever
  they occur;
- every year (19xx, 20xx) is shifted by a multiple of 28 years, so every ISO
  date keeps its weekday (the Gregorian calendar repeats every 28 years between
  1901 and 2099) and month and day words stay true.

The same replacements are applied to the text and to every quote and text field
of the annotations, so every quote stays verbatim in the new text. The five
real articles are parsed once: each becomes a template, a list of literal
pieces and slots, and an article is rendered by filling the slots, so
thousands of articles take seconds. The output folder is a corpus folder for
``kg build --corpus DIR``; the same N gives the same bytes.

Usage: ``python bench/synthetic.py N OUTDIR [--corpus DIR]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

from ruamel.yaml import YAML

from kg import resources


class Slot(NamedTuple):
    """A hole in a template, filled per article."""

    kind: str  # code, prefix, stem, sha256, title, year, number
    key: str = ""


Pieces = list[str | Slot]

CODE = Slot("code")  # in synthetic names: "S00042"
PREFIX = Slot("prefix")  # of synthetic registry ids: "s00042-"
STEM = Slot("stem")
SHA256 = Slot("sha256")
TITLE = Slot("title")

#: Year shifts, used in turn; multiples of 28 keep every date's weekday within 1901-2099.
YEAR_SHIFTS = (-56, -28, 28, 56)
YEAR_RANGE = range(1901, 2100)

#: Keys whose values are entity references (a registry id is replaced by its per-article copy).
REF_KEYS = frozenset(
    {
        "by",
        "about",
        "accuses",
        "denies_involvement_of",
        "threatens",
        "attributes_to",
        "names_perpetrator",
        "channel",
        "of",
        "given_by",
        "in_response_to",
        "destination",
        "relative_to",
        "entity",
        "located_in",
        "subject",
        "object",
    }
)
#: Keys whose values are ids, class or property names, kept as they are.
VERBATIM_KEYS = frozenset({"id", "type", "attack_type", "qualifier", "answers", "contradicts", "stated_in", "property"})

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off"})
_YAML_LINE_BREAKS = str.maketrans({"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"})
_YEARS = r"(?P<year>(?<!\w)(?:19|20)\d\d(?!\w))"


# ------------------------------------------------------------------ YAML output


@dataclass(frozen=True)
class Scalar:
    """A scalar to write: its pieces, and whether it is written in double quotes."""

    pieces: tuple[str | Slot, ...]
    quoted: bool = False


class Flow(list):  # type: ignore[type-arg]
    """A list written inline, ``[a, b, c]``."""


Tree: TypeAlias = "Scalar | list[Tree] | dict[str | Scalar, Tree]"


def _is_inline(node: Tree) -> bool:
    if isinstance(node, Scalar | Flow):
        return True
    return isinstance(node, list) and all(isinstance(item, Scalar) and not item.quoted for item in node)


def _inline(node: Tree) -> Pieces:
    if isinstance(node, Scalar):
        return ['"', *node.pieces, '"'] if node.quoted else list(node.pieces)
    parts: list[Pieces]
    if isinstance(node, dict):
        parts = [[*_key(k), ": ", *_inline(v)] for k, v in node.items()]
        opening, closing = "{", "}"
    else:
        parts = [_inline(item) for item in node]
        opening, closing = "[", "]"
    out: Pieces = [opening]
    for n, part in enumerate(parts):
        out += [", "] * (n > 0) + part
    return out + [closing]


def _key(key: str | Scalar) -> Pieces:
    return [key] if isinstance(key, str) else _inline(key)


def _block(node: Tree, indent: int, first_prefix: str | None = None) -> Pieces:
    """Block-style YAML for a mapping or list, every line indented by indent."""
    pad = " " * indent
    out: Pieces = []
    if isinstance(node, dict):
        for n, (key, value) in enumerate(node.items()):
            out += [first_prefix if n == 0 and first_prefix is not None else pad, *_key(key), ":"]
            out += [" ", *_inline(value), "\n"] if _is_inline(value) else ["\n", *_block(value, indent + 2)]
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, dict):
                out += _block(item, indent + 2, pad + "- ")
            else:
                out += [pad, "- ", *_inline(item), "\n"]
    return out


def _bare(value: str) -> Scalar:
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return Scalar((value,))
    return Scalar((_escape(value),), quoted=True)


def _escape(text: str) -> str:
    """Text for the inside of a YAML double-quoted scalar (JSON escapes are YAML escapes)."""
    return json.dumps(text, ensure_ascii=False)[1:-1].translate(_YAML_LINE_BREAKS)


def render(pieces: Pieces, values: dict[Slot, str]) -> str:
    """A template's text with its slots filled."""
    return "".join(p if type(p) is str else values[p] for p in pieces)  # type: ignore[index]


# --------------------------------------------------------------------- registry


@dataclass(frozen=True)
class RegistryEntity:
    """An entity of the real registry and how its synthetic copies are named."""

    id: str
    number: int
    entry: dict[str, Any]
    forms: tuple[str, ...]

    @property
    def type_words(self) -> str:
        types = self.entry["type"]
        first = types if isinstance(types, str) else types[0]
        return re.sub(r"(?<!^)(?=[A-Z])", " ", first)

    def spelling(self, form: str) -> Pieces:
        """The synthetic name that replaces one of the entity's surface forms."""
        n = self.forms.index(form)
        suffix = chr(ord("a") + n) if n else ""
        return [f"{self.type_words} ", CODE, f"-{self.number}{suffix}"]


def load_registry(path: Path) -> dict[str, RegistryEntity]:
    """The real registry, each entity with its surface forms (label, aliases, other names)."""
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    registry = {}
    for number, (slug, entry) in enumerate(data.items(), start=1):
        names = [entry["label"], *entry.get("aliases", []), *entry.get("other_names", [])]
        registry[slug] = RegistryEntity(slug, number, entry, tuple(dict.fromkeys(names)))
    return registry


def _names_pattern(registry: dict[str, RegistryEntity]) -> str:
    forms = sorted({form for entity in registry.values() for form in entity.forms}, key=lambda f: (-len(f), f))
    return rf"(?P<name>(?<!\w)(?:{'|'.join(re.escape(f) for f in forms)})(?!\w))"


# -------------------------------------------------------------------- templates


@dataclass
class Rewriter:
    """Turns one real article's strings and references into template pieces."""

    pattern: re.Pattern[str]
    registry: dict[str, RegistryEntity]
    owners: dict[str, RegistryEntity]
    local_ids: frozenset[str] = frozenset()
    mentioned: set[str] = field(default_factory=set)

    def text(self, text: str, quoted: bool = False, found: set[str] | None = None) -> Pieces:
        """A string with its entity names, years and casualty numbers as slots; ``found`` collects the names."""
        out: Pieces = []
        at = 0
        for match in self.pattern.finditer(text):
            literal = text[at : match.start()]
            out.append(_escape(literal) if quoted else literal)
            if found is not None and match.lastgroup == "name":
                found.add(match.group())
            out += self._replacement(match)
            at = match.end()
        tail = text[at:]
        out.append(_escape(tail) if quoted else tail)
        return [p for p in out if p != ""]

    def _replacement(self, match: re.Match[str]) -> Pieces:
        found = match.group()
        if match.lastgroup == "name":
            owner = self.owners[found]
            self.mentioned.add(owner.id)
            return owner.spelling(found)
        return [Slot(match.lastgroup or "", found)]

    def ref(self, name: str) -> Scalar:
        """An entity reference: a registry id becomes the article's copy (local ids shadow the registry)."""
        if name in self.registry and name not in self.local_ids:
            self.mentioned.add(name)
            return Scalar((PREFIX, name))
        return _bare(name)

    def date(self, value: Any) -> Scalar:
        if isinstance(value, dt.date):
            return Scalar((Slot("year", str(value.year)), value.isoformat()[4:]))
        if isinstance(value, int):
            return Scalar((Slot("year", str(value)),))
        return Scalar(tuple(self.text(str(value), quoted=True)), quoted=True)

    def convert(self, key: str, value: Any) -> Tree:
        """A parsed annotation or metadata value as a tree to write, by what its key means."""
        if isinstance(value, dict):
            return {k: self.convert(k, v) for k, v in value.items()}
        if isinstance(value, list):
            if key == "relations":
                return [self._relation(item) for item in value]
            return [self.convert(key, item) for item in value]
        if key == "date":
            return self.date(value)
        if key in ("article", "file"):
            return Scalar((STEM, ".txt"))
        if isinstance(value, int):
            return Scalar((str(value),))
        if key in REF_KEYS and isinstance(value, str):
            return self.ref(value)
        if key in VERBATIM_KEYS:
            return _bare(str(value))
        return Scalar(tuple(self.text(str(value), quoted=True)), quoted=True)

    def _relation(self, triple: list[Any]) -> Flow:
        subject, prop, obj = triple
        return Flow([self.convert("subject", subject), self.convert("property", prop), self.convert("object", obj)])

    def registry_entry(self, entity: RegistryEntity, names_in_text: set[str]) -> Tree:
        """The article's copy of a registry entity, with the aliases its text spells out.

        An alias counts only where the text's rewrite replaced it as a name of its own: one that occurs
        only inside a longer name ("Raisi" in "Ebrahim Raisi") does not occur in the synthetic text, and
        the build refuses an alias that no article uses.
        """
        entry = entity.entry
        tree: dict[str | Scalar, Tree] = {"type": self.convert("type", entry["type"])}
        tree["label"] = Scalar(tuple(entity.spelling(entry["label"])), quoted=True)
        used = [a for a in entry.get("aliases", []) if a in names_in_text]
        for key, names in (("aliases", used), ("other_names", entry.get("other_names", []))):
            if names:
                tree[key] = Flow(Scalar(tuple(entity.spelling(n)), quoted=True) for n in names)
        for key in ("located_in", "note"):
            if key in entry:
                tree[key] = self.convert(key, entry[key])
        return tree


@dataclass
class Template:
    """One real article as pieces: its text, metadata, annotations and registry copies."""

    stem: str
    text: Pieces
    meta: Pieces
    facts: Pieces
    registry: Pieces
    years: list[Slot] = field(default_factory=list)
    numbers: list[Slot] = field(default_factory=list)

    def __post_init__(self) -> None:
        found = {p for pieces in (self.text, self.meta, self.facts, self.registry) for p in pieces if type(p) is Slot}
        self.years = sorted(s for s in found if s.kind == "year")
        self.numbers = sorted(s for s in found if s.kind == "number")


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, scalar) pair of a parsed YAML document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield from _walk(item)
            else:
                yield key, item
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _figure_numbers(facts: dict[str, Any]) -> list[str]:
    return sorted({n for key, value in _walk(facts) if key == "figure" for n in re.findall(r"\d+", str(value))})


def load_template(articles: Path, stem: str, registry: dict[str, RegistryEntity], names: str) -> Template:
    """Parse one real article and its files into a template."""
    yaml = YAML(typ="safe", pure=True)
    text = (articles / f"{stem}.txt").read_text(encoding="utf-8")
    meta = yaml.load((articles / f"{stem}.meta.yaml").read_text(encoding="utf-8"))
    facts = yaml.load((articles / f"{stem}.facts.yaml").read_text(encoding="utf-8"))
    numbers = "|".join(re.escape(n) for n in sorted(_figure_numbers(facts), key=lambda n: (-len(n), n)))
    pattern = re.compile(f"{names}|{_YEARS}" + (rf"|(?P<number>(?<!\w)(?:{numbers})(?!\w))" if numbers else ""))
    owners = {form: entity for entity in reversed(registry.values()) for form in entity.forms}
    local_ids = frozenset(item["id"] for part in ("entities", "facts") for item in facts.get(part) or [])
    rewriter = Rewriter(pattern, registry, owners, local_ids)
    header = f"# Synthetic article generated by bench/synthetic.py from {stem}.{{}}.yaml\n"
    meta_tree: dict[str | Scalar, Tree] = {"file": Scalar((STEM, ".txt")), "sha256": Scalar((SHA256,))}
    meta_tree["title"] = Scalar((TITLE,), quoted=True)
    meta_tree.update({k: rewriter.convert(k, v) for k, v in meta.items() if k not in ("file", "sha256", "title")})
    names_in_text: set[str] = set()
    text_pieces = rewriter.text(text, found=names_in_text)
    meta_pieces = [header.format("meta"), *_block(meta_tree, 0)]
    facts_pieces = [header.format("facts"), *_block(rewriter.convert("", facts), 0)]
    entries: dict[str, Tree] = {}
    while pending := sorted(rewriter.mentioned - entries.keys()):
        for slug in pending:
            entries[slug] = rewriter.registry_entry(registry[slug], names_in_text)
    ordered: Tree = {Scalar((PREFIX, slug)): entries[slug] for slug in registry if slug in entries}
    template = Template(stem, text_pieces, meta_pieces, facts_pieces, _block(ordered, 0))
    _check_years(template)
    return template


def _check_years(template: Template) -> None:
    for slot in template.years:
        if any(int(slot.key) + shift not in YEAR_RANGE for shift in YEAR_SHIFTS):
            raise ValueError(f"{template.stem}: the year {slot.key} cannot be shifted within 1901-2099")


def load_templates(corpus: Path) -> list[Template]:
    """The real articles of a corpus folder as templates, in name order."""
    registry = load_registry(corpus / "entities.yaml")
    names = _names_pattern(registry)
    articles = corpus / "articles"
    stems = sorted(p.name[: -len(".txt")] for p in articles.glob("*.txt"))
    return [load_template(articles, stem, registry, names) for stem in stems]


# --------------------------------------------------------------------- articles


def _new_count(old: int, index: int, k: int) -> int:
    """A casualty number other than old, varying with the article."""
    return old + 1 + (index * 37 + k * 11) % 90


def slot_values(template: Template, index: int) -> dict[Slot, str]:
    """The per-article values of a template's slots, except the text's digest and title."""
    shift = YEAR_SHIFTS[index % len(YEAR_SHIFTS)]
    values = {
        CODE: f"S{index:05d}",
        PREFIX: f"s{index:05d}-",
        STEM: f"s{index:05d}_{template.stem}",
    }
    for slot in template.years:
        values[slot] = str(int(slot.key) + shift)
    for k, slot in enumerate(template.numbers):
        values[slot] = str(_new_count(int(slot.key), index, k))
    return values


def write_article(template: Template, index: int, articles: Path) -> str:
    """Write synthetic article index; return its registry entries."""
    values = slot_values(template, index)
    text = render(template.text, values).encode("utf-8")
    values[SHA256] = hashlib.sha256(text).hexdigest()
    values[TITLE] = _escape(text.decode("utf-8").split("\n", 1)[0].strip())
    stem = values[STEM]
    (articles / f"{stem}.txt").write_bytes(text)
    (articles / f"{stem}.meta.yaml").write_text(render(template.meta, values), encoding="utf-8")
    (articles / f"{stem}.facts.yaml").write_text(render(template.facts, values), encoding="utf-8")
    return render(template.registry, values)


REGISTRY_HEADER = """\
# Synthetic entity registry generated by bench/synthetic.py: for every article, a copy of each
# registry entity it refers to or names, with the original's types and a synthetic name.
"""


def generate(n: int, out: Path, corpus: Path) -> None:
    """Write a corpus folder of n synthetic articles into out (which must not exist or be empty)."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    templates = load_templates(corpus)
    articles = out / "articles"
    articles.mkdir(parents=True)
    with (out / "entities.yaml").open("w", encoding="utf-8") as registry:
        registry.write(REGISTRY_HEADER)
        for index in range(n):
            registry.write(write_article(templates[index % len(templates)], index, articles))
    shutil.copyfile(corpus / "wikidata.tsv", out / "wikidata.tsv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus of N articles shaped like the real one.")
    parser.add_argument("n", type=int, metavar="N", help="number of articles")
    parser.add_argument("out", type=Path, metavar="OUTDIR", help="folder to create (must not exist or be empty)")
    parser.add_argument("--corpus", type=Path, default=None, help="real corpus to copy (default: the project's)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    started = time.perf_counter()
    try:
        generate(args.n, args.out, args.corpus or resources.corpus_dir())
    except FileExistsError as exc:
        print(f"synthetic: {exc}", file=sys.stderr)
        return 1
    print(f"synthetic: wrote {args.n} articles to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
