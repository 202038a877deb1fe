"""The W3C SPARQL query-evaluation tests (a sample, in tests/w3c/) run through ``kg query``.

The cases are the entries of the manifests under ``tests/w3c/sparql/*/*/`` (rdf-tests' own layout;
``tests/w3c/README.md`` says which tests were sampled and why): each a query, files for the default graph
(``qt:data``) and for named graphs (``qt:graphData``), and the expected result. The files go into one
N-Quads dataset: ``qt:data`` into the default graph, each ``qt:graphData`` into a named graph called by the
file's IRI as the manifest resolves it (``file:///.../ng-01.ttl``). The query runs with its own file's IRI
as the base, so a relative IRI in it (``GRAPH <ng-01.ttl>``, ``FROM <data.ttl>``) names that graph::

    kg query QUERY.rq --data DATA.nq --no-union --base QUERY-IRI --format json|tsv|csv|nt

``--no-union`` makes the default graph the data's own default graph, as SPARQL's dataset has it, not the
union of all graphs that ``kg query`` gives by default. ``kg query`` reads no file a FROM or FROM NAMED
names (it picks graphs of its data), so the files a query names so go into the dataset as named graphs
too: the SPARQL 1.0 dataset tests give their data only this way. Every case runs in process
(``kg.cli.main``, about a tenth of a second each); a few also run as a real ``python -m kg`` process, all
of them in the slow run, which also runs the cases the default run leaves out (:data:`DEFAULT_RUN`).

Answers are compared as the W3C suites say: solutions as multisets, blank nodes matched up to renaming, and
in order only where the query's outermost ORDER BY fixes it (on its keys); an ASK's boolean; a graph by
isomorphism (:mod:`rdflib.compare`). Expected results are read with rdflib's parsers (SPARQL XML, JSON,
TSV, CSV) or, for Turtle, as a graph or a ``rs:ResultSet``. Two relaxations, both about literals:
``xsd:string`` literals count as plain ones (RDF 1.1 makes them the same), and numbers and booleans
compare by datatype and value (Oxigraph stores them as values and gives back the canonical form:
``"1.0"^^xsd:decimal`` comes back as ``"1"^^xsd:decimal``).
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef, Variable
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.results.csvresults import CSVResultParser
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.tsvresults import TSVResultParser
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser
from rdflib.query import Result as QueryResult
from rdflib.term import Node

W3C = Path(__file__).resolve().parent / "w3c"
SPARQL = W3C / "sparql"
#: the protocol suite, which tests/test_w3c_protocol.py runs
NOT_EVALUATION = {SPARQL / "sparql11" / "protocol"}
#: a FROM or FROM NAMED clause of a query, with the IRI it names
FROM = re.compile(r"\bFROM\s+(?:NAMED\s+)?<([^>]*)>", re.IGNORECASE)
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
#: the entry types this file runs; an entry of any other type in the sample is a failing case
RUNS = {MF.QueryEvaluationTest, MF.CSVResultFormatTest}
#: expected-result suffix -> kg query's --format for the answer (graphs are always read as N-Triples)
FORMAT_FOR = {".srx": "json", ".srj": "json", ".tsv": "tsv", ".csv": "csv", ".ttl": "json", ".rdf": "json"}
GRAPH_FORMATS = {".ttl": "turtle", ".rdf": "xml", ".nt": "nt"}
DATA_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".rdf": ox.RdfFormat.RDF_XML, ".nt": ox.RdfFormat.N_TRIPLES}

#: cases that fail for a known reason: case id -> the reason (strict: a case that starts passing fails)
KNOWN_FAILURES: dict[str, str] = {
    "sparql11/aggregates/agg-empty-group-count-graph": (
        "Oxigraph 0.5 answers GRAPH ?g { SELECT (COUNT(*) AS ?c) ... } with one row without ?g instead of one "
        "row per named graph (upstream: oxigraph/oxigraph#1758 makes GRAPH conformant)"
    ),
    "sparql11/bindings/graph": (
        "Oxigraph 0.5 lets a VALUES inside GRAPH ?g { ... } bind ?g, instead of joining each named graph's name "
        "with the VALUES rows (upstream: oxigraph/oxigraph#1758)"
    ),
    "sparql11/functions/bnode01": (
        "Oxigraph 0.5's BNODE(str) labels the blank node with the string, so one string gives the same blank node "
        "in every solution, where SPARQL 1.1 wants a new one for each solution"
    ),
    "sparql11/negation/graph-minus": (
        "Oxigraph 0.5 takes the variable of an outer GRAPH ?g as shared by both sides of MINUS, so MINUS removes "
        "the row (upstream: oxigraph/oxigraph#1804)"
    ),
    "sparql11/property-path/zero_or_more_set_start": (
        "Oxigraph 0.5 gives no zero-length match for ?s :p* :o when :o is in no triple of the data "
        "(upstream: oxigraph/oxigraph#1815)"
    ),
}
#: cases of the default run, in process: one or two of each folder, and most of those that name graphs or resolve
#: relative IRIs (FROM, FROM NAMED, GRAPH <file>, qt:graphData); the slow run adds the rest of the sample
DEFAULT_RUN = {
    "sparql11/aggregates/agg01",
    "sparql11/aggregates/agg-empty-group-count-1",
    "sparql11/bind/bind01",
    "sparql11/bindings/values1",
    "sparql11/cast/cast-int",
    "sparql11/construct/constructwhere01",
    "sparql11/construct/constructwhere04",
    "sparql11/csv-tsv-res/csv01",
    "sparql11/csv-tsv-res/tsv01",
    "sparql11/exists/exists03",
    "sparql11/exists/exists-graph-variable",
    "sparql11/functions/iri01",
    "sparql11/grouping/group01",
    "sparql11/json-res/jsonres03",
    "sparql11/negation/subset-by-exclusion-nex-1",
    "sparql11/project-expression/projexp04",
    "sparql11/property-path/pp06",
    "sparql11/property-path/pp34",
    "sparql11/property-path/pp35",
    "sparql11/subquery/subquery01",
    "sparql11/subquery/subquery12",
    "sparql10/dataset/dawg-dataset-05",
    "sparql10/dataset/dawg-dataset-12b",
}
#: cases also run as a real ``python -m kg query`` process in the default run (the slow run runs every case so):
#: a relative IRI resolved against --base, the data's own default graph (--no-union), FROM with a graph answer
CLI_SMOKE = {"sparql11/property-path/pp34", "sparql11/exists/exists03", "sparql11/construct/constructwhere04"}


# ------------------------------------------------------------------------------------------ the cases


@dataclass(frozen=True)
class Case:
    """One manifest entry: what to run and what it should answer."""

    id: str
    kind: URIRef
    query: Path
    data: tuple[Path, ...]
    graph_data: tuple[tuple[str, Path], ...]
    result: Path

    @property
    def base(self) -> str:
        return self.query.as_uri()

    @property
    def read_with_from(self) -> tuple[tuple[str, Path], ...]:
        """The files of the suite the query names with FROM or FROM NAMED, by their IRIs.

        ``kg query`` reads no files for FROM (it picks graphs of the data), so these go into the dataset
        as named graphs: the older tests give a query's data only this way.
        """
        named = {urljoin(self.base, iri) for iri in FROM.findall(self.query.read_text(encoding="utf-8"))}
        return tuple(sorted((iri, local_path(iri)) for iri in named if iri.startswith("file:")))

    @property
    def graphs(self) -> tuple[tuple[str, Path], ...]:
        """Every named graph of the case's dataset: its qt:graphData and the files it reads with FROM."""
        return tuple(sorted(set(self.graph_data) | set(self.read_with_from)))


