"""A named query's answer in HTML, for people (kg/web/resultspage.py): the same rows as the JSON answer, made readable.

The answers come from :class:`kg.web.workers.executor.Executor` (what a ``kg serve`` worker runs) over the
session's build folder, in HTML and in SPARQL JSON, and are compared cell by cell: every row, in the same
order; an IRI column and its ``XLabel`` companion as one column showing the label, linked to the IRI; every
article by its title (read from the graph here, never written into the test); no datatype or language tag in
the text a reader sees until asked for; long quotes in ``<details>``. The machine formats must be what
``kg query`` writes, byte for byte. One test (marked slow) ticks the page's datatype checkbox in Chromium.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from kg.sparql.answers import render
from kg.sparql.engine import OxigraphEngine, Result, store_path
from kg.sparql.querying import run
from kg.web import pages
from kg.web.resultspage import LABEL_SUFFIX, LONG_TEXT, ArticleName, article_names, results_table
from kg.web.workers.executor import Executor
from kg.web.workers.jobs import HTML_FORMAT, SELECT_FORMATS, Formats, Limits, NamedQueryJob

KGD = "https://w3id.org/kerman-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: named queries with IRI/label column pairs, articles, typed counts and dates, and long quotes between them
QUERIES = ("casualty-figures", "claims-of-responsibility", "denials", "articles", "contradictions", "positions")
#: the classes of what the page hides until the reader asks for datatypes and language tags
HIDDEN = {"datatype", "lang"}
VOID = {"wbr", "input", "br", "img", "meta", "link", "hr"}


# ------------------------------------------------------------------ reading the page


@dataclass
class Cell:
    """What a table cell shows: the text a reader sees, the hidden tags, the IRIs its links stand for."""

    text: str = ""
    hidden: str = ""
    iris: list[str] = field(default_factory=list)
    link_text: str = ""
    outlet: str = ""
    in_details: bool = False
    classes: set[str] = field(default_factory=set)


class AnswerTable(HTMLParser):
    """The headers and cells of the page's ``table.answer``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headers: list[str] = []
        self.rows: list[list[Cell]] = []
        self.stack: list[tuple[str, set[str]]] = []
        self.in_table = False
        self.header: str | None = None
        self.cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag == "table" and "answer" in classes:
            self.in_table = True
        if not self.in_table or tag in VOID:
            return
        self.stack.append((tag, classes))
        if tag == "th":
            self.header = ""
        elif tag == "tr" and any(t == "tbody" for t, _ in self.stack):
            self.rows.append([])
        elif tag == "td":
            self.cell = Cell(classes=classes)
            self.rows[-1].append(self.cell)
        elif self.cell is not None and tag in ("a", "span") and attributes.get("title"):
            self.cell.iris.append(attributes["title"] or "")
        if self.cell is not None and tag == "details":
            self.cell.in_details = True

    def handle_endtag(self, tag: str) -> None:
        if not self.in_table or tag in VOID:
            return
        while self.stack:
            opened, _ = self.stack.pop()
            if opened == tag:
                break
        if tag == "th" and self.header is not None:
            self.headers.append(self.header)
            self.header = None
        elif tag == "td":
            self.cell = None
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data: str) -> None:
        if self.header is not None:
            self.header += data
        if self.cell is None:
            return
        classes = set().union(*(c for _, c in self.stack))
        if classes & HIDDEN:
            self.cell.hidden += data
        elif "outlet" in classes:
            self.cell.outlet += data.strip()
        else:
            self.cell.text += data
            if any(t == "a" for t, _ in self.stack):
                self.cell.link_text += data


def answer_table(html: str) -> AnswerTable:
    table = AnswerTable()
    table.feed(html)
    table.close()
    return table


def visible(cell: Cell) -> str:
    """The text of a cell as a reader sees it, less the space between a title and its outlet."""
    return cell.text.strip() if cell.outlet else cell.text


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def executor(build_dir: Path) -> Executor:
    """What a kg serve worker runs, over the session's build folder (in this process: no server)."""
    path, _ = store_path(build=build_dir)
    return Executor(str(path), Limits(timeout=30, memory_mb=2048, max_rows=10_000))


@pytest.fixture(scope="module")
def engine(executor: Executor) -> OxigraphEngine:
    return OxigraphEngine(executor.store)


@pytest.fixture(scope="module")
def titles(engine: OxigraphEngine) -> dict[str, str]:
    """Every article's title, as the graph gives it."""
    rows = engine.query("SELECT ?article ?title WHERE { ?article a kgo:Article ; dcterms:title ?title }").rows
    assert rows, "the build has no article with a title"
    return {str(article): str(title) for article, title in rows}


