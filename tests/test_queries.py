"""The named query library, W3C test-suite style, and `kg query` / `kg queries` / `kg.query`.

Each case of tests/fixtures/queries/manifest.yaml runs a named query with its parameters against
the frozen five-article corpus (tests/fixtures/corpus/, so that adding an article to corpus/ changes
no expected answer) and compares the answer with its expected-results file as an unordered multiset
(CONSTRUCT answers as isomorphic graphs). Oxigraph, the default engine, must agree with rdflib's.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser
from ruamel.yaml import YAML

from kg.engine import OxigraphEngine, RdflibEngine, Result, normalise
from kg.formats import render
from kg.querying import UNKNOWN_NS, query, run
from kg.querylib import QueryLibraryError, library

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "queries"
README = Path(__file__).resolve().parent.parent / "README.md"
CASES = YAML(typ="safe").load((FIXTURES / "manifest.yaml").read_text(encoding="utf-8"))["cases"]
NAMED = {name: q for name, q in library().items() if not q.is_check}
CHECKS = {name: q for name, q in library().items() if q.is_check}


@pytest.fixture(scope="module")
def oxigraph(frozen: Dataset) -> OxigraphEngine:
    return OxigraphEngine.from_dataset(frozen)


@pytest.fixture(scope="module")
def rdflib_engine(frozen: Dataset) -> RdflibEngine:
    return RdflibEngine(frozen)


def multiset(result: Result) -> Counter[tuple[object, ...]]:
    return Counter(tuple(normalise(v) for v in row) for row in result.rows)


def params_of(case: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {k: str(v) for k, v in (case.get("params") or {}).items()}


def run_kg(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, input=stdin, timeout=600)


# ----------------------------------------------------------------------------- the library


def test_library_has_at_least_fifteen_documented_queries() -> None:
    assert len(NAMED) >= 15
    for name, q in NAMED.items():
        assert q.question.endswith("?"), name
        assert q.columns, name
        assert q.example.startswith(f"kg query {name}"), name
        assert re.search(r"ORDER BY", q.text, re.I) or q.text.lstrip("#").upper().count("CONSTRUCT"), name


def test_every_named_query_has_a_case_and_no_case_is_orphaned() -> None:
    covered = {case["query"] for case in CASES}
    assert len(CASES) >= len(NAMED)
    assert set(NAMED) <= covered, sorted(set(NAMED) - covered)
    assert covered <= set(NAMED) | set(CHECKS), sorted(covered - set(NAMED) - set(CHECKS))


@pytest.mark.parametrize("case", CASES, ids=[c["expected"] for c in CASES])
def test_case_matches_expected_results(oxigraph: OxigraphEngine, case: dict) -> None:  # type: ignore[type-arg]
    result, _ = run(oxigraph, case["query"], params_of(case))
    expected_file = FIXTURES / case["expected"]
    if result.kind == "graph":
        assert result.graph is not None
        expected_graph = Graph().parse(expected_file, format="turtle")
        assert len(result.graph) > 0
        assert isomorphic(result.graph, expected_graph)
        return
    parsed = JSONResultParser().parse(io.StringIO(expected_file.read_text(encoding="utf-8")))
    expected = Counter(tuple(normalise(row.get(v)) for v in parsed.vars) for row in parsed.bindings)
    assert [str(v) for v in parsed.vars] == result.variables
    assert multiset(result) == expected
    if not case.get("empty"):
        assert result.rows, "a case should have an answer unless it says empty: true"


@pytest.mark.parametrize("name", sorted(NAMED))
def test_columns_header_matches_the_answer(oxigraph: OxigraphEngine, name: str) -> None:
    case = next(c for c in CASES if c["query"] == name)
    result, _ = run(oxigraph, name, params_of(case))
    if result.kind == "select":
        assert tuple(result.variables) == NAMED[name].columns


@pytest.mark.parametrize("case", CASES, ids=[c["expected"] for c in CASES])
def test_oxigraph_and_rdflib_agree(oxigraph: OxigraphEngine, rdflib_engine: RdflibEngine, case: dict) -> None:  # type: ignore[type-arg]
    fast, _ = run(oxigraph, case["query"], params_of(case))
    reference, _ = run(rdflib_engine, case["query"], params_of(case))
    if fast.kind == "graph":
        assert fast.graph is not None and reference.graph is not None
        assert isomorphic(fast.graph, reference.graph)
    else:
        assert fast.variables == reference.variables
        assert multiset(fast) == multiset(reference)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_quality_check_finds_nothing(oxigraph: OxigraphEngine, name: str) -> None:
    assert name.endswith("-violation")
    result, _ = run(oxigraph, name, {})
    assert result.rows == []


def test_there_are_quality_checks() -> None:
    assert len(CHECKS) >= 5


# ----------------------------------------------------------------------------- parameters


def test_iri_prefixed_name_and_alias_give_the_same_answer(oxigraph: OxigraphEngine) -> None:
    by_iri, _ = run(oxigraph, "claims-of-responsibility", {"attack": "https://w3id.org/kerman-kg/id/kerman-bombings"})
    by_prefix, _ = run(oxigraph, "claims-of-responsibility", {"attack": "kgd:kerman-bombings"})
    by_label, _ = run(oxigraph, "claims-of-responsibility", {"attack": "2024 Kerman bombings"})
    by_alias, _ = run(oxigraph, "claims-of-responsibility", {"attack": "twin blasts"})
    assert by_iri.rows
    assert multiset(by_iri) == multiset(by_prefix) == multiset(by_label) == multiset(by_alias)


def test_alias_spellings_name_the_same_actor(oxigraph: OxigraphEngine) -> None:
    answers = [
        multiset(run(oxigraph, "actor-statements", {"actor": n})[0]) for n in ("Ibrahim Raisi", "Ebhrahim Raisi")
    ]
    assert answers[0] and answers[0] == answers[1]


def test_unknown_alias_gives_an_empty_answer_and_a_note(oxigraph: OxigraphEngine) -> None:
    result, prepared = run(oxigraph, "claims-of-responsibility", {"attack": "Zanzibar flood"})
    assert result.rows == []
    assert any("no entity is called 'Zanzibar flood'" in n for n in prepared.notes)
    assert str(prepared.bindings["attack"]).startswith(UNKNOWN_NS)


def test_unknown_parameter_is_named_with_close_matches(oxigraph: OxigraphEngine) -> None:
    with pytest.raises(QueryLibraryError, match=r"no parameter 'atack'.*did you mean attack"):
        run(oxigraph, "claims-of-responsibility", {"atack": "Kerman"})


def test_unknown_query_is_named_with_close_matches(oxigraph: OxigraphEngine) -> None:
    with pytest.raises(QueryLibraryError, match=r"unknown query 'claims-of-responsibilty'.*did you mean"):
        run(oxigraph, "claims-of-responsibilty", {})


# ----------------------------------------------------------------------------- formats


SELECT_CASE = "casualty-figures"


@pytest.fixture(scope="module")
def select_result(oxigraph: OxigraphEngine) -> Result:
    return run(oxigraph, SELECT_CASE, {})[0]


def test_json_parses_back(select_result: Result) -> None:
    parsed = JSONResultParser().parse(io.StringIO(render(select_result, "json")))
    rows = Counter(tuple(normalise(b.get(v)) for v in parsed.vars) for b in parsed.bindings)
    assert rows == multiset(select_result)


def test_xml_parses_back(select_result: Result) -> None:
    parsed = XMLResultParser().parse(io.BytesIO(render(select_result, "xml").encode("utf-8")))
    rows = Counter(tuple(normalise(b.get(v)) for v in parsed.vars) for b in parsed.bindings)
    assert rows == multiset(select_result)


def test_csv_parses_back(select_result: Result) -> None:
    rows = list(csv.reader(io.StringIO(render(select_result, "csv"))))
    assert rows[0] == select_result.variables
    assert Counter(tuple(r) for r in rows[1:]) == Counter(
        tuple("" if v is None else str(v) for v in row) for row in select_result.rows
    )


def test_tsv_parses_back(select_result: Result) -> None:
    from rdflib.plugins.sparql.results.tsvresults import TSVResultParser

    parsed = TSVResultParser().parse(io.StringIO(render(select_result, "tsv")))
    rows = Counter(tuple(normalise(b.get(v)) for v in parsed.vars) for b in parsed.bindings)
    assert rows == multiset(select_result)


def test_table_and_markdown_show_every_row(select_result: Result) -> None:
    table = render(select_result, "table")
    assert table.splitlines()[0].split() == select_result.variables
    assert f"({len(select_result.rows)} rows)" in table
    markdown = render(select_result, "markdown").splitlines()
    assert len(markdown) == len(select_result.rows) + 2 and markdown[1].startswith("| ---")


def test_construct_prints_rdf_that_parses(oxigraph: OxigraphEngine) -> None:
    name = next(n for n, q in NAMED.items() if "CONSTRUCT" in q.text.upper())
    case = next(c for c in CASES if c["query"] == name)
    result, _ = run(oxigraph, name, params_of(case))
    assert result.graph is not None and len(result.graph) > 0
    for fmt, parser in (("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        parsed = Graph().parse(data=render(result, fmt), format=parser)
        assert isomorphic(parsed, result.graph), fmt
    with pytest.raises(ValueError, match="RDF"):
        render(result, "csv")


# ----------------------------------------------------------------------------- command line


def test_kg_queries_lists_every_query() -> None:
    result = run_kg("queries")
    assert result.returncode == 0
    for name, q in NAMED.items():
        assert name in result.stdout and q.question in result.stdout
    assert f"{len(NAMED)} named queries" in result.stdout


def test_kg_query_named_with_param_and_format() -> None:
    result = run_kg("query", "death-toll-range", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["head"]["vars"] and data["results"]["bindings"]


def test_kg_query_reads_sparql_from_stdin_with_prefixes_bound() -> None:
    result = run_kg("query", "-", "--format", "csv", stdin="SELECT ?l WHERE { kgd:iran rdfs:label ?l }")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["l", "Iran"]


def test_kg_query_runs_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text("ASK { kgd:kerman-bombings a kgo:Attack }", encoding="utf-8")
    result = run_kg("query", str(path))
    assert result.returncode == 0 and result.stdout.strip() == "true"


def test_kg_query_syntax_error_has_line_and_column() -> None:
    result = run_kg("query", "-", stdin="SELECT ?s WHERE {\n  ?s ?p \n}")
    assert result.returncode == 2
    assert re.search(r"syntax error.*\b3:\d+", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_kg_query_unknown_query_and_parameter_exit_2() -> None:
    unknown = run_kg("query", "casualty-figure")
    assert unknown.returncode == 2 and "did you mean casualty-figures" in unknown.stderr
    bad_param = run_kg("query", "casualty-figures", "--param", "atack=Kerman")
    assert bad_param.returncode == 2 and "no parameter 'atack'" in bad_param.stderr
    malformed = run_kg("query", "casualty-figures", "--param", "attack")
    assert malformed.returncode == 2 and "NAME=VALUE" in malformed.stderr


def test_kg_query_unknown_alias_prints_a_note() -> None:
    result = run_kg("query", "claims-of-responsibility", "--param", "attack=Zanzibar flood")
    assert result.returncode == 0
    assert "(0 rows)" in result.stdout
    assert "note: no entity is called 'Zanzibar flood'" in result.stderr


def test_kg_query_on_a_built_file(build_dir: Path) -> None:
    result = run_kg("query", "death-toll-range", "--data", str(build_dir / "kerman-kg.nq"), "--format", "csv")
    same = run_kg("query", "death-toll-range", "--format", "csv")
    assert result.returncode == 0 and result.stdout == same.stdout
    trig = run_kg("query", "death-toll-range", "--data", str(build_dir / "kerman-kg.trig"), "--format", "csv")
    assert trig.returncode == 0 and trig.stdout == same.stdout


def test_kg_query_on_a_turtle_file_names_its_graph_after_the_file(tmp_path: Path) -> None:
    data = tmp_path / "extra.ttl"
    data.write_text("<https://example.org/a> <https://example.org/b> 1 .\n", encoding="utf-8")
    sparql = "SELECT ?g WHERE { GRAPH ?g { <https://example.org/a> ?p ?o } }"
    result = run_kg("query", "-", "--data", str(data), "--format", "csv", stdin=sparql)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [data.resolve().as_uri()]


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("bad.trig", "<https://example.org/g> {\n  <https://example.org/a> <https://example.org/b> .\n}\n", 2),
        ("bad.ttl", "@prefix ex: <https://example.org/> .\nex:a ex:b .\n", 2),
    ],
)
def test_kg_query_on_a_malformed_file_names_file_and_line(tmp_path: Path, name: str, text: str, line: int) -> None:
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    result = run_kg("query", "death-toll-range", "--data", str(data))
    assert result.returncode == 2
    assert f"{data}:{line}: not valid" in result.stderr
    assert "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- Python API and README


def test_python_api_rows_have_named_fields() -> None:
    rows = query("casualty-figures", attack="2024 Kerman bombings")
    assert rows and rows.columns
    first = rows[0]
    assert set(first._fields) == set(rows.columns)
    assert isinstance(first.count, int)


def test_python_api_to_pandas() -> None:
    from conftest import IN_CI

    if not IN_CI:  # CI installs the test extra, which has pandas: there the test must run
        pytest.importorskip("pandas")
    frame = query("casualty-figures").to_pandas()
    assert list(frame.columns) == list(NAMED["casualty-figures"].columns)
    assert len(frame) > 5


def test_readme_query_examples_run() -> None:
    lines = [line.strip() for line in README.read_text(encoding="utf-8").splitlines()]
    commands = [line for line in lines if line.startswith("kg query ")]
    assert len(commands) >= 3
    import shlex

    for command in commands:
        result = run_kg(*shlex.split(command)[1:])
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout.strip(), command


def test_unbound_literal_round_trip() -> None:
    """Literals keep their datatype across the engines' term conversions."""
    from kg.engine import to_oxigraph, to_rdflib

    for term in (
        Literal(84),
        Literal("2024-01-03", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
        Literal("Iran", lang="en"),
        Literal("plain"),
        URIRef("https://w3id.org/kerman-kg/id/iran"),
    ):
        assert to_rdflib(to_oxigraph(term)) == term


def test_the_cache_key_changes_with_the_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A cached build made by other code (an edited kg/annotations.py, say) is not reused."""
    from kg import engine

    data = tmp_path / "data.nq"
    data.write_text("", encoding="utf-8")
    before = engine.inputs_digest([data], "salt")
    assert engine.code_digest() == engine.code_digest() and len(engine.code_digest()) == 64
    monkeypatch.setattr(engine, "code_digest", lambda: "0" * 64)
    assert engine.inputs_digest([data], "salt") != before
