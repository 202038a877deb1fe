"""Queries that must not run, and bad requests: refused on the parsed query, with a 4xx or a clear CLI error.

The SERVICE corpus holds the obfuscations a reviewer would try (escapes inside IRIs that fooled the old
token scanner, comments, case, prefixed names, variables, nesting, subqueries, OPTIONAL, EXISTS, MINUS,
GRAPH, every query form). Each is sent to a live ``kg serve`` by GET, POST form and POST body, and run
through ``kg query``'s code, while a listener on a loopback port counts the connections it receives: 0.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from listeners import Listener
from rdflib import Graph, Literal, Namespace, URIRef
from test_serve import TIMEOUT, Server, start

from kg.sparql.engine import open_engine
from kg.sparql.querycheck import MAX_DEPTH, NO_SERVICE, QueryRefused, check_query, inspect_query, tokens
from kg.sparql.querying import run

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")

#: ways to write a SERVICE; URL stands for the listener's address
SERVICE_FORMS = (
    "SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } }",
    "select * where { service <URL> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE SILENT <URL> { ?s ?p ?o } }",
    "SELECT * WHERE {SERVICE<URL>{}}",
    r"SELECT * WHERE { BIND(<x:\u0041#> AS ?z) SERVICE <URL> {} }",
    r"SELECT * WHERE { BIND(<x:\U00000041#> AS ?z) SERVICE <URL> {} }",
    r"SELECT * WHERE { BIND(<x:a\u0023> AS ?z) SERVICE <URL> {} }",
    'SELECT * WHERE { BIND("\\" # not a comment" AS ?q) SERVICE <URL> {} }',
    "SELECT * WHERE { BIND('''it''s''' AS ?q) SERVICE <URL> {} }",
    "SELECT * WHERE { ?s ?p ?o # a comment\n SERVICE <URL> { ?a ?b ?c } }",
    "PREFIX remote: <URL> SELECT * WHERE { SERVICE remote:x { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?endpoint { <URL> } SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <URL> { ?s ?q ?r } } } LIMIT 1",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <URL> { ?s ?p ?o } } }",
    "SELECT * WHERE { { } UNION { SERVICE <URL> { } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <URL> { ?s ?p ?o } } } LIMIT 1",
    "SELECT * WHERE { SERVICE <URL> { SERVICE <URL> { ?s ?p ?o } } }",
    "SELECT * WHERE { GRAPH ?g { SERVICE <URL> { } } }",
    "ASK { SERVICE <URL> { } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <URL> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <URL> { ?s ?p ?o } }",
)
#: queries that mention the word but have no SERVICE pattern: they run
HARMLESS = (
    'SELECT ?service WHERE { ?service ?p "SERVICE" } LIMIT 1',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://127.0.0.1/>",
)
ESCAPED_IRI = r"SELECT ?z WHERE { BIND(<x:\u0041#> AS ?z) }"


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def guarded(private_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """kg serve with its default limits."""
    yield from start(tmp_path_factory.mktemp("serve-guard"))


# ------------------------------------------------------------------- reading the text


def test_an_escape_inside_an_iri_does_not_end_it() -> None:
    kinds = [(t.kind, t.text) for t in tokens(ESCAPED_IRI)]
    assert ("iri", r"<x:\u0041#>") in kinds
    assert not any(kind == "comment" for kind, _ in kinds)
    assert inspect_query(SERVICE_FORMS[4].replace("URL", "http://x/")).service


@pytest.mark.parametrize("form", SERVICE_FORMS)
def test_every_service_form_is_refused_by_the_check(form: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query(form.replace("URL", "http://127.0.0.1:9/sparql"))
    assert refused.value.status == 400
    assert str(refused.value) == NO_SERVICE


@pytest.mark.parametrize("query", HARMLESS)
def test_a_query_that_only_mentions_service_passes(query: str) -> None:
    assert check_query(query).kind == "select"


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    ok = "SELECT * WHERE " + "{ " * MAX_DEPTH + "?s ?p ?o" + " }" * MAX_DEPTH
    assert check_query(ok).depth == MAX_DEPTH
    deep = "SELECT * WHERE " + "{ " * (MAX_DEPTH + 1) + "?s ?p ?o" + " }" * (MAX_DEPTH + 1)
    with pytest.raises(QueryRefused, match=f"{MAX_DEPTH + 1} deep"):
        check_query(deep)
    with pytest.raises(QueryRefused, match="deep"):
        check_query("ASK { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }")


def test_updates_are_refused_with_403() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert refused.value.status == 403


# ------------------------------------------------------------------------ kg query


def test_kg_query_code_makes_no_request(listener: Listener) -> None:
    engine = open_engine()[0]
    for form in SERVICE_FORMS:
        with pytest.raises(QueryRefused):
            run(engine, form.replace("URL", listener.url("/sparql")))
    assert listener.accepted == 0


def _kg_query(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", "query", "-", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_kg_query_bad_queries_are_clear_errors(private_cache: Path, listener: Listener) -> None:
    deep = "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000
    cases = {
        deep: "at most 64 levels",
        SERVICE_FORMS[4].replace("URL", listener.url("/sparql")): "SERVICE is not allowed",
        "SELECT (<http://example.org/f>(1) AS ?x) {}": "cannot be evaluated",
    }
    for query, message in cases.items():
        done = _kg_query(query)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr
        assert "Traceback" not in done.stderr
    assert listener.accepted == 0
    named = subprocess.run(
        [sys.executable, "-m", "kg", "query", "attributions", "--param", "attack=<script>"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert named.returncode == 2
    assert "not a valid absolute IRI" in named.stderr


def test_kg_query_resolves_relative_iris_against_a_base(private_cache: Path, tmp_path: Path) -> None:
    query = tmp_path / "relative.rq"
    query.write_text("CONSTRUCT { <s> <p> 1 } WHERE {}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kg", "query", str(query), "--format", "nt"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"<{(tmp_path / 's').as_uri()}>" in done.stdout
    based = _kg_query("CONSTRUCT { <s> <p> 1 } WHERE {}", "--base", "http://example.org/a/", "--format", "nt")
    assert based.returncode == 0, based.stderr
    assert "<http://example.org/a/s> <http://example.org/a/p>" in based.stdout


# --------------------------------------------------------------------------- kg serve


def test_the_server_refuses_every_service_form(guarded: Server, listener: Listener) -> None:
    for form in SERVICE_FORMS:
        query = form.replace("URL", listener.url("/sparql"))
        answers = [
            guarded.get("/sparql", params={"query": query}),
            guarded.post("/sparql", data={"query": query}),
            guarded.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
        ]
        for answer in answers:
            assert answer.status_code == 400, (form, answer.status_code, answer.text)
            assert "SERVICE is not allowed" in answer.text
    assert listener.accepted == 0
    for query in HARMLESS:
        assert guarded.get("/sparql", params={"query": query}).status_code == 200


def test_bad_requests_are_4xx_not_worker_kills(guarded: Server) -> None:
    deep = "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000
    answer = guarded.post("/sparql", data={"query": deep})
    assert answer.status_code == 400
    assert "at most 64 levels" in answer.text
    answer = guarded.get("/sparql", params={"query": "SELECT (<http://example.org/f>(1) AS ?x) {}"})
    assert answer.status_code == 400
    assert "cannot be evaluated" in answer.text
    answer = guarded.get("/queries/attributions", params={"attack": "<script>"})
    assert answer.status_code == 400
    assert "not a valid absolute IRI" in answer.text
    assert "<script>" not in answer.headers.get("content-type", "")
    status = guarded.get("/status").json()["workers"]
    assert status["running"] == status["size"]  # no worker was killed or retired


def test_xml_answers_refuse_control_characters(guarded: Server) -> None:
    query = r'SELECT ?x WHERE { BIND("a\u0001b" AS ?x) }'
    answer = guarded.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    assert answer.status_code == 406
    assert "U+0001" in answer.text
    answer = guarded.get("/sparql", params={"query": query, "format": "json"})
    assert answer.status_code == 200
    assert answer.json()["results"]["bindings"][0]["x"]["value"] == "a\x01b"
    construct = r'CONSTRUCT { <urn:a> <urn:b> "a\u0001b" } WHERE {}'
    answer = guarded.get("/sparql", params={"query": construct, "format": "rdfxml"})
    assert answer.status_code == 406


def test_the_base_iri_is_the_endpoint(guarded: Server) -> None:
    answer = guarded.get(
        "/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers={"Accept": "text/turtle"}
    )
    assert answer.status_code == 200, answer.text
    graph = Graph().parse(data=answer.text, format="turtle")
    assert (URIRef(guarded.url + "/s"), URIRef(guarded.url + "/p"), Literal(1)) in graph


def test_other_hosts_are_refused(guarded: Server) -> None:
    port = guarded.url.rsplit(":", 1)[1]
    query = {"query": "ASK {}"}
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
        answer = guarded.get("/sparql", params=query, headers={"Host": host})
        assert answer.status_code == 400, host
        assert "does not answer for the host" in answer.text
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
        assert guarded.get("/sparql", params=query, headers={"Host": host}).status_code == 200, host


def test_output_is_an_alias_of_format(guarded: Server) -> None:
    answer = guarded.get("/sparql", params={"query": "ASK {}", "output": "xml"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/sparql-results+xml")


def test_service_description_and_void(guarded: Server) -> None:
    endpoint = URIRef(guarded.url + "/sparql")
    answer = guarded.get("/sparql", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.text
    described = Graph().parse(data=answer.text, format="turtle")
    assert (endpoint, SD.endpoint, endpoint) in described
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in described
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) not in described
    assert guarded.get("/sparql", headers={"Accept": "text/html"}).headers["content-type"].startswith("text/html")

    answer = guarded.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.text
    void = Graph().parse(data=answer.text, format="turtle")
    assert set(void.objects(None, VOID.sparqlEndpoint)) == {endpoint}
    dumps = set(void.objects(None, VOID.dataDump))
    assert dumps and all(str(d).startswith(guarded.url + "/dumps/") for d in dumps)
    for dump in dumps:
        with httpx.stream("GET", str(dump), timeout=TIMEOUT) as download:
            assert download.status_code == 200
            assert next(download.iter_bytes())
    assert guarded.get("/dumps/..%2Fbuild.json").status_code == 404
