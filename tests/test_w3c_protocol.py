"""The W3C SPARQL 1.1 Protocol tests (``tests/w3c/sparql/sparql11/protocol/manifest.ttl``) against ``kg serve``.

The manifest writes each test as HTTP requests in the W3C HTTP vocabulary (``ht:Request``: the method,
the absolute path with its query string, the headers, the body and its character encoding) and says what
each response must be: ``mf:expectedStatus`` (a class of status codes), ``mf:expectedFormat``
(``"boolean"``, ``"tabular"`` or ``"RDF"``) and ``mf:expectedBoolean``. This file reads the requests
from the manifest, sends them to a live ``kg serve`` (one server for the module, its ``/sparql`` standing
for the manifest's ``/sparql/``) and checks the responses.

``kg serve`` is read-only, so for the update tests it must do other than the manifest says. The table
:data:`VERDICTS` says, for every test of the manifest, what ``kg serve`` must do with it:

``QUERY``
    what the manifest says: the query tests, and the bad-request tests (``bad_*``, updates included),
    whose expected status is a 4xx anyway.
``REFUSED``
    an update the manifest expects to succeed: ``kg serve`` refuses it (403 or 400, never a 2xx), and
    the manifest's follow-up queries, which look for the update's effect, find none (their ASK answers
    false).

A test of the manifest that the table lacks fails, and so does an entry the manifest no longer has, so a
refreshed suite cannot skip a test silently. The server's data are the files the tests name
(``ut:graphData``), each loaded as the named graph the test calls it (its ``rdfs:label``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.plugins.sparql.results.csvresults import CSVResultParser
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.tsvresults import TSVResultParser
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser
from rdflib.query import Result as QueryResult
from rdflib.term import Node
from test_serve import TIMEOUT, Server, start

MANIFEST = Path(__file__).resolve().parent / "w3c" / "sparql" / "sparql11" / "protocol" / "manifest.ttl"
#: the endpoint path every request of the manifest starts with, and kg serve's
MANIFEST_ENDPOINT, ENDPOINT = "/sparql/", "/sparql"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS_CLASSES = "http://www.w3.org/2011/http-statusCodes#StatusCode"

QUERY, REFUSED = "query", "refused"
#: what kg serve must do with each test of the manifest (see the module docstring)
VERDICTS: dict[str, str] = {
    "query_post_form": QUERY,
    "query_dataset_default_graphs_get": QUERY,
    "query_dataset_default_graphs_post": QUERY,
    "query_dataset_named_graphs_post": QUERY,
    "query_dataset_named_graphs_get": QUERY,
    "query_dataset_full": QUERY,
    "query_multiple_dataset": QUERY,
    "query_get": QUERY,
    "query_content_type_select": QUERY,
    "query_content_type_ask": QUERY,
    "query_content_type_describe": QUERY,
    "query_content_type_construct": QUERY,
    "query_post_direct": QUERY,
    "bad_query_method": QUERY,
    "bad_multiple_queries": QUERY,
    "bad_query_wrong_media_type": QUERY,
    "bad_query_missing_form_type": QUERY,
    "bad_query_missing_direct_type": QUERY,
    "bad_query_non_utf8": QUERY,
    "bad_query_syntax": QUERY,
    "update_dataset_default_graph": REFUSED,
    "update_dataset_default_graphs": REFUSED,
    "update_dataset_named_graphs": REFUSED,
    "update_dataset_full": REFUSED,
    "update_post_form": REFUSED,
    "update_post_direct": REFUSED,
    "update_base_uri": REFUSED,
    "bad_update_get": QUERY,
    "bad_multiple_updates": QUERY,
    "bad_update_wrong_media_type": QUERY,
    "bad_update_missing_form_type": QUERY,
    "bad_update_non_utf8": QUERY,
    "bad_update_syntax": QUERY,
    "bad_update_dataset_conflict": QUERY,
}
#: tests kg serve fails for a known reason: test -> the reason (strict: one that starts passing fails)
KNOWN_FAILURES: dict[str, str] = {}
#: the statuses that refuse an update
REFUSALS = {400, 403}

#: the media types of each expected format, as the tests' names list them ("expect one of: XML, JSON"; "XML,
#: JSON, CSV, TSV"; "RDF/XML, Turtle, N-Triples, RDFa", less RDFa, which kg serve does not write), with the
#: rdflib parser of each RDF type
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}
DATA_FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".rdf": ox.RdfFormat.RDF_XML}


# ------------------------------------------------------------------------------------------ the manifest


@dataclass(frozen=True)
class Expected:
    """What a response must be, as the manifest says."""

    status_classes: frozenset[int]
    format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected

    @property
    def content_type(self) -> str:
        types = [value for name, value in self.headers if name.lower() == "content-type"]
        return types[0].split(";")[0].strip().lower() if types else ""

    @property
    def is_update(self) -> bool:
        """Whether the request carries a SPARQL Update (in its query string, form or body)."""
        fields = parse_qsl(urlsplit(self.path).query)
        if self.content_type == "application/x-www-form-urlencoded" and self.body is not None:
            fields += parse_qsl(self.body.decode("utf-8", "replace"))
        return self.content_type == "application/sparql-update" or any(name == "update" for name, _ in fields)


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    requests: tuple[Request, ...]


def _list(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _request(graph: Graph, node: Node) -> Request:
    headers = tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for h in _list(graph, graph.value(node, HT.headers))
    )
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    classes = frozenset(
        int(str(s)[len(STATUS_CLASSES)]) for s in graph.objects(response, MF.expectedStatus) if str(s).endswith("xx")
    )
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        expected=Expected(
            status_classes=classes,
            format=str(expected_format) if expected_format is not None else None,
            boolean=bool(expected_boolean.toPython()) if isinstance(expected_boolean, Literal) else None,
        ),
    )


def manifest_graph() -> Graph:
    return Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())


def protocol_tests(graph: Graph) -> list[ProtocolTest]:
    """The manifest's tests in its order, each with its requests."""
    (root,) = graph.subjects(RDF.type, MF.Manifest)
    tests = []
    for entry in _list(graph, graph.value(root, MF.entries)):
        assert (entry, RDF.type, MF.ProtocolTest) in graph, f"{entry} is not an mf:ProtocolTest"
        connection = graph.value(entry, MF.action)
        requests = tuple(_request(graph, r) for r in _list(graph, graph.value(connection, HT.requests)))
        tests.append(ProtocolTest(str(entry).rsplit("#", 1)[-1], requests))
    return tests


