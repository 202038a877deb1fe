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
from conftest import DOCS, run_kg
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser
from rdflib.term import Node
from ruamel.yaml import YAML

from kg.sparql.answers import render
from kg.sparql.engine import OxigraphEngine, RdflibEngine, Result, normalise
from kg.sparql.querying import UNKNOWN_NS, Page, bind, paged_text, query, run
from kg.sparql.querylib import QueryLibraryError, library, parse_header
from kg.sparql.valuesblock import bound_query, sparql_term_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "queries"
README = Path(__file__).resolve().parent.parent / "README.md"
#: the README and the reference pages it links to
PAGES = [README, *sorted(DOCS.glob("*.md"))]
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
    """A SELECT's columns are its header's, in order; a CONSTRUCT's header names the triples' positions."""
    case = next(c for c in CASES if c["query"] == name)
    result, _ = run(oxigraph, name, params_of(case))
    if result.kind == "graph":
        assert NAMED[name].columns == ("subject", "predicate", "object"), name
    else:
        assert result.kind == "select", f"{name}: a named query is a SELECT or a CONSTRUCT"
        assert tuple(result.variables) == NAMED[name].columns


@pytest.fixture(scope="module")
def synthetic_engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[OxigraphEngine, RdflibEngine]:
    """Both engines over a synthetic corpus of five articles, one of each template (bench/synthetic.py), built
    and reasoned as kg build does: data the expected answers were not made from."""
    from kg.pipeline.build import build_dataset
    from kg.pipeline.reasoning import with_inferences

    corpus = tmp_path_factory.mktemp("synthetic-5") / "corpus"
    script = Path(__file__).resolve().parent.parent / "bench" / "synthetic.py"
    subprocess.run([sys.executable, str(script), "5", str(corpus)], check=True, capture_output=True)
    data = with_inferences(build_dataset(corpus).dataset)[0]
    return OxigraphEngine.from_dataset(data), RdflibEngine(data)


@pytest.mark.slow  # rdflib's engine takes seconds on some joins
@pytest.mark.parametrize("name", sorted(NAMED))
def test_oxigraph_and_rdflib_agree(synthetic_engines: tuple[OxigraphEngine, RdflibEngine], name: str) -> None:
    """Oxigraph gives rdflib's answers on data that has no expected answers: the expected answers of the cases
    are rdflib's own on the frozen corpus (regenerate.py), which test_case_matches_expected_results compares
    Oxigraph with, so comparing the engines there again would repeat that test."""
    fast, reference = synthetic_engines
    answered = 0
    for bindings in parameter_sets(fast, name):
        mine, theirs = fast.query(NAMED[name].text, bindings), reference.query(NAMED[name].text, bindings)
        assert mine.kind == theirs.kind, (name, bindings)
        if mine.kind == "graph":
            assert mine.graph is not None and theirs.graph is not None
            assert isomorphic(mine.graph, theirs.graph), (name, bindings)
            answered += len(mine.graph) > 0
        else:
            assert mine.variables == theirs.variables, (name, bindings)
            assert multiset(mine) == multiset(theirs), (name, bindings)
            answered += bool(mine.rows)
    assert answered, f"{name}: no parameter set had an answer to compare"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_quality_check_finds_nothing(oxigraph: OxigraphEngine, name: str) -> None:
    assert name.endswith("-violation")
    result, _ = run(oxigraph, name, {})
    assert result.rows == []


def test_there_are_quality_checks() -> None:
    assert len(CHECKS) >= 5


# ----------------------------------------------------------------------------- rewrites give the same answers

REFERENCE = FIXTURES / "reference"
REFERENCES = {path.stem: parse_header(path) for path in sorted(REFERENCE.glob("*.rq"))}
SYNTHETIC_ARTICLES = 10
KGD_EDGE = "https://w3id.org/kerman-kg/id/edge-"


@pytest.fixture(scope="module")
def synthetic_engine(tmp_path_factory: pytest.TempPathFactory) -> OxigraphEngine:
    """A small synthetic corpus (bench/synthetic.py), built and reasoned as kg build does."""
    from kg.pipeline.build import build_dataset
    from kg.pipeline.reasoning import with_inferences

    corpus = tmp_path_factory.mktemp("synthetic") / "corpus"
    script = Path(__file__).resolve().parent.parent / "bench" / "synthetic.py"
    subprocess.run([sys.executable, str(script), str(SYNTHETIC_ARTICLES), str(corpus)], check=True, capture_output=True)
    return OxigraphEngine.from_dataset(with_inferences(build_dataset(corpus).dataset)[0])