def local_path(iri: object) -> Path:
    """The file a file: IRI of the manifest names."""
    parsed = urlparse(str(iri))
    assert parsed.scheme == "file", f"{iri} is not a file of the copied suite"
    return Path(unquote(parsed.path))


def manifest_cases(manifest: Path) -> list[Case]:
    """The entries of one manifest, in its order."""
    graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    (root,) = graph.subjects(RDF.type, MF.Manifest)
    head = graph.value(root, MF.entries)
    assert head is not None, f"{manifest} has no mf:entries"
    cases = []
    for entry in Collection(graph, head):
        action = graph.value(entry, MF.action)
        query = graph.value(action, QT.query) if action is not None else None
        result = graph.value(entry, MF.result)
        cases.append(
            Case(
                id=f"{manifest.parent.parent.name}/{manifest.parent.name}/{str(entry).rsplit('#', 1)[-1]}",
                kind=URIRef(str(graph.value(entry, RDF.type))),
                query=local_path(query) if query is not None else manifest,
                data=tuple(sorted(local_path(d) for d in graph.objects(action, QT.data))),
                graph_data=tuple(sorted((str(g), local_path(g)) for g in graph.objects(action, QT.graphData))),
                result=local_path(result) if result is not None else manifest,
            )
        )
    return cases


def manifests() -> list[Path]:
    return sorted(path for path in SPARQL.glob("*/*/manifest.ttl") if path.parent not in NOT_EVALUATION)


CASES = [case for manifest in manifests() for case in manifest_cases(manifest)]