def answer(executor: Executor, name: str, fmt: str) -> bytes:
    chosen = HTML_FORMAT if fmt == "html" else next(f for f in SELECT_FORMATS if f.name == fmt)
    reply = executor.run(NamedQueryJob(name, (), Formats(chosen, None)))
    assert reply.status == 200, reply.body[:500]
    assert reply.body is not None
    return bytes(reply.body)


# ------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", QUERIES)
def test_html_shows_the_json_rows_readably(executor: Executor, titles: dict[str, str], name: str) -> None:
    expected = json.loads(answer(executor, name, "json"))
    variables: list[str] = expected["head"]["vars"]
    bindings: list[dict[str, Any]] = expected["results"]["bindings"]
    table = answer_table(answer(executor, name, "html").decode("utf-8"))

    labelled = {v for v in variables if v + LABEL_SUFFIX in variables}
    shown = [v for v in variables if not (v.endswith(LABEL_SUFFIX) and v[: -len(LABEL_SUFFIX)] in labelled)]
    assert table.headers == shown  # no XLabel column beside its X
    assert len(table.rows) == len(bindings)

    checked = {"article": 0, "label": 0, "typed": 0, "long": 0}
    for row, binding in zip(table.rows, bindings, strict=True):
        assert len(row) == len(shown)
        for cell, variable in zip(row, shown, strict=True):
            value = binding.get(variable)
            label = binding.get(variable + LABEL_SUFFIX) if variable in labelled else None
            where = f"{name}: {variable} of {binding}"
            assert "^^" not in cell.text and "xsd:" not in cell.text, where
            if value is None:
                assert visible(cell) == (label["value"] if label else ""), where
            elif value["type"] == "uri":
                assert cell.iris[:1] == [value["value"]], where  # linked to its IRI
                if value["value"] in titles:
                    assert visible(cell) == titles[value["value"]], where  # the article by its title
                    assert value["value"].rsplit("/", 1)[-1] not in cell.text, where  # not by its file stem
                    checked["article"] += 1
                elif label is not None:
                    assert cell.text == label["value"], where  # the label, in place of the IRI
                    checked["label"] += 1
            elif value["type"] == "literal":
                assert cell.text == value["value"], where  # the literal whole, collapsed or not
                tag = "@" + value["xml:lang"] if "xml:lang" in value else ""
                datatype = value.get("datatype", XSD + "string")
                if datatype != XSD + "string":
                    tag = "^^xsd:" + datatype[len(XSD) :] if datatype.startswith(XSD) else "^^"
                    checked["typed"] += 1
                assert cell.hidden.startswith(tag) and bool(cell.hidden) == bool(tag), where  # there when asked for
                if len(value["value"]) > LONG_TEXT:
                    assert cell.in_details, where
                    checked["long"] += 1
    if any(v in labelled for v in variables):
        assert checked["label"], f"{name}: no label column was checked"


def test_the_queries_cover_every_case(executor: Executor, titles: dict[str, str]) -> None:
    """The queries above hold articles, IRI/label pairs, typed values and long quotes, so each case is checked."""
    seen: set[str] = set()
    for name in QUERIES:
        expected = json.loads(answer(executor, name, "json"))
        variables = expected["head"]["vars"]
        for binding in expected["results"]["bindings"]:
            for variable, value in binding.items():
                if value["value"] in titles:
                    seen.add("article")
                if variable + LABEL_SUFFIX in variables:
                    seen.add("label")
                if "datatype" in value:
                    seen.add("typed")
                if value["type"] == "literal" and len(value["value"]) > LONG_TEXT:
                    seen.add("long")
    assert seen == {"article", "label", "typed", "long"}


def test_every_article_shows_its_title_and_outlet(executor: Executor, engine: OxigraphEngine) -> None:
    """The articles query lists every article: each shows its title from the graph, with its publisher's label."""
    outlets = dict(
        (str(a), str(o))
        for a, o in engine.query(
            "SELECT ?article ?outlet WHERE { ?article a kgo:Article ; schema:publisher/rdfs:label ?outlet }"
        ).rows
    )
    articles = {
        str(a): str(t)
        for a, t in engine.query("SELECT ?article ?title WHERE { ?article a kgo:Article ; dcterms:title ?title }").rows
    }
    table = answer_table(answer(executor, "articles", "html").decode("utf-8"))
    shown = {cell.iris[0]: cell for row in table.rows for cell in row if "article" in cell.classes}
    assert set(shown) == set(articles)
    for iri, cell in shown.items():
        assert visible(cell) == articles[iri]
        assert cell.outlet == outlets.get(iri, "")