def graph_data(graph: Graph) -> dict[str, Path]:
    """The files the tests name (ut:graphData), by the graph name each test gives it (its rdfs:label)."""
    files: dict[str, Path] = {}
    for data in graph.objects(None, UT.graphData):
        name, file = str(graph.value(data, RDFS.label)), graph.value(data, UT.graph)
        path = Path(unquote(urlsplit(str(file)).path))
        assert files.setdefault(name, path) == path, f"two files are called {name}"
    return files


TESTS = protocol_tests(manifest_graph())


def test_the_manifest_has_the_tests_and_the_table_has_them_all() -> None:
    names = [test.name for test in TESTS]
    assert len(names) >= 30, f"{len(names)} tests in {MANIFEST}"
    assert all(test.requests for test in TESTS)
    assert not [name for name in names if name not in VERDICTS], "tests without a verdict in VERDICTS"
    assert not [name for name in VERDICTS if name not in names], "VERDICTS names tests the manifest does not have"
    assert set(KNOWN_FAILURES) <= set(names)
    for test in TESTS:
        first = test.requests[0]
        assert first.path.startswith(MANIFEST_ENDPOINT), f"{test.name}: {first.path}"
        if VERDICTS[test.name] == REFUSED:
            assert first.is_update, f"{test.name}: a refused test must start with an update"


# ------------------------------------------------------------------------------------------ the server


def write_dataset(files: dict[str, Path], target: Path) -> Path:
    """The tests' files as one N-Quads dataset, each in the named graph the tests call it."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
        for name, path in sorted(files.items())
        for t in ox.parse(path=str(path), format=DATA_FORMATS[path.suffix], base_iri=path.as_uri())
    ]
    target.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return target


@pytest.fixture(scope="module")
def server(private_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """kg serve over the protocol tests' data."""
    folder = tmp_path_factory.mktemp("w3c-protocol")
    files = graph_data(manifest_graph())
    assert files, f"no ut:graphData in {MANIFEST}"
    yield from start(folder, "--data", str(write_dataset(files, folder / "protocol-data.nq")))


# ------------------------------------------------------------------------------------------ the checks


def send(server: Server, request: Request) -> httpx.Response:
    url = server.url + ENDPOINT + request.path[len(MANIFEST_ENDPOINT) :]
    return httpx.request(request.method, url, headers=list(request.headers), content=request.body, timeout=TIMEOUT)


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def results(response: httpx.Response) -> QueryResult:
    """The SPARQL results in a response, read with rdflib's parser for its media type."""
    kind = media_type(response)
    if kind == "application/sparql-results+json":
        return JSONResultParser().parse(io.BytesIO(response.content))
    if kind == "application/sparql-results+xml":
        return XMLResultParser().parse(io.BytesIO(response.content))
    if kind == "text/csv":
        return CSVResultParser().parse(io.StringIO(response.text, newline=""))
    return TSVResultParser().parse(io.StringIO(response.text))


def check_response(label: str, response: httpx.Response, expected: Expected) -> None:
    said = f"{label}: {response.status_code} {media_type(response)}\n{response.text[:500]}"
    assert response.status_code // 100 in expected.status_classes, said
    if expected.format == "boolean":
        assert media_type(response) in BOOLEAN_TYPES, said
        answer = results(response)
        assert answer.type == "ASK", said
        if expected.boolean is not None:
            assert answer.askAnswer is expected.boolean, said
    elif expected.format == "tabular":
        assert media_type(response) in TABULAR_TYPES, said
        answer = results(response)
        assert answer.type == "SELECT" and answer.vars, said
    elif expected.format == "RDF":
        assert media_type(response) in RDF_TYPES, said
        Graph().parse(data=response.text, format=RDF_TYPES[media_type(response)])
    elif expected.format is not None:
        pytest.fail(f"{label}: the manifest expects an unknown format {expected.format!r}")


def params() -> Sequence[object]:
    out = []
    for test in TESTS:
        marks = []
        if test.name in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[test.name]))
        out.append(pytest.param(test, id=test.name, marks=marks))
    return out


@pytest.mark.parametrize("test", params())
def test_w3c_protocol(server: Server, test: ProtocolTest) -> None:
    verdict = VERDICTS.get(test.name)
    assert verdict is not None, f"{test.name}: no verdict in VERDICTS; say what kg serve must do with it"
    for number, request in enumerate(test.requests, start=1):
        label = f"{test.name}, request {number} ({request.method} {request.path[:80]})"
        response = send(server, request)
        if verdict == QUERY:
            check_response(label, response, request.expected)
        elif request.is_update:
            assert response.status_code in REFUSALS, f"{label}: {response.status_code}, not refused\n{response.text}"
        else:  # a follow-up query that looks for the refused update's effect
            check_response(label, response, Expected(frozenset({2}), "boolean", False))
