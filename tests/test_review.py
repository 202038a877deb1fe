"""kg review without a browser: the API that writes the curator's decisions, and what it refuses.

The server runs in this process (uvicorn in a thread, on a free loopback port), over a scratch corpus: the
frozen five articles plus the sixth test article, whose annotation is drafted by stand-in extractors (so the
tests pin the format and the server, not the drafting rules, which have their own tests). Every write is
checked on disk: the YAML it leaves, the lines it keeps, what the curator check and the build then say.
"""

from __future__ import annotations

import difflib
import hashlib
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import FROZEN_CORPUS, with_sixth_article

from kg.curation.check import check_corpus
from kg.drafting import draft as drafting
from kg.drafting.analysis import Analysis, Mention
from kg.drafting.model import DraftFact
from kg.rdf import iris
from kg.rdf.namespaces import KGO
from kg.review import passages, words
from kg.review.api import create_app
from kg.review.document import AnnotationFile
from kg.review.files import ABSENT, ReviewError, article_files
from kg.review.server import allowed_hosts
from kg.review.session import Review

STEM = "900_test_wire"
CLAIM = "The Islamic State group claimed responsibility for the attack in a statement on its Telegram channels."
REFUSAL = "A spokesman for Iran's interior ministry declined to comment."
FIGURES = "Iranian officials said on Thursday that 95 people were killed and 211 injured"
PLACE = "the twin explosions near the grave of Qasem Soleimani in Kerman on January 3"
TIMEOUT = 30.0


# ------------------------------------------------------------------------------------------ fixtures


def stand_in_draft(analysis: Analysis) -> list[DraftFact]:
    """What a drafter might propose for the sixth article: a claim, a refusal by a new entity, two figures."""
    text = analysis.text
    claim = DraftFact(
        "claim-islamic-state",
        "statement",
        {"type": "ClaimOfResponsibility", "by": "islamic-state", "about": "kerman-bombings", "channel": "telegram"},
        CLAIM,
        text.index(CLAIM),
        "test-claim",
        "claimed responsibility",
        0.9,
    )
    start = text.index(REFUSAL)
    speaker = Mention(start + 2, start + 40, REFUSAL[2:40], "ministry-spokesman", False, "new", ("Person",), 0.5)
    refusal = DraftFact(
        "no-comment",
        "statement",
        {"type": "RefusalToComment", "by": "ministry-spokesman", "about": "kerman-bombings"},
        REFUSAL,
        start,
        "test-refusal",
        "declined to comment",
        0.8,
    )
    refusal.new_entities.append(speaker)
    figures = [
        DraftFact(
            name,
            "casualties",
            {"type": kind, "of": "kerman-bombings", "figure": figure, "given_by": "iranian-officials"},
            FIGURES,
            text.index(FIGURES),
            f"test-{kind}",
            figure,
            0.75,
        )
        for name, kind, figure in (("death-toll-95", "killed", "95"), ("injured-211", "injured", "211"))
    ]
    return [claim, refusal, *figures]


