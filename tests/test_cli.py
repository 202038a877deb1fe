"""``kg build`` from the command line: outputs, determinism, summary, help, and bad input."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_kg

from kg import resources
from kg.cli import main
from kg.curation.corpus import CorpusLayout

ARTICLE = "001_159c79e2a15fef9d"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    one = run_kg("build", "--out", str(first))
    assert one.returncode == 0, one.stderr
    two = run_kg("build", "--out", str(second), env={"PYTHONHASHSEED": "12345"})
    assert two.returncode == 0, two.stderr
    return first, second, one.stdout


@pytest.mark.slow
def test_build_writes_trig_and_nquads(two_builds: tuple[Path, Path, str]) -> None:
    first, _, _ = two_builds
    assert sorted(p.name for p in first.iterdir()) == [
        "build.json",
        "cache",
        "kerman-kg.nq",
        "kerman-kg.trig",
        "store",
        "void.ttl",
    ]
    from rdflib import Dataset
    from rdflib.compare import isomorphic

    trig = Dataset()
    trig.parse(first / "kerman-kg.trig", format="trig")
    nq = Dataset()
    nq.parse(first / "kerman-kg.nq", format="nquads")
    names = sorted(str(g.identifier) for g in trig.graphs() if len(g))
    assert names == sorted(str(g.identifier) for g in nq.graphs() if len(g))
    for name in names:
        assert isomorphic(trig.graph(name), nq.graph(name)), name


@pytest.mark.slow
def test_build_is_deterministic(two_builds: tuple[Path, Path, str]) -> None:
    first, second, _ = two_builds
    for name in ("kerman-kg.trig", "kerman-kg.nq", "void.ttl", "build.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.slow
def test_build_prints_the_summary(two_builds: tuple[Path, Path, str]) -> None:
    _, _, stdout = two_builds
    for heading in (
        "articles",
        "graphs",
        "triples",
        "entities",
        "casualty reports",
        "statements",
        "ClaimOfResponsibility",
        "Accusation",
        "Denial",
    ):
        assert re.search(rf"^\s+{heading}\s+\d+", stdout, re.M), heading
    articles = len(CorpusLayout(resources.corpus_dir()).article_stems())
    assert re.search(rf"^\s+articles\s+{articles}$", stdout, re.M)
    assert "checked           shapes and quality checks: no errors" in stdout


@pytest.mark.slow
def test_no_auto_generated_prefixes(two_builds: tuple[Path, Path, str]) -> None:
    first, _, _ = two_builds
    assert not re.search(r"@prefix ns\d+:", (first / "kerman-kg.trig").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_default_out_is_build_in_cwd(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KG_BUILD_DIR"}
    result = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--no-check"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "build" / "kerman-kg.trig").is_file()
    # and $KG_BUILD_DIR, when set, is the default instead
    elsewhere = tmp_path / "elsewhere"
    env["KG_BUILD_DIR"] = str(elsewhere)
    result = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--no-check"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "kerman-kg.trig").is_file()


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_help_explains(args: list[str]) -> None:
    result = run_kg(*args)
    assert result.returncode == 0
    assert "usage: kg" in result.stdout
    if args[0] == "build":
        assert "--out" in result.stdout and "--corpus" in result.stdout and "quote" in result.stdout


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "build" in capsys.readouterr().out


def test_unknown_option_is_a_usage_error() -> None:
    result = run_kg("build", "--frobnicate")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


# ------------------------------------------------------------------ bad input


def facts_file(corpus: Path) -> Path:
    return corpus / "articles" / f"{ARTICLE}.facts.yaml"


def replace_once(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    before = text[: text.index(old)]
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return before.count("\n") + 1  # the line where the change is


def assert_fails_cleanly(corpus: Path, out: Path, expected: str, file: Path, line: int | None) -> None:
    result = run_kg("build", "--corpus", str(corpus), "--out", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    where = f"{file}:{line}:" if line else f"{file}:"
    assert where in result.stderr, result.stderr
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir()), "a failed build must write nothing"


def test_quote_missing_from_text(corpus_copy: Path, tmp_path: Path) -> None:
    path = facts_file(corpus_copy)
    text = path.read_text(encoding="utf-8")
    first_quote = re.search(r'^(\s+)quote: "([^"]{12,})"', text, re.M)
    assert first_quote
    line = text[: first_quote.start()].count("\n") + 1
    replace_once(path, first_quote.group(2), first_quote.group(2) + " not in the article")
    assert_fails_cleanly(corpus_copy, tmp_path / "out", "quote not found", path, line)


def test_quote_with_wrong_quotation_marks_gets_a_hint(corpus_copy: Path, tmp_path: Path) -> None:
    path = facts_file(corpus_copy)
    line = replace_once(path, "Soleimani’s death", "Soleimani's death")
    assert_fails_cleanly(corpus_copy, tmp_path / "out", "different quotation marks", path, line)


def test_unknown_entity(corpus_copy: Path, tmp_path: Path) -> None:
    path = facts_file(corpus_copy)
    line = replace_once(path, "by: islamic-state", "by: islamic-stat")
    assert_fails_cleanly(corpus_copy, tmp_path / "out", "unknown entity 'islamic-stat'", path, line)
    result = run_kg("build", "--corpus", str(corpus_copy), "--out", str(tmp_path / "out"))
    assert "did you mean 'islamic-state'" in result.stderr


def test_malformed_annotation_file(corpus_copy: Path, tmp_path: Path) -> None:
    path = facts_file(corpus_copy)
    line = replace_once(path, "facts:\n", "facts:\n  - id: [unclosed\n")
    assert_fails_cleanly(corpus_copy, tmp_path / "out", "malformed YAML", path, None)
    assert line > 0


def test_bad_date(corpus_copy: Path, tmp_path: Path) -> None:
    path = corpus_copy / "articles" / "000_97a337defbf8726c.facts.yaml"
    line = replace_once(
        path,
        '{date: 2024-01-03, as_written: "on Wednesday"}',
        '{date: 2024-01-04, as_written: "on Wednesday"}',
    )
    assert_fails_cleanly(corpus_copy, tmp_path / "out", "is a Thursday", path, line)


def test_changed_article_text_is_refused(corpus_copy: Path, tmp_path: Path) -> None:
    text = corpus_copy / "articles" / f"{ARTICLE}.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nappended\n", encoding="utf-8")
    meta = corpus_copy / "articles" / f"{ARTICLE}.meta.yaml"
    assert_fails_cleanly(corpus_copy, tmp_path / "out", "the text has changed", meta, 3)


@pytest.mark.slow
def test_failed_build_leaves_earlier_output_untouched(corpus_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok = run_kg("build", "--corpus", str(corpus_copy), "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    replace_once(facts_file(corpus_copy), "by: islamic-state", "by: nobody-at-all")
    bad = run_kg("build", "--corpus", str(corpus_copy), "--out", str(out))
    assert bad.returncode == 1
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_missing_corpus_folder(tmp_path: Path) -> None:
    result = run_kg("build", "--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "corpus folder does not exist" in result.stderr


def test_lint_passes_the_ontology_and_fails_a_term_without_definition(tmp_path: Path) -> None:
    ok = run_kg("lint")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Result: conforms" in ok.stdout
    broken = tmp_path / "ontology"
    shutil.copytree(resources.ontology_dir(), broken)
    places = broken / "modules" / "places.ttl"
    text = places.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "skos:definition" in x)
    places.write_text(text.replace(line + "\n", "", 1), encoding="utf-8")
    bad = run_kg("lint", "--ontology", str(broken), "--format", "json")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert any("definition" in str(r.get("path")) for r in json.loads(bad.stdout)["results"])
    missing = run_kg("lint", "--ontology", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
