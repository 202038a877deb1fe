"""Drafts in the curator's files: the build leaves them out, accepting is one line, re-drafting merges.

These tests drive ``kg draft`` with stand-in extractors (so that they test the format, the build and the
merge, not the rules; the rules have their own tests), on the sixth test article added to a copy of the
corpus.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SIXTH_ARTICLE, with_sixth_article

from kg import resources
from kg.cli import main
from kg.curation.check import check_corpus
from kg.drafting import draft as drafting
from kg.drafting.analysis import Analysis, Mention
from kg.drafting.model import DraftFact
from kg.rdf import iris
from kg.rdf.namespaces import KGO

STEM = "900_test_wire"
CLAIM = "The Islamic State group claimed responsibility for the attack in a statement on its Telegram channels."
REFUSAL = "A spokesman for Iran's interior ministry declined to comment."


def claim(analysis: Analysis) -> list[DraftFact]:
    start = analysis.text.index(CLAIM)
    body = {"type": "ClaimOfResponsibility", "by": "islamic-state", "about": "kerman-bombings"}
    return [DraftFact("claim-islamic-state", "statement", body, CLAIM, start, "test-claim", "claimed", 0.9)]


def refusal(analysis: Analysis) -> list[DraftFact]:
    start = analysis.text.index(REFUSAL)
    speaker = Mention(start, start + 9, "A spokesman", "ministry-spokesman", False, "new", ("Person",), 0.5)
    body = {"type": "RefusalToComment", "by": "ministry-spokesman", "about": "kerman-bombings"}
    fact = DraftFact("no-comment", "statement", body, REFUSAL, start, "test-refusal", "declined to comment", 0.8)
    fact.new_entities.append(speaker)
    return [fact]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the corpus with the sixth article's text and registry entries, but no annotation yet."""
    target = tmp_path / "corpus"
    shutil.copytree(resources.corpus_dir(), target)
    with_sixth_article(target)
    for suffix in (".facts.yaml", ".meta.yaml"):
        (target / "articles" / f"{STEM}{suffix}").unlink()
    return target


@pytest.fixture
def stand_ins(monkeypatch: pytest.MonkeyPatch) -> list:  # type: ignore[type-arg]
    """The extractors kg draft runs, replaced by the list the test fills."""
    chosen: list = []  # type: ignore[type-arg]
    monkeypatch.setattr(drafting, "extractors", lambda: list(chosen))
    return chosen


def draft(corpus: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["draft", str(corpus / "articles" / f"{STEM}.txt"), "--corpus", str(corpus)])
    return status, capsys.readouterr().err


def accept_meta(corpus: Path) -> None:
    meta = corpus / "articles" / f"{STEM}.meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("review: draft\n", ""), encoding="utf-8")


def built_statements(corpus: Path) -> set[str]:
    outcome = check_corpus(corpus, reason=False, rules=False)
    assert outcome.errors == [], [str(e) for e in outcome.errors]
    assert outcome.dataset is not None
    graph = outcome.dataset.graph(iris.article_graph(STEM))
    return {str(s).rsplit("/", 1)[-1] for s in graph.subjects(KGO.statedBy, None)}


def kept_in_order(lines: list[str], within: list[str]) -> bool:
    """Whether the lines all occur in ``within``, in the same order (other lines may come between)."""
    remaining = iter(within)
    return all(any(line == other for other in remaining) for line in lines)