@pytest.fixture(scope="module")
def drafted_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The frozen corpus with the sixth article, its annotation drafted (its metadata record is the fixture's)."""
    corpus = tmp_path_factory.mktemp("review-template") / "corpus"
    shutil.copytree(FROZEN_CORPUS, corpus)
    with_sixth_article(corpus)
    articles = corpus / "articles"
    (articles / f"{STEM}.facts.yaml").unlink()
    original = drafting.extractors
    drafting.extractors = lambda: [stand_in_draft]  # type: ignore[assignment]
    try:
        drafted = drafting.draft_article(articles / f"{STEM}.txt", corpus, None, articles / f"{STEM}.meta.yaml")
    finally:
        drafting.extractors = original  # type: ignore[assignment]
    drafting.write(articles / f"{STEM}.facts.yaml", drafted.annotation.text)
    return corpus


@pytest.fixture
def corpus(drafted_corpus: Path, tmp_path: Path) -> Path:
    """A copy of the drafted corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(drafted_corpus, target)
    return target


@dataclass
class Live:
    """A review server running in this process, and its corpus."""

    url: str
    review: Review
    corpus: Path

    @property
    def facts(self) -> Path:
        return self.corpus / "articles" / f"{STEM}.facts.yaml"

    @property
    def meta(self) -> Path:
        return self.corpus / "articles" / f"{STEM}.meta.yaml"

    def call(
        self, method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        sent = {"X-Review-Token": self.review.token, **(headers or {})}
        return httpx.request(method, self.url + path, json=payload, headers=sent, timeout=TIMEOUT)

    def state(self) -> dict[str, Any]:
        answer = self.call("GET", f"/api/articles/{STEM}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def item(self, key: str) -> dict[str, Any]:
        return next(i for i in self.state()["items"] if i["key"] == key)


@pytest.fixture
def live(corpus: Path, tmp_path: Path) -> Iterator[Live]:
    yield from serve(Review(corpus, STEM, tmp_path / "builds"))


def serve(review: Review) -> Iterator[Live]:
    """Run the review app with uvicorn in a thread until the generator is closed."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    review.allowed_hosts = allowed_hosts("127.0.0.1", port)
    app = create_app(review)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    while not server.started:
        assert time.monotonic() < deadline, "the review server did not start"
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", review, review.corpus)
    finally:
        server.should_exit = True
        thread.join(TIMEOUT)
        sock.close()


def digests(corpus: Path) -> dict[str, str]:
    """The SHA-256 of every file of a corpus, to show that a refused request changed nothing."""
    return {
        str(p.relative_to(corpus)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(corpus.rglob("*"))
        if p.is_file()
    }


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a change removed (-) and added (+)."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("---", "+++"))
    ]


def built_facts(corpus: Path) -> set[str]:
    """The ids of the sixth article's facts and entities in the built graph (the build's check must pass).

    Every fact node, and every assertion of a fact's relations (``<fact>/<n>``), has the article as its
    ``kgo:source``; the metadata record's assertions (``meta-...``) are not facts of the annotation file.
    """
    outcome = check_corpus(corpus, reason=False, rules=False)
    assert outcome.errors == [], [str(e) for e in outcome.errors]
    assert outcome.dataset is not None
    graph = outcome.dataset.graph(iris.article_graph(STEM))
    prefix = str(iris.in_article(STEM, ""))
    ids = {str(s)[len(prefix) :].split("/")[0] for s in graph.subjects(KGO.source, iris.article(STEM))}
    return {i for i in ids if not i.startswith("meta-")}


# ------------------------------------------------------------------------------------------ the page


def test_the_page_and_the_state(live: Live) -> None:
    page = httpx.get(f"{live.url}/review/{STEM}", timeout=TIMEOUT)
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert f'<meta name="kg-review-token" content="{live.review.token}">' in page.text
    assert httpx.get(f"{live.url}/static/review.js", timeout=TIMEOUT).status_code == 200
    assert httpx.get(f"{live.url}/", timeout=TIMEOUT, follow_redirects=False).headers["location"] == f"/review/{STEM}"
    state = live.state()
    text = state["text"]
    keys = [i["key"] for i in state["items"]]
    assert keys == [
        "entities/ministry-spokesman",
        "facts/death-toll-95",
        "facts/injured-211",
        "facts/claim-islamic-state",
        "facts/no-comment",
    ]
    claim = state["items"][3]
    assert claim["category"] == "claim" and claim["review"] == "draft"
    assert claim["description"] == "Claim of responsibility by Islamic State for 2024 Kerman bombings, via Telegram"
    assert [text[a:b] for a, b in claim["spans"]] == [CLAIM]
    assert claim["line"] == live.facts.read_text(encoding="utf-8").splitlines().index("  - id: claim-islamic-state") + 1
    assert state["progress"] == {
        "facts": 4,
        "entities": 1,
        "draft": 5,
        "accepted": 0,
        "rejected": 0,
        "reviewed": 0,
        "meta": "accepted",
    }
    names = {e["id"]: e for e in state["options"]["entities"]}
    assert "Daesh" in names["islamic-state"]["names"] and names["ministry-spokesman"]["local"]
    assert ["ClaimOfResponsibility", "claim of responsibility"] in state["options"]["statement_types"]
    check = live.call("GET", f"/api/articles/{STEM}/check").json()
    assert check["passes"] and check["digest"] == state["digest"] and check["full"] is False


def test_an_unknown_article_is_a_404_page(live: Live) -> None:
    page = httpx.get(f"{live.url}/review/no_such_article", timeout=TIMEOUT)
    assert page.status_code == 404 and "no article &#x27;no_such_article&#x27;" in page.text
    assert live.call("GET", "/api/articles/no_such_article").json()["error"].startswith("the corpus")


# ------------------------------------------------------------------------------------------ decisions


@pytest.mark.slow
def test_accept_reject_edit_and_add_through_the_api(live: Live) -> None:
    before = live.facts.read_text(encoding="utf-8")
    state = live.state()

    answer = live.call(
        "POST",
        f"/api/articles/{STEM}/facts/claim-islamic-state/review",
        {"state": "accepted", "digest": state["digest"]},
    )
    assert answer.status_code == 200, answer.text
    after = live.facts.read_text(encoding="utf-8")
    assert changed_lines(before, after) == ["-    review: draft", "+    review: accepted"]
    assert built_facts(live.corpus) == {"claim-islamic-state"}
    state = answer.json()["state"]
    assert state["progress"]["accepted"] == 1 and state["digest"] == hashlib.sha256(after.encode()).hexdigest()

    answer = live.call(
        "POST", f"/api/articles/{STEM}/facts/no-comment/review", {"state": "rejected", "digest": state["digest"]}
    )
    assert answer.status_code == 200, answer.text
    assert changed_lines(after, live.facts.read_text(encoding="utf-8")) == [
        "-    review: draft",
        "+    review: rejected",
    ]
    after = live.facts.read_text(encoding="utf-8")

    # an edit: the death toll's qualifier, and who gave it linked to another registry entity; saved and accepted
    toll = live.item("facts/death-toll-95")["data"]
    toll["casualties"].update({"qualifier": "approximately", "given_by": "irna"})
    answer = live.call(
        "PUT",
        f"/api/articles/{STEM}/facts/death-toll-95",
        {"item": toll, "digest": answer.json()["state"]["digest"], "accept": True},
    )
    assert answer.status_code == 200, answer.text
    edited = live.facts.read_text(encoding="utf-8")
    assert sorted(changed_lines(after, edited)) == [
        "+      given_by: irna",
        "+      qualifier: approximately",
        "+    review: accepted",
        "-      given_by: iranian-officials",
        "-    review: draft",
    ]
    assert '      figure: "95"\n      qualifier: approximately\n      given_by: irna\n\n  - id: injured-211\n' in edited
    assert answer.json()["state"]["items"][1]["description"] == (
        "Death toll of 2024 Kerman bombings: “95” (approximately 95), given by Islamic Republic News Agency"
    )

    # a fact the draft missed, from a selection of the text
    text = live.state()["text"]
    answer = live.call(
        "POST",
        f"/api/articles/{STEM}/facts",
        {
            "item": {"id": "attack-place", "relations": [["kerman-bombings", "occurredAt", "kerman"]]},
            "passages": [{"text": PLACE, "start": text.index(PLACE)}],
            "digest": answer.json()["state"]["digest"],
        },
    )
    assert answer.status_code == 200, answer.text
    added = live.facts.read_text(encoding="utf-8")
    assert added.startswith(edited)
    assert added[len(edited) :] == (
        "\n  - id: attack-place\n    review: accepted\n"
        f'    quote: "{PLACE}"\n'
        "    relations:\n      - [kerman-bombings, occurredAt, kerman]\n"
    )
    assert built_facts(live.corpus) == {"claim-islamic-state", "death-toll-95", "attack-place"}
    # the full check (shapes and quality rules) finds what the build's rules do not: a claim needs attributes_to
    check = live.call("GET", f"/api/articles/{STEM}/check?rules=1").json()
    assert check["full"] and not check["passes"] and check["article_errors"] == 1
    [problem] = check["items"]["facts/claim-islamic-state"]
    assert "[kgs:ClaimOfResponsibilityShape / kgo:attributesTo]" in problem["message"]
    assert problem["line"] == added.splitlines().index("  - id: claim-islamic-state") + 1
    claim = live.item("facts/claim-islamic-state")["data"]
    claim["statement"]["attributes_to"] = "islamic-state"
    answer = live.call(
        "PUT", f"/api/articles/{STEM}/facts/claim-islamic-state", {"item": claim, "digest": live.state()["digest"]}
    )
    assert answer.status_code == 200, answer.text
    assert changed_lines(added, live.facts.read_text(encoding="utf-8")) == ["+      attributes_to: islamic-state"]
    check = live.call("GET", f"/api/articles/{STEM}/check?rules=1").json()
    assert check["passes"] and check["article_errors"] == 0, (check["items"], check["elsewhere"])


def test_an_accepted_fact_that_leans_on_a_draft_shows_the_error_at_the_fact(live: Live) -> None:
    state = live.state()
    answer = live.call(
        "POST", f"/api/articles/{STEM}/facts/no-comment/review", {"state": "accepted", "digest": state["digest"]}
    )
    assert answer.status_code == 200
    check = live.call("GET", f"/api/articles/{STEM}/check").json()
    assert not check["passes"] and check["article_errors"] == 1
    [problem] = check["items"]["facts/no-comment"]
    assert "'ministry-spokesman' is still a draft" in problem["message"]
    digest = answer.json()["state"]["digest"]
    answer = live.call(
        "POST", f"/api/articles/{STEM}/entities/ministry-spokesman/review", {"state": "accepted", "digest": digest}
    )
    assert answer.status_code == 200
    assert live.call("GET", f"/api/articles/{STEM}/check").json()["passes"]
    assert built_facts(live.corpus) == {"no-comment", "ministry-spokesman"}


def test_a_new_entity_from_a_selection_and_a_quote_narrowed(live: Live) -> None:
    state = live.state()
    text = state["text"]
    answer = live.call(
        "POST",
        f"/api/articles/{STEM}/entities",
        {
            "item": {"id": "twin-explosions", "type": "Event", "label": "the twin explosions"},
            "passages": [{"text": "twin explosions", "start": text.index("twin explosions")}],
            "digest": state["digest"],
        },
    )
    assert answer.status_code == 200, answer.text
    written = live.facts.read_text(encoding="utf-8")
    assert (
        '  - id: twin-explosions\n    review: accepted\n    type: Event\n    label: "the twin explosions"\n' in written
    )
    assert written.index("id: twin-explosions") < written.index("\nfacts:")
    # the claim's quote narrowed to its first words, by a selection
    claim = live.item("facts/claim-islamic-state")["data"]
    narrow = CLAIM[: CLAIM.index(" in a statement")]
    answer = live.call(
        "PUT",
        f"/api/articles/{STEM}/facts/claim-islamic-state",
        {
            "item": claim,
            "passages": [{"text": narrow, "start": text.index(narrow)}],
            "digest": answer.json()["state"]["digest"],
        },
    )
    assert answer.status_code == 200, answer.text
    assert f'    quote: "{narrow}"\n' in live.facts.read_text(encoding="utf-8")


def test_the_metadata_record_drafted_accepted_and_edited(live: Live) -> None:
    live.meta.unlink()
    state = live.state()
    assert state["meta"]["review"] == "absent" and state["meta"]["digest"] == ABSENT
    answer = live.call("POST", f"/api/articles/{STEM}/meta", {"digest": ABSENT})
    assert answer.status_code == 200, answer.text
    record = live.meta.read_text(encoding="utf-8")
    assert "\nreview: draft\n" in record
    check = live.call("GET", f"/api/articles/{STEM}/check").json()
    [problem] = check["meta"]
    assert "the metadata record is a draft" in problem["message"]
    assert (
        problem["line"]
        == answer.json()["state"]["meta"]["review_line"]
        == record.splitlines().index("review: draft") + 1
    )
    digest = answer.json()["state"]["meta"]["digest"]
    answer = live.call("POST", f"/api/articles/{STEM}/meta/accept", {"digest": digest})
    assert answer.status_code == 200, answer.text
    assert changed_lines(record, live.meta.read_text(encoding="utf-8")) == ["-review: draft"]
    accepted = live.meta.read_text(encoding="utf-8")
    fields = {
        "title": {"value": "Iran mourns victims of Kerman blasts", "quote": "Iran mourns victims of Kerman blasts"},
        "publisher": {"entity": "test-wire"},
        "url": "https://example.org/test-wire/kerman-blasts",
        "language": "en",
    }
    answer = live.call(
        "PUT", f"/api/articles/{STEM}/meta", {"fields": fields, "digest": answer.json()["state"]["meta"]["digest"]}
    )
    assert answer.status_code == 200, answer.text
    edited = live.meta.read_text(encoding="utf-8")
    assert changed_lines(accepted, edited) == [
        '-title: "TEST WIRE | World | Middle East"',
        '+title: {value: Iran mourns victims of Kerman blasts, quote: "Iran mourns victims of Kerman blasts"}',
        "+publisher: {entity: test-wire}",
        "+url: https://example.org/test-wire/kerman-blasts",
        "+language: en",
    ]
    assert edited.startswith("# Metadata record of 900_test_wire.txt, drafted by kg draft")
    assert live.call("GET", f"/api/articles/{STEM}/check").json()["passes"]


# ------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("headers", "words_"),
    [
        ({"X-Review-Token": ""}, "does not carry this review server's token"),
        ({"X-Review-Token": "guessed"}, "does not carry this review server's token"),
        ({"Origin": "http://evil.example"}, "from another site (http://evil.example)"),
        ({"Sec-Fetch-Site": "cross-site"}, "a cross-site request"),
        ({"Host": "evil.example"}, "answers only at its own loopback address"),
    ],
)
def test_a_write_from_another_site_is_refused_and_changes_nothing(
    live: Live, headers: dict[str, str], words_: str
) -> None:
    before = digests(live.corpus)
    state = live.state()
    answer = live.call(
        "POST",
        f"/api/articles/{STEM}/facts/claim-islamic-state/review",
        {"state": "accepted", "digest": state["digest"]},
        headers,
    )
    assert answer.status_code == 403 and words_ in answer.json()["error"], answer.text
    assert digests(live.corpus) == before


