"""The named queries are portable: Oxigraph server and Virtuoso give the rows of the embedded engine (issue 15).

Each store (``tests/stores.py``: a private Oxigraph server with its union default graph, and a private
Virtuoso 7.2) gets the build of the embedded corpus by ``kg push`` (:func:`kg.stores.push.push`, with its count
check). Each named query and quality check then runs through :class:`kg.stores.endpoint.RemoteEngine`, the engine of
``kg query NAME --endpoint URL``: the text sent is self-contained (every project prefix it uses declared,
the parameters of its ``# example:``, else its defaults, written in as a ``VALUES`` block), and the
dataset is either the store's default graph (the union of its graphs, as docs/stores.md sets the stores up)
or named by the request, each graph of the build as a ``default-graph-uri`` and a ``named-graph-uri``
(``kg query --default-graph IRI --named-graph IRI``).
The rows must be the embedded engine's, as a multiset of rows whose terms compare by value (IRIs;
literals by lexical form and datatype or language tag; ``xsd:string`` as plain), and in the same order,
since every named query orders its rows completely; a CONSTRUCT's triples must be the same graph.

The checks find nothing on the build, so each is also compared on its ``invalid.ttl`` fixture
(``tests/fixtures/checks/``, read as ``kg validate`` reads it: the file plus the ontology), where it must
find the same violations on both.

A cheaper test only sends each text to run on an empty dataset: it must parse and compile.

Where a store has a bug that no standard rewrite of a query avoids, :data:`STORE_BUGS` names the store,
the query and the bug, and the comparisons are strict xfails: they fail as soon as the store answers
right. The table "Exceptions" of ``queries/README.md`` repeats the list, and a test checks that it does.

The stores start once per store for the module (about 10 s for Virtuoso, which creates its database);
the module is marked slow: ``.ci/run`` runs it, with both stores installed, and fails rather than skips
when one is missing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import stores
from conftest import started
from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kg.pipeline.validationview import check_store
from kg.rdf import iris
from kg.sparql.engine import OxigraphEngine, Result, normalise, open_engine
from kg.sparql.querying import prepare, run
from kg.sparql.querylib import NamedQuery, library
from kg.sparql.querytext import example_params
from kg.stores import push
from kg.stores.endpoint import RemoteEngine
from kg.stores.http import Connection, Credentials

pytestmark = pytest.mark.slow

QUERIES = library()
CHECKS = sorted(name for name, query in QUERIES.items() if query.is_check)
CHECK_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
QUERIES_README = Path(__file__).resolve().parent.parent / "queries" / "README.md"
STORES = ("oxigraph", "virtuoso")
#: (store, query name) -> the store's bug that keeps the query from answering as the embedded engine does, on
#: the build and (a check) on its fixture; keep it short, and repeat it in the table "Exceptions" of
#: queries/README.md
STORE_BUGS: dict[tuple[str, str], str] = {}
#: named queries and checks in the library when this was written: fewer means the library lost some
AT_LEAST = 38
#: a graph that no store holds: a dataset of it alone is empty
EMPTY_GRAPH = "urn:x-kg:test:empty"

#: a term as compared: its kind and lexical form, with datatype and language tag for a literal
Value = tuple[str, ...] | None
#: the canonical form of each lexical form of xsd:boolean
BOOLEANS = {"1": "true", "0": "false"}


@dataclass
class Store:
    """A running store with the build pushed to it."""

    name: str
    graph_store: str  # the Graph Store Protocol URL
    endpoint: str  # the SPARQL query endpoint
    credentials: Credentials
    graphs: list[str]  # the build's graphs

    def engine(self, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> RemoteEngine:
        """The engine of ``kg query --endpoint``, on the store's dataset or on the graphs given."""
        return RemoteEngine(Connection(self.credentials), self.endpoint, True, default_graphs or (), named_graphs or ())

    def put(self, graph: str, data: bytes, media_type: str) -> None:
        user, password = self.credentials.user, self.credentials.password
        auth = httpx.DigestAuth(user, password) if user and password else None
        stores.put_graph(self.graph_store, graph, data, media_type, auth)


