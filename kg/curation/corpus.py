"""The corpus folder: articles, their metadata records and annotations.

A corpus is a folder with ``entities.yaml`` (the registry), ``wikidata.tsv``
(the confirmed Wikidata list) and ``articles/``, where each article is three
files sharing a stem:

- ``<stem>.txt``: the article text, UTF-8, exactly as received;
- ``<stem>.meta.yaml``: its metadata record: title, SHA-256, and publisher,
  byline and publication date either as the text states them (each with a
  quote) or from the curator's record (no quote), plus what only the curator
  can know: URL, language, retrieval date;
- ``<stem>.facts.yaml``: the curated annotations (see ``corpus/README.md``).

Adding an article is adding these three files; no code changes. This module
finds the articles and reads and checks their texts and metadata. It refuses
what would let a corpus reach outside itself or a terminal: symbolic links and
other non-regular files, stems that are not plain names, and control
characters in a text.
"""

from __future__ import annotations

import hashlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kg.curation import dates, quotes
from kg.curation.yamlsrc import CONTROL_CHARACTERS, Node, load_yaml, shown
from kg.errors import InputError

META_KEYS = {
    "file",
    "sha256",
    "title",
    "publisher",
    "byline",
    "date_published",
    "url",
    "language",
    "retrieved",
    "note",
    "review",
}

#: What an article's stem may be: it becomes part of the article's IRI and graph name.
STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
#: A language tag as BCP 47 writes the common ones: en, fa, en-GB, zh-Hant, es-419.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$")
_SUFFIXES = (".txt", ".meta.yaml", ".facts.yaml")


@dataclass(frozen=True)
class MetaValue:
    """One metadata value: stated by the text (with its quote and offset), or from the curator's record.

    Attributes:
        value: The value: text, an entity id, an ISO date, a URL or a language tag.
        line: Its line in the metadata record.
        quote: The passage of the text that states it; None when it comes from the curator's record.
        start: Where the quote starts in the text (code points).
        as_written: For a date stated by the text, the text's own words for it.
    """

    value: str
    line: int
    quote: str | None = None
    start: int | None = None
    as_written: str | None = None

    @property
    def in_text(self) -> bool:
        """Whether the text states it (else the curator's record does)."""
        return self.quote is not None


@dataclass
class Article:
    """One article: its text and checked metadata."""

    id: str
    text_path: Path
    meta_path: Path
    facts_path: Path
    text: str
    sha256: str
    title: MetaValue
    publisher: MetaValue | None = None
    byline: MetaValue | None = None
    date_published: MetaValue | None = None
    url: MetaValue | None = None
    language: MetaValue | None = None
    retrieved: MetaValue | None = None


@dataclass(frozen=True)
class CorpusLayout:
    """The files of a corpus folder."""

    root: Path

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @property
    def registry(self) -> Path:
        return self.root / "entities.yaml"

    @property
    def wikidata(self) -> Path:
        return self.root / "wikidata.tsv"

    def check(self) -> None:
        """Raise InputError when the folder is not a corpus."""
        if not self.root.is_dir():
            raise InputError(self.root, None, "corpus folder does not exist")
        for needed in (self.registry, self.wikidata, self.articles_dir):
            if not needed.exists() and not needed.is_symlink():
                raise InputError(
                    needed, None, "missing: a corpus folder needs entities.yaml, wikidata.tsv and articles/"
                )
        for needed in (self.registry, self.wikidata):
            regular_file(needed)
        if self.articles_dir.is_symlink() or not self.articles_dir.is_dir():
            raise InputError(self.articles_dir, None, "articles/ must be a folder of the corpus, not a link or a file")

    def article_stems(self) -> list[str]:
        """Stems of the article texts, in name order.

        Raises:
            InputError: an article file that is a link or not a regular file, a stem that is not a plain
                name, or metadata or annotations without their text.
        """
        by_suffix: dict[str, set[str]] = {suffix: set() for suffix in _SUFFIXES}
        for path in sorted(self.articles_dir.iterdir()):
            suffix = next((s for s in _SUFFIXES if path.name.endswith(s)), None)
            if suffix is None:
                continue
            regular_file(path)
            by_suffix[suffix].add(path.name[: -len(suffix)])
        texts = by_suffix[".txt"]
        for stem in sorted(set().union(*by_suffix.values())):
            if not STEM.match(stem):
                named = next(s for s in _SUFFIXES if stem in by_suffix[s])  # the text when there is one
                raise InputError(
                    self.articles_dir / f"{stem}{named}",
                    None,
                    f"'{shown(stem)}' is not a usable article name: a stem may hold only letters, digits, '_' and "
                    "'-', starting with a letter or digit (it becomes part of the article's IRI); rename the "
                    "article's .txt, .meta.yaml and .facts.yaml files",
                )
        for suffix in (".meta.yaml", ".facts.yaml"):
            for stem in sorted(by_suffix[suffix] - texts):
                raise InputError(self.articles_dir / f"{stem}{suffix}", None, f"no article text {stem}.txt beside it")
        if not texts:
            raise InputError(self.articles_dir, None, "no articles (*.txt) found")
        return sorted(texts)


