"""The review page in a real browser: Playwright driving Debian's Chromium against ``kg review``.

A scratch corpus (the frozen five articles and the sixth test article) has the sixth article drafted by
``kg draft`` with its real rules; ``python -m kg review`` serves it on a free loopback port; the browser is the
system's Chromium, headless, as in tests/test_browser.py (never Playwright's own downloads). The tests find
the drafted facts by what they say (a claim, a refusal, a death toll), not by the ids the drafter gives them,
and check the curator's YAML on disk after every step. Any script error, console error or Content-Security-
Policy violation fails a test, and so does a request to anywhere but the server.

Without Chromium or the playwright module these tests skip, saying which is missing; in CI they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from chromium import WAIT_MS, launch
from conftest import FROZEN_CORPUS, with_sixth_article
from test_serve import free_port

from kg.curation.check import check_corpus
from kg.drafting.writer import plain, round_trip_yaml
from kg.rdf import iris
from kg.rdf.namespaces import KGO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

STEM = "900_test_wire"
PLACE = "the twin explosions near the grave of Qasem Soleimani in Kerman on January 3"
STARTUP = 120.0
#: reports every Content-Security-Policy violation as a console error (the test fails on any)
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI);
});
"""


#: browser tests take seconds each: .ci/run runs them (pytest -m slow), the default run leaves them out
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, as tests/test_browser.py launches it; a skip (a failure in CI) when unavailable."""
    yield from launch()


def draft_sixth_article(corpus: Path, keep_record: bool) -> Path:
    """The frozen corpus with the sixth article drafted by kg draft (its metadata record too, unless kept)."""
    from kg.cli import main

    shutil.copytree(FROZEN_CORPUS, corpus)
    with_sixth_article(corpus)
    (corpus / "articles" / f"{STEM}.facts.yaml").unlink()
    if not keep_record:
        (corpus / "articles" / f"{STEM}.meta.yaml").unlink()
    assert main(["draft", str(corpus / "articles" / f"{STEM}.txt"), "--corpus", str(corpus)]) == 0
    return corpus


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sixth article's annotation drafted; its metadata record is the fixture's, already checked."""
    return draft_sixth_article(tmp_path_factory.mktemp("review-browser") / "corpus", keep_record=True)


@pytest.fixture(scope="module")
def drafted_with_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sixth article as kg draft leaves a new article: annotation and metadata record both drafts."""
    return draft_sixth_article(tmp_path_factory.mktemp("review-browser-record") / "corpus", keep_record=False)


@dataclass
class ReviewServer:
    url: str
    corpus: Path
    out: Path
    log: Path

    @property
    def facts(self) -> Path:
        return self.corpus / "articles" / f"{STEM}.facts.yaml"

    @property
    def meta(self) -> Path:
        return self.corpus / "articles" / f"{STEM}.meta.yaml"

    def items(self) -> dict[str, dict[str, Any]]:
        """The annotation file's facts and entities as plain values, by id."""
        doc = plain(round_trip_yaml().load(self.facts.read_text(encoding="utf-8")))
        return {item["id"]: item for section in ("entities", "facts") for item in doc.get(section) or []}


