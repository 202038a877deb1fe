"""kg serve: the SPARQL endpoint, the named queries, linked data and the safety limits.

Most tests run against a live ``python -m kg serve`` on a free loopback port (two servers: one with the
default limits, one with tight ones), with real clients: SPARQLWrapper and httpx, and rdflib's result
parsers. Every request has a timeout, and the servers are always stopped by their fixtures.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from listeners import Listener
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.tsvresults import TSVResultParser
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser

from kg.sparql.engine import OxigraphEngine, open_engine
from kg.sparql.querycheck import inspect_query
from kg.sparql.querying import run
from kg.sparql.querylib import library
from kg.web import pages, urls
from kg.web.negotiation import choose, negotiate
from kg.web.workers.jobs import GRAPH_FORMATS, SELECT_FORMATS

KGD = "https://w3id.org/kerman-kg/id/"
KGG = "https://w3id.org/kerman-kg/graph/"
ARTICLE = "001_159c79e2a15fef9d"
HEAVY_SORT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
HEAVY_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LABEL_QUERY = "SELECT ?label WHERE { kgd:kerman-bombings rdfs:label ?label }"
STARTUP = 300.0  # the first start may build the store, on a busy machine
TIMEOUT = 30.0  # any single request


# ----------------------------------------------------------------------- servers


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return httpx.get(self.url + path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return httpx.post(self.url + path, **kwargs)

    def sparql(self, query: str, accept: str | None = None, **params: Any) -> httpx.Response:
        headers = {"Accept": accept} if accept else {}
        return self.post("/sparql", data={"query": query, **params}, headers=headers)

    def wait_idle(self, workers: int, within: float = 120.0) -> None:
        """Wait until the server has this many idle workers (after a worker was replaced)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.get("/status").json()["workers"]["idle"] >= workers:
                return
            time.sleep(0.2)
        pytest.fail(f"the server did not get {workers} idle workers within {within} s\n{self.log.read_text()}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(folder: Path, *args: str) -> Iterator[Server]:
    """Run kg serve with these options until the generator is closed."""
    port = free_port()
    log = folder / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            if process.poll() is not None:
                pytest.fail(f"kg serve exited with {process.returncode}:\n{log.read_text()}")
            try:
                if server.get("/status", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"kg serve did not answer within {STARTUP} s:\n{log.read_text()}")
            time.sleep(0.3)
        server.wait_idle(int(args[args.index("--workers") + 1]) if "--workers" in args else 2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def server(private_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """kg serve with its default limits (10 s, 1024 MB per worker, 10000 rows, 2 workers)."""
    yield from start(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def limited(private_cache: Path, tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Server]:
    """kg serve with a 2 s time limit, room in memory to reach it, 100 rows at most, and CORS for one origin."""
    yield from start(
        tmp_path_factory.mktemp("serve-limited"),
        "--timeout",
        "2",
        "--memory-mb",
        "4096",
        "--max-rows",
        "100",
        "--workers",
        "2",
        "--cors",
        "http://localhost:9999",
    )


@pytest.fixture(scope="module")
def engine(server: Server) -> OxigraphEngine:
    """kg query's engine over the same (cached) store."""
    return open_engine()[0]


# ------------------------------------------------------------------ answers as rows


def json_rows(body: bytes, variables: list[str]) -> list[tuple[Any, ...]]:
    result = JSONResultParser().parse(io.BytesIO(body))
    return [tuple(row.get(_var(v)) for v in variables) for row in result.bindings]


def xml_rows(body: bytes, variables: list[str]) -> list[tuple[Any, ...]]:
    result = XMLResultParser().parse(io.BytesIO(body))
    return [tuple(row.get(_var(v)) for v in variables) for row in result.bindings]


def tsv_rows(body: bytes, variables: list[str]) -> list[tuple[Any, ...]]:
    result = TSVResultParser().parse(io.StringIO(body.decode("utf-8")))
    return [tuple(row.get(_var(v)) for v in variables) for row in result.bindings]


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def _var(name: str) -> Any:
    from rdflib import Variable

    return Variable(name)


# -------------------------------------------------------------------- the protocol


def test_binds_loopback_by_default(server: Server) -> None:
    from kg.cli import _parser
    from kg.web.options import ServeOptions

    assert _parser().parse_args(["serve"]).host == "127.0.0.1"
    assert ServeOptions().host == "127.0.0.1"
    assert f"kg serve: listening on {server.url}/" in server.log.read_text()


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_select_ask_construct(server: Server) -> None:
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(server.url + "/sparql")
    client.setTimeout(int(TIMEOUT))
    client.setQuery(LABEL_QUERY)
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert isinstance(answer, dict)
    assert [b["label"]["value"] for b in answer["results"]["bindings"]] == ["2024 Kerman bombings"]

    client.setReturnFormat(XML)
    document = client.query().convert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert literals == ["2024 Kerman bombings"]

    client.setQuery("ASK { kgd:kerman-bombings a kgo:Attack }")
    client.setReturnFormat(JSON)
    ask = client.query().convert()
    assert isinstance(ask, dict) and ask["boolean"] is True

    client.setQuery("CONSTRUCT { kgd:kerman-bombings rdfs:label ?l } WHERE { kgd:kerman-bombings rdfs:label ?l }")
    client.setReturnFormat(XML)  # RDF/XML for a graph
    graph = client.query().convert()
    assert isinstance(graph, Graph)
    assert (URIRef(KGD + "kerman-bombings"), None, None) in graph
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    assert isinstance(turtle, bytes)
    assert (URIRef(KGD + "kerman-bombings"), None, None) in Graph().parse(data=turtle, format="turtle")


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("claims-of-responsibility", {"attack": "2024 Kerman bombings"}),
        ("casualty-figures", {"attack": "kgd:kerman-bombings"}),
    ],
)
def test_every_select_format_gives_kg_querys_rows(
    server: Server, engine: OxigraphEngine, name: str, params: dict[str, str]
) -> None:
    expected, _ = run(engine, name, params)
    assert expected.rows, "the named query should answer something"
    variables = expected.variables
    for accept, content_type, parse in (
        ("application/sparql-results+json", "application/sparql-results+json", json_rows),
        ("application/sparql-results+xml", "application/sparql-results+xml", xml_rows),
        ("text/tab-separated-values", "text/tab-separated-values", tsv_rows),
    ):
        answer = server.get(f"/queries/{name}", params=params, headers={"Accept": accept})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == content_type
        assert parse(answer.content, variables) == expected.rows, accept
    answer = server.get(f"/queries/{name}", params=params, headers={"Accept": "text/csv"})
    assert answer.headers["content-type"].split(";")[0] == "text/csv"
    rows = csv_rows(answer.content)
    assert rows[0] == variables
    assert rows[1:] == [["" if v is None else str(v) for v in row] for row in expected.rows]


def test_sparql_accept_types(server: Server, engine: OxigraphEngine) -> None:
    query = "SELECT ?article ?title WHERE { ?article a kgo:Article ; dcterms:title ?title } ORDER BY ?article ?title"
    expected = engine.query(query)
    assert len(expected.rows) >= 5
    for accept, parse in (
        ("application/sparql-results+json", json_rows),
        ("application/sparql-results+xml", xml_rows),
        ("text/tab-separated-values", tsv_rows),
    ):
        answer = server.get("/sparql", params={"query": query}, headers={"Accept": accept})
        assert answer.status_code == 200
        assert answer.headers["content-type"].split(";")[0] == accept
        assert parse(answer.content, expected.variables) == expected.rows
    answer = server.sparql(query, "text/csv")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_rows(answer.content)[1:] == [[str(a), str(t)] for a, t in expected.rows]


def test_accept_q_values_and_format_parameter(server: Server) -> None:
    answer = server.sparql("ASK {}", "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1")
    assert answer.headers["content-type"].startswith("application/sparql-results+xml")
    answer = server.sparql("ASK {}", "application/sparql-results+json;q=0, */*")
    assert not answer.headers["content-type"].startswith("application/sparql-results+json")
    for fmt, content_type in (("json", "application/sparql-results+json"), ("tsv", "text/tab-separated-values")):
        answer = server.get("/sparql", params={"query": "ASK {}", "format": fmt}, headers={"Accept": "text/csv"})
        assert answer.headers["content-type"].startswith(content_type)
    answer = server.get("/sparql", params={"query": "ASK {}", "format": "yaml"})
    assert answer.status_code == 400
    assert "unknown format" in answer.text


def test_construct_rdf_formats(server: Server, engine: OxigraphEngine) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH kgg:registry { ?s ?p ?o } }"
    expected = engine.query(query).graph
    assert expected is not None and len(expected) > 100
    for accept, rdflib_format in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        answer = server.sparql(query, accept)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == accept
        graph = Graph().parse(data=answer.text, format=rdflib_format)
        assert set(graph) == set(expected), accept
        if rdflib_format == "json-ld":
            assert not remote_contexts(json.loads(answer.text))


def remote_contexts(document: Any) -> list[str]:
    """Every @context given by reference (a URL a reader would fetch) in a JSON-LD document."""
    found: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "@context":
                found += [c for c in (value if isinstance(value, list) else [value]) if isinstance(c, str)]
            found += remote_contexts(value)
    elif isinstance(document, list):
        for item in document:
            found += remote_contexts(item)
    return found


def test_unacceptable_type_is_406(server: Server) -> None:
    answer = server.sparql(LABEL_QUERY, "image/png")
    assert answer.status_code == 406
    assert "application/sparql-results+json" in answer.text
    answer = server.sparql("CONSTRUCT WHERE { ?s a kgo:Attack }", "image/png")
    assert answer.status_code == 406
    assert "text/turtle" in answer.text
    answer = server.get("/id/kerman-bombings", headers={"Accept": "image/png"}, follow_redirects=False)
    assert answer.status_code == 406


def test_a_results_type_alone_gets_the_default_rdf_format(server: Server) -> None:
    """A CONSTRUCT asked for with only result types is Turtle; a SELECT asked for with only RDF types, JSON."""
    for accept in ("text/csv", "application/sparql-results+json"):
        answer = server.sparql("CONSTRUCT WHERE { ?s a kgo:Attack }", accept)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/turtle")
        assert len(Graph().parse(data=answer.text, format="turtle")) > 0
    answer = server.sparql(LABEL_QUERY, "text/turtle")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    assert answer.json()["results"]["bindings"]


def test_get_post_form_and_query_body(server: Server) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    by_get = server.get("/sparql", params={"query": LABEL_QUERY}, headers=accept)
    by_form = server.post("/sparql", data={"query": LABEL_QUERY}, headers=accept)
    by_body = server.post(
        "/sparql", content=LABEL_QUERY.encode(), headers={**accept, "Content-Type": "application/sparql-query"}
    )
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert by_get.json() == by_form.json() == by_body.json()
    assert by_get.json()["results"]["bindings"][0]["label"]["value"] == "2024 Kerman bombings"
    assert server.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    huge = "ASK {} #" + "x" * (1024 * 1024 + 1)
    too_big = server.post("/sparql", content=huge.encode(), headers={"Content-Type": "application/sparql-query"})
    assert too_big.status_code == 413


def test_dataset_selection(server: Server, engine: OxigraphEngine) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    in_registry = int(str(engine.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgg:registry { ?s ?p ?o } }").rows[0][0]))
    everything = int(str(engine.query(count).rows[0][0]))
    assert 0 < in_registry < everything

    def n(answer: httpx.Response) -> int:
        assert answer.status_code == 200, answer.text
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    assert n(server.sparql(count)) == everything  # the union of all graphs by default
    assert n(server.sparql(count, **{"default-graph-uri": KGG + "registry"})) == in_registry
    assert n(server.sparql(f"SELECT (COUNT(*) AS ?n) FROM <{KGG}registry> WHERE {{ ?s ?p ?o }}")) == in_registry
    graphs = server.sparql(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": KGG + f"article/{ARTICLE}"}
    ).json()["results"]["bindings"]
    assert [b["g"]["value"] for b in graphs] == [KGG + f"article/{ARTICLE}"]
    by_name = server.sparql(f"ASK {{ GRAPH <{KGG}article/{ARTICLE}> {{ ?claim a kgo:ClaimOfResponsibility }} }}")
    assert by_name.json()["boolean"] is True


# ----------------------------------------------------------------- named queries


def test_named_query_list(server: Server) -> None:
    answer = server.get("/queries")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    listed = {q["name"] for q in answer.json()["queries"]}
    assert listed == set(library())
    html = server.get("/queries", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "claims-of-responsibility" in html.text


def test_named_query_runs_with_parameters(server: Server) -> None:
    answer = server.get(
        "/queries/claims-of-responsibility",
        params={"attack": "2024 Kerman bombings"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200
    bindings = answer.json()["results"]["bindings"]
    assert bindings
    assert {b["attack"]["value"] for b in bindings} == {KGD + "kerman-bombings"}
    page = server.get("/queries/claims-of-responsibility", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Islamic State" in page.text


def test_named_query_errors(server: Server) -> None:
    unknown = server.get("/queries/claims-of-responsibilty")
    assert unknown.status_code == 404
    assert "claims-of-responsibility" in unknown.text  # the close match
    bad_param = server.get("/queries/claims-of-responsibility", params={"atack": "x"})
    assert bad_param.status_code == 400
    assert "attack" in bad_param.text
    missing = server.get("/queries/actor-statements")  # actor is required
    assert missing.status_code == 400
    note = server.get("/queries/actor-statements", params={"actor": "Nobody Here At All"})
    assert note.status_code == 200
    assert "Nobody Here At All" in note.headers["kg-note"]


def test_named_query_pages(server: Server, engine: OxigraphEngine) -> None:
    """?limit=&offset= read a page; the Link header leads through the pages to the whole answer, in order."""
    params = {"article": f"kgd:article/{ARTICLE}"}
    expected, _ = run(engine, "article-facts", params)
    variables = list(expected.variables)
    whole = server.get("/queries/article-facts", params=params)  # the default page holds all of it
    assert whole.status_code == 200 and "link" not in whole.headers
    assert len(json_rows(whole.content, variables)) == len(expected.rows) > 20
    rows: list[tuple[Any, ...]] = []
    url = f"/queries/article-facts?article=kgd:article/{ARTICLE}&limit=20"
    for _ in range(10):
        page = server.get(url)
        assert page.status_code == 200, page.text
        rows += json_rows(page.content, variables)
        if "link" not in page.headers:
            break
        assert "more rows follow" in page.headers["kg-note"]
        match = re.fullmatch(r'<(/queries/article-facts\?[^>]+)>; rel="next"', page.headers["link"])
        assert match, page.headers["link"]
        url = match.group(1)
    assert rows == json_rows(whole.content, variables)
    html = server.get("/queries/article-facts", params={**params, "limit": "5"}, headers={"Accept": "text/html"})
    assert html.status_code == 200 and "more rows follow" in html.text


def test_named_query_bad_pages_are_400(server: Server, limited: Server) -> None:
    for params in ({"limit": "0"}, {"limit": "ten"}, {"offset": "-1"}, {"limit": "10001"}):
        answer = server.get("/queries/positions", params=params)
        assert answer.status_code == 400, params
        assert next(iter(params)) in answer.text
    twice = server.get("/queries/positions?limit=2&limit=3")
    assert twice.status_code == 400 and "twice" in twice.text
    graph = server.get("/queries/entity-card", params={"entity": "IRGC", "limit": "2"})
    assert graph.status_code == 400 and "SELECT" in graph.text
    assert limited.get("/queries/positions", params={"limit": "101"}).status_code == 400  # --max-rows 100
    default = limited.get("/queries/positions", headers={"Accept": "text/csv"})
    assert default.status_code == 200 and len(csv_rows(default.content)) <= 101


def test_named_construct_query(server: Server, engine: OxigraphEngine) -> None:
    expected, _ = run(engine, "entity-card", {"entity": "IRGC"})
    answer = server.get("/queries/entity-card", params={"entity": "IRGC"}, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    assert expected.graph is not None
    assert set(Graph().parse(data=answer.text, format="turtle")) == set(expected.graph)


# ------------------------------------------------------------------- linked data


def test_entity_dereferences_to_html_page(server: Server) -> None:
    answer = server.get("/id/kerman-bombings", headers={"Accept": "text/html"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/page/kerman-bombings"
    assert answer.headers["vary"] == "Accept"
    page = server.get(answer.headers["location"])
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>2024 Kerman bombings</h1>" in page.text
    assert "Content-Security-Policy" in page.headers
    assert 'href="/id/iran"' in page.text  # statements link to the local URL of minted IRIs
    browser = server.get("/id/kerman-bombings", headers={"Accept": "text/html,*/*;q=0.8"}, follow_redirects=True)
    assert "2024 Kerman bombings" in browser.text


@pytest.mark.parametrize(
    ("accept", "extension", "rdflib_format"),
    [
        ("text/turtle", "ttl", "turtle"),
        ("application/ld+json", "jsonld", "json-ld"),
        ("application/n-triples", "nt", "nt"),
        ("application/rdf+xml", "rdf", "xml"),
    ],
)
def test_entity_dereferences_to_data(server: Server, accept: str, extension: str, rdflib_format: str) -> None:
    answer = server.get("/id/kerman-bombings", headers={"Accept": accept}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/data/kerman-bombings.{extension}"
    data = server.get(answer.headers["location"])
    assert data.status_code == 200
    assert data.headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=data.text, format=rdflib_format)
    bombings = URIRef(KGD + "kerman-bombings")
    assert (bombings, None, None) in graph
    assert (None, None, bombings) in graph
    assert Literal("2024 Kerman bombings", lang="en") in set(graph.objects(bombings, None))


def test_article_derived_node_shows_its_quote(server: Server, engine: OxigraphEngine) -> None:
    node = f"article/{ARTICLE}/isis-claim"
    quotes = engine.query(f"SELECT ?q WHERE {{ <{KGD}{node}> kgo:evidence/nif:anchorOf ?q }}").rows
    assert quotes
    page = server.get(f"/id/{node}", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200
    for (quote,) in quotes:
        assert pages.esc(str(quote)) in page.text
    assert f'href="/id/article/{ARTICLE}"' in page.text
    article = server.get(f"/id/article/{ARTICLE}", headers={"Accept": "text/html"}, follow_redirects=True)
    assert article.status_code == 200
    assert "Islamic State claims responsibility for explosions in Iran" in article.text
    assert "Telegram" in article.text  # the article's text


def test_graphs_and_ontology_dereference(server: Server) -> None:
    graph = server.get("/graph/registry", headers={"Accept": "text/html"}, follow_redirects=False)
    assert graph.headers["location"] == "/page/graph/registry"
    assert "2024 Kerman bombings" in server.get("/page/graph/registry").text
    ontology = server.get("/ontology", headers={"Accept": "text/html"}, follow_redirects=False)
    assert ontology.headers["location"] == "/page/ontology"
    assert 'id="ClaimOfResponsibility"' in server.get("/page/ontology").text
    turtle = server.get("/ontology", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert (None, None, URIRef("http://www.w3.org/2002/07/owl#Class")) in Graph().parse(data=turtle.text)


def test_unknown_iri_is_404(server: Server) -> None:
    assert server.get("/id/no-such-thing", follow_redirects=False).status_code == 404
    assert server.get("/page/no-such-thing").status_code == 404
    assert server.get("/data/no-such-thing.ttl").status_code == 404
    assert server.get("/data/kerman-bombings.exe").status_code == 404


def test_index_lists_the_named_queries(server: Server) -> None:
    index = server.get("/")
    assert index.status_code == 200
    assert 'id="query-page"' in index.text
    for name, query in library().items():
        if not query.is_check:
            assert f'href="/queries/{name}"' in index.text
    assert server.get("/static/kg.css").status_code == 200


def test_query_page_and_named_query_text(server: Server, engine: OxigraphEngine) -> None:
    """The query page's HTML (its browser side is tests/test_browser.py) and the text it loads as examples."""
    for path in ("/", "/sparql"):
        page = server.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert 'id="query-page"' in page.text and '<form id="query-form" method="get" action="/sparql">' in page.text
        csp = page.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "connect-src 'self';" in csp and "unsafe" not in csp
        scripts = re.findall(r"<script\b[^>]*>", page.text)
        assert len(scripts) >= 2 and all(re.search(r'src="/static/[^"]+\.js"', s) for s in scripts), scripts
        assert 'value="/queries/claims-of-responsibility?format=sparql"' in page.text
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
            assert server.get(asset).status_code == 200, asset
    listing = {q["name"]: q for q in server.get("/queries").json()["queries"]}
    assert listing["actor-statements"]["sparql"] == "/queries/actor-statements?format=sparql"

    text = server.get("/queries/actor-statements?format=sparql")  # required actor: the header's example
    assert text.status_code == 200
    assert text.headers["content-type"] == "application/sparql-query"
    assert "VALUES ?actor { kgd:" in text.text
    rows = server.sparql(text.text, format="json").json()["results"]["bindings"]
    expected, _ = run(engine, "actor-statements", {"actor": "Ebrahim Raisi"})
    assert len(rows) == len(expected.rows) > 0
    given = server.get(
        "/queries/claims-of-responsibility", params={"attack": "IRGC"}, headers={"Accept": "application/sparql-query"}
    )
    assert "VALUES ?attack { kgd:irgc }" in given.text
    assert server.get("/queries/entity-card?format=sparql").text.startswith("# name: entity-card")
    assert server.get("/queries/no-such-query?format=sparql").status_code == 404


# ---------------------------------------------------------------------- safety


def test_update_is_refused(server: Server) -> None:
    insert = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    assert server.post("/sparql", data={"update": insert}).status_code == 403
    body = server.post("/sparql", content=insert.encode(), headers={"Content-Type": "application/sparql-update"})
    assert body.status_code == 403
    as_query = server.sparql(insert)
    assert as_query.status_code == 403
    assert "read-only" in as_query.text
    for update in ("PREFIX x: <urn:x:> DELETE WHERE { ?s ?p ?o }", "LOAD <file:///etc/passwd>", "CLEAR ALL"):
        assert server.sparql(update).status_code == 403, update
    assert server.sparql("ASK { <urn:x:a> ?p ?o }").json()["boolean"] is False
    assert server.sparql("ASK { ?s ?p ?o }").json()["boolean"] is True


def test_service_makes_no_request(server: Server) -> None:
    listener = Listener()
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ service silent <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}",
            f"ASK {{ ?s ?p ?o OPTIONAL {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?q ?r }} }} }}",
        ):
            answer = server.sparql(query)
            assert answer.status_code == 400, query
            assert "SERVICE" in answer.text
        dataset = server.sparql(f"SELECT * FROM <http://127.0.0.1:{listener.port}/data.ttl> WHERE {{ ?s ?p ?o }}")
        assert dataset.status_code == 200
        assert dataset.json()["results"]["bindings"] == []
    finally:
        connections = listener.close(wait=1.0)
    assert connections == []
    # the word itself, as a variable or in a string, is fine
    assert server.sparql('SELECT ?service WHERE { BIND("SERVICE" AS ?service) }').status_code == 200


def test_workers_refuse_service_and_updates_themselves(server: Server) -> None:
    """The workers check again, whoever sends them a job."""
    from kg.sparql.engine import store_path
    from kg.web.workers.executor import Executor
    from kg.web.workers.jobs import Limits, QueryJob

    executor = Executor(str(store_path()[0]), Limits(10, 1024, 100))
    listener = Listener()
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"
        assert executor.run(QueryJob(query, negotiate(None, []))).status == 400
        assert executor.run(QueryJob("CLEAR ALL", negotiate(None, []))).status == 403
    finally:
        connections = listener.close(wait=0.5)
    assert connections == []


def test_from_reads_no_file(server: Server) -> None:
    for query in (
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ):
        answer = server.sparql(query, "application/sparql-results+json, text/turtle")
        assert answer.status_code == 200, answer.text
        assert "root:" not in answer.text
        if "CONSTRUCT" not in query:
            assert answer.json()["results"]["bindings"] == []
    answer = server.sparql("SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": "file:///etc/passwd"})
    assert answer.status_code == 200
    assert "root:" not in answer.text


def test_malformed_query_is_400_with_position(server: Server) -> None:
    answer = server.sparql("SELECT * WHERE { ?s ?p ?o")
    assert answer.status_code == 400
    assert "syntax error" in answer.text
    assert re.search(r"\b\d+:\d+\b", answer.text)
    assert "Traceback" not in answer.text
    assert answer.headers["content-type"].startswith("text/plain")


@pytest.fixture(scope="module")
def memory_capped(private_cache: Path, tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Server]:
    """kg serve with the default memory cap and time enough to reach it on a busy machine."""
    yield from start(tmp_path_factory.mktemp("serve-memory"), "--timeout", "300", "--memory-mb", "1024")


def test_memory_limit_stops_a_query(memory_capped: Server) -> None:
    answer = memory_capped.post("/sparql", data={"query": HEAVY_SORT}, timeout=320)
    assert answer.status_code == 503
    assert "memory limit of 1024 MB" in answer.text
    assert memory_capped.sparql("ASK { ?s ?p ?o }").json()["boolean"] is True
    memory_capped.wait_idle(2)


def test_result_size_limit(limited: Server) -> None:
    too_many = limited.sparql("SELECT * WHERE { ?s ?p ?o }")
    assert too_many.status_code == 413
    assert "100" in too_many.text
    assert limited.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 100").status_code == 200
    assert limited.get("/data/kerman-bombings.ttl").status_code == 413  # over 100 triples about it


def test_time_limit_stops_a_heavy_query_while_others_are_served(limited: Server) -> None:
    limited.wait_idle(2)
    heavy: dict[str, Any] = {}

    def send_heavy() -> None:
        started = time.monotonic()
        heavy["answer"] = limited.sparql(HEAVY_SORT)
        heavy["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=send_heavy)
    thread.start()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        cheap = limited.sparql("ASK { kgd:kerman-bombings a kgo:Attack }", timeout=5)
        cheap_seconds = time.monotonic() - started
    finally:
        thread.join(TIMEOUT)
    assert cheap.status_code == 200
    assert cheap.json()["boolean"] is True
    assert cheap_seconds < 1.0, cheap_seconds
    answer = heavy["answer"]
    assert answer.status_code == 503, answer.text
    assert "time limit of 2 s" in answer.text
    assert 1.8 <= heavy["seconds"] <= 8, heavy["seconds"]


def test_time_limit_stops_an_aggregate_and_the_server_recovers(limited: Server) -> None:
    started = time.monotonic()
    answer = limited.sparql(HEAVY_COUNT)
    assert answer.status_code == 503
    assert "time limit of 2 s" in answer.text
    assert time.monotonic() - started <= 8
    for _ in range(5):
        assert limited.sparql("ASK { ?s ?p ?o }").status_code == 200
    limited.wait_idle(2)  # the killed worker was replaced
    assert limited.get("/status").json()["workers"]["running"] == 2


def test_cors_only_when_asked(server: Server, limited: Server) -> None:
    origin = {"Origin": "http://localhost:9999"}
    allowed = limited.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:9999"
    default = server.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert "access-control-allow-origin" not in default.headers


# ------------------------------------------------------------------ in-process


def test_internal_errors_are_plain_500(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import asyncio

    from kg.web.options import ServeOptions
    from kg.web.serve import create_app
    from kg.web.workers.pool import WorkerPool

    async def explode(self: WorkerPool, job: object, **_: object) -> object:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(WorkerPool, "run", explode)
    app = create_app(ServeOptions(store=tmp_path))

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get("/sparql", params={"query": "ASK {}"})

    answer = asyncio.run(ask())
    assert answer.status_code == 500
    assert answer.text == "internal error: the server could not answer this request\n"
    assert "Traceback" not in answer.text and "secret" not in answer.text


def test_inspect_query() -> None:
    assert inspect_query("PREFIX x: <urn:x#> # SELECT\nSELECT * WHERE { ?s ?p ?o }").kind == "select"
    assert inspect_query("BASE <http://a/> CONSTRUCT WHERE { ?s ?p ?o }").kind == "graph"
    assert inspect_query("insert data { <a:b> <a:c> <a:d> }").update
    assert inspect_query("PREFIX ex: <http://ex/> DELETE WHERE { ?s ?p ?o }").update
    assert not inspect_query("SELECT * WHERE { ?s ?p ?o }").update
    assert inspect_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }").service
    assert inspect_query("select * where { service<http://x/>{ ?s ?p ?o } }").service
    assert not inspect_query('SELECT ?service WHERE { ?s ex:SERVICE "SERVICE" } # SERVICE').service
    assert not inspect_query("SELECT * WHERE { ?s <http://x/SERVICE> ?o }").service
    # an escaped '#' in a prefixed name does not start a comment that would hide the keyword
    assert inspect_query(r"SELECT * WHERE { ?s ex:a\#b ?o OPTIONAL { SERVICE <http://x/> { ?s ?p ?o } } }").service
    assert inspect_query("SELECT * WHERE { ?s ex:a\\'b ?o . SERVICE <http://x/> { ?s ?p ?o } } #'").service
    assert inspect_query("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }").dataset
    assert not inspect_query("SELECT ?from WHERE { ?s ?p ?from }").dataset


def test_negotiation() -> None:
    json_, xml_, csv_, tsv_ = SELECT_FORMATS
    assert choose(None, SELECT_FORMATS) is json_
    assert choose("*/*", SELECT_FORMATS) is json_
    assert choose("text/*", SELECT_FORMATS) is csv_
    assert choose("text/csv;q=0.4, text/tab-separated-values;q=0.6", SELECT_FORMATS) is tsv_
    assert choose("application/xml", SELECT_FORMATS) is xml_
    assert choose("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", SELECT_FORMATS) is xml_
    assert choose("image/png", SELECT_FORMATS) is None
    assert choose("text/csv;q=0", SELECT_FORMATS) is None
    assert choose("application/json", GRAPH_FORMATS) is GRAPH_FORMATS[1]
    formats = negotiate(None, ["json"])
    assert formats.select is json_ and formats.graph is not None and formats.graph.name == "jsonld"
    formats = negotiate(None, ["csv"])
    assert formats.select is csv_ and formats.graph is None


def test_pages_escape_everything() -> None:
    evil = pages.Term("literal", '<script>alert("x")</script>')
    assert "<script>" not in pages.term_html(evil)
    assert 'href="javascript' not in pages.term_html(pages.Term("iri", "javascript:alert(1)"))
    assert pages.term_html(pages.Term("iri", KGD + "a", label="<b>")) == (
        f'<a href="/id/a" title="{KGD}a">&lt;b&gt;</a>'
    )
    view = pages.ResourceView(iri=KGD + "x", label='"><img src=x>', aliases=["<i>"], comments=["&"])
    html = pages.resource_page(view)
    assert "<img" not in html and "<i>" not in html
    assert urls.local_url(KGD + "kerman-bombings") == "/id/kerman-bombings"
    assert urls.local_url("https://w3id.org/kerman-kg/ontology#Bombing") == "/ontology#Bombing"
    assert urls.page_url(KGG + "registry") == "/page/graph/registry"
    assert urls.iri_of_document("graph/registry") == KGG + "registry"
    assert urls.iri_of_document("article/a/b") == KGD + "article/a/b"
    assert json.loads(json.dumps(urls.DATA_EXTENSIONS))["turtle"] == "ttl"
