"""Builds by units: an edit rebuilds only its article, and gives the bytes a build from scratch gives.

:mod:`kg.pipeline.units.incremental` keeps each article's triples, entailments and Turtle by the digest of its own
inputs. Whatever it reads back, the outcome must be what a build of the whole corpus at once
gives: the same graphs, the same entailments (those of :func:`kg.pipeline.reasoning.infer_rules` over the
whole dataset), the same files and the same store. These tests edit, add and remove articles of a
corpus built before, and compare with a build into an empty folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_curation import FAULTS, corpus_with_sixth

from kg import resources
from kg.curation.check import Problem, check_corpus
from kg.pipeline import buildfolder
from kg.pipeline.reasoning import INFERRED_GRAPH
from kg.pipeline.units import incremental as units
from kg.pipeline.units import records as unitrecords
from kg.pipeline.units import writers as unitwriters
from kg.rdf import iris, rdfio

REPO = Path(__file__).resolve().parent.parent
OPTIONS = buildfolder.Options(check=False)


@pytest.fixture(params=["real", pytest.param("synthetic", marks=pytest.mark.slow)])
def corpus(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A scratch copy of the embedded corpus, and of the synthetic one."""
    source = resources.corpus_dir() if request.param == "real" else request.getfixturevalue("synthetic_corpus")
    target = tmp_path / "corpus"
    shutil.copytree(source, target)
    return target


def facts_files(corpus: Path) -> list[Path]:
    found = sorted((corpus / "articles").glob("*.facts.yaml"))
    assert found, f"no articles in {corpus}"
    return found


def edit_one(corpus: Path) -> str:
    """Change the label of the first fact of the last article (a curator's edit); its stem."""
    facts = facts_files(corpus)[-1]
    text = facts.read_text(encoding="utf-8")
    assert "label:" in text, f"{facts} has no label to edit"
    facts.write_text(text.replace("label: ", "label: edited ", 1), encoding="utf-8")
    return facts.name[: -len(".facts.yaml")]


def build(folder: Path, corpus: Path) -> tuple[buildfolder.Built, list[str]]:
    said: list[str] = []
    outcome = buildfolder.build(folder, corpus, OPTIONS, progress=said.append)
    assert not outcome.check.errors, outcome.check.errors
    return outcome, said


def store_quads(folder: Path) -> tuple[set[str], int]:
    """The store's quads without blank nodes (a store labels them its own way), and how many have one."""
    store = ox.Store.read_only(str(folder / buildfolder.STORE))
    plain, blank = set(), 0
    for quad in store:
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            blank += 1
        else:
            plain.add(str(quad))
    return plain, blank


def assert_same_build(folder: Path, reference: Path) -> None:
    for name in (rdfio.TRIG, rdfio.NQUADS, "void.ttl"):
        assert (folder / name).read_bytes() == (reference / name).read_bytes(), f"{name} differs"
    assert store_quads(folder) == store_quads(reference)


def test_the_graphs_equal_those_of_the_whole_build(corpus: Path, tmp_path: Path) -> None:
    made = units.build_units(corpus, tmp_path / "units", "test")
    whole = check_corpus(corpus, rules=False)
    assert whole.graphs is not None and whole.build is not None
    assert made.summary == whole.build.summary
    assert made.inferred == whole.inferred and made.inferred
    assert set(made.rows[INFERRED_GRAPH]) == set(unitrecords.nt_rows(whole.graphs[INFERRED_GRAPH]))
    for stem, unit in made.units.items():
        graph = whole.graphs[iris.article_graph(stem)]
        assert sorted(unitrecords.text_rows(unit.graph)) == sorted(unitrecords.nt_rows(graph))


