"""``kg publish DIR``: the folder's contents, the version stamp, counts, determinism and refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, OWL, RDF, VOID

from kg import iris
from kg.publish import MARKER, PublishError, publish, version_iri

VERSION = "9.8.7-test"
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's DCAT namespace predates it
EXPECTED = {
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
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=cwd, env=env)


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
    from kg.ontology import load_ontology
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
    result = run_kg("publish", str(again), "--version", VERSION)  # over its own earlier output
    assert result.returncode == 0, result.stderr
    assert files_of(again) == first


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
    for words in ("owl:versionIRI", "--version", "--data", "--download-base", "earlier publication"):
        assert words in result.stdout


@pytest.mark.slow
def test_the_readme_publish_line_runs_as_written(tmp_path: Path) -> None:
    import re
    import shlex

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", readme, re.S) for line in block.splitlines()]
    (line,) = [line for line in lines if line.startswith("kg publish ")]
    result = run_kg(*shlex.split(line)[1:], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / shlex.split(line)[-1]
    assert EXPECTED <= set(files_of(out))
