"""kg validate: the built graph conforms; each mutation of it is caught by the expected shape; exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg import iris
from kg.namespaces import KGD, KGO, NIF
from kg.rdfio import TRIG, load_dataset, to_trig
from kg.validation import Finding, validate

A1 = "001_159c79e2a15fef9d"
A0 = "000_97a337defbf8726c"


def run_kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def built_file(build_dir: Path) -> Path:
    """The TriG file of the session's build of the embedded corpus."""
    return build_dir / TRIG


# ------------------------------------------------------------------ the real graph


def test_built_graph_conforms(built_file: Path) -> None:
    result = run_kg("validate", str(built_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violation(s)" in result.stdout
    assert "Result: conforms" in result.stdout


def test_default_input_is_the_built_graph(built_file: Path) -> None:
    result = run_kg("validate", cwd=built_file.parent.parent)
    assert result.returncode == 2  # no build/ folder there
    assert "run 'kg build' first" in result.stderr
    workdir = built_file.parent
    (workdir / "build").mkdir(exist_ok=True)
    (workdir / "build" / TRIG).write_bytes(built_file.read_bytes())
    assert run_kg("validate", cwd=workdir).returncode == 0


def test_warnings_fail_only_when_strict(built_file: Path) -> None:
    result = run_kg("validate", "--strict", str(built_file))
    assert result.returncode == 1
    assert "Warning: kgs:WikidataExpectedShape" in result.stdout
    assert "does not conform" in result.stdout


def test_json_report(built_file: Path) -> None:
    result = run_kg("validate", "--format", "json", str(built_file))
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["conforms"] is True and report["violations"] == 0
    assert report["warnings"] == len(report["results"]) > 0
    assert {"severity", "shape", "focus", "focus_label", "component", "path", "message"} <= set(report["results"][0])


def test_turtle_report_is_a_shacl_validation_report(built_file: Path) -> None:
    result = run_kg("validate", "--format", "turtle", str(built_file))
    assert result.returncode == 0
    graph = Graph().parse(data=result.stdout, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    (report,) = list(graph.subjects(RDF.type, URIRef(sh + "ValidationReport")))
    assert graph.value(report, URIRef(sh + "conforms")) == Literal(True)


def test_folder_input(built_file: Path, tmp_path: Path) -> None:
    (tmp_path / "data.trig").write_bytes(built_file.read_bytes())
    assert run_kg("validate", str(tmp_path)).returncode == 0


# ------------------------------------------------------------------ bad input: exit 2


def test_unparseable_file_gives_parser_line_not_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unclosed .\n', encoding="utf-8")
    result = run_kg("validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3: not valid turtle" in result.stderr
    assert "Traceback" not in result.stderr


def test_unparseable_nquads_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> oops <http://g> .\n")
    result = run_kg("validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:2: not valid nquads" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "/nonexistent/file.trig"], "no such file or folder"),
        (["validate", "README.md"], "cannot tell the RDF format"),
        (["validate", "--format", "yaml"], "invalid choice"),
    ],
)
def test_bad_usage_exits_2(args: list[str], expected: str) -> None:
    result = run_kg(*args)
    assert result.returncode == 2
    assert expected in result.stderr


# ------------------------------------------------------------------ mutations: exit 1


def drop_speaker(ds: Dataset) -> None:
    claim = iris.in_article(A1, "isis-claim")
    ds.graph(iris.article_graph(A1)).remove((claim, KGO.statedBy, None))


def shift_quote(ds: Dataset) -> None:
    graph = ds.graph(iris.article_graph(A1))
    quote = iris.in_article(A1, "isis-claim", "quote")
    for prop in (NIF.beginIndex, NIF.endIndex):
        value = int(graph.value(quote, prop))  # type: ignore[arg-type]
        graph.set((quote, prop, Literal(value + 3, datatype=XSD.nonNegativeInteger)))


def count_as_string(ds: Dataset) -> None:
    graph = ds.graph(iris.article_graph(A1))
    figure = iris.in_article(A1, "injured-284")
    graph.set((figure, KGO["count"], Literal("284")))


def prior_incident_after_attack(ds: Dataset) -> None:
    graph = ds.graph(iris.article_graph(A0))
    graph.remove((KGD["tehran-attacks-2017"], KGO.occurredOn, None))
    graph.add((KGD["tehran-attacks-2017"], KGO.occurredOn, Literal("2025", datatype=XSD.gYear)))


def person_in_disjoint_class(ds: Dataset) -> None:
    ds.graph(iris.REGISTRY_GRAPH).add((KGD["ebrahim-raisi"], RDF.type, KGO.Organisation))


def claim_before_attack(ds: Dataset) -> None:
    graph = ds.graph(iris.article_graph(A0))
    claim = iris.in_article(A0, "isis-claim")
    graph.set((claim, KGO.statedOn, Literal("2024-01-02", datatype=XSD.date)))


def short(iri: URIRef) -> str:
    text = str(iri)
    return "kgd:" + text[len(iris.ENTITY_NS) :] if text.count("/") == 4 and "/article/" not in text else f"<{text}>"


MUTATIONS: dict[str, tuple[Callable[[Dataset], None], tuple[str, str, str | None, str]]] = {
    "a statement without a speaker": (
        drop_speaker,
        (
            "kgs:StatementShape / kgo:statedBy",
            short(iris.in_article(A1, "isis-claim")),
            "kgo:statedBy",
            "MinCountConstraintComponent",
        ),
    ),
    "a quote whose offsets are shifted": (
        shift_quote,
        ("kgs:QuoteTextShape", short(iris.in_article(A1, "isis-claim", "quote")), None, "SPARQLConstraintComponent"),
    ),
    "a count that is a string": (
        count_as_string,
        (
            "kgs:CasualtyReportShape / kgo:count",
            short(iris.in_article(A1, "injured-284")),
            "kgo:count",
            "DatatypeConstraintComponent",
        ),
    ),
    "a prior incident dated after the attack": (
        prior_incident_after_attack,
        ("kgs:PriorIncidentBeforeShape", "kgd:kerman-bombings", "kgo:relatedIncident", "SPARQLConstraintComponent"),
    ),
    "a person in a disjoint class": (
        person_in_disjoint_class,
        ("kgs:DisjointClassesShape", "kgd:ebrahim-raisi", None, "SPARQLConstraintComponent"),
    ),
    "a claim dated before the attack": (
        claim_before_attack,
        ("kgs:ClaimAfterAttackShape", short(iris.in_article(A0, "isis-claim")), None, "SPARQLConstraintComponent"),
    ),
}


def key(finding: Finding) -> tuple[str, str, str | None, str]:
    return (finding.shape, finding.focus, finding.path, finding.component)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutation_is_caught_by_the_expected_shape(frozen_file: Path, mutation: str) -> None:
    mutate, expected = MUTATIONS[mutation]
    dataset = load_dataset(frozen_file)
    mutate(dataset)
    report = validate(dataset, checks=False)  # the shapes alone: each mutation must be caught by its shape
    assert not report.conforms
    violations = {key(f) for f in report.violations}
    assert expected in violations, sorted(violations)
    assert all(f.severity == "Violation" for f in report.findings if key(f) == expected)


def test_mutated_file_fails_with_a_readable_report(frozen_file: Path, tmp_path: Path) -> None:
    dataset = load_dataset(frozen_file)
    person_in_disjoint_class(dataset)
    drop_speaker(dataset)
    mutated = tmp_path / "mutated.trig"
    mutated.write_bytes(to_trig(dataset))
    result = run_kg("validate", str(mutated))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    # each fault is caught by its shape and by the quality check that states the same rule in SPARQL
    assert "4 violation(s)" in out
    assert "Violation: kgs:DisjointClassesShape (no node in two disjoint classes)" in out
    assert "Violation: checks/disjoint-classes-violation" in out
    assert "Violation: checks/statement-without-speaker-violation" in out
    assert 'kgd:ebrahim-raisi  "Ebrahim Raisi"' in out  # named by IRI and label
    assert 'isis-claim>  "claim of responsibility by Islamic State (article 001_159c79e2a15fef9d)"' in out
    assert "Result: does not conform" in out


def test_control_characters_in_a_label_never_reach_the_terminal(tmp_path: Path) -> None:
    data = tmp_path / "labels.ttl"
    data.write_text(
        "@prefix kgo: <https://w3id.org/kerman-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/kerman-kg/id/x> a kgo:Person, kgo:Organisation ; rdfs:label "a\\u001b[31mb\\u0000" .\n',
        encoding="utf-8",
    )
    result = run_kg("validate", str(data))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout
    assert '"a\\x1b[31mb\\x00"' in result.stdout
