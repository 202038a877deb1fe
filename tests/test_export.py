"""``kg export``: every format reads back to the same graphs, independent readers agree, bytes are stable.

Round trips parse each export with rdflib and compare graph by graph (named graphs where the
format keeps them, the union where it cannot); ``rapper`` (Raptor) counts the triples of the
Turtle, N-Triples and RDF/XML exports, and pyld expands the JSON-LD with remote loading refused.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DOCS, IN_CI
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg import resources
from kg.cli import main
from kg.curation.corpus import CorpusLayout
from kg.pipeline.build import BuildResult
from kg.publishing import export, jsonld
from kg.rdf import iris, rdfio
from kg.rdf.namespaces import KGD, KGO
from kg.rdf.ontology import load_ontology

RDFLIB_FORMATS = {
    "trig": "trig",
    "nquads": "nquads",
    "jsonld": "json-ld",
    "turtle": "turtle",
    "ntriples": "nt",
    "rdfxml": "xml",
}
RAPPER_SYNTAX = {"turtle": "turtle", "ntriples": "ntriples", "rdfxml": "rdfxml"}
ARTICLE = "001_159c79e2a15fef9d"
GENERATED_PREFIX = re.compile(rb"(?<![\w-])ns\d+:")


@pytest.fixture(scope="module")
def full(reasoned: Dataset) -> Dataset:
    """The embedded corpus with its inferences, as kg build writes it (reasoned once per session)."""
    return reasoned


@pytest.fixture(scope="module")
def built_file(full: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("built")
    return rdfio.write_outputs(folder, {rdfio.TRIG: rdfio.to_trig(full)})[0]


@pytest.fixture(scope="module")
def exports(full: Dataset) -> dict[str, bytes]:
    """Every format, every graph and the inferences."""
    return {fmt: export.export(full, fmt, with_inferred=True) for fmt in export.FORMATS}


def same_graph(left: Graph, right: Graph) -> bool:
    if not any(isinstance(t, BNode) for triple in (*left, *right) for t in triple):
        return set(left) == set(right)
    return isomorphic(left, right)


def named_graphs(dataset: Dataset) -> dict[str, Graph]:
    default = dataset.default_graph.identifier
    return {str(g.identifier): g for g in dataset.graphs() if len(g) and g.identifier != default}


def assert_same_dataset(expected: Dataset, actual: Dataset) -> None:
    want, got = named_graphs(expected), named_graphs(actual)
    assert sorted(got) == sorted(want)
    for name in want:
        assert same_graph(want[name], got[name]), name


def union_of(dataset: Dataset) -> Graph:
    merged = Graph()
    for graph in named_graphs(dataset).values():
        for triple in graph:
            merged.add(triple)
    return merged


# ------------------------------------------------------------------ the context


def test_shipped_context_is_generated_from_the_ontology() -> None:
    shipped = resources.context_file().read_text(encoding="utf-8")
    assert shipped == jsonld.context_json(jsonld.generated_context()), (
        "kg/context.jsonld is out of date: run 'python -m kg.publishing.jsonld > kg/context.jsonld'"
    )


def test_every_ontology_term_has_its_key() -> None:
    ontology = load_ontology(resources.ontology_dir())
    context = jsonld.published_context()
    terms = sorted({s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KGO))} - {KGO})
    assert len(terms) > 100
    for term in terms:
        key = str(term)[len(str(KGO)) :]
        assert key in context, term
        assert jsonld._expand(context, key) == str(term)
    assert context["statedBy"] == {"@id": "kgo:statedBy", "@type": "@id"}
    assert context["figureValue"] == {"@id": "kgo:figureValue", "@type": "xsd:nonNegativeInteger"}
    assert context["qualifier"]["@type"] == "@vocab"
    assert context["label"] == {"@id": "rdfs:label", "@language": "en"}


def test_serve_answers_the_context(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from kg.web.options import ServeOptions
    from kg.web.serve import create_app

    app = create_app(ServeOptions(store=tmp_path), pool=object())  # type: ignore[arg-type]  # no query runs
    response = TestClient(app, base_url="http://127.0.0.1").get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.content == resources.context_file().read_bytes()


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_round_trip(fmt: str, exports: dict[str, bytes], full: Dataset) -> None:
    back = Dataset()
    back.parse(data=exports[fmt], format=RDFLIB_FORMATS[fmt])
    if export.carries_graphs(fmt):
        assert_same_dataset(full, back)
    else:
        assert same_graph(union_of(full), union_of(back) if named_graphs(back) else back.default_graph)


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_no_generated_prefix(fmt: str, exports: dict[str, bytes]) -> None:
    assert not GENERATED_PREFIX.search(exports[fmt])


def test_foreign_namespaces_get_readable_prefixes() -> None:
    dataset = Dataset()
    graph = dataset.graph(URIRef("https://w3id.org/kerman-kg/graph/registry"))
    graph.add((KGD.someone, URIRef("http://xmlns.com/foaf/0.1/name"), KGD.name))
    graph.add((KGD.someone, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("http://ex.org/v#T")))
    for fmt in export.FORMATS:
        data = export.export(dataset, fmt)
        assert not GENERATED_PREFIX.search(data), fmt
        back = Dataset()
        back.parse(data=data, format=RDFLIB_FORMATS[fmt])
        assert len(union_of(back) if named_graphs(back) else back.default_graph) == 2, fmt
    assert b"@prefix foaf: <http://xmlns.com/foaf/0.1/>" in export.export(dataset, "turtle")


@pytest.mark.parametrize("fmt", sorted(RAPPER_SYNTAX))
def test_rapper_reads_the_same_number_of_triples(
    fmt: str, exports: dict[str, bytes], full: Dataset, tmp_path: Path
) -> None:
    rapper = shutil.which("rapper")
    if rapper is None:
        if IN_CI:
            pytest.fail("rapper (Debian package raptor2-utils) must be installed in CI")
        pytest.skip("rapper is not installed (apt-get install raptor2-utils)")
    path = tmp_path / f"export{export.SUFFIXES[fmt]}"
    path.write_bytes(exports[fmt])
    result = subprocess.run(
        [rapper, "-i", RAPPER_SYNTAX[fmt], "-c", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    counted = re.search(r"returned (\d+) triples", result.stderr)
    assert counted, result.stderr
    assert int(counted.group(1)) == len(union_of(full))


def test_pyld_expands_the_jsonld_to_the_same_quads(exports: dict[str, bytes], full: Dataset) -> None:
    from pyld import jsonld as pyld

    document = json.loads(exports["jsonld"])
    assert isinstance(document["@context"], dict), "the context is inline, so no reader needs the network"
    nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": jsonld.refuse_remote})
    back = Dataset()
    back.parse(data=nquads, format="nquads")
    assert_same_dataset(full, back)


def test_jsonld_reads_well(exports: dict[str, bytes]) -> None:
    document = json.loads(exports["jsonld"])
    graphs = {g["id"]: g["@graph"] for g in document["@graph"]}
    assert f"kgg:article/{ARTICLE}" in graphs and "kgg:registry" in graphs
    nodes = {node["id"]: node for node in graphs[f"kgg:article/{ARTICLE}"]}
    claim = nodes[f"kgd:article/{ARTICLE}/isis-claim"]
    assert claim["type"] == "ClaimOfResponsibility"
    assert claim["statedBy"] == "kgd:islamic-state"
    toll = next(n for n in nodes.values() if n.get("type") == "DeathToll")
    assert toll["qualifier"] == "nearly" and toll["figureValue"] == "100"
    assert list(toll)[:3] == ["id", "type", "label"]


def test_remote_contexts_are_refused() -> None:
    from pyld import jsonld as pyld

    asked: list[str] = []

    def loader(url: str, options: object = None) -> object:
        asked.append(url)
        return jsonld.refuse_remote(url, options)

    with pytest.raises(pyld.JsonLdError, match="loading remote context failed"):
        pyld.expand({"@context": "https://example.org/context.jsonld", "a": 1}, {"documentLoader": loader})
    assert asked == ["https://example.org/context.jsonld"]


# ------------------------------------------------------------------ framing


def test_attack_frame(full: Dataset) -> None:
    from pyld import jsonld as pyld

    data = export.export(full, "jsonld", frame="attack")
    document = json.loads(data)
    attacks = {node["id"]: node for node in document["@graph"]}
    kerman = attacks["kgd:kerman-bombings"]
    assert "Bombing" in kerman["type"] and kerman["label"] == "2024 Kerman bombings"
    statements = kerman["statements"]
    kinds = {s["type"] if isinstance(s["type"], str) else "/".join(sorted(s["type"])) for s in statements}
    assert {"ClaimOfResponsibility", "Accusation", "Denial"} <= kinds
    claim = next(s for s in statements if s["id"] == f"kgd:article/{ARTICLE}/isis-claim")
    assert claim["statedBy"]["label"] == "Islamic State"
    quotes = claim["evidence"] if isinstance(claim["evidence"], list) else [claim["evidence"]]
    assert all(q["anchorOf"] and q["beginIndex"].isdigit() for q in quotes)
    assert claim["source"]["id"] == f"kgd:article/{ARTICLE}"
    figures = {(r["type"], r["figureAsWritten"]) for r in kerman["casualtyReports"]}
    assert {("DeathToll", "103"), ("DeathToll", "nearly 100"), ("DeathToll", "at least 84")} <= figures
    assert "kgd:soleimani-killing" in attacks and "kgd:shrine-attack-2022" in attacks
    # everything the view says is in the graph
    nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": jsonld.refuse_remote})
    framed = Graph()
    framed.parse(data=nquads, format="nt")
    assert len(framed) > 300
    assert set(framed) <= set(union_of(full))


# ------------------------------------------------------------------ graphs


def test_graph_selection(full: Dataset) -> None:
    by_stem = export.select_graphs(full, [ARTICLE, "registry"])
    assert by_stem == export.select_graphs(full, [f"article/{ARTICLE}", "kgg:registry"])
    assert [export.short_name(g) for g in by_stem] == [f"article/{ARTICLE}", "registry"]
    everything = export.select_graphs(full, ["all"])
    stems = CorpusLayout(resources.corpus_dir()).article_stems()
    assert export.INFERRED not in everything
    assert everything == sorted(
        [
            *(iris.article_graph(s) for s in stems),
            *(URIRef(iris.GRAPH_NS + n) for n in ("background", "ontology", "provenance", "records", "registry")),
        ]
    )
    assert export.select_graphs(full, None, with_inferred=True) == sorted([*everything, export.INFERRED])
    assert export.select_graphs(full, ["inferred"]) == [export.INFERRED]
    turtle = export.export(full, "turtle", ["registry"])
    back = Graph()
    back.parse(data=turtle, format="turtle")
    assert same_graph(back, full.graph(URIRef("https://w3id.org/kerman-kg/graph/registry")))


def test_unknown_graph_names_close_matches(full: Dataset) -> None:
    with pytest.raises(export.ExportError, match=r"no graph named 'registy'; did you mean registry\?"):
        export.select_graphs(full, ["registy"])
    with pytest.raises(export.ExportError, match="unknown format 'ttl'"):
        export.export(full, "ttl")


def test_default_source_is_the_build(full: Dataset) -> None:
    assert_same_dataset(full, export.load_source())


# ------------------------------------------------------------------ command line


def test_cli_writes_atomically_and_notes_the_union(
    built_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "registry.ttl"
    assert (
        main(["export", "--data", str(built_file), "-f", "turtle", "--graph", "registry,background", "-o", str(out)])
        == 0
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "union of 2 graphs" in err
    assert sorted(p.name for p in out.parent.iterdir()) == ["registry.ttl"]
    before = out.read_bytes()
    assert main(["export", "--data", str(built_file), "--graph", "registy", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no graph named 'registy'; did you mean registry?" in err and "Graphs: article/" in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["registry.ttl"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "ttl"], "invalid choice: 'ttl'"),
        (["--frame", "attack", "--format", "turtle"], "--frame attack writes JSON-LD"),
        (["--graph", "001_159c79e2a15fef9"], "did you mean 001_159c79e2a15fef9d"),
    ],
)
def test_cli_usage_errors_write_nothing(
    args: list[str], message: str, built_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never.trig"
    assert run_cli(["export", "--data", str(built_file), *args, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def run_cli(args: list[str]) -> int:
    """kg's exit status, whether main returns it or argparse exits with it."""
    try:
        return main(args)
    except SystemExit as exit:
        return int(exit.code or 0)