def test_a_draft_is_written_with_its_metadata_record_and_builds_nothing(
    corpus: Path,
    stand_ins: list,
    capsys: pytest.CaptureFixture[str],  # type: ignore[type-arg]
) -> None:
    stand_ins.extend([claim, refusal])
    status, err = draft(corpus, capsys)
    assert status == 0, err
    facts = (corpus / "articles" / f"{STEM}.facts.yaml").read_text(encoding="utf-8")
    meta = (corpus / "articles" / f"{STEM}.meta.yaml").read_text(encoding="utf-8")
    assert [line.strip() for line in facts.splitlines()].count("review: draft") == 3  # two facts, the new speaker
    assert 'drafted: {rule: test-claim, cue: "claimed", confidence: 0.9}' in facts
    assert "review: draft" in meta and 'date_published: {date: 2024-02-02, as_written: "February 2, 2024"}' in meta
    outcome = check_corpus(corpus, reason=False, rules=False)
    assert [e.line for e in outcome.errors] == [meta.splitlines().index("review: draft") + 1]
    assert "the metadata record is a draft" in outcome.errors[0].message
    accept_meta(corpus)
    assert built_statements(corpus) == set(), "nothing unreviewed enters the graph"


def test_accepting_is_one_line_and_rejected_facts_stay_out(
    corpus: Path,
    stand_ins: list,
    capsys: pytest.CaptureFixture[str],  # type: ignore[type-arg]
) -> None:
    stand_ins.extend([claim, refusal])
    assert draft(corpus, capsys)[0] == 0
    accept_meta(corpus)
    path = corpus / "articles" / f"{STEM}.facts.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    claim_line = next(i for i, line in enumerate(lines) if "id: claim-islamic-state" in line) + 1
    assert lines[claim_line].strip() == "review: draft"
    lines[claim_line] = lines[claim_line].replace("draft", "accepted")
    refusal_line = next(i for i, line in enumerate(lines) if "id: no-comment" in line) + 1
    lines[refusal_line] = lines[refusal_line].replace("draft", "rejected")
    path.write_text("".join(lines), encoding="utf-8")
    assert built_statements(corpus) == {"claim-islamic-state"}


def test_an_accepted_fact_cannot_lean_on_a_draft_entity(
    corpus: Path,
    stand_ins: list,
    capsys: pytest.CaptureFixture[str],  # type: ignore[type-arg]
) -> None:
    stand_ins.append(refusal)
    assert draft(corpus, capsys)[0] == 0
    accept_meta(corpus)
    path = corpus / "articles" / f"{STEM}.facts.yaml"
    text = path.read_text(encoding="utf-8")
    fact_at = text.index("- id: no-comment")
    path.write_text(text[:fact_at] + text[fact_at:].replace("review: draft", "review: accepted", 1), encoding="utf-8")
    outcome = check_corpus(corpus, reason=False, rules=False)
    assert len(outcome.errors) == 1
    assert "'ministry-spokesman' is still a draft (review: draft at line" in outcome.errors[0].message


def test_redrafting_keeps_the_curators_work_and_adds_only_new_candidates(
    corpus: Path,
    stand_ins: list,
    capsys: pytest.CaptureFixture[str],  # type: ignore[type-arg]
) -> None:
    stand_ins.append(claim)
    assert draft(corpus, capsys)[0] == 0
    path = corpus / "articles" / f"{STEM}.facts.yaml"
    # the curator accepts the claim after editing it, comments on it, and marks nothing else
    text = path.read_text(encoding="utf-8").replace("review: draft", "review: accepted  # checked against the text")
    text = text.replace("about: kerman-bombings", "about: kerman-bombings\n      channel: telegram")
    path.write_text(text, encoding="utf-8")
    stand_ins.append(refusal)  # a newer drafter finds one more fact, and the claim again
    status, err = draft(corpus, capsys)
    assert status == 0, err
    again = path.read_text(encoding="utf-8")
    assert kept_in_order(text.splitlines(), again.splitlines()), "every line of the curator's file is still there"
    assert again.count("id: claim-islamic-state") == 1
    assert "review: accepted  # checked against the text" in again and "channel: telegram" in again
    assert again.count("id: no-comment") == 1
    assert "added 1 draft fact(s) and 1 draft entit" in err and "kept the 1 fact(s)" in err
    status, err = draft(corpus, capsys)  # a third run adds nothing
    assert status == 0 and path.read_text(encoding="utf-8") == again and "added 0 draft fact(s)" in err