def test_a_form_post_is_refused(live: Live) -> None:
    before = digests(live.corpus)
    answer = httpx.post(
        f"{live.url}/api/articles/{STEM}/facts/claim-islamic-state/review",
        data={"state": "accepted"},
        headers={"X-Review-Token": live.review.token},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 415 and "JSON" in answer.json()["error"]
    assert digests(live.corpus) == before


def test_a_path_outside_the_corpus_or_another_article_is_refused(live: Live, tmp_path: Path) -> None:
    articles = live.corpus / "articles"
    before = digests(live.corpus)
    payload = {"state": "accepted", "digest": live.state()["digest"]}
    for stem, status, message in [
        ("%2E%2E", 400, "'..' is not an article of the corpus"),
        ("..%2F..%2Fetc%2Fpasswd", 404, "Not Found"),
        ("%2Fetc%2Fpasswd", 404, "Not Found"),
        ("absent", 404, "no article 'absent'"),
        ("001_159c79e2a15fef9d", 404, "this review server reviews only the article '900_test_wire'"),
    ]:
        answer = live.call("POST", f"/api/articles/{stem}/facts/claim-islamic-state/review", payload)
        assert answer.status_code == status and message in answer.json()["error"], (stem, answer.text)
    assert digests(live.corpus) == before
    # the annotation file swapped for a link to a file outside the corpus: never written through
    outside = tmp_path / "outside.facts.yaml"
    outside.write_bytes(live.facts.read_bytes())
    live.facts.unlink()
    live.facts.symlink_to(outside)
    answer = live.call("POST", f"/api/articles/{STEM}/facts/claim-islamic-state/review", payload)
    assert answer.status_code == 403 and "900_test_wire.facts.yaml is a symbolic link" in answer.json()["error"]
    assert hashlib.sha256(outside.read_bytes()).hexdigest() == before[f"articles/{STEM}.facts.yaml"]
    with pytest.raises(ReviewError) as refused:
        article_files(live.corpus, "../corpus/articles/900_test_wire")
    assert refused.value.status == 400
    assert sorted(p.name for p in articles.iterdir() if p.name.startswith(".")) == []


def test_a_stale_edit_is_refused_and_the_other_change_kept(live: Live) -> None:
    loaded = live.state()  # tab 1 loads the page
    elsewhere = live.facts.read_text(encoding="utf-8") + "# a note added in an editor\n"
    live.facts.write_text(elsewhere, encoding="utf-8")
    answer = live.call(
        "POST",
        f"/api/articles/{STEM}/facts/claim-islamic-state/review",
        {"state": "accepted", "digest": loaded["digest"]},
    )
    assert answer.status_code == 409
    assert "has changed since this page loaded it" in answer.json()["error"] and "reload" in answer.json()["error"]
    assert live.facts.read_text(encoding="utf-8") == elsewhere


def test_two_tabs_do_not_overwrite_each_other(live: Live) -> None:
    first, second = live.state(), live.state()
    path = f"/api/articles/{STEM}/facts/death-toll-95/review"
    assert live.call("POST", path, {"state": "accepted", "digest": first["digest"]}).status_code == 200
    kept = live.facts.read_text(encoding="utf-8")
    answer = live.call("POST", path, {"state": "rejected", "digest": second["digest"]})
    assert answer.status_code == 409
    assert live.facts.read_text(encoding="utf-8") == kept


def test_a_failed_write_leaves_the_file_as_it_was(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.rdf import rdfio

    def full_disk(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
        raise OSError(28, "No space left on device")

    before = live.facts.read_bytes()
    monkeypatch.setattr(rdfio, "write_outputs", full_disk)
    state = live.state()
    answer = live.call(
        "POST",
        f"/api/articles/{STEM}/facts/claim-islamic-state/review",
        {"state": "accepted", "digest": state["digest"]},
    )
    assert answer.status_code == 500
    assert answer.json()["error"] == (
        "could not write 900_test_wire.facts.yaml (No space left on device); the file is unchanged, and so is your "
        "change: fix the problem (a full disk, a read-only folder) and try again"
    )
    assert live.facts.read_bytes() == before
    assert sorted(p.name for p in live.facts.parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"state": "maybe"}, 400, "a review state is one of draft, accepted, rejected"),
        ({"state": "accepted"}, 400, "say which version of the file"),
        ({"state": "accepted", "digest": "x", "item": 1}, 409, "has changed since"),
    ],
)
def test_bad_requests_get_a_clear_message(live: Live, payload: dict[str, Any], status: int, message: str) -> None:
    if payload.get("state") == "maybe":
        payload["digest"] = live.state()["digest"]
    answer = live.call("POST", f"/api/articles/{STEM}/facts/claim-islamic-state/review", payload)
    assert answer.status_code == status and message in answer.json()["error"], answer.text