def run_review(template: Path, folder: Path) -> Iterator[ReviewServer]:
    """kg review on a fresh copy of a drafted corpus, until the generator is closed."""
    corpus = folder / "corpus"
    shutil.copytree(template, corpus)
    port = free_port()
    log = folder / "review.log"
    out = folder / "builds"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "review", STEM, "--corpus", str(corpus), "--no-open"]
            + ["--port", str(port), "--out", str(out)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            if process.poll() is not None:
                pytest.fail(f"kg review exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/review/{STEM}", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"kg review did not answer within {STARTUP} s:\n{log.read_text()}")
            time.sleep(0.2)
        yield ReviewServer(url, corpus, out, log)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture
def server(drafted: Path, tmp_path: Path, browser: Browser) -> Iterator[ReviewServer]:
    """kg review of the drafted sixth article (started only when a browser is there to use it)."""
    yield from run_review(drafted, tmp_path)


@pytest.fixture
def new_article(drafted_with_record: Path, tmp_path: Path, browser: Browser) -> Iterator[ReviewServer]:
    """kg review of the sixth article as kg draft leaves it, metadata record included."""
    yield from run_review(drafted_with_record, tmp_path)


class Problems(list[str]):
    """What went wrong in a page: script errors, console errors (CSP violations among them), outside requests."""

    def watch(self, page: Page, server_url: str, allowed: tuple[int, ...] = ()) -> Page:
        page.on("pageerror", lambda error: self.append(f"script error: {error}"))
        page.on("console", lambda message: self.extend(_console_error(message, allowed)))
        page.on("request", lambda request: self.extend(_outside(request.url, server_url)))
        return page


def _console_error(message: ConsoleMessage, allowed: tuple[int, ...]) -> list[str]:
    if message.type != "error" or message.location.get("url", "").endswith("/favicon.ico"):
        return []
    if allowed and re.search(rf"responded with a status of ({'|'.join(map(str, allowed))})\b", message.text):
        return []
    return [f"{message.text} ({message.location.get('url', '')})"]


def _outside(url: str, server_url: str) -> list[str]:
    return [] if url.startswith((server_url + "/", "blob:", "data:")) else [f"requested from elsewhere: {url}"]


@pytest.fixture
def problems() -> Iterator[Problems]:
    found = Problems()
    yield found
    assert not found, list(found)


def open_review(browser: Browser, server: ReviewServer, problems: Problems, allowed: tuple[int, ...] = ()) -> Page:
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(CSP_LISTENER)
    page = problems.watch(context.new_page(), server.url, allowed)
    page.goto(f"{server.url}/review/{STEM}")
    settled(page)
    return page


def settled(page: Page) -> None:
    """Wait until no write is in flight and the check of the files as they are has come back."""
    page.wait_for_selector("body[data-busy=false]")
    page.wait_for_selector("#check-status[data-state=done]")


def card(page: Page, category: str, text: str | None = None) -> Any:
    cards = page.locator(f"#items .card.cat-{category}")
    return cards.filter(has_text=text) if text else cards


def key_of(locator: Any) -> str:
    return str(locator.get_attribute("data-key"))


def drag_select(page: Page, passage: str) -> None:
    """Select a passage of the article with the mouse, as a curator does."""
    box = page.evaluate(
        """passage => {
          const root = document.getElementById("article-text");
          const start = root.textContent.indexOf(passage);
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          const at = (offset) => {
            let node, seen = 0;
            while ((node = walker.nextNode())) {
              if (offset < seen + node.textContent.length) return [node, offset - seen];
              seen += node.textContent.length;
            }
          };
          const rect = (offset) => {
            walker.currentNode = root;
            const [node, inner] = at(offset);
            const range = document.createRange();
            range.setStart(node, inner);
            range.setEnd(node, inner + 1);
            return range.getBoundingClientRect();
          };
          const first = rect(start), last = rect(start + passage.length - 1);
          return {x1: first.left + 1, y1: first.top + first.height / 2,
                  x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        passage,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()
    assert page.evaluate("window.getSelection().toString()") == passage


def built(corpus: Path) -> set[str]:
    """The ids of the sixth article's facts and entities in the built graph; the build's check must pass."""
    outcome = check_corpus(corpus, reason=False, rules=False)
    assert outcome.errors == [], [str(e) for e in outcome.errors]
    assert outcome.dataset is not None
    prefix = str(iris.in_article(STEM, ""))
    graph = outcome.dataset.graph(iris.article_graph(STEM))
    ids = {str(s)[len(prefix) :].split("/")[0] for s in graph.subjects(KGO.source, iris.article(STEM))}
    return {i for i in ids if not i.startswith("meta-")}


# ------------------------------------------------------------------------------------------ the tests


def test_accept_reject_edit_and_add_from_a_selection(
    browser: Browser, server: ReviewServer, problems: Problems
) -> None:
    from playwright.sync_api import expect

    page = open_review(browser, server, problems)
    expect(page.locator("#progress")).to_contain_text("0 reviewed")
    expect(page.locator("#check-status")).to_contain_text("the corpus passes")
    drafted = server.items()
    assert {i["review"] for i in drafted.values()} == {"draft"}
    claim, refusal = card(page, "claim"), card(page, "refusal")
    toll = card(page, "figure", "Death toll")
    claim_id, refusal_id, toll_id = (key_of(c).split("/")[1] for c in (claim, refusal, toll))
    # the quotes are highlighted in the text, coloured by kind, drafts dashed
    expect(page.locator("#article-text mark.cat-claim.review-draft")).to_have_text(drafted[claim_id]["quote"])
    assert (
        "".join(page.locator(f"#article-text mark[data-keys~='{key_of(refusal)}']").all_inner_texts())
        == (drafted[refusal_id]["quote"])
    )

    # accept the claim with its button
    claim.get_by_role("button", name="Accept (a)").click()
    settled(page)
    assert server.items()[claim_id]["review"] == "accepted"
    expect(page.locator("#article-text mark.cat-claim.review-accepted")).to_have_count(1)
    expect(page.locator("#progress")).to_contain_text("1 accepted")

    # reject the refusal to comment with the keyboard
    refusal.click()
    page.keyboard.press("r")
    settled(page)
    assert server.items()[refusal_id]["review"] == "rejected"
    expect(page.locator(f"#article-text mark[data-keys~='{key_of(refusal)}']")).to_have_count(0)  # not highlighted

    # edit the death toll: its qualifier, and who gave it, picked from the registry by typing an alias
    toll.click()
    page.keyboard.press("e")
    form = toll.locator("form.editor")
    form.locator("select[name=qualifier]").select_option("approximately")
    given_by = form.locator("input[name=given_by]")
    given_by.fill("IRNA")
    suggestion = form.locator("ul.suggestions li").first
    expect(suggestion).to_contain_text("Islamic Republic News Agency")
    given_by.press("Enter")
    expect(given_by).to_have_value("irna")
    form.get_by_role("button", name="Save and accept").click()
    settled(page)
    edited = server.items()[toll_id]
    assert edited["review"] == "accepted"
    assert edited["casualties"]["qualifier"] == "approximately" and edited["casualties"]["given_by"] == "irna"
    assert edited["drafted"] == drafted[toll_id]["drafted"]  # how it was proposed stays on record
    expect(toll.locator(".description")).to_have_text(
        "Death toll of 2024 Kerman bombings: “95” (approximately 95), given by Islamic Republic News Agency"
    )

    # add a fact the draft missed, from a selection of the text
    drag_select(page, PLACE)
    expect(page.locator("#add-from-selection")).to_be_enabled()
    page.keyboard.press("+")
    form = page.locator("#new-item form.editor")
    form.locator("input[name=id]").fill("attack-place")
    form.locator("select[name=kind]").select_option("relations")
    row = form.locator(".relation").first
    subject = row.locator("input").first
    subject.fill("Kerman bombings")
    expect(row.locator("ul.suggestions li").first).to_contain_text("kerman-bombings")
    subject.press("Enter")
    row.locator("select[name=property]").select_option("occurredAt")
    target = row.locator("input").nth(1)
    target.fill("Kerman")
    expect(row.locator("ul.suggestions li").nth(0)).to_contain_text("kerman")
    target.press("ArrowDown")
    target.press("Enter")
    expect(target).to_have_value("kerman")
    form.get_by_role("button", name="Add the fact").click()
    settled(page)
    added = server.items()["attack-place"]
    assert added == {
        "id": "attack-place",
        "review": "accepted",
        "quote": PLACE,
        "relations": [["kerman-bombings", "occurredAt", "kerman"]],
    }
    expect(card(page, "relation", "2024 Kerman bombings occurred at Kerman")).to_have_count(1)
    expect(page.locator("#check-status")).to_contain_text("0 error(s) and 0 warning(s) in this article")

    # the full check passes, and the graph holds exactly the accepted facts
    page.keyboard.press("c")
    page.wait_for_selector("#check-status[data-full=true][data-state=done]")
    expect(page.locator("#check-status")).to_contain_text("the corpus passes")
    assert built(server.corpus) == {claim_id, toll_id, "attack-place"}
    page.context.close()


def test_a_check_error_is_shown_next_to_its_fact(browser: Browser, server: ReviewServer, problems: Problems) -> None:
    from playwright.sync_api import expect

    page = open_review(browser, server, problems)
    refusal = card(page, "refusal")
    refusal.click()
    page.keyboard.press("a")  # its speaker is a new entity still in draft
    settled(page)
    error = refusal.locator("li.problem.error")
    expect(error).to_contain_text("is still a draft")
    lines = server.facts.read_text(encoding="utf-8").splitlines()
    at = lines.index(f"  - id: {key_of(refusal).split('/')[1]}")
    speaker = next(n for n in range(at, len(lines)) if lines[n].strip().startswith("by:"))
    expect(error.locator(".where")).to_have_text(f"line {speaker + 1}")  # the line of the fact's 'by:'
    expect(page.locator("#check-status")).to_contain_text("1 error(s) and 0 warning(s) in this article")
    entity = page.locator("#items .card.cat-entity")
    entity.click()
    page.keyboard.press("a")
    settled(page)
    expect(refusal.locator("li.problem")).to_have_count(0)
    expect(page.locator("#check-status")).to_contain_text("the corpus passes")
    page.context.close()


def test_a_quote_narrowed_and_an_entity_added_by_selecting_text(
    browser: Browser, server: ReviewServer, problems: Problems
) -> None:
    from playwright.sync_api import expect

    page = open_review(browser, server, problems)
    claim = card(page, "claim")
    claim_id = key_of(claim).split("/")[1]
    quote = server.items()[claim_id]["quote"]
    narrow = quote[: quote.index(" in a statement")]
    claim.click()
    page.keyboard.press("e")
    form = claim.locator("form.editor")
    use = form.get_by_role("button", name="Use the selected text as the quote")
    expect(use).to_be_disabled()
    drag_select(page, narrow)
    expect(use).to_be_enabled()
    use.click()
    expect(form.locator(".quote-field blockquote")).to_have_text(narrow)
    form.get_by_role("button", name="Save and accept").click()
    settled(page)
    saved = server.items()[claim_id]
    assert saved["quote"] == narrow and saved["review"] == "accepted"
    expect(page.locator(f"#article-text mark[data-keys~='{key_of(claim)}']")).to_have_text(narrow)
    # a name the draft missed, as an entity of this article only
    drag_select(page, "the grave of Qasem Soleimani")
    page.get_by_role("button", name="Add an entity").click()
    form = page.locator("#new-item form.editor")
    expect(form.locator("input[name=id]")).to_have_value("the-grave-of-qasem-soleimani")
    form.locator("input[name=id]").fill("soleimani-grave")
    form.locator("select[name=type]").select_option("Site")
    form.get_by_role("button", name="Add the entity").click()
    settled(page)
    assert server.items()["soleimani-grave"] == {
        "id": "soleimani-grave",
        "review": "accepted",
        "type": "Site",
        "label": "the grave of Qasem Soleimani",
        "quote": "the grave of Qasem Soleimani",
    }
    expect(page.locator("#items .card.cat-entity").filter(has_text="soleimani-grave")).to_have_count(1)
    expect(page.locator("#check-status")).to_contain_text("the corpus passes")
    page.context.close()


def test_review_a_whole_draft_by_keyboard(browser: Browser, server: ReviewServer, problems: Problems) -> None:
    """The common path: every proposal accepted with one key each; the time it takes is printed."""
    from playwright.sync_api import expect

    page = open_review(browser, server, problems)
    count = page.locator("#items .card").count()
    started = time.monotonic()
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    for done in range(1, count + 1):
        page.keyboard.press("a")  # accept, then on to the next one still to review
        expect(page.locator("#progress")).to_contain_text(f"{done} reviewed")
        settled(page)
    elapsed = time.monotonic() - started
    print(f"\nkeyboard review of {STEM}: {count} proposals ({count} keys, one per proposal) in {elapsed:.1f} s")
    expect(page.locator("#progress")).to_contain_text("0 to review")
    expect(page.locator("#check-status")).to_contain_text("the corpus passes")
    assert {i["review"] for i in server.items().values()} == {"accepted"}
    assert len(built(server.corpus)) == count
    assert elapsed < 60
    page.context.close()


def test_two_tabs_do_not_overwrite_each_other(browser: Browser, server: ReviewServer, problems: Problems) -> None:
    from playwright.sync_api import expect

    first = open_review(browser, server, problems)
    second = open_review(browser, server, problems, allowed=(409,))
    card(first, "claim").click()
    first.keyboard.press("a")
    settled(first)
    kept = server.facts.read_bytes()
    card(second, "claim").click()
    second.keyboard.press("r")
    message = second.locator("#message")
    expect(message).to_contain_text("has changed since this page loaded it")
    assert server.facts.read_bytes() == kept
    message.get_by_role("button", name="Reload").click()
    settled(second)
    expect(card(second, "claim").locator(".badge")).to_have_text("accepted")
    first.context.close()
    second.context.close()


def test_from_kg_draft_to_a_built_article_through_the_page_alone(
    browser: Browser,
    new_article: ReviewServer,
    problems: Problems,
) -> None:
    """The record checked and completed, the facts accepted, the corpus built, the article opened in the query page."""
    from playwright.sync_api import expect

    server = new_article
    page = open_review(browser, server, problems)
    record = page.locator("#meta")
    expect(record.locator(".badge")).to_have_text("draft")
    expect(record.locator("li.problem.error")).to_contain_text("the metadata record is a draft")
    drafted_record = server.meta.read_text(encoding="utf-8")
    # the record: the title is the headline, not the masthead kg draft took; the publisher and URL from the record
    page.keyboard.press("e")
    form = record.locator("form.editor")
    form.locator("input[name=title]").fill("Iran mourns victims of Kerman blasts")
    publisher = form.locator("input[name=publisher]")
    publisher.fill("Test Wire")
    expect(form.locator("ul.suggestions li").first).to_contain_text("test-wire")
    publisher.press("Enter")
    form.locator("input[name=url]").fill("https://example.org/test-wire/kerman-blasts")
    form.locator("input[name=language]").fill("en")
    form.get_by_role("button", name="Save").click()
    settled(page)
    saved = server.meta.read_text(encoding="utf-8")
    assert '\ntitle: "Iran mourns victims of Kerman blasts"\n' in saved and "\nreview: draft\n" in saved
    assert "\npublisher: {entity: test-wire}\ndate_published: " in saved  # where curators write it
    assert saved.endswith("\nurl: https://example.org/test-wire/kerman-blasts\nlanguage: en\n")
    assert saved.startswith(drafted_record.split("\ntitle:")[0])  # the comments and the first lines as they were
    page.keyboard.press("a")  # accept the record: its review line goes
    settled(page)
    assert server.meta.read_text(encoding="utf-8") == saved.replace("review: draft\n", "")
    expect(record.locator(".badge")).to_have_text("accepted")
    expect(record.locator("li.problem")).to_have_count(0)
    # the claim and the two figures accepted; the refusal and its new speaker left in draft
    for category in ("claim", "figure"):
        for one in card(page, category).all():
            one.click()
            page.keyboard.press("a")
            settled(page)
    page.keyboard.press("b")
    result = page.locator("#build-result")
    page.wait_for_selector("#build-result[data-state=built]", timeout=180_000)
    expect(result).to_contain_text("statements: 1 ClaimOfResponsibility; casualty figures: 2")
    expect(result.locator("table").last.locator("tbody tr")).to_have_count(5)  # 3 facts, the title and the date
    assert sorted(p.name for p in server.out.iterdir() if not p.name.startswith(".")) == [
        "kerman-kg.nq",
        "kerman-kg.trig",
        "void.ttl",
    ]
    result.get_by_role("button", name="Open in the query page").click()
    link = page.locator("#query-page-link")
    expect(link).to_be_visible(timeout=180_000)
    href = link.get_attribute("href") or ""
    assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/id/article/{STEM}", href), href
    query_page = page.context.new_page()
    problems.watch(query_page, href.split("/id/")[0])
    query_page.goto(href)
    expect(query_page.locator("h1")).to_contain_text("Iran mourns victims of Kerman blasts")
    page.context.close()
