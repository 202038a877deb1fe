"""``kg publish DIR``: the folder's contents, the version stamp, counts, determinism, refusals, and
republishing by the manifest (user files kept, changed files refused, a failed update undone)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import conftest
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, OWL, RDF, VOID

from kg import __version__
from kg.publishing.destination import MARKER, check_destination, install
from kg.publishing.manifest import MANIFEST, PublishError, read_manifest, write_manifest
from kg.publishing.publish import publish
from kg.rdf import iris
from kg.rdf.ontology import version_iri

VERSION = "9.8.7-test"
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's DCAT namespace predates it
EXPECTED = {
    MANIFEST,
    "README.md",
    "void.ttl",
    "context.jsonld",
    "data/kerman-kg.trig",
    "data/kerman-kg.nq",
    "data/kerman-kg.jsonld",
    "data/kerman-kg.ttl",
    "data/kerman-kg.nt",
    "data/kerman-kg.rdf",
    "data/attacks.jsonld",
    "ontology/kerman-kg.ttl",
    "ontology/kerman-kg.owl",
    "ontology/docs/ontology.html",
    "ontology/docs/core-model.dot",
    "shapes/statements.ttl",
    "queries/casualty-figures.rq",
    "queries/checks/quote-not-in-text-violation.rq",
}


def run_kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """kg with a random hash seed: a release must not depend on it."""
    return conftest.run_kg(*args, cwd=cwd, env={"PYTHONHASHSEED": "random"})


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "dist"
    result = run_kg("publish", str(out), "--version", VERSION)
    assert result.returncode == 0, result.stderr
    assert f"wrote version {VERSION} to {out}" in result.stdout
    return out


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_folder_holds_the_whole_publication(published: Path) -> None:
    names = set(files_of(published))
    assert EXPECTED <= names, sorted(EXPECTED - names)
    shapes = {p.name for p in (Path(__file__).parent.parent / "shapes").glob("*.ttl")}
    assert {n.split("/", 1)[1] for n in names if n.startswith("shapes/")} == shapes
    assert (published / "README.md").read_text(encoding="utf-8").startswith(MARKER)
    assert not [p for p in published.parent.iterdir() if p.name.startswith(".")], "staging folder left behind"


@pytest.mark.slow  # the publication is made once for these, in about ten seconds
def test_version_is_stamped_into_the_ontology_and_the_description(published: Path) -> None:
    stamp = version_iri(VERSION)
    for name, fmt in (("ontology/kerman-kg.ttl", "turtle"), ("ontology/kerman-kg.owl", "xml")):
        ontology = Graph().parse(published / name, format=fmt)
        assert set(ontology.objects(iris.ONTOLOGY, OWL.versionIRI)) == {stamp}, name
        assert set(ontology.objects(iris.ONTOLOGY, OWL.versionInfo)) == {Literal(VERSION)}, name
        assert not set(ontology.objects(iris.ONTOLOGY, OWL.imports)), "merged file still imports its modules"
    dataset = Dataset().parse(published / "data/kerman-kg.trig", format="trig")
    assert set(dataset.graph(iris.ONTOLOGY_GRAPH).objects(iris.ONTOLOGY, OWL.versionIRI)) == {stamp}
    void = Graph().parse(published / "void.ttl", format="turtle")
    assert (iris.DATASET, DCAT_VERSION, Literal(VERSION)) in void
    assert VERSION in (published / "ontology/docs/ontology.html").read_text(encoding="utf-8")


@pytest.mark.slow  # the publication is made once for these, in about ten seconds
def test_ontology_files_hold_every_term_of_the_sources(published: Path) -> None:
    from kg.rdf.ontology import load_ontology
    from kg.resources import ontology_dir

    source = load_ontology(ontology_dir())
    merged = Graph().parse(published / "ontology/kerman-kg.ttl", format="turtle")
    classes = set(source.subjects(RDF.type, OWL.Class))
    assert classes and classes == set(merged.subjects(RDF.type, OWL.Class))
    owl = Graph().parse(published / "ontology/kerman-kg.owl", format="xml")
    assert isomorphic(owl, merged)


@pytest.mark.slow  # the publication is made once for these, in about ten seconds
def test_description_counts_equal_sparql_counts_over_the_published_dump(published: Path) -> None:
    void = Graph().parse(published / "void.ttl", format="turtle")
    dataset = Dataset().parse(published / "data/kerman-kg.nq", format="nquads")
    subsets = list(void.objects(iris.DATASET, VOID.subset))
    graph_names = {g.identifier for g in dataset.graphs() if len(g)}
    assert {URIRef(str(s)) for s in subsets} >= graph_names - {dataset.default_graph.identifier}
    checked = 0
    for subset in subsets:
        said = void.value(subset, VOID.triples)
        (row,) = dataset.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{subset}> {{ ?s ?p ?o }} }}")
        assert int(said) == int(row[0]), subset
        checked += 1
    assert checked >= 9
    (total,) = dataset.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(void.value(iris.DATASET, VOID.triples)) == int(total[0])


@pytest.mark.slow  # the publication is made once for these, in about ten seconds
def test_description_lists_each_dump_with_size_and_checksum(published: Path) -> None:
    import hashlib

    void = Graph().parse(published / "void.ttl", format="turtle")
    dumps = set(void.objects(iris.DATASET, DCAT.distribution))
    assert len(dumps) == 6
    for dist in dumps:
        url = void.value(dist, DCAT.downloadURL)
        path = Path(urlparse(str(url)).path)  # relative in the file, resolved against it by the parser
        assert path.is_file() and path.parent.parent == published, url
        assert int(void.value(dist, DCAT.byteSize)) == path.stat().st_size
        checksum = void.value(dist, URIRef("http://spdx.org/rdf/terms#checksum"))
        value = void.value(checksum, URIRef("http://spdx.org/rdf/terms#checksumValue"))
        assert str(value) == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow  # the publication is made once for these, in about ten seconds
def test_graph_formats_keep_every_graph_and_triple_formats_the_asserted_union(published: Path) -> None:
    trig = Dataset().parse(published / "data/kerman-kg.trig", format="trig")
    inferred = trig.graph(URIRef(iris.GRAPH_NS + "inferred"))
    assert len(inferred) > 0
    turtle = Graph().parse(published / "data/kerman-kg.ttl", format="turtle")
    asserted = Graph()
    for g in trig.graphs():
        if g.identifier != inferred.identifier:
            for triple in g:
                asserted.add(triple)
    assert isomorphic(turtle, asserted)


@pytest.mark.slow
def test_publish_is_deterministic_and_replaces_an_earlier_publication(published: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert run_kg("publish", str(again), "--version", VERSION).returncode == 0
    first = files_of(again)
    assert first == files_of(published)
    mine = {"notes.md": b"my notes\n", "data/my-query-results.csv": b"a,b\n", "extra/more.txt": b"more\n"}
    for name, content in mine.items():
        (again / name).parent.mkdir(exist_ok=True)
        (again / name).write_bytes(content)
    (again / "ontology/kerman-kg.ttl").unlink()  # a kg file the user deleted is written again
    result = run_kg("publish", str(again), "--version", VERSION)  # over its own earlier output
    assert result.returncode == 0, result.stderr
    assert files_of(again) == {**first, **mine}
    assert f"({len(first)} files)" in result.stdout  # the files kg wrote, not the user's


@pytest.mark.slow  # the publication is made once for these, in about ten seconds
def test_the_manifest_lists_exactly_the_written_files(published: Path) -> None:
    document = json.loads((published / MANIFEST).read_text(encoding="utf-8"))
    written = files_of(published)
    del written[MANIFEST]
    assert len(written) >= len(EXPECTED) - 1
    assert document["files"] == [
        {"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
        for name, content in sorted(written.items())
    ]
    assert (document["kg_version"], document["version"]) == (__version__, VERSION)


@pytest.mark.slow  # about ten seconds: a whole publication is made again before the check refuses it
def test_a_changed_kg_file_is_reported_and_nothing_is_changed(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(published, out)
    with (out / "data/kerman-kg.ttl").open("a", encoding="utf-8") as turtle:
        turtle.write("# my correction\n")
    before = files_of(out)
    result = run_kg("publish", str(out), "--version", VERSION)
    assert result.returncode == 2
    assert "data/kerman-kg.ttl: changed since kg publish wrote it" in result.stderr
    assert files_of(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".kg-publish-")], "work folder left behind"


def test_a_folder_of_something_else_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("my notes\n", encoding="utf-8")
    result = run_kg("publish", str(target))
    assert result.returncode == 2
    assert "is not an earlier publication" in result.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("version", ["1.0 beta", "../x", "v1/2"])
def test_a_version_that_cannot_go_into_an_iri_is_refused(tmp_path: Path, version: str) -> None:
    with pytest.raises(PublishError, match="cannot go into an IRI"):
        publish(tmp_path / "out", version)
    assert not (tmp_path / "out").exists()


def test_bad_input_file_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("<https://example.org/g> {\n  <https://example.org/a> <https://example.org/b> .\n}\n")
    result = run_kg("publish", str(tmp_path / "out"), "--data", str(bad))
    assert result.returncode == 1
    assert f"{bad}:2: not valid" in result.stderr
    assert not (tmp_path / "out").exists()


def test_help_explains() -> None:
    result = run_kg("publish", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())  # argparse wraps lines, at hyphens too
    for words in ("owl:versionIRI", "--version", "--data", "--download-base", "earlier publication", "manifest"):
        assert words in text
    assert "keeps every other file and folder" in text
    assert "when a listed file was changed since" in text


@pytest.mark.slow
def test_the_readme_publish_line_runs_as_written(tmp_path: Path) -> None:
    import re
    import shlex

    readme = (conftest.DOCS / "exporting.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", readme, re.S) for line in block.splitlines()]
    (line,) = [line for line in lines if line.startswith("kg publish ")]
    result = run_kg(*shlex.split(line)[1:], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / shlex.split(line)[-1]
    assert EXPECTED <= set(files_of(out))


# Republishing, tested on small publications: the rules are those of kg publish, without its ten seconds.

EARLIER = {
    "README.md": MARKER + "\n# 1\n",
    "data/a.ttl": "a 1\n",
    "data/b.ttl": "b 1\n",
    "ontology/docs/page.html": "page 1\n",
    "shapes/s.ttl": "shape 1\n",
}
LATER = {"README.md": MARKER + "\n# 2\n", "data/a.ttl": "a 2\n", "queries/q.rq": "query 2\n"}
MINE = {
    "notes.md": "my notes\n",
    "data/mine.txt": "my data notes\n",
    "ontology/docs/notes.txt": "my notes on the page\n",
    "extra/more.txt": "more\n",
}


def stage(folder: Path, files: dict[str, str], version: str) -> Path:
    """A complete small publication with its manifest, as kg publish stages one."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    write_manifest(folder, version)
    return folder


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """An earlier (small) publication in tmp_path/dist, with a user's files added."""
    out = tmp_path / "dist"
    install(stage(tmp_path / "stage-1", EARLIER, "1"), out)
    for name, text in MINE.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    (out / "empty-folder-of-mine").mkdir()
    return out