def test_bad_items_are_refused_before_anything_is_written(live: Live) -> None:
    state = live.state()
    before = digests(live.corpus)
    cases = [
        ({"id": "x", "quote": "Iran", "colour": "red"}, "unknown key 'colour'"),
        ({"id": "x", "quote": "Iran", "statement": {"type": "Denial", "by": "x", "mood": "y"}}, "unknown key 'mood'"),
        ({"id": "Not A Slug", "quote": "Iran"}, "a new item needs an id"),
        ({"id": "claim-islamic-state", "quote": "Iran"}, "the id 'claim-islamic-state' is taken"),
        ({"id": "x", "quote": "Iran\x1b[31m"}, "control character (U+001B)"),
    ]
    for item, message in cases:
        answer = live.call("POST", f"/api/articles/{STEM}/facts", {"item": item, "digest": state["digest"]})
        assert answer.status_code == 400 and message in answer.json()["error"], (item, answer.text)
    answer = live.call(
        "POST",
        f"/api/articles/{STEM}/facts",
        {"item": {"id": "x"}, "passages": [{"text": "not in the text", "start": 0}], "digest": state["digest"]},
    )
    assert answer.status_code == 400 and "is not in the article" in answer.json()["error"]
    assert digests(live.corpus) == before


# ------------------------------------------------------------------------------------------ the file's layout