def test_cli_with_inferred_needs_an_inferred_graph(
    built: BuildResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = rdfio.write_outputs(tmp_path, {"plain.nq": rdfio.to_nquads(built.dataset)})[0]
    assert main(["export", "--data", str(path), "--with-inferred"]) == 2
    assert "no inferred graph" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("fmt", export.FORMATS)
def test_exports_are_the_same_bytes_in_another_process(fmt: str, exports: dict[str, bytes], built_file: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "export", "--data", str(built_file), "--format", fmt, "--with-inferred"],
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == exports[fmt]


@pytest.mark.slow
def test_attack_frame_is_the_same_bytes_in_another_process(full: Dataset, built_file: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "export", "--data", str(built_file), "--frame", "attack"],
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "54321"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == export.export(full, "jsonld", frame="attack")


def test_trig_export_is_the_built_file(exports: dict[str, bytes], full: Dataset) -> None:
    assert exports["trig"] == rdfio.to_trig(full)
    assert exports["nquads"] == rdfio.to_nquads(full)


def test_readme_export_commands_are_valid(full: Dataset) -> None:
    from kg.cli import _parser

    readme = (DOCS / "exporting.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    lines = [line for block in blocks for line in block.splitlines() if line.startswith("kg export")]
    assert len(lines) >= 5
    for line in lines:
        args = _parser().parse_args(shlex.split(line)[1:])
        names = [name for value in args.graph for name in value.split(",")]
        assert export.select_graphs(full, names, args.with_inferred), line
