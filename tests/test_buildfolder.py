"""The build folder: one build, written by ``kg build`` and read by every other command.

Each test works on its own copy of the embedded corpus and its own folder, so that editing an
input, or breaking it, shows what the commands that read the folder do: use the build as it is
while its inputs are unchanged, rebuild it (and say so) when one changed, and never replace a good
build with nothing when the corpus no longer builds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_kg

from kg import resources
from kg.pipeline import buildfolder

pytestmark = pytest.mark.slow


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(resources.corpus_dir(), folder)
    return folder


@pytest.fixture
def built(corpus: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "build"
    result = run_kg(
        "build", "--corpus", str(corpus), "--out", str(folder), "--no-check", env={"KG_BUILD_DIR": str(folder)}
    )
    assert result.returncode == 0, result.stderr
    return folder


def _first_article(corpus: Path) -> Path:
    return sorted((corpus / "articles").glob("*.facts.yaml"))[0]


def test_build_writes_a_manifest_of_its_inputs_and_options(built: Path, corpus: Path) -> None:
    manifest = json.loads((built / buildfolder.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["corpus"] == str(corpus.resolve())
    assert manifest["options"] == {"reason": True, "check": False, "build_time": None}
    assert manifest["key"] == buildfolder.input_key(corpus.resolve(), buildfolder.Options(check=False))
    assert buildfolder.staleness(built) == (buildfolder.Manifest.read(built), None)


def test_a_current_build_is_read_as_it_is(built: Path) -> None:
    before = (built / "kerman-kg.nq").stat().st_mtime_ns
    result = run_kg("query", "death-toll-range", "--format", "csv", env={"KG_BUILD_DIR": str(built)})
    assert result.returncode == 0, result.stderr
    assert "building" not in result.stderr
    assert (built / "kerman-kg.nq").stat().st_mtime_ns == before


def test_an_edited_input_is_rebuilt_first_with_a_note(built: Path, corpus: Path) -> None:
    registry = corpus / "entities.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + "\n# a comment changes the bytes\n", encoding="utf-8")
    assert buildfolder.staleness(built)[1] is not None
    result = run_kg("query", "death-toll-range", "--format", "csv", env={"KG_BUILD_DIR": str(built)})
    assert result.returncode == 0, result.stderr
    assert f"building it from {corpus.resolve()}" in result.stderr  # the manifest's corpus, not the embedded one
    assert buildfolder.staleness(built)[1] is None
    # rebuilt with the options it was made with
    assert buildfolder.Manifest.read(built).options == buildfolder.Options(check=False)  # type: ignore[union-attr]


def test_a_corpus_that_no_longer_builds_leaves_the_build_as_it_was(built: Path, corpus: Path) -> None:
    facts = _first_article(corpus)
    facts.write_text(facts.read_text(encoding="utf-8").replace("quote:", "quote: [", 1), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in built.iterdir() if p.is_file()}
    result = run_kg("export", "--format", "nquads", env={"KG_BUILD_DIR": str(built)})
    assert result.returncode == 1
    assert f"{facts.name}:" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert {p.name: p.read_bytes() for p in built.iterdir() if p.is_file()} == before


def test_a_folder_without_manifest_is_rebuilt(built: Path) -> None:
    (built / buildfolder.MANIFEST).unlink()  # as an interrupted build leaves it
    result = run_kg("validate", "--format", "json", env={"KG_BUILD_DIR": str(built)})
    assert "holds no complete build" in result.stderr
    assert json.loads(result.stdout)["sources"] == [str(built / "kerman-kg.nq")]
    assert (built / buildfolder.MANIFEST).is_file()


def test_readers_agree_on_the_build(built: Path) -> None:
    """kg query reads the store and kg export the N-Quads of the same build: the same graphs."""
    exported = run_kg("export", "--format", "nquads", "--with-inferred", env={"KG_BUILD_DIR": str(built)})
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.encode("utf-8") == (built / "kerman-kg.nq").read_bytes()
    graphs = {line.rsplit(" ", 2)[-2] for line in exported.stdout.splitlines()}
    counted = run_kg(
        "query",
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "--format",
        "csv",
        env={"KG_BUILD_DIR": str(built)},
    )
    assert counted.returncode == 0, counted.stderr
    assert int(counted.stdout.splitlines()[1]) == len(graphs)


def test_a_file_named_as_build_folder_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    somefile = tmp_path / "notes.txt"
    somefile.write_text("mine\n", encoding="utf-8")
    for command in (["query", "death-toll-range"], ["export"], ["validate"]):
        result = run_kg(*command, "--build", str(somefile), env={"KG_BUILD_DIR": str(tmp_path / "unused")})
        assert result.returncode in (1, 2), (command, result.stderr)
        assert f"{somefile}: is a file, not a build folder" in result.stderr, command
        assert "Traceback" not in result.stderr
    assert somefile.read_text(encoding="utf-8") == "mine\n"