def texts_of(folder: Path) -> dict[str, str]:
    return {name: content.decode("utf-8") for name, content in files_of(folder).items()}


def work_folders(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if p.name.startswith(".kg-publish-")]


def test_republishing_keeps_user_files_and_replaces_only_the_listed_ones(earlier: Path) -> None:
    written = install(stage(earlier.parent / "stage-2", LATER, "2"), earlier)
    assert written == sorted(earlier / name for name in [*LATER, MANIFEST])
    files = texts_of(earlier)
    del files[MANIFEST]
    assert files == {**LATER, **MINE}  # data/b.ttl, shapes/s.ttl and the page gone, the user's files kept
    assert not (earlier / "shapes").exists(), "a folder kg made, now empty, is left behind"
    assert (earlier / "empty-folder-of-mine").is_dir()
    assert not work_folders(earlier)
    assert read_manifest(earlier) == {name: hashlib.sha256(text.encode()).hexdigest() for name, text in LATER.items()}


def test_the_manifest_lists_each_written_file_with_hash_and_size_in_order(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    install(stage(tmp_path / "stage", EARLIER, "1"), out)
    document = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert document["files"] == [
        {"path": name, "sha256": hashlib.sha256(text.encode()).hexdigest(), "size": len(text.encode())}
        for name, text in sorted(EARLIER.items())
    ]
    assert (document["kg_version"], document["version"]) == (__version__, "1")
    again = tmp_path / "again"
    install(stage(tmp_path / "stage-again", EARLIER, "1"), again)
    assert (again / MANIFEST).read_bytes() == (out / MANIFEST).read_bytes()


@pytest.mark.parametrize("changed", ["data/a.ttl", "data/b.ttl", "README.md"])  # replaced, dropped, replaced
def test_a_changed_kg_file_is_refused_and_nothing_is_changed(earlier: Path, changed: str) -> None:
    (earlier / changed).write_text("my edit\n", encoding="utf-8")
    before = texts_of(earlier)
    staging = stage(earlier.parent / "stage-2", LATER, "2")
    with pytest.raises(PublishError, match=f"  {changed}: changed since kg publish wrote it") as refused:
        install(staging, earlier)
    assert "move it out of the folder to keep your version, or delete it" in str(refused.value)
    assert texts_of(earlier) == before
    assert not work_folders(earlier)
    assert set(files_of(staging)) == {*LATER, MANIFEST}, "the staged publication was touched"


def test_a_user_file_where_kg_writes_one_is_refused(earlier: Path) -> None:
    (earlier / "queries").mkdir()
    (earlier / "queries/q.rq").write_text("my query\n", encoding="utf-8")
    (earlier / "data/b.ttl").unlink()  # a listed file the user deleted is no problem
    before = texts_of(earlier)
    with pytest.raises(PublishError, match="  queries/q.rq: not written by kg publish") as refused:
        install(stage(earlier.parent / "stage-2", LATER, "2"), earlier)
    assert str(refused.value).count("\n  ") == 1, "only the file in the way is named"
    assert texts_of(earlier) == before


def test_a_file_already_holding_what_kg_writes_is_taken_as_kgs(earlier: Path) -> None:
    (earlier / "queries").mkdir()
    (earlier / "queries/q.rq").write_text(LATER["queries/q.rq"], encoding="utf-8")  # e.g. left by a killed run
    (earlier / "data/a.ttl").write_text(LATER["data/a.ttl"], encoding="utf-8")  # differs from the manifest's
    install(stage(earlier.parent / "stage-2", LATER, "2"), earlier)
    assert {name: text for name, text in texts_of(earlier).items() if name in LATER} == LATER


def test_a_failed_update_leaves_the_earlier_publication_and_every_user_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_rename: Callable[..., None] = os.rename
    failed_at = 0
    while True:
        root = tmp_path / f"run-{failed_at}"
        root.mkdir()
        out = root / "dist"
        install(stage(root / "stage-1", EARLIER, "1"), out)
        for name, text in MINE.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(text, encoding="utf-8")
        before = texts_of(out)
        staging = stage(root / "stage-2", LATER, "2")
        calls = 0

        def rename(source: object, target: object, fail_at: int = failed_at) -> None:
            nonlocal calls
            calls += 1
            if calls == fail_at + 1:
                raise OSError("disk full")
            real_rename(source, target)

        monkeypatch.setattr(os, "rename", rename)
        try:
            install(staging, out)
        except OSError as error:
            assert str(error) == "disk full"
        else:
            break  # every rename of the update has had its turn to fail
        finally:
            monkeypatch.setattr(os, "rename", real_rename)
        assert texts_of(out) == before, f"rename {failed_at + 1} failed"
        assert not work_folders(out)
        assert set(files_of(staging)) == {*LATER, MANIFEST}
        failed_at += 1
    assert failed_at >= 8  # moves of the 5 old files and the manifest aside, then the new files in


def test_an_earlier_publication_without_a_manifest_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    (out / "data").mkdir(parents=True)
    old_marker = "<!-- kerman-kg publication: generated by `kg publish`; replaced as a whole by the next one -->"
    (out / "README.md").write_text(old_marker + "\n# kerman-kg 0.1.0\n", encoding="utf-8")
    (out / "data/kerman-kg.ttl").write_text("# data\n", encoding="utf-8")
    (out / "data/mine.txt").write_text("mine\n", encoding="utf-8")
    before = texts_of(out)
    result = run_kg("publish", str(out))
    assert result.returncode == 2
    assert "holds an earlier publication without a manifest (.kg-publish.json" in result.stderr
    assert "move anything of yours out of it, delete the folder and run kg publish again" in result.stderr
    assert texts_of(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        ("{not json", "cannot be read"),
        ('{"manifest": 2, "files": []}', "not a kg publish manifest of format 1"),
        ('{"manifest": 1, "files": [{"path": "../outside.txt", "sha256": "' + "0" * 64 + '"}]}', "'../outside.txt'"),
        ('{"manifest": 1, "files": [{"path": "data/a.ttl"}]}', "data/a.ttl without a SHA-256"),
    ],
)
def test_a_manifest_that_cannot_be_trusted_is_refused(earlier: Path, manifest: str, problem: str) -> None:
    (earlier / MANIFEST).write_text(manifest, encoding="utf-8")
    with pytest.raises(PublishError, match="restore it") as refused:
        check_destination(earlier)
    assert problem in str(refused.value)
