"""The corpus folder: articles, their metadata records and annotations.

A corpus is a folder with ``entities.yaml`` (the registry), ``wikidata.tsv``
(the confirmed Wikidata list) and ``articles/``, where each article is three
files sharing a stem:

- ``<stem>.txt``: the article text, UTF-8, exactly as received;
- ``<stem>.meta.yaml``: its metadata record (title, SHA-256, and publisher,
  byline and publication date where the text states them, each with a quote);
- ``<stem>.facts.yaml``: the curated annotations (see ``corpus/README.md``).

Adding an article is adding these three files; no code changes. This module
finds the articles and reads and checks their texts and metadata.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg import dates, quotes
from kg.errors import InputError
from kg.yamlsrc import Node, load_yaml

META_KEYS = {"file", "sha256", "title", "publisher", "byline", "date_published", "note"}


@dataclass(frozen=True)
class Quoted:
    """A metadata value with the quote in the text that states it."""

    value: str
    quote: str
    start: int
    end: int


@dataclass
class Article:
    """One article: its text and checked metadata."""

    id: str
    text_path: Path
    meta_path: Path
    facts_path: Path
    text: str
    sha256: str
    title: str
    publisher: Quoted | None = None
    byline: Quoted | None = None
    date_published: Quoted | None = None


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
            if not needed.exists():
                raise InputError(
                    needed, None, "missing: a corpus folder needs entities.yaml, wikidata.tsv and articles/"
                )

    def article_stems(self) -> list[str]:
        """Stems of the article texts, in name order; orphan metadata or annotations are errors."""
        texts = {p.name[: -len(".txt")] for p in self.articles_dir.glob("*.txt")}
        for suffix in (".meta.yaml", ".facts.yaml"):
            for path in self.articles_dir.glob(f"*{suffix}"):
                stem = path.name[: -len(suffix)]
                if stem not in texts:
                    raise InputError(path, None, f"no article text {stem}.txt beside it")
        if not texts:
            raise InputError(self.articles_dir, None, "no articles (*.txt) found")
        return sorted(texts)


def read_text(path: Path) -> tuple[str, str]:
    """The article's text and the SHA-256 of its bytes."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    return text, hashlib.sha256(raw).hexdigest()


def first_line(text: str) -> str:
    """The article's title: its first line, without surrounding white space."""
    return text.split("\n", 1)[0].strip()


def load_article(layout: CorpusLayout, stem: str) -> Article:
    """Read an article's text and metadata record, checking one against the other."""
    text_path = layout.articles_dir / f"{stem}.txt"
    meta_path = layout.articles_dir / f"{stem}.meta.yaml"
    facts_path = layout.articles_dir / f"{stem}.facts.yaml"
    for needed in (meta_path, facts_path):
        if not needed.exists():
            raise InputError(needed, None, f"missing: every article needs {stem}.meta.yaml and {stem}.facts.yaml")
    text, digest = read_text(text_path)
    meta = load_yaml(meta_path).mapping("the metadata record")
    meta.only_keys(META_KEYS, "the metadata record")
    file_node = meta.require("file", "the metadata record")
    if file_node.text("file") != text_path.name:
        raise file_node.error(f"file is '{file_node.value}' but this record belongs to {text_path.name}")
    sha_node = meta.require("sha256", "the metadata record")
    if sha_node.text("sha256") != digest:
        raise sha_node.error(
            f"the SHA-256 of {text_path.name} is {digest}, not {sha_node.value}: the text has changed "
            "since it was annotated, so quote offsets may no longer hold; re-check the annotations"
        )
    title_node = meta.require("title", "the metadata record")
    if title_node.text("title") != first_line(text):
        raise title_node.error(f"title must be the article's first line: '{first_line(text)}'")
    article = Article(
        id=stem,
        text_path=text_path,
        meta_path=meta_path,
        facts_path=facts_path,
        text=text,
        sha256=digest,
        title=first_line(text),
    )
    article.publisher = _quoted(meta.get("publisher"), text, "entity", "publisher")
    article.byline = _quoted(meta.get("byline"), text, "value", "byline")
    article.date_published = _quoted(meta.get("date_published"), text, "date", "date_published")
    if article.date_published is not None:
        try:
            dates.parse_iso(article.date_published.value)
        except ValueError as exc:
            raise meta.require("date_published", "").error(str(exc)) from exc
    return article


def _quoted(node: Node | None, text: str, value_key: str, what: str) -> Quoted | None:
    """A {value_key: ..., quote: ...} metadata field, its quote found in the text."""
    if node is None:
        return None
    node.mapping(what)
    node.only_keys({value_key, "quote"}, what)
    value_node = node.require(value_key, what)
    value = value_node.date_text(what) if value_key == "date" else value_node.text(what)
    quote_node = node.require("quote", what)
    quote = quote_node.text("quote")
    try:
        span = quotes.locate(text, quote)
    except quotes.QuoteNotFound as exc:
        raise quote_node.error(f"{exc}: {quote!r}") from exc
    if value_key != "entity" and value not in quote:
        raise value_node.error(f"{what} '{value}' does not occur in its quote {quote!r}")
    return Quoted(value, quote, span.start, span.end)