@pytest.fixture(scope="module", params=STORES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, build_dir: Path) -> Iterator[Store]:
    """A private store with the build of the embedded corpus pushed to it by kg push (which checks the counts)."""
    folder = tmp_path_factory.mktemp(request.param) / "store"
    with ExitStack() as stack, pytest.MonkeyPatch.context() as env:
        if request.param == "oxigraph":
            oxigraph = started(stack, stores.oxigraph_server(folder))
            running = Store("oxigraph", oxigraph.store, oxigraph.query, Credentials(), [])
        else:
            virtuoso = started(stack, stores.virtuoso(folder))
            user, password = stores.DBA
            env.setenv("KG_STORE_PASSWORD", password)
            running = Store("virtuoso", virtuoso.graph_store, virtuoso.sparql, Credentials(user, password), [])
        pushed = push.push(running.graph_store, build=build_dir, user=running.credentials.user)
        assert pushed.sent and not pushed.mismatches, pushed
        running.graphs = sorted(pushed.graphs)
        yield running


@pytest.fixture(scope="module")
def embedded(build_dir: Path) -> OxigraphEngine:
    return open_engine(build=build_dir)[0]


def ordered(query: NamedQuery) -> bool:
    """Whether the query orders its rows (an ORDER BY outside its comments)."""
    return re.search(r"\bORDER\s+BY\b", re.sub(r"(?m)#.*$", "", query.text), re.IGNORECASE) is not None


def value(term: Node | None) -> Value:
    """A term as it is compared: by kind and lexical form, with datatype or language tag (lower case).

    One canonicalisation: an ``xsd:boolean`` written ``1`` or ``0`` (Virtuoso 7 has no boolean values, and
    writes a boolean so) is ``true`` or ``false``, the same value.
    """
    term = normalise(term)
    if term is None:
        return None
    if isinstance(term, Literal):
        lexical = str(term)
        if term.datatype == XSD.boolean:
            lexical = BOOLEANS.get(lexical, lexical)
        return ("literal", lexical, str(term.datatype or ""), (term.language or "").lower())
    return (type(term).__name__, str(term))


def shown(row: tuple[Value, ...], variables: list[str]) -> str:
    """A compared row for a failure message: its bound columns, each value without its kind."""
    return ", ".join(
        f"{v}={cells[1]}" + (f"^^{cells[2]}" if cells[2:] and cells[2] else "")
        for v, cells in zip(variables, row, strict=True)
        if cells
    )


def normalised(graph: Graph) -> Graph:
    """The graph with xsd:string literals made plain."""
    out = Graph()
    for s, p, o in graph:
        out.add((s, p, normalise(o)))  # type: ignore[arg-type]
    return out


def bug(store: str, name: str) -> pytest.MarkDecorator | None:
    reason = STORE_BUGS.get((store, name))
    return pytest.mark.xfail(strict=True, reason=f"{store}: {reason}") if reason else None


def expect_bug(request: pytest.FixtureRequest, store: Store, name: str) -> None:
    """Mark the test a strict xfail when the store has a documented bug on this query."""
    mark = bug(store.name, name)
    if mark is not None:
        request.applymarker(mark)


def assert_same_rows(name: str, store: str, local: Result, remote: Result, order: bool) -> None:
    """The store's rows are the embedded engine's: the same columns, the same multiset, the same order if ordered."""
    assert remote.kind == local.kind, f"{name}: a {remote.kind} answer on {store}, {local.kind} embedded"
    if local.kind == "graph":
        assert local.graph is not None and remote.graph is not None
        assert len(remote.graph) == len(local.graph) and isomorphic(
            normalised(local.graph), normalised(remote.graph)
        ), f"{name}: {len(local.graph)} triples embedded, {len(remote.graph)} on {store}, not the same graph"
        return
    if local.kind == "ask":
        assert remote.boolean == local.boolean, f"{name}: {remote.boolean} on {store}, {local.boolean} embedded"
        return
    variables = local.variables
    assert remote.variables == variables, f"{name}: columns {remote.variables} on {store}, embedded {variables}"
    here = [tuple(value(t) for t in row) for row in local.rows]
    there = [tuple(value(t) for t in row) for row in remote.rows]
    missing, extra = Counter(here) - Counter(there), Counter(there) - Counter(here)
    lines = [f"  only embedded: {shown(row, variables)}" for row in sorted(missing, key=str)[:5]]
    lines += [f"  only on {store}: {shown(row, variables)}" for row in sorted(extra, key=str)[:5]]
    assert not lines, f"{name}: {len(here)} rows embedded, {len(there)} on {store}\n" + "\n".join(lines)
    if order:
        assert here == there, f"{name}: the same rows in another order on {store}"