def listed_sample() -> dict[str, list[str]]:
    """The sample tests/w3c/refresh.py copies (its SAMPLE table)."""
    spec = importlib.util.spec_from_file_location("w3c_refresh", W3C / "refresh.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.SAMPLE)


def test_the_copied_sample_is_the_listed_one() -> None:
    copied: dict[str, list[str]] = {}
    for case in CASES:
        folder, name = case.id.rsplit("/", 1)
        copied.setdefault(folder, []).append(name)
    sample = listed_sample()
    assert sum(len(names) for names in sample.values()) >= 40
    assert {folder: sorted(names) for folder, names in copied.items()} == {
        folder: sorted(names) for folder, names in sample.items()
    }
    assert len(CASES) == sum(len(names) for names in sample.values())


def test_known_failures_name_sampled_cases() -> None:
    ids = {case.id for case in CASES}
    assert not set(KNOWN_FAILURES) - ids, "KNOWN_FAILURES names cases that are not in the sample"
    assert DEFAULT_RUN <= ids and CLI_SMOKE <= ids
    assert not (DEFAULT_RUN | CLI_SMOKE) & set(KNOWN_FAILURES), "the default run should show what works"


def test_every_file_a_case_names_is_there() -> None:
    assert CASES, f"no cases under {SPARQL}"
    for case in CASES:
        for path in (case.query, case.result, *case.data, *(path for _, path in case.graphs)):
            assert path.is_file(), f"{case.id}: {path} is missing"


# ------------------------------------------------------------------------------------ the answers


@dataclass
class Answer:
    """A query's answer read back: a table (variables and rows), a boolean or a graph."""

    variables: list[str] | None = None
    rows: list[dict[str, Node]] | None = None
    boolean: bool | None = None
    graph: Graph | None = None


#: datatypes whose literals compare by value: Oxigraph keeps numbers and booleans as values, so a
#: literal comes back in its canonical form ("1.0"^^xsd:decimal as "1"^^xsd:decimal, the same value)
BY_VALUE = {
    XSD[name]
    for name in (
        "boolean decimal float double integer nonPositiveInteger negativeInteger long int short byte "
        "nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger"
    ).split()
}


def comparable(term: Node) -> Node:
    """A term as the comparison sees it: xsd:string literals as plain ones (the same literal in RDF 1.1),
    and a well-formed number or boolean as the canonical form of its value (see :data:`BY_VALUE`)."""
    if not isinstance(term, Literal) or term.datatype is None:
        return term
    if term.datatype == XSD.string:
        return Literal(str(term))
    if term.datatype in BY_VALUE and term.ill_typed is False:
        value = term.toPython()
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, Decimal):
            text = format(value.normalize(), "f")
        elif isinstance(value, float):
            text = repr(value)
        else:
            text = str(int(value))
        return Literal(text, datatype=term.datatype, normalize=False)
    return term


def from_result(result: QueryResult) -> Answer:
    """An rdflib query result (as its result parsers give it) as an Answer."""
    if result.type == "ASK":
        return Answer(boolean=bool(result.askAnswer))
    variables = [str(v) for v in result.vars or []]
    rows = [{str(k): comparable(v) for k, v in row.items() if v is not None} for row in result.bindings]
    return Answer(variables=variables, rows=rows)


def result_set(graph: Graph) -> Answer | None:
    """A ``rs:ResultSet`` written in RDF (the older DAWG form), ordered by ``rs:index`` when it has one."""
    root = graph.value(predicate=RDF.type, object=RS.ResultSet)
    if root is None:
        return None
    boolean = graph.value(root, RS.boolean)
    if isinstance(boolean, Literal):
        return Answer(boolean=bool(boolean.toPython()))
    variables = sorted(str(v) for v in graph.objects(root, RS.resultVariable))
    solutions = []
    for solution in graph.objects(root, RS.solution):
        row = {}
        for binding in graph.objects(solution, RS.binding):
            value = graph.value(binding, RS.value)
            if value is not None:
                row[str(graph.value(binding, RS.variable))] = comparable(value)
        index = graph.value(solution, RS["index"])  # RS.index would be str.index
        solutions.append((int(index) if isinstance(index, Literal) else 0, row))
    return Answer(variables=variables, rows=[row for _, row in sorted(solutions, key=lambda pair: pair[0])])