@pytest.mark.parametrize("fmt", [f.name for f in SELECT_FORMATS])
def test_machine_formats_are_what_kg_query_writes(executor: Executor, engine: OxigraphEngine, fmt: str) -> None:
    """JSON, XML, CSV and TSV answers are untouched by the HTML: byte for byte what kg query renders."""
    for name in QUERIES:
        result, _ = run(engine, name, {})
        assert answer(executor, name, fmt) == render(result, fmt).encode("utf-8"), (name, fmt)


# ------------------------------------------------------------ the table on its own


def iri(name: str, label: str | None = None) -> pages.Term:
    return pages.Term("iri", KGD + name, label=label)


def literal(text: str, **tags: str) -> pages.Term:
    return pages.Term("literal", text, **tags)


def test_label_columns_merge_into_their_iri_columns() -> None:
    variables = ["who", "whoLabel", "count", "nameLabel"]
    rows = [
        (iri("a", "graph label"), literal("query label", lang="en"), literal("7", datatype=XSD + "integer"), None),
        (iri("b"), None, None, literal("kept")),
        (None, literal("label without its IRI"), None, None),
    ]
    table = answer_table(results_table(variables, rows, {}))
    assert table.headers == ["who", "count", "nameLabel"]  # a label column with no IRI column stays
    first, second, third = table.rows
    assert (first[0].text, first[0].iris, first[0].hidden) == ("query label", [KGD + "a"], "")
    assert (first[1].text, first[1].hidden, first[1].classes) == ("7", "^^xsd:integer", {"number"})
    assert (second[0].text, second[0].iris) == ("kgd:b", [KGD + "b"])  # no label at all: the short form
    assert second[2].text == "kept"
    assert (third[0].text, third[0].iris) == ("label without its IRI", [])


def test_long_literals_collapse_and_stay_whole() -> None:
    quote = " ".join(f"word{i}" for i in range(60))
    table = answer_table(results_table(["quote", "short"], [(literal(quote), literal("short"))], {}))
    long, short = table.rows[0]
    assert long.in_details and long.text == quote
    assert not short.in_details
    html = results_table(["quote"], [(literal(quote),)], {})
    summary = html.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert (
        60
        <= len(
            answer_table(f'<table class="answer"><tbody><tr><td>{summary}</td></tr></tbody></table>').rows[0][0].text
        )
        <= 125
    )


def test_articles_show_title_and_outlet_and_text_is_escaped() -> None:
    article = KGD + "article/000_abc"
    names = {article: ArticleName('<b>"Title"</b>', "Outlet & Co")}
    html = results_table(
        ["article", "x"], [(pages.Term("iri", article, label="article 000_abc: x"), literal("<i>"))], names
    )
    assert "<b>" not in html and "<i>" not in html
    cell, other = answer_table(html).rows[0]
    assert (visible(cell), cell.outlet, cell.iris) == ('<b>"Title"</b>', "Outlet & Co", [article])
    assert other.text == "<i>"
    assert 'id="show-datatypes"' not in html  # nothing to show: no checkbox


def test_article_names_read_every_article_in_one_query(engine: OxigraphEngine, titles: dict[str, str]) -> None:
    calls: list[str] = []

    class Counting:
        def query(self, text: str, *args: Any, **kwargs: Any) -> Result:
            calls.append(text)
            return engine.query(text, *args, **kwargs)

    facts = [pages.Term("iri", a + "/some-fact") for a in titles]
    terms = [pages.Term("iri", a) for a in titles] * 3 + facts + [None, literal("x")]
    names = article_names(Counting(), terms)  # type: ignore[arg-type]
    assert len(calls) == 1
    assert {a: n.title for a, n in names.items()} == titles
    assert article_names(Counting(), facts) == {} and len(calls) == 1  # no article: no query


# ------------------------------------------------------------------ in a browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from chromium import launch

    yield from launch()


@pytest.mark.slow
def test_datatypes_show_when_the_reader_asks(browser: Any, private_cache: Path, tmp_path: Path) -> None:
    """In Chromium, under the server's CSP: no datatype in the table's text until the checkbox is ticked; a long
    quote opens."""
    from test_serve import start

    serving = start(tmp_path)
    server = next(serving)
    page = browser.new_page()
    problems: list[str] = []

    def console(message: Any) -> None:  # a CSP violation is a console error; the missing favicon is none
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    try:
        page.goto(server.url + "/queries/casualty-figures")
        table = page.locator("table.answer")
        assert "xsd:" not in table.inner_text() and "^^" not in table.inner_text()
        page.click("label[for=show-datatypes]")
        assert "^^xsd:integer" in table.inner_text()
        page.goto(server.url + "/queries/claims-of-responsibility")
        summary = page.locator("table.answer td:not(.article) details summary").first
        if summary.count():
            summary.click()
            assert page.locator("table.answer details[open]").count() == 1
        assert not problems, problems
    finally:
        page.close()
        serving.close()
