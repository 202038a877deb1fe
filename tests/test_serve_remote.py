"""kg serve --endpoint: the endpoint, the named queries and the linked-data pages in front of a remote store.

One Oxigraph server (``tests/stores.py``) holds the session's build, pushed with ``kg push``; between it and
``kg serve --endpoint`` sits a recording proxy (:class:`RecordingProxy`) that forwards every request and
keeps what it carried, so the tests can show what reached the store and what did not, and can make the
store fail on demand. The answers are compared with the same worker code (:class:`kg.web.workers.executor.Executor`)
over the local build, so nothing here depends on what the corpus holds: the entity and the queries are
picked from the build itself. The server runs with a user and ``$KG_STORE_PASSWORD`` set, which Oxigraph
server ignores: the password must reach the store and appear nowhere else.
"""

from __future__ import annotations

import contextlib
import gc
import html
import json
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import stores
from conftest import started
from listeners import Listener
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from test_push import Stub
from test_serve import Server, json_rows, start

from kg.cli import main
from kg.sparql.engine import store_path
from kg.sparql.querylib import library
from kg.web import urls
from kg.web.negotiation import negotiate
from kg.web.workers.executor import Executor
from kg.web.workers.jobs import GRAPH_FORMATS, Limits, NamedQueryJob, QueryJob, ResourceJob

SECRET = "remote-store-secret-5f1c"
USER = "kg-reader"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


# ----------------------------------------------------------------------- the store


class RecordingProxy:
    """An HTTP proxy in front of one store URL that records each request's form fields and Authorization header,
    and, while ``broken`` is set, answers 500 itself instead of forwarding."""

    def __init__(self, target: str) -> None:
        self.forms: list[dict[str, list[str]]] = []
        self.authorizations: list[str] = []
        self.broken = False
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.forms.append(parse_qs(body.decode("utf-8"), keep_blank_values=True))
                proxy.authorizations.append(self.headers.get("Authorization", ""))
                if proxy.broken:
                    status, media_type, content = 500, "text/plain", b"the disk is on fire\n"
                else:
                    headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
                    upstream = httpx.post(target, content=body, headers=headers, timeout=30)
                    status, content = upstream.status_code, upstream.content
                    media_type = upstream.headers.get("content-type", "application/octet-stream")
                self.send_response(status)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/query"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def queries(self) -> list[str]:
        """The query texts that reached the store."""
        return [q for form in self.forms for q in form.get("query", [])]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Remote:
    """kg serve in front of the store, the proxy before the store, and the worker code over the local build."""

    server: Server
    proxy: RecordingProxy
    local: Executor


