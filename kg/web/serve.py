"""``kg serve``: a read-only SPARQL 1.1 endpoint over the knowledge graph, with linked-data pages.

The server (Starlette on uvicorn) answers over the Oxigraph store that ``kg
query`` uses: the store of the build folder (:mod:`kg.pipeline.buildfolder`), with its
inferences, or of a built file given with ``--data`` (see :func:`kg.sparql.engine.store_path`);
or, with ``--endpoint URL``, in front of a remote SPARQL store that holds the
build (``kg push``), which the workers query over the SPARQL 1.1 Protocol
(:mod:`kg.stores.remotestore`). This module starts it: :func:`create_app` puts together the HTTP layer, the
request handlers of :mod:`kg.web.app` (its URL scheme is described there), which
read requests, check queries, negotiate formats (:mod:`kg.web.negotiation`) and
hand every piece of work to the query workers of :mod:`kg.web.workers.pool`; the HTML
comes from :mod:`kg.web.pages`. :func:`run` serves it with uvicorn.

Safety
------

The server is safe to leave running on a workstation:

- Read-only. A SPARQL Update (an ``update=`` field, an
  ``application/sparql-update`` body, or a query that is an update) is
  refused with 403 before it reaches the store, and the workers open the store
  with ``Store.read_only``, so nothing could write to it anyway.
- No outbound requests, no file reads for clients. Oxigraph would evaluate
  ``SERVICE`` by making an HTTP request, so a query with SERVICE is refused
  with 400, twice (:mod:`kg.sparql.querycheck`): the server reads its tokens (escapes
  inside IRIs and strings included), and the worker parses it with rdflib's
  SPARQL parser and refuses any SERVICE node of the parse tree (a query that
  parser cannot read is refused when its text holds the word at all). Behind
  both, the query workers have no network: each runs in a network namespace
  of its own, or where the system refuses that under a seccomp filter that
  denies network sockets (:mod:`kg.web.workers.sandbox`; ``/status`` says which, and the
  server warns at start when neither is possible), so a gap in the checks
  cannot become a request. FROM and FROM NAMED only select graphs of the store:
  ``FROM <file:///etc/passwd>`` is an empty default graph. Answers are
  written by rdflib without any JSON-LD context, so nothing is fetched.
- Only its own host names. A request whose ``Host`` header names another host
  gets 400 (:class:`kg.web.hosts.HostCheck`), which stops DNS rebinding: a page of another
  site whose name is re-pointed at 127.0.0.1 cannot make a browser query the
  server and read the answer. The names allowed are the loopback names (and,
  bound elsewhere, the address and this machine's names), or ``--allow-host``.
- Bounded work. Every query runs in a worker process (:mod:`kg.web.workers.pool`) that
  the server kills when it exceeds ``--timeout`` (503 naming the limit; a
  fresh worker replaces it), with its address space capped at
  ``--memory-mb`` (503 naming the limit), and answers with more than
  ``--max-rows`` rows or ``--max-bytes`` bytes are refused (413 naming the
  limit). Request bodies are capped at :data:`kg.web.responses.MAX_BODY` bytes. No request
  waits longer than ``--queue-timeout`` for a worker: it gets 503 with
  ``Retry-After``.
- Cheap requests are not starved by heavy ones (:mod:`kg.web.workers.lanes`). Every job
  runs first in a fast lane of ``--fast-workers`` processes within
  ``--fast-budget`` (1 s); a job that needs longer is stopped there and run
  again in the heavy lane (the ``--workers``, at the lowest CPU priority) with
  the rest of its ``--timeout``, and goes straight there next time. One fast
  worker is kept for linked-data pages and requests known to be cheap; a
  client runs at most ``--client-heavy`` heavy queries at once, and one that
  keeps sending new heavy queries (``--client-demotions`` a minute) loses the
  fast lane for its unknown ones. Measured (``bench/load.py --starvation``,
  2 cores): with 16 clients sending heavy queries nonstop, a cheap ASK and a
  resource page answered with a 99th percentile under 125 ms in two runs,
  never 503 (``bench/README.md``).
- Bounded memory. The server process never holds an answer whole: an answer
  over 64 KB is written by the worker to a file of a private spool folder and
  streamed from it in 64 KB chunks, and the file is deleted when the answer
  is sent or the client is gone (at most 8 times ``--max-bytes`` of answers
  wait there; beyond, 503). A client that reads nothing for
  ``--write-timeout`` seconds is disconnected (:mod:`kg.web.connections`). So the
  server's total resident memory stays below ``--workers`` plus
  ``--fast-workers`` times ``--memory-mb`` for the workers (each capped), plus
  about 70 MB for the fork server and multiprocessing's resource tracker,
  plus the server process: about 50 MB, and at most about 1.5 MB per
  connection that is sending a request body of :data:`kg.web.responses.MAX_BODY` (1 MB), so
  about 200 MB at the default ``--max-connections 100`` (measured: 50 MB idle,
  177 MB after 99 connections each sent a 1 MB query). When ``kg serve``
  builds the store at start, the server process keeps what that took too.
  The spool is on disk under ``$TMPDIR``; where that is a tmpfs, its files
  (at most 8 times ``--max-bytes``, and one more for each worker writing an
  answer) are in memory too.
- Bounded connections (:mod:`kg.web.connections`). A connection that has not sent
  a whole request head, then its body, within ``--request-timeout`` seconds
  of opening or of its previous answer is closed, however it dribbles its
  bytes; requests beyond ``--max-connections`` open connections get 503, and
  connections beyond twice that are closed as soon as they are accepted.
- Errors without internals. A malformed query gets 400 with the parser's
  message (with its line and column); so do a query nested deeper than
  :data:`kg.sparql.querycheck.MAX_DEPTH` levels (Oxigraph's parser would overflow its
  stack), a call of a function the engine does not have, and a parameter of a
  named query that is not a valid IRI. An answer that the asked format cannot
  carry (a control character in SPARQL XML or RDF/XML) is a 406 that names
  the character and the formats that carry it. Any unexpected error is logged
  on the server's standard error and answered with a plain 500 message, never
  a traceback.
- Local by default. It binds 127.0.0.1 unless ``--host`` says otherwise, sends
  no CORS headers unless ``--cors ORIGIN`` is given, and its HTML pages carry
  a Content-Security-Policy that allows only the server's own stylesheets,
  scripts and requests (no inline script or style).
- In front of a remote store (``--endpoint``) the guard is different, and
  ``/status`` (``network_guard``: ``remote``, and ``store.guard``) and the
  start-up message say so. The workers must reach the store, so they get no
  network namespace and no seccomp filter. Instead every query of a client is
  checked strictly in the worker before it is forwarded
  (:func:`kg.sparql.querycheck.check_query` with ``strict``): a query that rdflib's
  SPARQL 1.1 parser cannot read is refused with 400 (the endpoint forwards
  only standard SPARQL 1.1 it can parse), which keeps a store's own syntax
  out, such as Virtuoso's ``DEFINE input:grab-...`` and ``get:soft`` pragmas
  that make it fetch URLs; so is ``SERVICE`` anywhere in the parse tree
  (400), a call of any function but SPARQL's built-ins and the XSD casts
  (400: a store's extension functions, Virtuoso's ``bif:`` among them), an
  update (403) and too deep a nesting (400). Of a client's request only the
  query, ``default-graph-uri`` and ``named-graph-uri`` reach the store; no
  other field (a store's own request options) is passed on. The workers
  send requests to the store's endpoint and to nothing else: that is what
  their code does, not something the system enforces. FROM, FROM NAMED and GRAPH IRIs are
  forwarded as written, so a store set up to fetch them (Virtuoso's sponger,
  when enabled for its endpoint) would: leave that off. The limits hold as
  over a build: each request to the store gives up after the worker's time
  budget (its lane's, plus a second; the server stops the worker at the
  budget anyway), and rows, bytes and memory are bounded in the worker; a
  query stopped at the time limit may still run in the store until the
  store's own limits stop it. The store is asked an ASK before the server
  listens (unreachable, or refusing the credentials: exit status 2); a store
  that fails during a request is a 502 with one line. The credentials
  (``--user`` with ``$KG_STORE_PASSWORD``, or ``$KG_STORE_TOKEN``) reach the
  store and nothing else: every message is scrubbed of them
  (:class:`kg.stores.http.Connection`).
"""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from kg import resources
from kg.web.app import App
from kg.web.hosts import HostCheck, allowed_hosts, listening_socket
from kg.web.options import ServeOptions
from kg.web.responses import BadRequest, text_response
from kg.web.workers.pool import WorkerError, WorkerPool

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

