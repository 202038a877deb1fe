"""The query page of kg serve in a real browser: Playwright driving Debian's Chromium against a live server.

The server is ``python -m kg serve`` on a free loopback port (started as tests/test_serve.py does); the browser
is the system's Chromium (``/usr/bin/chromium``, or ``$KG_CHROMIUM``), launched headless with a fresh temporary
profile and nothing that reaches the network. Playwright's own browser downloads are never used.

Without Chromium or the playwright module these tests skip, saying which is missing; in CI (``CI`` set) they
fail instead, so a CI image that lost the browser cannot pass quietly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from chromium import WAIT_MS, console_error, launch
from rdflib import Graph
from test_serve import Server, start

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CLAIMS = "claims-of-responsibility"


#: browser tests take seconds each: .ci/run runs them (pytest -m slow), the default run leaves them out
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium with a fresh temporary profile; a skip (a failure in CI) when unavailable."""
    yield from launch()


@pytest.fixture(scope="module")
def server(private_cache: Path, tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Server]:
    """kg serve with a 3 s time limit (started only when a browser is there to use it)."""
    yield from start(tmp_path_factory.mktemp("serve-browser"), "--timeout", "3")


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A page in a fresh context; the test fails on any script error or console error (a CSP violation)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    opened.on("console", lambda message: problems.extend(console_error(message)))
    opened.on("request", lambda request: problems.extend(_outside(request.url, server.url)))
    opened.on(
        "response",
        lambda response: problems.extend([f"{response.status} for {response.url}"] if response.status == 404 else []),
    )
    try:
        yield opened
        # Chromium logs the 400, 413 and 503 answers the tests provoke as failed loads; those are expected
        unexpected = [p for p in problems if not re.search(r"responded with a status of (400|413|503)\b", p)]
        assert not unexpected, unexpected
    finally:
        context.close()


def _outside(url: str, server_url: str) -> list[str]:
    """A complaint when the page requests anything but the server (the page must work offline)."""
    return [] if url.startswith((server_url + "/", "blob:", "data:")) else [f"requested from elsewhere: {url}"]


def editor_text(page: Page) -> str:
    return str(page.evaluate("document.querySelector('#query-page .CodeMirror').CodeMirror.getValue()"))


def set_editor_text(page: Page, text: str) -> None:
    page.evaluate("text => document.querySelector('#query-page .CodeMirror').CodeMirror.setValue(text)", text)


def run_with_ctrl_enter(page: Page) -> None:
    page.locator("#query-page .CodeMirror textarea").focus()
    page.keyboard.press("Control+Enter")


def download_links(page: Page) -> dict[str, dict[str, list[str]]]:
    """The download links: format keyword -> the link's query parameters (path checked to be /sparql)."""
    links: dict[str, dict[str, list[str]]] = {}
    for link in page.locator("#query-downloads a").all():
        href = link.get_attribute("href") or ""
        parts = urlsplit(href)
        assert parts.path == "/sparql", href
        params = parse_qs(parts.query, keep_blank_values=True)
        links[params["format"][0]] = params
    return links