# ----------------------------------------------------------------------------- the library


def test_the_whole_library_is_compared() -> None:
    assert len(QUERIES) >= AT_LEAST, f"the library has {len(QUERIES)} queries and checks, fewer than {AT_LEAST}"
    assert len(CHECKS) >= 10, f"only {len(CHECKS)} checks"
    assert {name for _, name in STORE_BUGS} <= set(QUERIES), "an exception names a query that is not in the library"
    assert {store for store, _ in STORE_BUGS} <= set(STORES), "an exception names a store that is not tested"
    assert all((CHECK_FIXTURES / QUERIES[name].name / "invalid.ttl").is_file() for name in CHECKS)


def readme_exceptions() -> dict[tuple[str, str], str]:
    """The rows of the exception table of queries/README.md ("Exceptions"): (store, query) -> bug."""
    text = QUERIES_README.read_text(encoding="utf-8")
    assert "### Exceptions" in text, f"{QUERIES_README} has no Exceptions section"
    rows: dict[tuple[str, str], str] = {}
    for line in text.split("### Exceptions", 1)[1].split("\n## ", 1)[0].splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] != "store" and not set(cells[0]) <= {"-"}:
            rows[(cells[0].casefold(), cells[1])] = cells[2]
    return rows


def test_the_readme_repeats_the_exceptions() -> None:
    assert set(readme_exceptions()) == set(STORE_BUGS)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_self_contained_text_parses_on_the_store(store: Store, embedded: OxigraphEngine, name: str) -> None:
    """The text parses and compiles: it is run on an empty dataset (a graph that does not exist), in no time."""
    prepared = prepare(embedded, name, example_params(QUERIES[name]))
    store.engine([EMPTY_GRAPH]).query(prepared.text, prepared.bindings)


@pytest.mark.parametrize("dataset", ["default graph", "named graphs"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_store_gives_the_embedded_rows(
    request: pytest.FixtureRequest, store: Store, embedded: OxigraphEngine, name: str, dataset: str
) -> None:
    """kg query NAME --endpoint URL, with the store's default graph or with each graph of the build named."""
    expect_bug(request, store, name)
    query = QUERIES[name]
    params = example_params(query)
    local, _ = run(embedded, name, params)
    graphs = store.graphs if dataset == "named graphs" else None
    remote, _ = run(store.engine(graphs, graphs), name, params)
    assert_same_rows(name, store.name, local, remote, ordered(query))


@pytest.mark.parametrize("name", CHECKS)
def test_check_finds_the_same_violations_on_the_store(request: pytest.FixtureRequest, store: Store, name: str) -> None:
    """On its invalid.ttl fixture (the file and the ontology, as kg validate reads them), where it finds something.

    The file is a named graph on both sides, as a store holds it (and as a check that reads the graph names sees it).
    """
    expect_bug(request, store, name)
    query = QUERIES[name]
    fixture = CHECK_FIXTURES / query.name / "invalid.ttl"
    graph = f"https://example.org/kg-test/check/{query.name}"
    data = Dataset()
    data.graph(URIRef(graph)).parse(fixture, format="turtle")
    local = OxigraphEngine(check_store(data)).query(query.text)
    assert local.rows, f"{name}: its invalid.ttl gives no row, so nothing is compared"
    store.put(graph, fixture.read_bytes(), "text/turtle")
    remote = store.engine([graph, str(iris.ONTOLOGY_GRAPH)], [graph]).query(query.text)
    assert_same_rows(name, store.name, local, remote, ordered(query))