def parameter_sets(engine: OxigraphEngine, name: str) -> list[dict[str, Node]]:
    """Bindings to compare a query under: none at all (every parameter free), the defaults, the example's,
    each parameter alone bound to the first and the last value it takes in the free answer, and a text
    parameter bound to a person's name."""
    from kg.sparql.querytext import example_params

    query = NAMED[name]
    sets: list[dict[str, Node]] = [{}]
    for params in ({}, example_params(query)):
        try:
            sets.append(bind(engine, query, params)[0])
        except QueryLibraryError:  # a required parameter without a value
            pass
    free = engine.query(query.text, {})
    for p in query.parameters:
        if p.kind == "string":  # a text to search for (entity-search): the shortest name of a person
            names = engine.query(
                "SELECT ?name WHERE { ?person a kgo:Person ; rdfs:label ?name } ORDER BY STRLEN(?name) ?name LIMIT 1"
            )
            sets += [{p.name: row[0]} for row in names.rows if row[0] is not None]
        elif p.name in free.variables:
            column = free.variables.index(p.name)
            values = sorted({row[column] for row in free.rows if row[column] is not None}, key=str)
            sets += [{p.name: value} for value in dict.fromkeys(values[:1] + values[-1:])]
    return sets


def test_every_rewritten_query_keeps_its_reference() -> None:
    assert len(REFERENCES) >= 10
    for name, reference in REFERENCES.items():
        assert name in NAMED, f"{name}: a reference text without a named query"
        assert reference.columns == NAMED[name].columns, name
        assert [p.signature() for p in reference.parameters] == [p.signature() for p in NAMED[name].parameters], name
        assert reference.text.startswith("# Pre-rewrite text of queries/"), name
        original = reference.text.split("\n", 2)[2]
        assert NAMED[name].text != original, f"{name}: not rewritten, so the reference is not needed"


def assert_same_answers(engine: OxigraphEngine, name: str) -> int:
    """Run the query and its reference under every parameter set; returns how many sets had rows."""
    answered = 0
    for bindings in parameter_sets(engine, name):
        rewritten = engine.query(NAMED[name].text, bindings)
        reference = engine.query(REFERENCES[name].text, bindings)
        assert rewritten.variables == reference.variables, (name, bindings)
        assert multiset(rewritten) == multiset(reference), (name, bindings)
        answered += bool(rewritten.rows)
    return answered


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_rewritten_query_gives_the_reference_answers_on_the_frozen_corpus(oxigraph: OxigraphEngine, name: str) -> None:
    assert assert_same_answers(oxigraph, name) >= 1, f"{name}: no parameter set had an answer to compare"


@pytest.fixture(scope="module")
def edge_engine(frozen: Dataset) -> OxigraphEngine:
    """The frozen corpus with the hand-written cases of reference/edge-cases.trig added (not reasoned)."""
    import pyoxigraph as ox

    engine = OxigraphEngine.from_dataset(frozen)
    engine.store.load(path=str(REFERENCE / "edge-cases.trig"), format=ox.RdfFormat.TRIG)
    return engine


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_rewritten_query_gives_the_reference_answers_on_the_edge_cases(
    oxigraph: OxigraphEngine, edge_engine: OxigraphEngine, name: str
) -> None:
    assert assert_same_answers(edge_engine, name) >= 1, f"{name}: no parameter set had an answer to compare"


def test_the_edge_cases_change_the_answers(oxigraph: OxigraphEngine, edge_engine: OxigraphEngine) -> None:
    """The added cases reach the rewritten parts: the first passage, the claims without a method, the
    denials answering an accusation, the plain fact about a branch."""
    for name, params in (
        ("claims-of-responsibility", {"attack": "kgd:edge-attack"}),
        ("method-accounts", {"attack": "kgd:edge-attack"}),
        ("prior-incidents", {"attack": "kgd:edge-attack"}),
        ("actor-incidents", {"actor": "kgd:edge-parent"}),
        ("claimed-perpetrators", {"attack": "kgd:edge-attack"}),
        ("accusations", {"accuser": "kgd:edge-minister"}),
    ):
        result, _ = run(edge_engine, name, params)
        assert result.rows, name
        assert not run(oxigraph, name, params)[0].rows, name
    claims = run(edge_engine, "claims-of-responsibility", {"attack": "kgd:edge-attack"})[0]
    quotes = {(str(r[2]).rsplit("-", 1)[-1], str(r[-1])) for r in claims.rows}
    assert quotes == {
        ("plain", "an earlier passage"),
        ("method", "a later passage that names the edge bomber and a car"),
    }
    responses = {str(r[9]) for r in run(edge_engine, "accusations", {"accuser": "kgd:edge-minister"})[0].rows}
    assert responses == {KGD_EDGE + "denial-same", KGD_EDGE + "refusal"}