@pytest.mark.slow
def test_edits_keep_every_other_line_of_a_curated_file(tmp_path: Path) -> None:
    """On each fact of a hand-curated article, a review state and an edit change only that fact's lines."""
    from kg.drafting.writer import plain

    source = FROZEN_CORPUS / "articles" / "001_159c79e2a15fef9d.facts.yaml"
    original = source.read_text(encoding="utf-8")
    annotation = AnnotationFile.read(source, "001_159c79e2a15fef9d")
    facts = [i for i in annotation.items if i.section == "facts"]
    assert len(facts) > 30
    for item in [*facts[::4], facts[-1]]:  # every kind of body and layout the file has, in a few seconds
        assert item.id is not None
        fresh = AnnotationFile.read(source, "001_159c79e2a15fef9d")
        assert changed_lines(original, fresh.with_review("facts", item.id, "rejected")) == ["+    review: rejected"]
        fresh = AnnotationFile.read(source, "001_159c79e2a15fef9d")
        data = plain(fresh.find("facts", item.id).node)
        data["note"] = "checked again"
        edited = fresh.with_item("facts", item.id, data)
        matcher = difflib.SequenceMatcher(None, original.splitlines(), edited.splitlines())
        for tag, first, end, _, _ in matcher.get_opcodes():
            if tag != "equal":
                assert item.first <= first <= end <= item.end, (item.id, tag, first, end)
        assert "checked again" in edited