def test_named_query_runs_and_a_claim_leads_to_its_quote(page: Page, server: Server) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    expect(page.locator("#query-page .CodeMirror")).to_be_visible()
    expect(page.locator("#query-page .answer-format")).to_be_hidden()  # the no-JS format menu gives way

    page.select_option("#example", label=CLAIMS)
    expect(page.locator("#query-status")).to_contain_text(f"loaded {CLAIMS}")
    text = editor_text(page)
    assert text.startswith(f"# name: {CLAIMS}")
    assert "VALUES ?attack { kgd:kerman-bombings }" in text  # the example's value, written in
    assert page.locator("#query-page .CodeMirror .cm-keyword").count() > 3  # highlighted as SPARQL

    expected = server.get(f"/queries/{CLAIMS}", headers={"Accept": "application/sparql-results+json"}).json()
    rows = expected["results"]["bindings"]
    assert len(rows) >= 3
    page.click("#run")
    expect(page.locator("#query-status")).to_have_text(re.compile(rf"^{len(rows)} rows in \d+ ms"))
    table = page.locator("#query-results table.results")
    expect(table.locator("tbody tr")).to_have_count(len(rows))
    assert table.locator("thead th").all_inner_texts() == expected["head"]["vars"]

    claim_column = expected["head"]["vars"].index("claim")
    first = rows[0]
    claim_cell = table.locator("tbody tr").first.locator("td").nth(claim_column)
    link = claim_cell.locator("a")
    assert link.get_attribute("title") == first["claim"]["value"]
    assert (link.get_attribute("href") or "").startswith("/id/")
    date = first.get("date")
    if date:  # a typed literal shows its datatype, subtly
        date_cell = table.locator("tbody tr").first.locator("td").nth(expected["head"]["vars"].index("date"))
        expect(date_cell.locator(".datatype")).to_have_text("xsd:date")

    link.click()
    expect(page).to_have_url(re.compile(r"/page/"))
    quotes = page.locator("blockquote.quote")
    expect(quotes.first).to_be_visible()
    assert first["quote"]["value"] in quotes.all_inner_texts()  # the row's passage, quoted on the claim's page
    article = page.locator("p.cite").first.locator("a").nth(1)  # "quote in <article>"
    assert (article.get_attribute("href") or "").startswith("/id/article/")


def test_syntax_error_shows_line_and_column(page: Page, server: Server) -> None:
    from playwright.sync_api import expect

    query = "SELECT ?label\nWHERE {\n  kgd:kerman-bombings rdfs:label ?label .\n  FILTER(LANG(?label) = )\n}\n"
    refused = server.sparql(query)
    assert refused.status_code == 400
    line, column = map(int, re.search(r"(\d+):(\d+)", refused.text).groups())  # type: ignore[union-attr]
    assert line > 1
    page.goto(server.url + "/")
    set_editor_text(page, query)
    run_with_ctrl_enter(page)
    error = page.locator("#query-error")
    expect(error).to_be_visible()
    expect(error.locator("strong")).to_have_text("Error 400: The query is not valid")
    expect(error.locator(".position")).to_have_text(f"at line {line}, column {column}")
    expect(error.locator("pre")).to_have_text(refused.text.strip())  # the parser's own message
    expect(page.locator("#query-results")).to_be_empty()
    expect(page.locator("#query-downloads")).to_be_hidden()
    expect(page.locator("#query-page .cm-error-line")).to_have_count(1)  # the line is marked in the editor
    cursor = page.evaluate("document.querySelector('#query-page .CodeMirror').CodeMirror.getCursor()")
    assert (cursor["line"], cursor["ch"]) == (line - 1, column - 1)

    set_editor_text(page, "SELECT ?label WHERE { kgd:kerman-bombings rdfs:label ?label }")
    page.click("#run")  # a good query clears the error and the mark
    expect(page.locator("#query-results tbody tr")).to_have_count(1)
    expect(error).to_be_hidden()
    expect(page.locator("#query-page .cm-error-line")).to_have_count(0)