@pytest.mark.slow  # the frozen corpus and the edge cases above run by default; a synthetic corpus with the slow tests
@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_rewritten_query_gives_the_reference_answers_on_a_synthetic_corpus(
    synthetic_engine: OxigraphEngine, name: str
) -> None:
    assert assert_same_answers(synthetic_engine, name) >= 1, f"{name}: no parameter set had an answer to compare"


# ----------------------------------------------------------------------------- pages


@pytest.mark.parametrize(
    "name",
    [
        # three listings page by default; the other queries (entity-search reads every name, and takes seconds to
        # page through) page with the slow tests
        n if n in ("accusations", "articles", "casualty-figures") else pytest.param(n, marks=pytest.mark.slow)
        for n in sorted(n for n, q in NAMED.items() if "CONSTRUCT" not in q.text.upper())
    ],
)
def test_pages_cover_the_answer_in_order_without_overlap(
    oxigraph: OxigraphEngine, rdflib_engine: RdflibEngine, name: str
) -> None:
    case = next(c for c in CASES if c["query"] == name)
    whole, _ = run(oxigraph, name, params_of(case))
    size = max(1, len(whole.rows) // 3)
    for engine in (oxigraph, rdflib_engine):
        pages: list[tuple[object, ...]] = []
        offset = 0
        while True:
            result, prepared = run(engine, name, params_of(case), Page(size, offset))
            assert len(result.rows) <= size
            pages += result.rows
            offset += size
            if not prepared.more:
                break
        assert [tuple(normalise(v) for v in row) for row in pages] == [
            tuple(normalise(v) for v in row) for row in whole.rows
        ], type(engine).__name__


def test_a_page_past_the_end_is_empty_and_bad_pages_are_refused(oxigraph: OxigraphEngine) -> None:
    whole, _ = run(oxigraph, "positions", {})
    past, prepared = run(oxigraph, "positions", {}, Page(5, len(whole.rows)))
    assert past.rows == [] and prepared.more is False
    last, prepared = run(oxigraph, "positions", {}, Page(len(whole.rows) - 1, 0))
    assert len(last.rows) == len(whole.rows) - 1 and prepared.more is True
    for limit, offset in ((0, 0), (-1, 0), (3, -1)):
        with pytest.raises(QueryLibraryError):
            Page(limit, offset)
    with pytest.raises(QueryLibraryError, match="SELECT"):
        run(oxigraph, "entity-card", {"entity": "kgd:iran"}, Page(2))


def test_paged_text_goes_after_the_order_by() -> None:
    text = NAMED["positions"].text
    assert paged_text(text, Page(10, 20)) == text.rstrip() + "\nLIMIT 11\nOFFSET 20\n"
    assert paged_text("SELECT * WHERE { ?s ?p ?o } LIMIT 5", Page(2)) is None
    assert paged_text("SELECT * WHERE { ?s ?p ?o } VALUES ?s { <urn:x:a> }", Page(2)) is None


def test_kg_query_limit_and_offset() -> None:
    whole = run_kg("query", "positions", "--format", "csv")
    page = run_kg("query", "positions", "--format", "csv", "--limit", "2", "--offset", "1")
    assert page.returncode == 0, page.stderr
    lines = whole.stdout.splitlines()
    assert page.stdout.splitlines() == [lines[0], *lines[2:4]]
    assert "more follow: the next page is --offset 3" in page.stderr
    last = run_kg("query", "positions", "--format", "csv", "--offset", str(len(lines) - 2))
    assert last.stdout.splitlines() == [lines[0], lines[-1]] and "more follow" not in last.stderr
    for bad in (["--limit", "0"], ["--offset", "-1"], ["--limit", "many"]):
        refused = run_kg("query", "positions", *bad)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, bad


def test_python_api_pages() -> None:
    whole = query("positions")
    first = query("positions", limit=4)
    second = query("positions", limit=4, offset=4)
    assert list(first) + list(second) == list(whole[:8])
    assert first.more and first.columns == whole.columns
    assert not query("positions", offset=len(whole) - 1).more


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
    lines = [line.strip() for page in PAGES for line in page.read_text(encoding="utf-8").splitlines()]
    # the examples on a store (--endpoint) need a server: tests/test_push.py runs them against one
    commands = [line for line in lines if line.startswith("kg query ") and "--endpoint" not in line]
    assert len(commands) >= 3
    import shlex

    for command in commands:
        result = run_kg(*shlex.split(command)[1:])
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout.strip(), command


ADVERSARIAL_TEXTS = [
    'say "hi"',
    "back\\slash",
    "two\nlines\r\n",
    "tab\there",
    "\\u0022 is a quote",
    'a\n\\"',
    '"""',
    "} } UNION { ?s ?p ?o } #",
    "é ü 中 😀",
]


@pytest.mark.parametrize("text", ADVERSARIAL_TEXTS)
def test_a_literal_written_into_values_reads_back_as_itself(text: str) -> None:
    """Values are written into the query with every quote, backslash and line break escaped."""
    store = OxigraphEngine(__import__("pyoxigraph").Store())
    for term in (Literal(text), Literal(text, lang="en"), Literal(text, datatype=URIRef("https://example.org/dt"))):
        written, rest = bound_query("SELECT ?x WHERE { }", {"x": term})
        assert rest == {} and "VALUES" in written
        assert store.query("SELECT ?x WHERE { }", {"x": term}).rows == [(term,)]


def test_values_use_full_iris_and_fall_back_to_substitutions() -> None:
    iri = URIRef("https://w3id.org/kerman-kg/id/kerman-bombings")
    written, rest = bound_query("SELECT ?attack WHERE { ?attack ?p ?o }", {"attack": iri})
    assert f"VALUES (?attack) {{ (<{iri}>) }}" in written and rest == {}
    for term in (URIRef('urn:x-kerman-kg:unknown:a>b"c'), URIRef("relative"), BNode("b0")):
        assert sparql_term_text(term) is None
        assert bound_query("SELECT ?x WHERE { ?x ?p ?o }", {"x": term}) == ("SELECT ?x WHERE { ?x ?p ?o }", {"x": term})
    assert bound_query("DESCRIBE ?x", {"x": iri}) == ("DESCRIBE ?x", {"x": iri})  # no WHERE group


def test_written_values_ignore_the_querys_own_prefixes(oxigraph: OxigraphEngine) -> None:
    text = "PREFIX kgd: <https://example.org/other/>\nSELECT ?label WHERE { ?attack rdfs:label ?label }"
    result = oxigraph.query(text, {"attack": URIRef("https://w3id.org/kerman-kg/id/kerman-bombings")})
    assert [str(row[0]) for row in result.rows] == ["2024 Kerman bombings"]


def test_a_query_that_binds_its_parameter_itself_still_runs(oxigraph: OxigraphEngine) -> None:
    text = "SELECT ?x WHERE { BIND(kgd:iran AS ?x) }"
    assert oxigraph.query(text, {"x": URIRef("https://w3id.org/kerman-kg/id/iran")}).rows == [
        (URIRef("https://w3id.org/kerman-kg/id/iran"),)
    ]


def test_a_syntax_error_names_the_line_of_the_text_as_written(oxigraph: OxigraphEngine) -> None:
    from kg.sparql.engine import QuerySyntaxError

    with pytest.raises(QuerySyntaxError, match=r"\b4:2\b"):  # the closing brace, as the user wrote it
        oxigraph.query("SELECT ?x WHERE {\n  ?x ?p ?o .\n  ?x ?p \n}", {"x": URIRef("https://example.org/x")})


def test_unbound_literal_round_trip() -> None:
    """Literals keep their datatype across the engines' term conversions."""
    from kg.sparql.engine import to_oxigraph, to_rdflib

    for term in (
        Literal(84),
        Literal("2024-01-03", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
        Literal("Iran", lang="en"),
        Literal("plain"),
        URIRef("https://w3id.org/kerman-kg/id/iran"),
    ):
        assert to_rdflib(to_oxigraph(term)) == term


def test_the_cache_key_changes_with_the_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A cached build made by other code (an edited kg/curation/annotations.py, say) is not reused."""
    from kg.sparql import engine

    data = tmp_path / "data.nq"
    data.write_text("", encoding="utf-8")
    before = engine.inputs_digest([data], "salt")
    assert engine.code_digest() == engine.code_digest() and len(engine.code_digest()) == 64
    monkeypatch.setattr(engine, "code_digest", lambda: "0" * 64)
    assert engine.inputs_digest([data], "salt") != before
