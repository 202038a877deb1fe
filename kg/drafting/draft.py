"""Drafting one article: run every extractor, and write the annotation and metadata record to review.

:func:`draft_article` reads the article (refused, as the build refuses it, when
it is a link, not UTF-8 or holds control characters), its metadata record when
there is one (its publication date anchors relative dates such as "on
Wednesday"), and the registry of a corpus; it runs the extractors of
:data:`EXTRACTORS` and merges what they propose into the annotation file
(:mod:`kg.drafting.annotation_merge`). When the article has no metadata record yet, a draft
one is written too: file, SHA-256, the first line as title, and a dateline's
date, marked ``review: draft`` (the build refuses an article whose record is a
draft until the curator has checked it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg import __version__
from kg.curation import dates
from kg.curation.corpus import STEM, CorpusLayout, first_line, read_text
from kg.curation.registry import Entity, load_registry, load_wikidata
from kg.curation.yamlsrc import load_yaml
from kg.drafting.analysis import Analysis, analyse
from kg.drafting.annotation_merge import Merged, merge
from kg.drafting.model import DraftFact, Extractor
from kg.errors import InputError
from kg.rdf import rdfio
from kg.rdf.ontology import Vocabulary, load_ontology

#: a line that is nothing but a date, as datelines print it ("February 2, 2024", "2 February 2024")
DATELINE = re.compile(
    r"^\s*(?:(?P<month>[A-Z][a-z]+)\.? (?P<day>\d{1,2}), (?P<year>\d{4})"
    r"|(?P<day2>\d{1,2}) (?P<month2>[A-Z][a-z]+) (?P<year2>\d{4}))\s*$",
    re.M,
)


def extractors() -> list[Extractor]:
    """The extractors, in the order their facts are listed when they start at the same place."""
    import kg.drafting.events.attack
    import kg.drafting.figures
    import kg.drafting.statements.drafter

    return [kg.drafting.statements.drafter.extract, kg.drafting.figures.extract, kg.drafting.events.attack.extract]


@dataclass
class Drafted:
    """What drafting an article produced."""

    analysis: Analysis
    facts: list[DraftFact]
    annotation: Merged
    meta_text: str | None = None
    by_kind: dict[str, int] = field(default_factory=dict)


def load_corpus_registry(corpus: Path) -> dict[str, Entity]:
    """The registry of a corpus folder, checked as the build checks it."""
    from kg import resources

    layout = CorpusLayout(corpus)
    layout.check()
    vocabulary = Vocabulary.from_graph(load_ontology(resources.ontology_dir()))
    return load_registry(layout.registry, vocabulary, load_wikidata(layout.wikidata))


def published_date(meta: Path) -> dt.date | None:
    """The publication date a metadata record gives, at day precision; None otherwise."""
    record = load_yaml(meta).mapping("the metadata record")
    node = record.get("date_published")
    if node is None:
        return None
    node.mapping("date_published")
    value = dates.parse_iso(node.require("date", "date_published").date_text("date_published"))
    if value.day is None or value.month is None:
        return None
    return dt.date(value.year, value.month, value.day)


def dateline(text: str) -> tuple[str, str] | None:
    """The ISO date and the words of a line that is only a date, if the text has one."""
    import calendar

    months = {name: i for i, name in enumerate(calendar.month_name) if name}
    months.update({name: i for i, name in enumerate(calendar.month_abbr) if name})
    for match in DATELINE.finditer(text):
        month = months.get(match.group("month") or match.group("month2") or "")
        day = int(match.group("day") or match.group("day2"))
        year = int(match.group("year") or match.group("year2"))
        if month is None:
            continue
        try:
            value = dt.date(year, month, day)
        except ValueError:
            continue
        return value.isoformat(), match.group().strip()
    return None


def draft_meta(text_path: Path, text: str, digest: str) -> str:
    """A draft metadata record: what can be read off the file, to be checked by the curator."""
    lines = [
        f"# Metadata record of {text_path.name}, drafted by kg draft {__version__}: check each value, add what",
        "# you know from outside the text (url, language, retrieved, publisher), then delete 'review: draft'.",
        "review: draft",
        f"file: {text_path.name}",
        f"sha256: {digest}",
        f"title: {_double_quoted(first_line(text))}",
    ]
    found = dateline(text)
    if found is not None:
        iso, words = found
        lines.append(f"date_published: {{date: {iso}, as_written: {_double_quoted(words)}}}")
    return "\n".join(lines) + "\n"


def _double_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft_article(
    text_path: Path,
    corpus: Path,
    facts_path: Path | None,
    meta_path: Path | None,
) -> Drafted:
    """Draft an article's annotation, merged into ``facts_path`` when it exists.

    Args:
        text_path: The article's text.
        corpus: The corpus whose registry names are linked to.
        facts_path: The annotation file to merge into (None: a new one).
        meta_path: The article's metadata record: read when it exists (its publication date anchors
            relative dates); otherwise a draft record is returned to be written there.

    Raises:
        InputError: the article, its record, the corpus or the annotation file is unusable.
    """
    stem = text_path.name[: -len(".txt")] if text_path.name.endswith(".txt") else ""
    if not stem or not STEM.match(stem):
        raise InputError(
            text_path,
            None,
            "an article's file is <stem>.txt, the stem letters, digits, '_' and '-' (it becomes the article's IRI)",
        )
    text, digest = read_text(text_path)
    registry = load_corpus_registry(corpus)
    published = None
    meta_text = None
    if meta_path is not None and meta_path.exists():
        published = published_date(meta_path)
    else:
        meta_text = draft_meta(text_path, text, digest)
        found = dateline(text)
        if found is not None:
            published = dt.date.fromisoformat(found[0])
    analysis = analyse(text, registry, published)
    facts: list[DraftFact] = []
    for extract in extractors():
        facts.extend(extract(analysis))
    header = (
        f"Annotations of {text_path.name}, drafted by kg draft {__version__}. Each fact and entity whose review\n"
        "line says draft is a proposal: check it against the text, then set its review to accepted (editing the\n"
        "fact first if need be), or to rejected so that a new draft does not propose it again. The build leaves\n"
        "drafts and rejected items out of the graph. The format is documented in corpus/README.md."
    )
    merged = merge(facts_path, text, text_path.name, facts, header)
    by_kind: dict[str, int] = {}
    for fact in facts:
        key = fact.kind if fact.kind != "statement" else f"statement:{fact.body.get('type')}"
        by_kind[key] = by_kind.get(key, 0) + 1
    return Drafted(analysis, facts, merged, meta_text, by_kind)


def write(path: Path, text: str) -> Path:
    """Write a file atomically (a complete file or none)."""
    return rdfio.write_outputs(path.parent if str(path.parent) else Path("."), {path.name: text.encode("utf-8")})[0]