STATIC_DIR = resources.static_dir()


def create_app(options: ServeOptions, pool: WorkerPool | None = None) -> Starlette:
    """The Starlette application; its lifespan starts the worker pool (unless started already) and stops it."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    if options.store is None and options.remote is None:
        raise ValueError("ServeOptions.store must name the store's folder, or endpoint a remote store")
    if pool is None:
        pool = _pool(options)
    app = App(options, pool)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    async def refuse(request: Request, exc: Exception) -> Response:
        from starlette.requests import ClientDisconnect

        if isinstance(exc, BadRequest):
            return text_response(exc.status, str(exc))
        if isinstance(exc, ClientDisconnect):  # the client went (or was cut off) while sending its body
            return text_response(400, "the request body did not arrive whole")
        import traceback

        print(f"kg serve: internal error:\n{traceback.format_exc()}", file=sys.stderr)
        return text_response(500, "internal error: the server could not answer this request")

    routes = [
        Route("/", app.index),
        Route("/status", app.status),
        Route("/context.jsonld", app.context),
        Route("/sparql", app.sparql, methods=["GET", "POST"]),
        Route("/.well-known/void", app.void),
        Route("/dumps/{name}", app.dump),
        Route("/queries", app.queries),
        Route("/queries/{name:path}", app.named_query),
        Route("/id/{path:path}", app.see_other),
        Route("/graph/{path:path}", app.see_other),
        Route("/ontology", app.see_other),
        Route("/ontology/{path:path}", app.see_other),
        Route("/page/{path:path}", app.page),
        Route("/data/{path:path}", app.data),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    middleware = [Middleware(HostCheck, hosts=allowed_hosts(options))]
    if options.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(options.cors),
                allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=["KG-Note", "Link"],
            )
        )
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={BadRequest: refuse, Exception: refuse},
    )


# ---------------------------------------------------------------------- running


def _pool(options: ServeOptions) -> WorkerPool:
    """The query workers of the options: over the local store, or in front of the remote one."""
    return WorkerPool(
        options.store or Path(), options.limits, options.workers, lanes=options.lanes, remote=options.remote
    )


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def run(options: ServeOptions) -> int:
    """Serve until interrupted; the store must be built (``options.store``). Returns the exit status."""
    import uvicorn

    try:
        sock = listening_socket(options.host, options.port)
    except OSError as exc:
        print(f"kg serve: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    url = _url(options.host, sock.getsockname()[1])
    if options.host not in ("127.0.0.1", "::1", "localhost"):
        print(
            f"kg serve: warning: listening on {options.host}, not on the loopback address: "
            "anyone who can reach this machine can query it",
            file=sys.stderr,
        )
    announcement = (
        f"kg serve: listening on {url} (SPARQL endpoint {url}sparql; {options.workers} query worker"
        f"{'s' if options.workers != 1 else ''}, time limit {options.timeout:g} s, memory limit "
        f"{options.memory_mb} MB per worker, at most {options.max_rows} rows and {options.max_bytes} bytes; "
        f"fast lane of {options.fast_workers} worker{'s' if options.fast_workers != 1 else ''} "
        f"with a budget of {options.fast_budget:g} s; Ctrl+C stops)"
    )

    remote = options.remote
    if remote is not None:
        from kg.stores.remotestore import GUARD_DETAIL

        announcement += f"\nkg serve: in front of the SPARQL store at {remote.shown}; guard: {GUARD_DETAIL}"
    pool = _pool(options)

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            try:
                await pool.start()  # before the app's lifespan, to report a failure in one line
            except WorkerError as exc:
                print(f"kg serve: {exc}", file=sys.stderr)
                self.should_exit = True
                return
            await super().startup(sockets=sockets)
            if self.started:
                print(announcement, flush=True)

    from kg.web.connections import guarded_protocol

    config = uvicorn.Config(
        create_app(options, pool),
        log_level="info",
        lifespan="on",
        timeout_graceful_shutdown=5,
        server_header=False,
        proxy_headers=False,
        # kg.web.connections: request and write timeouts, and a hard cap of twice --max-connections
        http=guarded_protocol(options.request_timeout, options.write_timeout, 2 * options.max_connections),
        ws="none",
        limit_concurrency=options.max_connections,
    )
    server = Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl+C after its graceful shutdown
        print("kg serve: stopped", file=sys.stderr)
    finally:
        sock.close()
    return 0 if server.started else 1


def main(options: ServeOptions) -> int:
    """``kg serve``: build or open the store (or ask the remote store whether it answers), then serve it."""
    from kg.errors import BuildFailed, InputError
    from kg.sparql.engine import store_path

    remote = options.remote
    if remote is not None:
        from kg.stores.http import StoreError
        from kg.stores.remotestore import probe

        try:
            warnings = probe(remote)
        except StoreError as error:
            print(f"kg serve: {error}", file=sys.stderr)
            return 2
        for warning in warnings:
            print(f"kg serve: warning: {warning}", file=sys.stderr)
        return run(options)

    if options.data is not None and not options.data.is_file():
        print(f"kg serve: no such file: {options.data}", file=sys.stderr)
        return 2
    print("kg serve: opening the store (the first run after a change builds it)...", file=sys.stderr, flush=True)
    try:
        path, _ = store_path(options.data, options.build)
    except BuildFailed as failed:
        for problem in failed.errors:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except InputError as bad_input:
        print(f"error: {bad_input}", file=sys.stderr)
        return 2
    from dataclasses import replace

    return run(replace(options, store=path))


__all__ = ["create_app", "main", "run"]