def regular_file(path: Path) -> None:
    """Refuse a corpus file that is a symbolic link or not a regular file (a folder, a device, a pipe).

    A link could pull any file of the machine into the graph, so the corpus takes only files that are
    really in it; nothing is read from the file before this check.
    """
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from exc
    if stat.S_ISLNK(mode):
        raise InputError(path, None, "is a symbolic link: the corpus takes only regular files; copy the file in")
    if not stat.S_ISREG(mode):
        raise InputError(path, None, "is not a regular file: the corpus takes only regular files")


def read_text(path: Path) -> tuple[str, str]:
    """The article's text and the SHA-256 of its bytes; control characters are refused at their line."""
    regular_file(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    bad = CONTROL_CHARACTERS.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise InputError(
            path,
            line,
            f"a control character (U+{ord(bad.group()):04X} at column {column}): an article's text may hold "
            "only printable characters, tabs and line breaks; remove it and record the new SHA-256",
        )
    return text, hashlib.sha256(raw).hexdigest()


def first_line(text: str) -> str:
    """The article's default title: its first non-blank line, without surrounding white space."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


def load_article(layout: CorpusLayout, stem: str) -> Article:
    """Read an article's text and metadata record, checking one against the other."""
    text_path = layout.articles_dir / f"{stem}.txt"
    meta_path = layout.articles_dir / f"{stem}.meta.yaml"
    facts_path = layout.articles_dir / f"{stem}.facts.yaml"
    for needed in (meta_path, facts_path):
        if not needed.exists() and not needed.is_symlink():
            raise InputError(needed, None, f"missing: every article needs {stem}.meta.yaml and {stem}.facts.yaml")
    text, digest = read_text(text_path)
    meta = load_yaml(meta_path).mapping("the metadata record")
    meta.only_keys(META_KEYS, "the metadata record")
    review = meta.get("review")
    if review is not None and review.value != "accepted":
        raise review.error(
            "the metadata record is a draft (kg draft wrote it): check its values against the text, add what you "
            "know from outside it, then delete this line (or write 'review: accepted')"
        )
    file_node = meta.require("file", "the metadata record")
    if file_node.text("file") != text_path.name:
        raise file_node.error(f"file is '{file_node.value}' but this record belongs to {text_path.name}")
    sha_node = meta.require("sha256", "the metadata record")
    if sha_node.text("sha256") != digest:
        raise sha_node.error(
            f"the SHA-256 of {text_path.name} is {digest}, not {sha_node.value}: the text has changed "
            "since it was annotated, so quote offsets may no longer hold; re-check the annotations"
        )
    title_node = meta.get("title")
    if title_node is None:
        default = first_line(text)
        if not default:
            raise meta.error("the text has no line to take as its title: give 'title'")
        title = _in_text(default, default, text, meta.line, meta, 1)
    else:
        title = _text_value(title_node, text, "title")
    return Article(
        id=stem,
        text_path=text_path,
        meta_path=meta_path,
        facts_path=facts_path,
        text=text,
        sha256=digest,
        title=title,
        publisher=_entity_field(meta.get("publisher"), text),
        byline=_text_field(meta.get("byline"), text, "byline"),
        date_published=_date_field(meta.get("date_published"), text),
        url=_url_field(meta.get("url")),
        language=_language_field(meta.get("language")),
        retrieved=_retrieved_field(meta.get("retrieved")),
    )


# ------------------------------------------------------------------ fields


def _in_text(value: str, quote: str, text: str, line: int, node: Node, occurrence: int) -> MetaValue:
    """A value stated by the text: its quote located, the value checked to be part of it."""
    try:
        span = quotes.locate(text, quote, occurrence)
    except quotes.QuoteNotFound as exc:
        raise node.error(
            f"{exc}: {quote!r}; a value the text does not state is written without 'quote' (from your record)"
        ) from exc
    return MetaValue(value, line, quote, span.start)


def _quote_of(node: Node) -> tuple[str | None, int]:
    quote = node.get("quote")
    occurrence = node.get("occurrence")
    return (
        quote.text("quote") if quote is not None else None,
        occurrence.integer("occurrence") if occurrence is not None else 1,
    )


def _text_field(node: Node | None, text: str, what: str) -> MetaValue | None:
    """An optional title or byline (see :func:`_text_value`)."""
    return None if node is None else _text_value(node, text, what)


def _text_value(node: Node, text: str, what: str) -> MetaValue:
    """A title or byline: a string the text holds, or {value, quote} (stated) or {value} (the curator's record)."""
    if not node.is_mapping():
        value = node.text(what)
        return _in_text(value, value, text, node.line, node, 1)
    node.only_keys({"value", "quote", "occurrence"}, what)
    value = node.require("value", what).text(what)
    quote, occurrence = _quote_of(node)
    if quote is None:
        return MetaValue(value, node.line)
    if value not in quote:
        raise node.require("value", what).error(f"{what} '{value}' does not occur in its quote {quote!r}")
    return _in_text(value, quote, text, node.line, node, occurrence)


def _entity_field(node: Node | None, text: str) -> MetaValue | None:
    """The publisher: {entity: <registry id>, quote: ...} (stated) or {entity: <registry id>} (the record)."""
    if node is None:
        return None
    node.mapping("publisher")
    node.only_keys({"entity", "quote", "occurrence"}, "publisher")
    value = node.require("entity", "publisher").text("publisher")
    quote, occurrence = _quote_of(node)
    if quote is None:
        return MetaValue(value, node.line)
    return _in_text(value, quote, text, node.line, node, occurrence)


def _date_field(node: Node | None, text: str) -> MetaValue | None:
    """The publication date: {date, as_written and/or quote} (stated) or {date} (the curator's record)."""
    if node is None:
        return None
    node.mapping("date_published")
    node.only_keys({"date", "as_written", "quote", "occurrence"}, "date_published")
    date_node = node.require("date", "date_published")
    iso = date_node.date_text("date_published")
    try:
        value = dates.parse_iso(iso)
    except ValueError as exc:
        raise date_node.error(str(exc)) from exc
    written_node = node.get("as_written")
    as_written = written_node.text("as_written") if written_node is not None else None
    quote, occurrence = _quote_of(node)
    if quote is None and as_written is None:
        return MetaValue(iso, node.line)
    quote = quote if quote is not None else as_written
    assert quote is not None
    if as_written is not None:
        if as_written not in quote:
            raise node.error(f"as_written {as_written!r} is not part of the quote {quote!r}")
        problems = dates.disagreements(value, as_written)
        if problems:
            raise date_node.error("bad date: " + "; ".join(problems))
    elif iso not in quote:
        raise date_node.error(
            f"date_published '{iso}' does not occur in its quote {quote!r}: give the text's words as 'as_written'"
        )
    stated = _in_text(iso, quote, text, node.line, node, occurrence)
    return MetaValue(iso, node.line, stated.quote, stated.start, as_written)


def _url_field(node: Node | None) -> MetaValue | None:
    """Where the article was published: an absolute http(s) URL, from the curator's record."""
    if node is None:
        return None
    url = node.text("url").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[\s<>\"{}|\\^`]", url):
        raise node.error(f"url '{shown(url)}' is not an absolute http:// or https:// address")
    return MetaValue(url, node.line)


def _language_field(node: Node | None) -> MetaValue | None:
    """The article's language, a BCP 47 tag, from the curator's record."""
    if node is None:
        return None
    tag = node.text("language").strip()
    if not LANGUAGE_TAG.match(tag):
        raise node.error(f"language '{shown(tag)}' is not a language tag such as en, fa, ar or en-GB")
    return MetaValue(tag, node.line)


def _retrieved_field(node: Node | None) -> MetaValue | None:
    """When the curator retrieved the text, a YYYY-MM-DD date, from the curator's record."""
    if node is None:
        return None
    iso = node.date_text("retrieved")
    try:
        value = dates.parse_iso(iso)
    except ValueError as exc:
        raise node.error(str(exc)) from exc
    if value.day is None:
        raise node.error(f"retrieved '{iso}' must be a full date, YYYY-MM-DD")
    return MetaValue(iso, node.line)
