"""The HTML table of a query's answer, for people.

:func:`kg.web.pages.results_page` shows a named query's answer (or any SELECT or CONSTRUCT answered in HTML)
with this table: the same rows, in the same order, as the machine formats (which are written elsewhere,
by :mod:`kg.sparql.answers`, and untouched by anything here), made readable:

- **Labels instead of label columns.** The named queries give an IRI column ``X`` a companion ``XLabel``
  (``givenBy`` and ``givenByLabel``); the two become one column ``X`` showing the label, linked to the
  IRI's page (the IRI in the link's ``title``). Any other IRI shows the label the graph gives it
  (:attr:`kg.web.pages.Term.label`), else its short form (``kgd:...``, by the project's prefix map).
- **Articles by title and outlet**, never by file stem: their ``dcterms:title`` and their
  ``schema:publisher``'s label, read for every article of an answer at once (:func:`article_names`:
  one query through the worker's engine, so the same for a local build and a remote store).
- **No datatype noise.** A literal shows its text; its datatype (``^^xsd:integer``) and language tag
  (``@en``) are on the page but hidden until the reader ticks "show datatypes and language tags", a
  checkbox the stylesheet reads (``kg/static/kg.css``: no script, no inline style, within the server's
  Content-Security-Policy).
- **Long quotes collapsed**: a literal longer than :data:`LONG_TEXT` characters is a ``<details>`` whose
  summary holds its first :data:`PREVIEW` characters or so (cut at a space) and whose body holds the
  rest, so the cell's text is still the literal, whole.
- **Fits a laptop's screen**: the cells wrap within a maximum width and the table scrolls sideways in its
  own box rather than widening the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.rdf import iris
from kg.rdf.namespaces import display_name
from kg.web.pages import XSD_NS, Term, esc, link

if TYPE_CHECKING:
    from kg.sparql.engine import Engine

#: literals longer than this many characters are collapsed
LONG_TEXT = 160
#: about how many characters a collapsed literal shows
PREVIEW = 120
#: a column with a value longer than this many characters is given room
WIDE_TEXT = 60
#: the suffix of a column that labels the column named by the rest of its name (givenByLabel labels givenBy)
LABEL_SUFFIX = "Label"
#: the articles whose names one query reads
ARTICLE_BATCH = 200
#: the datatypes whose values are numbers, aligned right
NUMERIC = {XSD_NS + name for name in ("integer", "decimal", "double", "float", "nonNegativeInteger", "int", "long")}
#: the datatypes of dates and times, kept on one line
DATES = {XSD_NS + name for name in ("date", "dateTime", "gYear", "gYearMonth", "time")}
_ARTICLE_NS = iris.ARTICLE_NS
#: what may stand between the angle brackets of an IRI in SPARQL (its IRIREF production)
_IRIREF = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')

ARTICLE_NAMES = """SELECT ?article ?title ?publisher ?outlet WHERE {
  VALUES ?article { %s }
  ?article a kgo:Article .
  OPTIONAL { ?article dcterms:title ?title }
  OPTIONAL {
    ?article schema:publisher ?publisher .
    OPTIONAL { ?publisher rdfs:label ?outlet }
  }
}"""


@dataclass(frozen=True)
class ArticleName:
    """How an article is named in a table: its title and its outlet (the publisher's label), where known."""

    title: str | None
    outlet: str | None


# ------------------------------------------------------------------ the articles


def is_article(iri: str) -> bool:
    """Whether an IRI is one an article is minted with (``kgd:article/<stem>``, not what was drawn from it)."""
    stem = iri[len(_ARTICLE_NS) :]
    return iri.startswith(_ARTICLE_NS) and bool(stem) and "/" not in stem and "#" not in stem


def article_names(engine: Engine, terms: Iterable[Term | None]) -> dict[str, ArticleName]:
    """The title and outlet of every article among these terms, by IRI, read in one query (a query for
    each :data:`ARTICLE_BATCH` articles); an IRI the graph does not type ``kgo:Article`` is left out."""
    wanted = sorted(
        {
            t.value
            for t in terms
            if t is not None and t.kind == "iri" and is_article(t.value) and _IRIREF.fullmatch(t.value)
        }
    )
    titles: dict[str, set[str]] = {}
    outlets: dict[str, set[str]] = {}
    for start in range(0, len(wanted), ARTICLE_BATCH):
        values = " ".join(f"<{iri}>" for iri in wanted[start : start + ARTICLE_BATCH])
        for article, title, publisher, outlet in engine.query(ARTICLE_NAMES % values).rows:
            key = str(article)
            titles.setdefault(key, set()).update([str(title)] if title is not None else [])
            named = (
                str(outlet) if outlet is not None else display_name(str(publisher)) if publisher is not None else None
            )
            outlets.setdefault(key, set()).update([named] if named is not None else [])
    return {
        key: ArticleName(min(found, default=None), ", ".join(sorted(outlets.get(key, ()))) or None)
        for key, found in titles.items()
    }


# --------------------------------------------------------------------- the table


def results_table(
    variables: Sequence[str], rows: Sequence[Sequence[Term | None]], articles: Mapping[str, ArticleName]
) -> str:
    """The rows as an HTML table for people (see the module's docstring), with the checkbox that shows
    datatypes and language tags when any cell has one."""
    columns = _columns(variables)
    head = "".join(f'<th scope="col"{_width(i, rows, articles)}>{_header(variables[i])}</th>' for i, _ in columns)
    body = "".join(
        "<tr>" + "".join(_cell(row[i], row[j] if j is not None else None, articles) for i, j in columns) + "</tr>\n"
        for row in rows
    )
    table = (
        f'<div class="answer-table">\n<table class="results answer">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}</tbody>\n</table>\n</div>"
    )
    tagged = any(t is not None and t.kind == "literal" and (t.lang or t.datatype) for row in rows for t in row)
    toggle = (
        '<input type="checkbox" id="show-datatypes" class="show-tags">'
        ' <label for="show-datatypes" class="show-tags">show datatypes and language tags</label>\n'
    )
    return f'<div class="answer">\n{toggle if tagged else ""}{table}\n</div>'


def _header(variable: str) -> str:
    """A variable's name for a column's header, which may wrap between its words (``dateAs<wbr>Written``)."""
    return "<wbr>".join(esc(word) for word in re.split(r"(?<=[a-z0-9])(?=[A-Z])", variable))


def _width(index: int, rows: Sequence[Sequence[Term | None]], articles: Mapping[str, ArticleName]) -> str:
    """The class of a column's header that gives it room: ``article`` for articles, ``wide`` for long literals."""
    terms = [row[index] for row in rows if row[index] is not None]
    if any(t is not None and t.value in articles for t in terms):
        return ' class="article"'
    if any(t is not None and t.kind == "literal" and len(t.value) > WIDE_TEXT for t in terms):
        return ' class="wide"'
    return ""


def _columns(variables: Sequence[str]) -> list[tuple[int, int | None]]:
    """The columns shown: each variable's index with its companion label's index, label columns left out."""
    index = {v: i for i, v in enumerate(variables)}
    labels = {
        i: index[v + LABEL_SUFFIX]
        for i, v in enumerate(variables)
        if v + LABEL_SUFFIX in index and v + LABEL_SUFFIX != v
    }
    companions = set(labels.values())
    return [(i, labels.get(i)) for i in range(len(variables)) if i not in companions]


def _cell(term: Term | None, label: Term | None, articles: Mapping[str, ArticleName]) -> str:
    """One cell: an IRI by its label (or an article by its title and outlet), a literal by its text."""
    if term is None:
        return "<td></td>" if label is None else f"<td>{_literal(label)}</td>"
    if term.kind == "iri":
        article = articles.get(term.value)
        if article is not None and article.title is not None:
            outlet = f' <span class="outlet">{esc(article.outlet)}</span>' if article.outlet else ""
            title = article.title
            if len(title) > LONG_TEXT:  # some titles are the article's first paragraph
                cut = _preview_end(title)
                shown = _collapsed(link(term.value, title[:cut]), f'<span class="rest">{esc(title[cut:])}</span>')
            else:
                shown = link(term.value, title)
            return f'<td class="article">{shown}{outlet}</td>'
        name = label.value if label is not None and label.kind == "literal" else term.label
        return f"<td>{link(term.value, name)}</td>"
    if term.kind == "bnode":
        return f'<td><span class="bnode">_:{esc(term.value)}</span></td>'
    kind = ' class="number"' if term.datatype in NUMERIC else ' class="date"' if term.datatype in DATES else ""
    return f"<td{kind}>{_literal(term)}</td>"


def _literal(term: Term) -> str:
    """A literal's text, collapsed when long, with its language tag or datatype (hidden until asked for)."""
    text = term.value
    if len(text) > LONG_TEXT:
        cut = _preview_end(text)
        shown = _collapsed(
            f'<span class="literal">{esc(text[:cut])}</span>', f'<span class="literal">{esc(text[cut:])}</span>'
        )
    else:
        shown = f'<span class="literal">{esc(text)}</span>'
    if term.lang:
        return f'{shown}<span class="lang">@{esc(term.lang)}</span>'
    if term.datatype:
        name = (
            display_name(term.datatype)  # xsd: is a display prefix
        )
        return f'{shown}<span class="datatype">^^{esc(name)}</span>'
    return shown


def _collapsed(summary: str, rest: str) -> str:
    """HTML that shows ``summary`` and, when opened, ``rest`` after it."""
    return f'<details class="long"><summary>{summary}</summary>{rest}</details>'


def _preview_end(text: str) -> int:
    """Where a collapsed literal's summary ends: after the last space within :data:`PREVIEW` characters
    (when that keeps at least half of them), else at :data:`PREVIEW`."""
    space = text.rfind(" ", PREVIEW // 2, PREVIEW + 1)
    return space + 1 if space >= 0 else PREVIEW