def comparable_graph(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        out.add((s, p, comparable(o)))
    return out


def expected_answer(case: Case) -> Answer:
    path, suffix = case.result, case.result.suffix
    if suffix == ".srx":
        return from_result(XMLResultParser().parse(path.open("rb")))
    if suffix == ".srj":
        return from_result(JSONResultParser().parse(path.open("rb")))
    if suffix == ".tsv":
        return from_result(TSVResultParser().parse(io.StringIO(path.read_text(encoding="utf-8"))))
    if suffix == ".csv":
        return from_result(CSVResultParser().parse(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    graph = Graph().parse(path, format=GRAPH_FORMATS[suffix], publicID=path.as_uri())
    return result_set(graph) or Answer(graph=comparable_graph(graph))


def output_format(case: Case, expected: Answer) -> str:
    return "nt" if expected.graph is not None else FORMAT_FOR[case.result.suffix]


def read_output(text: str, fmt: str) -> Answer:
    if fmt == "json":
        return from_result(JSONResultParser().parse(io.StringIO(text)))
    if fmt == "tsv":
        return from_result(TSVResultParser().parse(io.StringIO(text)))
    if fmt == "csv":
        return from_result(CSVResultParser().parse(io.StringIO(text, newline="")))
    return Answer(graph=comparable_graph(Graph().parse(data=text, format="nt")))


# ------------------------------------------------------------------------------- the comparison


def _masked(row: dict[str, Node]) -> frozenset[tuple[str, Node | str]]:
    return frozenset((k, "_:" if isinstance(v, BNode) else v) for k, v in row.items())


def _unify(expected: dict[str, Node], actual: dict[str, Node], mapping: dict[Node, Node]) -> dict[Node, Node] | None:
    """The bnode mapping extended so that the expected row renames to the actual one; None when it cannot."""
    extended = dict(mapping)
    for key, value in expected.items():
        if isinstance(value, BNode):
            mapped = extended.setdefault(value, actual[key])
            if mapped != actual[key]:
                return None
    targets = list(extended.values())
    return extended if len(set(targets)) == len(targets) else None


def same_solutions(expected: list[dict[str, Node]], actual: list[dict[str, Node]]) -> bool:
    """Whether the two multisets of solutions are equal up to a renaming of blank nodes."""
    if Counter(map(_masked, expected)) != Counter(map(_masked, actual)):
        return False
    with_bnodes = [row for row in expected if any(isinstance(v, BNode) for v in row.values())]
    candidates = [row for row in actual if any(isinstance(v, BNode) for v in row.values())]
    used = [False] * len(candidates)

    def search(at: int, mapping: dict[Node, Node]) -> bool:
        if at == len(with_bnodes):
            return True
        for index, row in enumerate(candidates):
            if used[index] or _masked(row) != _masked(with_bnodes[at]):
                continue
            extended = _unify(with_bnodes[at], row, mapping)
            if extended is None:
                continue
            used[index] = True
            if search(at + 1, extended):
                return True
            used[index] = False
        return False

    return search(0, {})


def order_keys(case: Case) -> list[str]:
    """The variables the query's outermost ORDER BY sorts on first: its keys up to the first that is not a
    variable; none when it has no ORDER BY.

    rdflib's algebra puts that ORDER BY under the query's Slice, Distinct, Reduced and Project; an
    ORDER BY inside a subquery does not order the answer.
    """
    text = case.query.read_text(encoding="utf-8")
    if not re.search(r"ORDER\s+BY", text, re.IGNORECASE):
        return []
    node = translateQuery(parseQuery(text), base=case.base).algebra
    while getattr(node, "name", None) in {"SelectQuery", "Slice", "Distinct", "Reduced", "Project", "ToMultiSet"}:
        node = node.get("p")
    if getattr(node, "name", None) != "OrderBy":
        return []
    keys = []
    for condition in node["expr"]:
        expr = condition.get("expr", condition) if hasattr(condition, "get") else condition
        if not isinstance(expr, Variable):
            break
        keys.append(str(expr))
    return keys


def compare(case: Case, expected: Answer, actual: Answer) -> None:
    if expected.boolean is not None:
        assert actual.boolean == expected.boolean, f"{case.id}: ASK answered {actual.boolean}"
        return
    if expected.graph is not None:
        assert actual.graph is not None, f"{case.id}: no graph in the answer"
        assert isomorphic(expected.graph, actual.graph), (
            f"{case.id}: the graph differs\nexpected:\n{expected.graph.serialize(format='nt')}\n"
            f"got:\n{actual.graph.serialize(format='nt')}"
        )
        return
    assert actual.rows is not None and expected.rows is not None, f"{case.id}: no table in the answer"
    assert set(actual.variables or []) == set(expected.variables or []), f"{case.id}: other variables"
    assert same_solutions(expected.rows, actual.rows), (
        f"{case.id}: the solutions differ\nexpected: {expected.rows}\ngot:      {actual.rows}"
    )
    keys = order_keys(case)
    shown = keys[: next((i for i, key in enumerate(keys) if key not in (expected.variables or [])), len(keys))]
    if shown:  # the rows must come in the order of the keys the answer shows, up to the first it does not

        def sequence(rows: list[dict[str, Node]]) -> list[tuple[Node | str | None, ...]]:
            return [tuple("_:" if isinstance(row.get(k), BNode) else row.get(k) for k in shown) for row in rows]

        assert sequence(actual.rows) == sequence(expected.rows), f"{case.id}: not in the order of {' '.join(shown)}"


# ---------------------------------------------------------------------------------- running kg


def write_dataset(case: Case, folder: Path) -> Path:
    """The case's data as one N-Quads file: qt:data in the default graph, each qt:graphData in its named graph.

    The files are read with Oxigraph's parsers (literals keep their lexical form), each with its own IRI as
    the base and its blank nodes renamed, so two files never share one.
    """

    def quads(path: Path, graph: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
        triples = ox.parse(
            path=str(path), format=DATA_FORMATS[path.suffix], base_iri=path.as_uri(), rename_blank_nodes=True
        )
        for triple in triples:
            yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)

    everything: list[ox.Quad] = []
    for path in case.data:
        everything += quads(path, ox.DefaultGraph())
    for name, path in case.graphs:
        everything += quads(path, ox.NamedNode(name))
    target = folder / "dataset.nq"
    target.write_bytes(ox.serialize(everything, format=ox.RdfFormat.N_QUADS) or b"")
    return target


def query_args(case: Case, dataset: Path, fmt: str) -> list[str]:
    return ["query", str(case.query), "--data", str(dataset), "--no-union", "--base", case.base, "--format", fmt]


def kg_in_process(args: list[str]) -> tuple[int, str, str]:
    """kg's command line run in this process: exit status, standard output and standard error."""
    from kg.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(args)
        except SystemExit as exit_:  # argparse's usage errors
            status = exit_.code if isinstance(exit_.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def kg_subprocess(args: list[str]) -> tuple[int, str, str]:
    """``python -m kg`` run as its own process."""
    done = subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )
    return done.returncode, done.stdout, done.stderr


def check(case: Case, folder: Path, run: Callable[[list[str]], tuple[int, str, str]]) -> None:
    if case.kind not in RUNS:
        pytest.fail(f"{case.id}: no runner for a {case.kind} (this file runs {sorted(RUNS)})")
    expected = expected_answer(case)
    fmt = output_format(case, expected)
    status, out, err = run(query_args(case, write_dataset(case, folder), fmt))
    assert status == 0, f"{case.id}: kg query exited with {status}:\n{err}"
    compare(case, expected, read_output(out, fmt))


def test_the_flags_the_cases_need(tmp_path: Path) -> None:
    """What every case relies on, alone: --no-union queries the data's own default graph, and only it;
    --base resolves the query's relative IRIs."""
    data = tmp_path / "data.nq"
    data.write_text("<urn:s> <urn:p> <urn:in-default> .\n<urn:s> <urn:p> <urn:in-named> <urn:g> .\n", encoding="utf-8")
    query = tmp_path / "objects.rq"
    query.write_text("SELECT ?o (<relative> AS ?iri) WHERE { ?s ?p ?o }", encoding="utf-8")
    base = "http://example.org/base/"
    status, out, err = kg_in_process(
        ["query", str(query), "--data", str(data), "--no-union", "--base", base, "--format", "json"]
    )
    assert status == 0, err
    answer = read_output(out, "json")
    assert answer.rows == [{"o": URIRef("urn:in-default"), "iri": URIRef(base + "relative")}], (
        "kg query --data FILE --no-union must query the file's own default graph (and resolve <relative> against "
        f"--base); it answered {answer.rows}"
    )


def params(in_default_run: Callable[[Case], bool]) -> Sequence[object]:
    out = []
    for case in CASES:
        marks: list[pytest.MarkDecorator] = []
        if case.id in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case.id]))
        if not in_default_run(case):
            marks.append(pytest.mark.slow)
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out


@pytest.mark.parametrize("case", params(lambda case: case.id in DEFAULT_RUN))
def test_w3c_query_evaluation(case: Case, tmp_path: Path) -> None:
    check(case, tmp_path, kg_in_process)


@pytest.mark.parametrize("case", params(lambda case: case.id in CLI_SMOKE))
def test_w3c_query_evaluation_as_a_process(case: Case, tmp_path: Path) -> None:
    check(case, tmp_path, kg_subprocess)