def test_a_rejected_candidate_is_not_proposed_again(
    corpus: Path,
    stand_ins: list,
    capsys: pytest.CaptureFixture[str],  # type: ignore[type-arg]
) -> None:
    stand_ins.append(claim)
    assert draft(corpus, capsys)[0] == 0
    path = corpus / "articles" / f"{STEM}.facts.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("review: draft", "review: rejected"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    assert draft(corpus, capsys)[0] == 0
    assert path.read_text(encoding="utf-8") == before


def test_draft_to_standard_output_writes_nothing(
    corpus: Path,
    stand_ins: list,
    capsys: pytest.CaptureFixture[str],  # type: ignore[type-arg]
) -> None:
    stand_ins.append(claim)
    before = sorted(p.name for p in (corpus / "articles").iterdir())
    capsys.readouterr()
    assert main(["draft", str(corpus / "articles" / f"{STEM}.txt"), "--corpus", str(corpus), "--out", "-"]) == 0
    out = capsys.readouterr().out
    assert (
        out.startswith("# Annotations of 900_test_wire.txt, drafted by kg draft") and "id: claim-islamic-state" in out
    )
    assert sorted(p.name for p in (corpus / "articles").iterdir()) == before


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: (d / "my article.txt").write_text("x\n", encoding="utf-8") or d / "my article.txt", "<stem>.txt"),
        (lambda d: (d / "link.txt").symlink_to(SIXTH_ARTICLE / "articles" / f"{STEM}.txt") or d / "link.txt", "link"),
        (lambda d: d / "absent.txt", "cannot read"),
    ],
)
def test_bad_article_is_an_error_not_a_traceback(
    tmp_path: Path,
    make,
    words: str,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    article = make(tmp_path)
    assert main(["draft", str(article)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {article}") and words in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".txt")) == []


# ----------------------------------------------------------------------------- with the real rules


def test_a_real_draft_builds_nothing_until_accepted_then_passes_the_check(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(SIXTH_ARTICLE / "articles" / f"{STEM}.meta.yaml", corpus / "articles" / f"{STEM}.meta.yaml")
    status, err = draft(corpus, capsys)
    assert status == 0, err
    path = corpus / "articles" / f"{STEM}.facts.yaml"
    drafted = path.read_text(encoding="utf-8")
    assert "review: draft" in drafted and "review: accepted" not in drafted
    assert built_statements(corpus) == set(), "with nothing accepted, no drafted fact is built"
    path.write_text(drafted.replace("review: draft", "review: accepted"), encoding="utf-8")
    outcome = check_corpus(corpus)
    assert outcome.errors == [], "\n".join(str(e) for e in outcome.errors)
    assert outcome.dataset is not None
    from kg.sparql.engine import OxigraphEngine
    from kg.sparql.querying import run

    engine = OxigraphEngine.from_dataset(outcome.dataset)
    rows, _ = run(engine, "article-facts", {"article": f"kga:{STEM}"})
    kinds = {str(row[2]).rsplit("#", 1)[-1] for row in rows.rows}
    assert {"ClaimOfResponsibility", "RefusalToComment", "DeathToll", "InjuryFigure"} <= kinds, kinds
    claims, _ = run(engine, "claims-of-responsibility", {"article": f"kga:{STEM}"})
    assert claims.rows, "the accepted claim answers the named query"


def test_the_drafters_class_lists_are_the_ontologys() -> None:
    """The drafter names classes by their local names; each list must be what the ontology says."""
    from kg.drafting import context
    from kg.rdf.ontology import Vocabulary, load_ontology

    vocabulary = Vocabulary.from_graph(load_ontology(resources.ontology_dir()))
    assert context.AGENT_CLASSES == set(vocabulary.subclasses_of(KGO.Agent))
    assert context.PLACE_CLASSES == set(vocabulary.subclasses_of(KGO.Place))
    assert context.ATTACK_CLASSES <= set(vocabulary.subclasses_of(KGO.Attack))
    assert context.STRIKE_CLASSES <= set(vocabulary.subclasses_of(KGO.Event))