def test_select_downloads_and_language_tags(page: Page, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    query = "SELECT ?label WHERE { kgd:kerman-bombings rdfs:label ?label }"
    page.goto(server.url + "/")
    set_editor_text(page, query)
    page.click("#run")
    expect(page.locator("#query-status")).to_have_text(re.compile(r"^1 row in \d+ ms"))
    cell = page.locator("#query-results tbody td").first
    expect(cell.locator(".literal")).to_have_text("2024 Kerman bombings")
    expect(cell.locator(".lang")).to_have_text("@en")

    links = download_links(page)
    assert sorted(links) == ["csv", "json", "tsv", "xml"]
    assert all(params["query"] == [query] for params in links.values())
    with page.expect_download() as started:
        page.click("#query-downloads a[data-format=csv]")
    saved = tmp_path / "results.csv"
    started.value.save_as(saved)
    assert started.value.suggested_filename == "results.csv"
    assert list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8")))) == [["label"], ["2024 Kerman bombings"]]
    with page.expect_download() as started:
        page.click("#query-downloads a[data-format=json]")
    started.value.save_as(tmp_path / "results.srj")
    answer: dict[str, Any] = json.loads((tmp_path / "results.srj").read_text(encoding="utf-8"))
    assert answer["results"]["bindings"][0]["label"]["xml:lang"] == "en"

    # other IRIs link out; a query too long for a link downloads by POST
    long_query = "# " + "x" * 9000 + "\nSELECT ?match WHERE { kgd:kerman-bombings skos:exactMatch ?match }"
    set_editor_text(page, long_query)
    page.click("#run")
    external = page.locator("#query-results tbody td a.external")
    expect(external).to_have_text("wd:Q124098799")
    assert external.get_attribute("href") == "http://www.wikidata.org/entity/Q124098799"
    assert download_links(page)["tsv"]["query"] == [long_query]
    with page.expect_download() as started:
        page.click("#query-downloads a[data-format=tsv]")
    started.value.save_as(tmp_path / "long.tsv")
    assert (tmp_path / "long.tsv").read_text(encoding="utf-8").split("\n")[:2] == [
        "?match",
        "<http://www.wikidata.org/entity/Q124098799>",
    ]


def test_construct_shows_turtle_and_ask_true_false(page: Page, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/sparql")  # a browser at /sparql without a query gets the same page
    expect(page.locator("#protocol")).to_contain_text("application/sparql-query")
    construct = "CONSTRUCT { kgd:kerman-bombings rdfs:label ?l } WHERE { kgd:kerman-bombings rdfs:label ?l }"
    set_editor_text(page, construct)
    run_with_ctrl_enter(page)
    expect(page.locator("#query-status")).to_contain_text("graph answer (text/turtle)")
    turtle = page.locator("#query-results pre.graph-answer").inner_text()
    assert len(Graph().parse(data=turtle, format="turtle")) == 1
    links = download_links(page)
    assert sorted(links) == ["jsonld", "nt", "turtle"]
    with page.expect_download() as started:
        page.click("#query-downloads a[data-format=turtle]")
    started.value.save_as(tmp_path / "results.ttl")
    assert len(Graph().parse(tmp_path / "results.ttl", format="turtle")) == 1

    set_editor_text(page, "ASK { kgd:kerman-bombings a kgo:Bombing }")
    page.click("#run")
    expect(page.locator("#query-results p.boolean")).to_have_text("true")
    set_editor_text(page, "ASK { kgd:kerman-bombings a kgo:Nothing }")
    page.click("#run")
    expect(page.locator("#query-results p.boolean")).to_have_text("false")


def test_limit_errors_are_shown(page: Page, server: Server) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    error = page.locator("#query-error")
    set_editor_text(page, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")  # far more than the 10000 rows allowed
    page.click("#run")
    expect(error.locator("strong")).to_have_text("Error 413: The answer is too large")
    expect(error.locator("pre")).to_contain_text("--max-rows 10000")
    set_editor_text(page, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")  # runs for hours
    page.click("#run")
    expect(error.locator("strong")).to_have_text("Error 503: The query was stopped")
    expect(error.locator("pre")).to_contain_text("time limit of 3 s")
    expect(page.locator("#run")).to_be_enabled()  # ready for the next query
    server.wait_idle(2)  # the stopped worker has been replaced


def test_page_works_without_javascript(browser: Browser, server: Server) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        assert page.locator("#query-page textarea[name=query]").is_visible()
        assert page.locator("#query-page .examples").is_hidden()
        assert page.locator("a[href='/queries/claims-of-responsibility']").is_visible()  # the named-query list
        page.fill("#query-page textarea[name=query]", "SELECT ?label WHERE { kgd:kerman-bombings rdfs:label ?label }")
        page.select_option("#query-page select[name=format]", "json")
        with page.expect_navigation():
            page.click("#run")
        assert urlsplit(page.url).path == "/sparql"
        answer = json.loads(page.locator("body").inner_text())
        assert answer["results"]["bindings"][0]["label"]["value"] == "2024 Kerman bombings"
    finally:
        context.close()
