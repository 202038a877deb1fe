"""An attack's page in a real browser: the dossier of kg.web.dossier.page, as kg serve sends it, in Debian's Chromium.

The server and the browser are started as tests/test_browser.py starts them; every expectation is read from the
graph through the named queries (the corpus grows), and the test fails on any console error, CSP violation,
script error or request that leaves the server.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from chromium import WAIT_MS, console_error, launch
from test_serve import Server, start

from kg.sparql import querying
from kg.sparql.engine import OxigraphEngine, open_engine
from kg.web.dossier.parts import earliest_day

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: browser tests take seconds each: .ci/run runs them (pytest -m slow), the default run leaves them out
pytestmark = pytest.mark.slow

ATTACK = "https://w3id.org/kerman-kg/id/kerman-bombings"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch()


@pytest.fixture(scope="module")
def server(build_dir: Path, tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Server]:
    """kg serve on the session's build (started only when a browser is there to use it)."""
    yield from start(tmp_path_factory.mktemp("serve-dossier"), "--timeout", "10")


@pytest.fixture(scope="module")
def engine(build_dir: Path) -> OxigraphEngine:
    return open_engine(build=build_dir)[0]


def rows(engine: OxigraphEngine, name: str, **params: str) -> list[dict[str, str | None]]:
    result, _ = querying.run(engine, name, params)
    return [
        {v: (None if t is None else str(t)) for v, t in zip(result.variables, row, strict=True)} for row in result.rows
    ]


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """The attack's page in a fresh context; the test fails on any console error (a CSP violation), script
    error, 404 or request that leaves the server."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    opened.on("console", lambda message: problems.extend(console_error(message)))
    opened.on(
        "request",
        lambda request: problems.extend(
            [] if request.url.startswith(server.url + "/") else [f"requested from elsewhere: {request.url}"]
        ),
    )
    opened.on("response", lambda r: problems.extend([f"{r.status} for {r.url}"] if r.status >= 400 else []))
    try:
        opened.goto(server.url + "/page/kerman-bombings")
        yield opened
        assert not problems, problems
    finally:
        context.close()


def test_every_source_is_a_column_named_by_title(page: Page, engine: OxigraphEngine) -> None:
    from playwright.sync_api import expect

    titles = {r["article"]: r["title"] for r in rows(engine, "articles")}
    about = {r["article"] for r in rows(engine, "casualty-figures", attack=ATTACK)}
    about |= {r["article"] for r in rows(engine, "event-details", event=ATTACK)}
    for article in about:
        heading = page.locator(f'table.dossier-table thead th[data-article="{article}"] a')
        expect(heading).to_be_visible()
        assert heading.get_attribute("title") == titles[article]
        assert (heading.text_content() or "").rstrip("…") in (titles[article] or "")
        assert str(article).rsplit("/", 1)[-1] not in (heading.text_content() or "")


def test_figures_are_shown_with_their_qualifiers(page: Page, engine: OxigraphEngine) -> None:
    from playwright.sync_api import expect

    figures = rows(engine, "casualty-figures", attack=ATTACK)
    rows_of = {
        "DeathToll": "Killed",
        "InjuryFigure": "Injured",
        "CombinedCasualtyFigure": "Killed and wounded (combined)",
    }
    for r in figures:
        kind = (r["kind"] or "").rsplit("#", 1)[-1]
        qualifier = (r["qualifier"] or "").rsplit("#", 1)[-1]
        cell = page.locator(f'tr[data-question="{rows_of[kind]}"] li[data-fact="{r["report"]}"] summary')
        expect(cell).to_contain_text(r["figure"] or "")
        mark = page.locator(f'svg.figures-chart g.figure[data-report="{r["report"]}"]')
        expect(mark).to_have_count(1)
        assert mark.get_attribute("data-qualifier") == qualifier
        assert mark.get_attribute("data-count") == r["count"]
        assert (mark.locator("text").text_content() or "").startswith(r["figure"] or "")
        if kind == "CombinedCasualtyFigure":
            expect(cell).to_contain_text("counted together")
            expect(page.locator('g.chart-row[data-kind="CombinedCasualtyFigure"]')).to_contain_text("combined")
    assert page.locator("svg.figures-chart").get_attribute("role") == "img"
    assert "range" in (page.locator("svg.figures-chart desc").text_content() or "")


def test_a_refusal_is_not_shown_as_a_denial(page: Page, engine: OxigraphEngine) -> None:
    from playwright.sync_api import expect

    shown = page.locator('tr[data-question="Declined to comment"] li.answer')
    refusals = {r["refusal"] for r in rows(engine, "refusals-to-comment")}
    for fact in shown.evaluate_all("items => items.map(i => i.dataset.fact)"):
        assert fact in refusals
        expect(page.locator(f'tr[data-question="Denied"] li[data-fact="{fact}"]')).to_have_count(0)
    for summary in shown.locator("summary").all_text_contents():
        assert "declined to comment" in summary and "denied" not in summary


def test_disagreements_are_marked(page: Page, engine: OxigraphEngine) -> None:
    from playwright.sync_api import expect

    for r in rows(engine, "source-disagreements", event=ATTACK):
        if r["question"] == "death toll":
            for fact in (r["fact1"], r["fact2"]):
                expect(page.locator(f'tr[data-question="Killed"] li[data-fact="{fact}"] .flag')).to_be_visible()


def test_the_timeline_is_in_date_order(page: Page, engine: OxigraphEngine) -> None:
    dates = page.locator("ol.timeline > li").evaluate_all("items => items.map(i => i.dataset.date)")
    assert dates and [earliest_day(d) for d in dates] == sorted(earliest_day(d) for d in dates)
    incidents = {r["incident"] for r in rows(engine, "prior-incidents", attack=ATTACK) if r["date"]}
    links = set(page.locator("ol.timeline > li > a").evaluate_all("items => items.map(a => a.title)"))
    assert incidents <= links


def test_a_quote_opens_from_the_keyboard_and_is_the_graphs(page: Page, engine: OxigraphEngine) -> None:
    from playwright.sync_api import expect

    figure = rows(engine, "casualty-figures", attack=ATTACK)[0]
    answer = page.locator(f'li[data-fact="{figure["report"]}"]').first
    quote = answer.locator("blockquote.quote")
    expect(quote).to_be_hidden()
    answer.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(quote).to_be_visible()
    assert quote.text_content() == figure["quote"]


def test_the_downloads(page: Page, server: Server, engine: OxigraphEngine) -> None:
    with page.expect_download() as csv_download:
        page.locator('.dossier .downloads a[href$="view=dossier.csv"]').click()
    table = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
    assert table[0][0] == "question" and "Killed" in [r[0] for r in table]
    with page.expect_download() as svg_download:
        page.locator('.dossier .downloads a[href$="view=dossier.svg"]').click()
    svg = Path(svg_download.value.path()).read_text(encoding="utf-8")
    assert re.search(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]* role="img"', svg)
    assert server.get("/page/iran?view=dossier.csv").status_code == 404  # no attack, no dossier
    assert server.get("/page/kerman-bombings?view=nothing").status_code == 404
