"""``kg push`` and ``kg query --endpoint`` against a real Oxigraph server.

A module-scoped fixture starts ``oxigraph serve`` (the ``oxigraph`` package of the ``test`` extra) on a
free loopback port with a temporary folder, its default graph the union of its graphs, as docs/stores.md
says to run it. The build pushed is the session's private build of the embedded corpus (``build_dir``).
Without the ``oxigraph`` command the tests skip and say why; in CI they fail instead.

Credentials are tested against a small stub server that refuses them (401, 403) or challenges with
digest, since Oxigraph server has no authentication: the secret must never appear in anything ``kg``
prints.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import stores
from conftest import DOCS, run_kg, started
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import main
from kg.rdf import iris
from kg.sparql.querycheck import inspect_query
from kg.sparql.querylib import library
from kg.sparql.querytext import example_params
from kg.stores import push
from kg.stores.catalogue import query_endpoint
from kg.stores.endpoint import self_contained
from kg.stores.http import Connection, Credentials, StoreError

Server = stores.OxigraphServer
SECRET = "s3cret-Pa55word-never-printed"
TOKEN = "tok-0123456789-never-printed"


def counts(server: stores.OxigraphServer) -> dict[str, int]:
    """Triples per graph, asked directly (not through kg)."""
    answer = httpx.post(
        server.query,
        data={"query": push.COUNT_QUERY},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    answer.raise_for_status()
    rows = answer.json()["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Oxigraph server with its union default graph, as docs/stores.md runs it."""
    with ExitStack() as stack:
        yield started(stack, stores.oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db"))


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Oxigraph server as it starts by default: its default graph is its own, empty."""
    with ExitStack() as stack:
        yield started(stack, stores.oxigraph_server(tmp_path_factory.mktemp("oxigraph-plain") / "db", union=False))


def build_counts(build_dir: Path) -> dict[str, int]:
    """Distinct triples per graph of the build's N-Quads, read without kg."""
    graphs: dict[str, set[str]] = {}
    for quad in ox.parse(path=build_dir / "kerman-kg.nq", format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, set()).add(str(quad.triple))
    return {name: len(triples) for name, triples in graphs.items()}


def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """kg with no store credentials but those given."""
    return run_kg(*args, env={"KG_STORE_PASSWORD": None, "KG_STORE_TOKEN": None, **(env or {})}, timeout=300)


# ------------------------------------------------------------------------ pushing


def test_push_loads_every_graph_and_a_second_push_replaces_rather_than_duplicates(
    server: Server, build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.clear()
    expected = build_counts(build_dir)
    assert main(["push", "--store", server.store]) == 0
    out = capsys.readouterr().out
    assert f"pushed {len(expected)} graph(s), {sum(expected.values()):,} triples" in out
    assert "counts match" in out
    assert counts(server) == expected
    # a triple added to a graph in the store is gone after the next push: each graph is replaced whole
    registry = iris.GRAPH_NS + "registry"
    extra = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"
    httpx.post(
        server.store, params={"graph": registry}, content=extra, headers={"Content-Type": "application/n-triples"}
    ).raise_for_status()
    assert counts(server)[registry] == expected[registry] + 1
    assert main(["push", "--store", server.store]) == 0
    assert counts(server) == expected


def test_graph_option_pushes_only_the_graphs_named(
    server: Server, build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.clear()
    expected = build_counts(build_dir)
    article = next(g for g in sorted(expected) if "/article/" in g)
    stem = article.rsplit("/", 1)[1]
    assert main(["push", "--store", server.store, "--graph", "registry", "--graph", stem]) == 0
    registry = iris.GRAPH_NS + "registry"
    assert counts(server) == {registry: expected[registry], article: expected[article]}
    assert "pushed 2 graph(s)" in capsys.readouterr().out
    assert main(["push", "--store", server.store, "--graph", "registri"]) == 2
    err = capsys.readouterr().err
    assert "no graph named 'registri'" in err and "registry" in err


def test_count_check_fails_loudly_when_the_store_lost_a_graph(
    server: Server, build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.clear()
    expected = build_counts(build_dir)
    assert main(["push", "--store", server.store]) == 0
    assert main(["push", "--store", server.store, "--check-only"]) == 0
    assert "counted" in capsys.readouterr().out
    registry = iris.GRAPH_NS + "registry"
    httpx.delete(server.store, params={"graph": registry}).raise_for_status()
    assert main(["push", "--store", server.store, "--check-only"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "1 graph(s) differ" in captured.err
    assert f"kgg:registry: 0 in the store, {expected[registry]} in the build" in captured.err
    assert "Traceback" not in captured.err


def test_count_by_reading_graphs_back_agrees_with_the_count_query(server: Server, build_dir: Path) -> None:
    """A store whose query endpoint cannot be derived is counted graph by graph over the Graph Store Protocol."""
    server.clear()
    assert main(["push", "--store", server.store]) == 0
    expected = build_counts(build_dir)
    graphs = sorted(expected) + [iris.GRAPH_NS + "not-there"]
    with Connection() as connection:
        by_query = push.store_counts(connection, server.store, server.query, graphs)
        by_reading = push.store_counts(connection, server.store, None, graphs)
    assert {g: by_query.get(g, 0) for g in graphs} == by_reading == {**expected, iris.GRAPH_NS + "not-there": 0}


def test_a_built_file_with_a_default_graph_and_shared_blank_nodes(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.clear()
    data = tmp_path / "small.trig"
    data.write_text(
        "@prefix ex: <https://example.org/> .\n"
        'ex:a ex:p "in the default graph" .\n'
        "ex:g1 { ex:a ex:q _:shared . _:shared ex:r 1 . ex:a ex:q _:shared . }\n"
        'ex:g2 { _:shared ex:r "x"@en-GB . }\n',
        encoding="utf-8",
    )
    assert main(["push", "--store", server.store, "--data", str(data)]) == 0
    captured = capsys.readouterr()
    assert "1 blank node(s) occur in more than one graph" in captured.err
    assert counts(server) == {"https://example.org/g1": 2, "https://example.org/g2": 1, data.resolve().as_uri(): 1}


def test_a_bad_file_is_an_input_error_and_nothing_is_sent(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.clear()
    data = tmp_path / "bad.nq"
    data.write_text(
        "<https://example.org/s> <https://example.org/p> <https://example.org/o> <https://example.org/g> .\n"
        "<https://example.org/s> <https://example.org/p> .\n",
        encoding="utf-8",
    )
    assert main(["push", "--store", server.store, "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {data}:2: not valid nquads") and "Traceback" not in err
    assert counts(server) == {}
    assert main(["push", "--store", server.store, "--data", str(tmp_path / "missing.nq")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_progress_line_gives_graphs_triples_and_rate() -> None:
    stream = StringIO()
    line = push.ProgressLine(stream)
    line(push.Tally(4, 1000, 1, 250, started=time.perf_counter() - 0.1))  # too early: nothing
    assert stream.getvalue() == ""
    line(push.Tally(4, 1000, 2, 500, started=time.perf_counter() - 5))
    line(push.Tally(4, 1000, 3, 750, started=time.perf_counter() - 6))  # not a terminal: not yet again
    line(push.Tally(4, 1000, 4, 1000, started=time.perf_counter() - 7))  # the end always shows
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("kg push: 2/4 graphs, 500/1,000 triples, ") and lines[0].endswith(" triples/s")
    assert lines[1].startswith("kg push: 4/4 graphs, 1,000/1,000 triples")


def test_a_large_push_shows_its_progress(
    server: Server, build_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(push, "PROGRESS_AFTER", 0.0)
    assert main(["push", "--store", server.store]) == 0
    total = len(build_counts(build_dir))
    assert f"kg push: {total}/{total} graphs" in capsys.readouterr().err


def test_query_endpoint_is_derived_for_each_store() -> None:
    assert query_endpoint("http://localhost:7878/store") == "http://localhost:7878/query"
    assert query_endpoint("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert query_endpoint("http://h:3030/kerman/data") == "http://h:3030/kerman/query"
    assert query_endpoint("http://h:7200/repositories/kg/rdf-graphs/service") == "http://h:7200/repositories/kg"
    assert query_endpoint("http://h/somewhere") is None


# ------------------------------------------------------------------------ errors and credentials


class Stub:
    """A store that refuses every request with a status (and a challenge), recording what it was sent."""

    def __init__(self, status: int, challenge: str = 'Basic realm="kg"', accept_digest: bool = False) -> None:
        self.authorizations: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                authorization = self.headers.get("Authorization", "")
                stub.authorizations.append(authorization)
                if accept_digest and authorization.startswith("Digest "):
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b"<html><body><h1>Access denied</h1>\n<p>bad   user or password</p></body></html>"
                self.send_response(status)
                self.send_header("WWW-Authenticate", challenge)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_HEAD = answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub_401() -> Iterator[Stub]:
    stub = Stub(401)
    yield stub
    stub.close()


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """No secret and no traceback in anything kg printed; one line of error."""
    for text in (result.stdout, result.stderr):
        assert SECRET not in text and TOKEN not in text
        assert base64.b64encode(f"alice:{SECRET}".encode()).decode() not in text
        assert "Traceback" not in text
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_wrong_password_is_a_clear_error_and_the_secret_is_never_printed(stub_401: Stub) -> None:
    result = kg("push", "--store", stub_401.url, "--user", "alice", env={"KG_STORE_PASSWORD": SECRET})
    assert result.returncode == 2
    assert_clean(result)
    assert "refused the credentials (401 Unauthorized)" in result.stderr
    assert "Access denied bad user or password" in result.stderr  # the store's message, on one line
    assert stub_401.authorizations[0] == "Basic " + base64.b64encode(f"alice:{SECRET}".encode()).decode()
    token = kg("push", "--store", stub_401.url, env={"KG_STORE_TOKEN": TOKEN})
    assert token.returncode == 2
    assert_clean(token)
    assert stub_401.authorizations[-1] == f"Bearer {TOKEN}"
    query = kg("query", "articles", "--endpoint", stub_401.url, "--user", "alice", env={"KG_STORE_PASSWORD": SECRET})
    assert query.returncode == 2
    assert_clean(query)


def test_forbidden_and_missing_credentials_are_clear_errors() -> None:
    stub = Stub(403)
    try:
        forbidden = kg("push", "--store", stub.url, "--user", "alice", env={"KG_STORE_PASSWORD": SECRET})
        assert forbidden.returncode == 2
        assert_clean(forbidden)
        assert "403 Forbidden" in forbidden.stderr
        anonymous = kg("push", "--store", stub.url)
        assert anonymous.returncode == 2 and "needs credentials" in anonymous.stderr
    finally:
        stub.close()
    no_password = kg("push", "--store", "http://127.0.0.1:9/store", "--user", "alice")
    assert no_password.returncode == 2
    assert "KG_STORE_PASSWORD" in no_password.stderr
    in_url = kg("push", "--store", f"http://alice:{SECRET}@127.0.0.1:9/store")
    assert in_url.returncode == 2
    assert_clean(in_url)
    assert "holds a password" in in_url.stderr


def test_unreachable_store_is_a_clear_error() -> None:
    port = stores.free_port()  # nothing listens there
    store = f"http://127.0.0.1:{port}/store"
    result = kg("push", "--store", store, "--user", "alice", env={"KG_STORE_PASSWORD": SECRET})
    assert result.returncode == 2
    assert_clean(result)
    assert f"cannot reach the store at http://127.0.0.1:{port}/store" in result.stderr
    query = kg("query", "articles", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert query.returncode == 2
    assert "cannot reach the store" in query.stderr and "Traceback" not in query.stderr


def test_an_error_status_from_the_store_names_status_and_message(
    server: Server, build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["push", "--store", server.base + "/no-such-service", "--graph", "registry"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg push: the store at ") and "answered 404 Not Found to PUT the graph kgg:registry" in err
    assert len(err.splitlines()) == 1


def test_a_digest_challenge_switches_to_digest_authentication() -> None:
    stub = Stub(401, challenge='Digest realm="kg", nonce="abc123", qop="auth", algorithm=MD5', accept_digest=True)
    try:
        with Connection(Credentials("alice", SECRET)) as connection:
            assert connection.request("GET", stub.url, what="read").status_code == 200
            assert connection.request("GET", stub.url, what="read again").status_code == 200
        first_basic, unauthenticated, digest, later = stub.authorizations
        assert first_basic.startswith("Basic ") and unauthenticated == ""
        assert digest.startswith('Digest username="alice"') and later.startswith('Digest username="alice"')
        assert SECRET not in digest
    finally:
        stub.close()


def test_credentials_never_show_their_secrets() -> None:
    credentials = Credentials.from_environment("alice", {"KG_STORE_PASSWORD": SECRET, "KG_STORE_TOKEN": TOKEN})
    assert credentials.password == SECRET and credentials.token is None
    assert SECRET not in repr(credentials) and SECRET not in str(credentials)
    with pytest.raises(StoreError, match="KG_STORE_PASSWORD"):
        Credentials.from_environment("alice", {})
    assert Credentials.from_environment(None, {"KG_STORE_TOKEN": TOKEN}).token == TOKEN


# ------------------------------------------------------------------------ querying the store


def test_kg_query_endpoint_prints_what_the_embedded_engine_prints(
    server: Server, build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.clear()
    assert main(["push", "--store", server.store]) == 0
    capsys.readouterr()
    args = ["query", "casualty-figures", "--param", "attack=2024 Kerman bombings", "--format", "json"]
    assert main(args) == 0
    embedded = json.loads(capsys.readouterr().out)
    assert main([*args, "--endpoint", server.query]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert embedded["head"] == remote["head"]
    assert remote["results"]["bindings"] == embedded["results"]["bindings"]
    assert len(remote["results"]["bindings"]) > 0
    assert main(["query", "death-toll-range", "--endpoint", server.query, "--engine", "rdflib"]) == 2
    assert "leave out --data and --engine" in capsys.readouterr().err


def test_the_text_sent_declares_its_prefixes_and_writes_its_parameters_in() -> None:
    from rdflib import Literal, URIRef

    text = "PREFIX kgo: <https://w3id.org/kerman-kg/ontology#>\nSELECT ?x WHERE { ?x a kgo:Attack ; rdfs:label ?name }"
    sent = self_contained(text, {"name": Literal('say "hi"'), "x": URIRef(iris.ENTITY_NS + "kerman-bombings")})
    assert sent.count("PREFIX kgo:") == 1  # declared by the query: not again
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in sent
    assert "PREFIX kgd:" not in sent  # not used
    assert '"say \\"hi\\""' in sent and "<https://w3id.org/kerman-kg/id/kerman-bombings>" in sent
    assert "VALUES" in sent
    ox.Store().query(sent)  # parses with no prefix pre-bound
    assert self_contained("SELECT * { ?s ?p ?o }", base_iri="file:///q/").startswith("BASE <file:///q/>\n")


def test_a_store_without_a_union_default_graph_is_named_as_the_problem(
    plain_server: Server, build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["push", "--store", plain_server.store]) == 0
    capsys.readouterr()
    assert main(["query", "death-toll-range", "--endpoint", plain_server.query]) == 2
    err = capsys.readouterr().err
    assert "empty default graph" in err and "--union-default-graph" in err
    # the standard way to name the dataset: every graph of the build as default-graph-uri
    graphs = [arg for graph in sorted(build_counts(build_dir)) for arg in ("--default-graph", graph)]
    assert main(["query", "death-toll-range", "--format", "json"]) == 0
    embedded = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert main(["query", "death-toll-range", "--format", "json", "--endpoint", plain_server.query, *graphs]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"] == embedded != []


def test_the_readme_commands_run_against_the_store(
    server: Server, build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The page on stores (docs/stores.md) runs as written, the server's address put in for localhost:7878."""
    section = (DOCS / "stores.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert "oxigraph serve --location kerman-db --union-default-graph" in block
    commands = [line for line in block.splitlines() if line.startswith("kg ")]
    assert len(commands) >= 3
    server.clear()
    for command in commands:
        args = shlex.split(command.replace("http://localhost:7878", server.base))[1:]
        assert main(args) == 0, command
        assert "(0 rows)" not in capsys.readouterr().out, command


@pytest.mark.slow
def test_every_named_query_through_the_command_line_gives_the_same_rows(server: Server, build_dir: Path) -> None:
    """``kg query NAME --endpoint URL --format json`` as a user runs it, against ``kg query NAME``."""
    pushed = kg("push", "--store", server.store)
    assert pushed.returncode == 0, pushed.stderr
    compared = 0
    for name, query in library().items():
        params = [arg for key, value in example_params(query).items() for arg in ("--param", f"{key}={value}")]
        fmt = "nt" if inspect_query(query.text).kind == "graph" else "json"
        here = kg("query", name, *params, "--format", fmt)
        there = kg("query", name, *params, "--format", fmt, "--endpoint", server.query)
        assert here.returncode == there.returncode == 0, (name, here.stderr, there.stderr)
        if fmt == "json":
            mine, theirs = json.loads(here.stdout), json.loads(there.stdout)
            assert mine["head"] == theirs["head"], name
            key = json.dumps
            assert Counter(map(key, mine["results"]["bindings"])) == Counter(map(key, theirs["results"]["bindings"]))
        else:
            mine_graph, their_graph = Graph().parse(data=here.stdout, format="nt"), Graph()
            assert len(mine_graph) > 0 and isomorphic(mine_graph, their_graph.parse(data=there.stdout, format="nt"))
        compared += 1
    assert compared == len(library()) > 0