def test_spans_count_utf16_for_the_browser() -> None:
    text = "A 🙂 smile and “quotes”: a smile"
    units = passages.code_units(text, text.index("smile"))
    assert units == text.index("smile") + 1 and passages.code_points(text, units) == text.index("smile")
    assert passages.passages(
        text, [{"text": "a smile", "start": passages.code_units(text, text.rindex("a smile"))}]
    ) == {"quote": "a smile"}
    assert passages.passages(text, [{"text": "smile", "start": passages.code_units(text, text.rindex("smile"))}]) == {
        "quote": "smile",
        "occurrence": 2,
    }


def test_facts_in_words() -> None:
    names = words.Names(
        {"islamic-state": "Islamic State", "al-furqan": "Al-Furqan", "kerman-bombings": "2024 Kerman bombings"},
        {"ClaimOfResponsibility": "claim of responsibility", "SuicideBombing": "suicide bombing"},
        {"occurredOn": "occurred on"},
    )
    claim = {
        "statement": {
            "type": "ClaimOfResponsibility",
            "by": "islamic-state",
            "channel": "al-furqan",
            "date": {"date": "2024-01-04"},
            "attack_type": "SuicideBombing",
        }
    }
    assert words.in_words("facts", claim, names) == (
        "Claim of responsibility by Islamic State, via Al-Furqan, 2024-01-04, method: suicide bombing"
    )
    assert words.category("facts", claim) == "claim"
    figure = {
        "casualties": {"type": "killed", "of": "kerman-bombings", "figure": "at least 84", "given_by": "nobody-known"}
    }
    assert words.in_words("facts", figure, names) == (
        "Death toll of 2024 Kerman bombings: “at least 84” (at least 84), given by “nobody-known”"
    )
    dated = {"relations": [["kerman-bombings", "occurredOn", {"date": "2024-01-03", "as_written": "on Wednesday"}]]}
    assert words.in_words("facts", dated, names) == "2024 Kerman bombings occurred on 2024-01-03 (“on Wednesday”)"
    assert words.category("facts", dated) == "date"
    assert words.category("facts", {"relations": [["a", "relatedIncident", "b"]]}) == "prior-incident"


# ------------------------------------------------------------------------------------------ the command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "kg review: --host 0.0.0.0 is not a loopback address"),
        (["--host", "192.168.1.10"], "kg review: --host 192.168.1.10 is not a loopback address"),
        (["--port", "99999"], "is not a port number"),
    ],
)
def test_the_command_refuses_bad_options(corpus: Path, args: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kg", "review", STEM, "--corpus", str(corpus), "--no-open", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_the_command_refuses_an_unknown_article_or_corpus(corpus: Path, tmp_path: Path) -> None:
    for args, message in [
        (["nope", "--corpus", str(corpus)], "has no article 'nope'"),
        (["../x", "--corpus", str(corpus)], "'../x' is not an article of the corpus"),
        ([STEM, "--corpus", str(tmp_path / "none")], "is not a corpus folder"),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "kg", "review", *args, "--no-open"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