@pytest.fixture(scope="module")
def remote(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with ExitStack() as stack:
        store = started(stack, stores.oxigraph_server(tmp_path_factory.mktemp("oxigraph")))
        assert main(["push", "--store", store.store]) == 0
        proxy = RecordingProxy(store.query)
        stack.callback(proxy.close)
        folder = tmp_path_factory.mktemp("serve-remote")
        args = ("--endpoint", proxy.url, "--user", USER, "--workers", "1", "--fast-workers", "1")
        with pytest.MonkeyPatch.context() as patch:  # the password for the server's environment only
            patch.setenv("KG_STORE_PASSWORD", SECRET)
            server = stack.enter_context(contextlib.contextmanager(start)(folder, *args))
        local = Executor(str(store_path()[0]), Limits(30, 4096, 10000))
        yield Remote(server, proxy, local)


def local_json(local: Executor, job: Any) -> Any:
    reply = local.run(job)
    gc.collect()  # Oxigraph's answers must be dropped on this thread, not by a collection on the proxy's
    assert reply.status == 200, reply.body
    return json.loads(reply.body)


def a_labelled_entity(local: Executor) -> tuple[str, str]:
    """An entity of the build with an rdfs:label: its IRI and the label (the first in IRI order)."""
    query = "SELECT ?e ?label WHERE { ?e rdfs:label ?label FILTER(STRSTARTS(STR(?e), STR(kgd:))) } ORDER BY ?e LIMIT 1"
    rows = local_json(local, QueryJob(query, negotiate(None, [])))["results"]["bindings"]
    assert rows, "the build has no labelled entity"
    return rows[0]["e"]["value"], rows[0]["label"]["value"]


def no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text


# ------------------------------------------------------------------ what it serves


def test_named_queries_answer_as_over_the_build(remote: Remote) -> None:
    before = len(remote.proxy.forms)
    plain = [q for q in library().values() if not q.is_check and not any(p.required for p in q.parameters)]
    assert plain, "the library has no query without required parameters"
    for named in plain[:3]:
        answer = remote.server.get(f"/queries/{named.name}", headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text
        expected = local_json(remote.local, NamedQueryJob(named.name, (), negotiate("application/json", [])))
        assert answer.json() == expected, named.name
    # a page of rows, with the link to the next; and the same rows in HTML
    named = plain[0]
    everything = local_json(remote.local, NamedQueryJob(named.name, (), negotiate(None, [])))
    variables = everything["head"]["vars"]
    if len(everything["results"]["bindings"]) >= 3:
        page = remote.server.get(f"/queries/{named.name}", params={"limit": 1, "offset": 1, "format": "json"})
        assert page.status_code == 200
        assert page.json()["results"]["bindings"] == everything["results"]["bindings"][1:2]
        assert 'rel="next"' in page.headers["link"]
        assert json_rows(page.content, variables)
    html = remote.server.get(f"/queries/{named.name}", headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    # what reached the store is self-contained: standard SPARQL that declares every prefix it uses
    sent = set(remote.proxy.queries()[before:])
    assert sent
    for query in sent:
        prepareQuery(query)


def test_entity_parameters_resolve_through_the_stores_labels(remote: Remote) -> None:
    iri, label = a_labelled_entity(remote.local)
    card = next((q for q in library().values() if any(p.kind == "entity" for p in q.parameters)), None)
    assert card is not None, "the library has no query with an entity parameter"
    param = next(p.name for p in card.parameters if p.kind == "entity")
    answer = remote.server.get(f"/queries/{card.name}", params={param: label, "format": "json"})
    assert answer.status_code == 200, answer.text
    by_iri = remote.server.get(f"/queries/{card.name}", params={param: iri, "format": "json"})
    assert answer.json() == by_iri.json()


def test_sparql_select_ask_and_construct(remote: Remote) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answer = remote.server.sparql(count)
    assert answer.status_code == 200
    assert answer.json() == local_json(remote.local, QueryJob(count, negotiate(None, [])))
    for fmt, media_type in (("xml", "application/sparql-results+xml"), ("csv", "text/csv"), ("tsv", "text/tab")):
        other = remote.server.get("/sparql", params={"query": count, "format": fmt})
        assert other.status_code == 200 and other.headers["content-type"].startswith(media_type)
    assert remote.server.sparql("ASK { ?s ?p ?o }").json()["boolean"] is True
    construct = "CONSTRUCT { ?s rdfs:label ?o } WHERE { ?s rdfs:label ?o }"
    turtle = remote.server.sparql(construct, accept="text/turtle")
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    local = remote.local.run(QueryJob(construct, negotiate("text/turtle", [])))
    assert len(graph) > 0
    assert set(graph) == set(Graph().parse(data=local.body, format="turtle"))


def test_the_requests_dataset_is_forwarded(remote: Remote) -> None:
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    first = local_json(remote.local, QueryJob(graphs, negotiate(None, [])))["results"]["bindings"][0]["g"]["value"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answer = remote.server.sparql(count, **{"default-graph-uri": first})
    assert answer.status_code == 200
    expected = local_json(remote.local, QueryJob(count, negotiate(None, []), union=False, default_graphs=(first,)))
    assert answer.json() == expected
    assert any(form.get("default-graph-uri") == [first] for form in remote.proxy.forms)


def test_resource_page_and_data_document(remote: Remote) -> None:
    iri, label = a_labelled_entity(remote.local)
    page_url = urls.page_url(iri)
    assert page_url is not None
    see_other = remote.server.get(page_url.replace("/page/", "/id/", 1), headers={"Accept": "text/html"})
    assert see_other.status_code == 303 and see_other.headers["location"] == page_url
    page = remote.server.get(page_url)
    assert page.status_code == 200
    assert html.escape(label) in page.text
    local_page = remote.local.run(ResourceJob(iri, "page"))
    assert page.content == local_page.body
    turtle = next(f for f in GRAPH_FORMATS if f.name == "turtle")
    data_url = urls.data_url(iri, "turtle")
    assert data_url is not None
    data = remote.server.get(data_url)
    assert data.status_code == 200
    local_data = remote.local.run(ResourceJob(iri, "data", turtle))
    triples = set(Graph().parse(data=data.text, format="turtle"))
    assert (URIRef(iri), URIRef(RDFS_LABEL), Literal(label, lang="en")) in triples or any(
        s == URIRef(iri) and p == URIRef(RDFS_LABEL) and str(o) == label for s, p, o in triples
    )
    assert triples and triples == set(Graph().parse(data=local_data.body, format="turtle"))
    missing = remote.server.get("/page/no-such-entity-here")
    assert missing.status_code == 404


# ----------------------------------------------------------------------- safety


def test_refused_queries_never_reach_the_store(remote: Remote) -> None:
    listener = Listener()
    before = len(remote.proxy.forms)
    marker = "refused-marker-7d2a"
    try:
        refused = {
            f"SELECT * WHERE {{ SERVICE <{listener.url('/sparql')}> {{ ?s ?p ?{marker.replace('-', '_')} }} }}": 400,
            f'DEFINE input:grab-all "yes" SELECT * WHERE {{ ?s ?p "{marker}" }}': 400,
            f'DEFINE get:soft "replace" SELECT * FROM <{listener.url()}> WHERE {{ ?s ?p "{marker}" }}': 400,
            f'PREFIX bif: <bif:> SELECT (bif:http_get("{listener.url()}") AS ?x) WHERE {{ ?s ?p "{marker}" }}': 400,
            f'SELECT * WHERE {{ ?s ?p "{marker}" '.rstrip(): 400,
            f'INSERT DATA {{ <urn:x:a> <urn:x:b> "{marker}" }}': 403,
            f"CLEAR GRAPH <urn:{marker}>": 403,
        }
        for query, status in refused.items():
            answer = remote.server.sparql(query)
            assert answer.status_code == status, (query, answer.text)
        define = remote.server.sparql('DEFINE input:grab-all "yes" SELECT * {?s ?p ?o}')
        assert "standard SPARQL 1.1" in define.text
        update = remote.server.post(
            "/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}
        )
        assert update.status_code == 403
    finally:
        connections = listener.close(wait=0.5)
    assert connections == []
    reached = [q for q in remote.proxy.queries()[before:] if marker in q or marker.replace("-", "_") in q]
    assert reached == []


def test_status_service_description_and_local_files_say_remote(remote: Remote) -> None:
    status = remote.server.get("/status").json()
    assert status["store"]["kind"] == "remote"
    assert status["workers"]["network_guard"] == "remote"
    assert "SERVICE" in status["store"]["guard"] and "not cut off" in status["store"]["guard"]
    assert "kg serve: in front of the SPARQL store" in remote.server.log.read_text()
    description = remote.server.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200
    assert "/.well-known/void" not in description.text
    for path in ("/.well-known/void", "/dumps/kerman-kg.nq"):
        answer = remote.server.get(path, headers={"Accept": "text/turtle"})
        assert answer.status_code == 404 and "remote SPARQL store" in answer.text


def test_a_failing_store_is_a_502_in_one_line(remote: Remote) -> None:
    remote.proxy.broken = True
    try:
        answer = remote.server.sparql("ASK { ?s ?p ?o }")
        page = remote.server.get("/queries/" + next(iter(library())))
    finally:
        remote.proxy.broken = False
    for failed in (answer, page):
        assert failed.status_code == 502
        assert len(failed.text.strip().splitlines()) == 1
        assert "store" in failed.text and "Traceback" not in failed.text
    assert remote.server.sparql("ASK { ?s ?p ?o }").status_code == 200


def test_a_query_the_store_refuses_is_a_400(remote: Remote) -> None:
    answer = remote.server.sparql("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s")  # rdflib parses it; Oxigraph does not
    assert answer.status_code == 400
    assert "refused" in answer.text


def test_credentials_reach_the_store_and_nothing_else(remote: Remote) -> None:
    assert remote.proxy.authorizations and all(a.startswith("Basic ") for a in remote.proxy.authorizations)
    bodies = [
        remote.server.get("/status").text,
        remote.server.sparql("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s").text,
        remote.server.get("/sparql", headers={"Accept": "text/turtle"}).text,
    ]
    no_secret(*bodies, remote.server.log.read_text())


# ----------------------------------------------------------------- at start


def test_an_unreachable_store_at_start_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    dead = f"http://127.0.0.1:{stores.free_port()}/query"
    assert main(["serve", "--endpoint", dead, "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the store" in err and len(err.strip().splitlines()) == 1


def test_refused_credentials_at_start_are_exit_2_without_the_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_STORE_PASSWORD", SECRET)
    stub = Stub(401)
    try:
        assert main(["serve", "--endpoint", stub.url, "--user", USER, "--port", "0"]) == 2
    finally:
        stub.close()
    out = capsys.readouterr()
    assert "refused the credentials" in out.err
    no_secret(out.out, out.err)
    assert stub.authorizations and stub.authorizations[0].startswith("Basic ")


def test_endpoint_options_are_checked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/query"
    assert main(["serve", "--endpoint", url, "--data", str(tmp_path / "x.trig")]) == 2
    assert "--data" in capsys.readouterr().err
    assert main(["serve", "--endpoint", url, "--build", str(tmp_path)]) == 2
    assert "--build" in capsys.readouterr().err
    assert main(["serve", "--user", USER]) == 2
    assert "go with --endpoint" in capsys.readouterr().err
    assert main(["serve", "--endpoint", f"http://{USER}:{SECRET}@127.0.0.1:9/query"]) == 2
    no_secret(capsys.readouterr().err)
    assert os.environ.get("KG_STORE_PASSWORD") != SECRET  # the module's server had it in its environment only