@pytest.mark.slow
def test_an_edit_rebuilds_only_its_article(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    _, said = build(folder, corpus)
    count = len(facts_files(corpus))
    assert said[:1] == [f"0 article(s) unchanged, {count} to build"]
    _, said = build(folder, corpus)
    assert said[:1] == [f"{count} article(s) unchanged, 0 to build"]
    stem = edit_one(corpus)
    outcome, said = build(folder, corpus)
    assert said[:1] == [f"{count - 1} article(s) unchanged, 1 to build"]
    assert "edited" in (folder / rdfio.TRIG).read_text(encoding="utf-8")
    assert (folder / unitrecords.CACHE / f"{stem}.json").is_file()
    build(tmp_path / "scratch", corpus)
    assert_same_build(folder, tmp_path / "scratch")


@pytest.mark.slow
def test_removed_and_added_articles(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    build(folder, corpus)
    gone = facts_files(corpus)[0].name[: -len(".facts.yaml")]
    aside = tmp_path / "aside"
    aside.mkdir()
    for suffix in (".txt", ".meta.yaml", ".facts.yaml"):
        shutil.move(corpus / "articles" / f"{gone}{suffix}", aside / f"{gone}{suffix}")
    whole = check_corpus(corpus, rules=False)
    outcome = buildfolder.build(folder, corpus, OPTIONS)
    # an alias only the removed article used is an error of the whole build, and so of this one
    assert sorted(map(str, outcome.check.errors)) == sorted(map(str, whole.errors))
    if not whole.errors:
        build(tmp_path / "scratch", corpus)
        assert_same_build(folder, tmp_path / "scratch")
    for path in aside.iterdir():
        shutil.move(path, corpus / "articles" / path.name)
    _, said = build(folder, corpus)
    count = len(facts_files(corpus))
    # a successful build forgets the units of articles it no longer has; a failed one keeps them
    expected = (
        f"{count} article(s) unchanged, 0 to build" if whole.errors else f"{count - 1} article(s) unchanged, 1 to build"
    )
    assert said[:1] == [expected]
    build(tmp_path / "scratch2", corpus)
    assert_same_build(folder, tmp_path / "scratch2")


@pytest.mark.slow
def test_a_unit_of_another_key_or_unreadable_is_made_again(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(resources.corpus_dir(), corpus)
    folder = tmp_path / "build"
    build(folder, corpus)
    kept = sorted((folder / unitrecords.CACHE).glob("*.json"))
    assert len(kept) == len(facts_files(corpus))
    kept[0].write_text("{not json", encoding="utf-8")
    _, said = build(folder, corpus)
    assert said[:1] == [f"{len(kept) - 1} article(s) unchanged, 1 to build"]
    assert_same_build(folder, folder)  # readable
    build(tmp_path / "scratch", corpus)
    assert_same_build(folder, tmp_path / "scratch")


# --------------------------------------------------------------------- with the shapes and checks

CHECKED = buildfolder.Options(check=True)


def problems(found: list[Problem]) -> list[str]:
    return [str(problem) for problem in found]


def test_a_checked_build_by_units_reports_what_the_whole_check_reports(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    first = buildfolder.build(folder, corpus, CHECKED)
    assert problems(first.check.problems) == problems(check_corpus(corpus).problems)
    edit_one(corpus)
    said: list[str] = []
    again = buildfolder.build(folder, corpus, CHECKED, progress=said.append)
    assert said[0].endswith(", 1 to build")
    assert problems(again.check.problems) == problems(check_corpus(corpus).problems)
    buildfolder.build(tmp_path / "scratch", corpus, CHECKED)
    assert_same_build(folder, tmp_path / "scratch")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FAULTS))
def test_a_fault_planted_after_a_build_is_found_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    corpus = corpus_with_sixth(tmp_path)
    folder = tmp_path / "build"
    assert not buildfolder.build(folder, corpus, CHECKED).check.errors
    before = {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    FAULTS[name].plant(corpus)
    outcome = buildfolder.build(folder, corpus, CHECKED)
    whole = check_corpus(corpus)
    assert whole.errors, "the planted fault is an error of the whole check"
    assert problems(outcome.check.problems) == problems(whole.problems)
    after = {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    assert after == before, "a build with errors writes nothing, units included"


def test_without_reasoning_the_files_equal_those_of_the_whole_build(tmp_path: Path) -> None:
    made = units.build_units(resources.corpus_dir(), tmp_path / "units", "test", reason=False)
    whole = check_corpus(resources.corpus_dir(), reason=False, rules=False)
    assert whole.graphs is not None and INFERRED_GRAPH not in whole.graphs
    assert made.inferred is None and INFERRED_GRAPH not in made.rows
    assert unitwriters.trig(made) == rdfio.to_trig(whole.graphs)
    assert unitwriters.nquads(made) == rdfio.to_nquads(whole.graphs)
