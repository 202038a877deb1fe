"""``kg serve``: a read-only SPARQL 1.1 endpoint over the knowledge graph, with linked-data pages.

The server (Starlette on uvicorn) answers over the Oxigraph store that ``kg
query`` uses: the store of the build folder (:mod:`kg.pipeline.buildfolder`), with its
inferences, or of a built file given with ``--data`` (see :func:`kg.sparql.engine.store_path`);
or, with ``--endpoint URL``, in front of a remote SPARQL store that holds the
build (``kg push``), which the workers query over the SPARQL 1.1 Protocol
(:mod:`kg.stores.remotestore`). This module is the HTTP layer: it reads requests,
checks queries, negotiates formats and hands every piece of work to the query
workers of :mod:`kg.web.workers`; the HTML comes from :mod:`kg.web.pages`.

URL scheme
----------

``/``
    The query page: a SPARQL editor (CodeMirror, vendored in
    ``kg/static/vendor/``) with the named queries as examples, a results table
    and downloads (``kg/static/query.js``), then what the server offers and the
    named queries. A browser that asks for ``/sparql`` without a query gets the
    same page. Without JavaScript the editor is a plain form that GETs
    ``/sparql``.
``/sparql``
    The SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` of a form
    (``application/x-www-form-urlencoded``, field ``query``) or of the query
    itself (``application/sparql-query``); ``default-graph-uri`` and
    ``named-graph-uri`` select the dataset. Without them (and without FROM in
    the query) the default graph is the union of all graphs, and each graph
    (``kgg:article/<stem>``, ``kgg:registry``...) is addressable with GRAPH.
    The project's prefixes are pre-bound. SELECT and ASK answers: SPARQL JSON,
    SPARQL XML, CSV, TSV; CONSTRUCT and DESCRIBE: Turtle, JSON-LD,
    N-Triples, RDF/XML; chosen by the Accept header (q-values honoured; the
    first listed is the default) or by ``format=json|xml|csv|tsv`` /
    ``format=turtle|jsonld|nt|rdfxml`` (or ``output=``, as other endpoints
    call it), which wins over Accept. An Accept header that names only result
    types gets a CONSTRUCT answer in Turtle, and one that names only RDF types
    a SELECT answer in SPARQL JSON; nothing fits at all: 406 with the list of
    what is available. Relative IRIs in a query resolve against the
    endpoint's URL. A GET without a query gives the SPARQL 1.1 Service
    Description (in the RDF format asked for), or the query page to a browser.
``/queries`` and ``/queries/NAME?param=value``
    The named queries of :mod:`kg.sparql.querylib` (JSON for programs, HTML for
    browsers), and one query's answer, with the same formats plus HTML. An
    entity parameter takes an IRI, a prefixed name or a name or alias. An
    unknown query is a 404 with close matches; an unknown parameter a 400.
    A SELECT answer comes a page at a time: ``limit`` rows (default
    :data:`DEFAULT_LIMIT`, at most ``--max-rows``) after ``offset`` rows
    (default 0); a bad value is a 400 naming it. When more rows follow, the
    answer carries a ``Link: <...>; rel="next"`` header with the next page's
    URL and a ``KG-Note`` header (and, in HTML, a note) saying so. Every named
    query orders its rows completely, so pages never overlap.
    ``format=sparql`` (or ``Accept: application/sparql-query``) gives the
    query's text instead, with its parameters written in as a VALUES block
    (:mod:`kg.sparql.querytext`): the given ones, or with none given the example's
    of the query's header; the defaults fill the rest. The query page loads
    its examples this way.
``/id/<path>``, ``/graph/<path>``, ``/ontology``
    Linked data. Every IRI the project mints is
    ``https://w3id.org/kerman-kg/<path>``; a request for the same path on this
    server stands for that IRI (``http://HOST:PORT/id/kerman-bombings`` for
    ``kgd:kerman-bombings``). Such an IRI names a thing (a bombing, a person, a
    claim), not a document, so, following the W3C note "Cool URIs for the
    Semantic Web" (the 303 solution, not hash IRIs), the server answers
    ``303 See Other`` to a document about it, chosen by the Accept header:
    the HTML page ``/page/<path>`` or the data ``/data/<path>.ttl``
    (``.jsonld``, ``.nt``, ``.rdf``). A 303 never claims the thing and the
    document are the same, and each document keeps a URL of its own that
    can be linked and cached. For ``kgd:`` IRIs ``<path>`` is what follows
    ``id/``; graphs keep ``graph/...`` and the ontology ``ontology``
    (``/page/graph/registry``, ``/page/ontology``). Ontology terms are hash
    IRIs (``kgo:Bombing`` is ``/ontology#Bombing``), so they dereference to
    the ontology's page, which has an anchor for each term. An IRI the graph
    says nothing about is a 404.
``/page/<path>``
    A resource's page: label, types, aliases, definitions, its statements in
    both directions with labels, links and the graphs that hold them (links
    to minted IRIs point at this server), and, for anything drawn from an
    article, the quoted passages with a link to the article's page. An
    article's page shows its title, metadata and text; a graph's, what it
    holds; the ontology's, every term.
``/data/<path>.<ext>``
    The triples about a resource (as subject and as object; a graph's
    contents; the whole ontology), as RDF.
``/static/``
    The pages' stylesheets and scripts (``kg/static/``).
``/context.jsonld``
    The JSON-LD context of ``kg export --format jsonld`` (``application/ld+json``).
``/.well-known/void`` and ``/dumps/NAME``
    The build's VoID description, pointing at this server's endpoint, and the
    dumps it links to (:mod:`kg.web.endpointdesc`); a server of a ``--data`` file has none.
    A server in front of a remote store has neither: both answer 404 with a
    sentence saying that it fronts a remote store, and its Service Description
    links no VoID description (nor claims ``sd:UnionDefaultGraph`` with
    ``--no-union``).
``/status``
    The store (``local``, or ``remote`` with its endpoint and the guard in
    effect), the query workers (how many run, how many are idle, per lane),
    the workers' network guard (``netns``, ``seccomp``, ``remote`` or
    ``none``), the answers waiting in the spool, and the limits, as JSON.

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
  denies network sockets (:mod:`kg.web.sandbox`; ``/status`` says which, and the
  server warns at start when neither is possible), so a gap in the checks
  cannot become a request. FROM and FROM NAMED only select graphs of the store:
  ``FROM <file:///etc/passwd>`` is an empty default graph. Answers are
  written by rdflib without any JSON-LD context, so nothing is fetched.
- Only its own host names. A request whose ``Host`` header names another host
  gets 400 (:class:`HostCheck`), which stops DNS rebinding: a page of another
  site whose name is re-pointed at 127.0.0.1 cannot make a browser query the
  server and read the answer. The names allowed are the loopback names (and,
  bound elsewhere, the address and this machine's names), or ``--allow-host``.
- Bounded work. Every query runs in a worker process (:mod:`kg.web.workers`) that
  the server kills when it exceeds ``--timeout`` (503 naming the limit; a
  fresh worker replaces it), with its address space capped at
  ``--memory-mb`` (503 naming the limit), and answers with more than
  ``--max-rows`` rows or ``--max-bytes`` bytes are refused (413 naming the
  limit). Request bodies are capped at :data:`MAX_BODY` bytes. No request
  waits longer than ``--queue-timeout`` for a worker: it gets 503 with
  ``Retry-After``.
- Cheap requests are not starved by heavy ones (:mod:`kg.web.lanes`). Every job
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
  connection that is sending a request body of :data:`MAX_BODY` (1 MB), so
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
import difflib
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from kg import resources
from kg.sparql.querycheck import READ_ONLY, QueryRefused, check_query, inspect_query
from kg.stores.remotestore import RemoteTarget
from kg.web import pages
from kg.web.lanes import LaneSettings
from kg.web.workers import (
    GRAPH_FORMATS,
    HTML_FORMAT,
    SELECT_FORMATS,
    SPARQL_TEXT,
    AnswerFormat,
    Formats,
    Limits,
    NamedQueryJob,
    QueryJob,
    Reply,
    ResourceJob,
    WorkerError,
    WorkerPool,
    not_acceptable,
)

if TYPE_CHECKING:
    from rdflib import Graph
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from kg.sparql.querylib import NamedQuery

#: the largest request body (a POSTed query) the server reads
MAX_BODY = 1024 * 1024
#: queries up to this length are checked on the server's event loop before a worker gets them (a
#: millisecond or so); longer ones (a third of a second a megabyte) only in the worker, under its limits
EARLY_CHECK = 64 * 1024
STATIC_DIR = resources.static_dir()
HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
}
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff"}
#: the query-string fields that page a named query's answer, and the rows of a page when none is asked for
PAGING = ("limit", "offset")
#: the query-string fields that choose an answer's format (``output`` is the name other endpoints use)
FORMAT_FIELDS = ("format", "output")
DEFAULT_LIMIT = 1000
#: what /.well-known/void and /dumps/ answer in front of a remote store
REMOTE_HAS_NO_FILES = (
    "this server fronts a remote SPARQL store (kg serve --endpoint); the VoID description and the dumps are "
    "files of a local build, which it does not have"
)


# ------------------------------------------------------------------- negotiation


class BadRequest(Exception):
    """A request the server refuses; the message goes to the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header with their q-values (malformed parts are skipped)."""
    ranges = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        media = media.lower()
        if media == "*":
            media = "*/*"
        kind, slash, subtype = media.partition("/")
        if not slash or not kind or not subtype:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, subtype, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str, exact: bool = False) -> float:
    """The q-value the most specific matching range gives a media type (0 when none matches).

    With ``exact``, only a range naming the type itself counts (no ``type/*`` or ``*/*``).
    """
    kind, _, subtype = media_type.partition("/")
    best: tuple[int, float] | None = None
    for r in ranges:
        if r.type == kind and r.subtype == subtype:
            specificity = 2
        elif exact:
            continue
        elif r.type == kind and r.subtype == "*":
            specificity = 1
        elif r.type == "*" and r.subtype == "*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, r.q)
    return best[1] if best else 0.0


def choose(accept: str | None, offers: Sequence[AnswerFormat]) -> AnswerFormat | None:
    """The offer the Accept header prefers (highest q, then the server's order); None when none is acceptable.

    An offer's other media types (``application/json`` for SPARQL JSON, ``application/xml``...) count only
    when the header names them, never through ``*/*`` or ``type/*``.
    """
    if not accept or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: AnswerFormat | None = None
    best_q = 0.0
    for offer in offers:
        q = max([quality(ranges, offer.media_type)] + [quality(ranges, alias, exact=True) for alias in offer.aliases])
        if q > best_q:
            best, best_q = offer, q
    return best


def _by_keyword(values: Sequence[str], offers: Sequence[AnswerFormat]) -> AnswerFormat | None:
    for value in values:
        wanted = value.strip().lower()
        for offer in offers:
            if wanted in offer.keywords or wanted in offer.media_types():
                return offer
    return None


def negotiate(
    accept: str | None,
    format_values: Sequence[str],
    select_offers: Sequence[AnswerFormat] = SELECT_FORMATS,
    graph_offers: Sequence[AnswerFormat] = GRAPH_FORMATS,
) -> Formats:
    """The format of each kind of answer, from ``format=`` values (which win) or the Accept header.

    ``format=json`` and ``format=xml`` mean SPARQL JSON and XML for SELECT and ASK, JSON-LD and
    RDF/XML for CONSTRUCT and DESCRIBE. A ``format=`` value that names no format at all is a 400. An
    Accept header that fits only one kind of answer gives the other kind its default format (SPARQL JSON,
    Turtle), so that a CONSTRUCT asked for with only the results JSON type is answered in Turtle.
    """
    values = [v for v in format_values if v.strip()]
    if values:
        select = _by_keyword(values, select_offers)
        graph_words = {"json": "jsonld", "xml": "rdfxml"}  # the same words for a graph answer
        graph = _by_keyword(values, graph_offers) or _by_keyword(
            [graph_words.get(v.strip().lower(), v) for v in values], graph_offers
        )
        if select is None and graph is None:
            known = sorted({k for f in (*select_offers, *graph_offers) for k in f.keywords[:1]})
            raise BadRequest(400, f"unknown format '{values[0]}': use format={'|'.join(known)} or an Accept header")
        asked = "format=" + ",".join(values)
    else:
        select, graph = choose(accept, select_offers), choose(accept, graph_offers)
        # A client that accepts only result types (or only RDF types) gets the other kind's default:
        # what it can read of the answer is not knowable before the query runs.
        if select is None and graph is not None and graph.name != SPARQL_TEXT.name:
            select = select_offers[0]
        elif graph is None and select is not None and select.name != SPARQL_TEXT.name:
            graph = graph_offers[0]
        asked = f"Accept: {accept}"
    return Formats(select, graph, tuple(select_offers), tuple(graph_offers), asked)


def _prefers_html(request: Request) -> bool:
    return choose(request.headers.get("accept"), (SELECT_FORMATS[0], HTML_FORMAT)) is HTML_FORMAT


# ------------------------------------------------------------------ configuration


@dataclass(frozen=True)
class ServeOptions:
    """The command line of ``kg serve``."""

    host: str = "127.0.0.1"
    port: int = 8000
    data: Path | None = None
    timeout: float = 10.0
    memory_mb: int = 1024
    max_rows: int = 10000
    workers: int = 2
    cors: tuple[str, ...] = ()
    store: Path | None = field(default=None, compare=False)
    #: the build folder to serve when no file is given (default: kg.pipeline.buildfolder.default_folder())
    build: Path | None = None
    #: the names the Host header may give (see :func:`allowed_hosts`); empty for the default
    allowed_hosts: tuple[str, ...] = ()
    #: the bytes an answer may have (413 beyond)
    max_bytes: int = 64 * 1024 * 1024
    #: the fast lane (kg.web.lanes): its workers (0: none, every job in the heavy lane) and each job's budget in it
    fast_workers: int = 3
    fast_budget: float = 1.0
    #: the longest a request waits for a worker (503 with Retry-After beyond)
    queue_timeout: float = 10.0
    #: heavy-lane jobs one client runs at once (None: half of --workers, at least 1)
    client_heavy: int | None = None
    #: jobs of one client stopped in the fast lane within a minute before its jobs skip the fast lane
    client_demotions: int = 6
    #: seconds a connection has to send a request's head (and then its body) before it is closed
    request_timeout: float = 10.0
    #: seconds a client may leave an answer unread before it is disconnected
    write_timeout: float = 30.0
    #: connections served at once (503 beyond; closed at once beyond twice as many)
    max_connections: int = 100
    #: the remote store's query endpoint to front instead of a local build (``--endpoint``), the user to
    #: authenticate as, whether its default graph is taken as the union of all graphs, and graphs to name
    #: as the default graph instead (see kg.stores.remotestore)
    endpoint: str | None = None
    user: str | None = None
    union: bool = True
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def remote(self) -> RemoteTarget | None:
        """The remote store this server fronts, None for a local build."""
        if self.endpoint is None:
            return None
        return RemoteTarget(self.endpoint, self.user, self.union, self.default_graphs, self.named_graphs)

    @property
    def limits(self) -> Limits:
        return Limits(self.timeout, self.memory_mb, self.max_rows, self.max_bytes)

    @property
    def lanes(self) -> LaneSettings:
        return LaneSettings(
            fast_workers=self.fast_workers,
            fast_budget=self.fast_budget,
            queue_timeout=self.queue_timeout,
            client_heavy=self.client_heavy if self.client_heavy is not None else max(1, self.workers // 2),
            client_demotions=self.client_demotions,
        )


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(options: ServeOptions) -> frozenset[str]:
    """The host names a request's Host header may give: ``--allow-host``, else the loopback names plus,
    for an address that is not loopback, the address and this machine's names. ``*`` allows any."""
    if options.allowed_hosts:
        return frozenset(h.strip().lower().strip("[]") for h in options.allowed_hosts)
    names = set(LOOPBACK_HOSTS)
    if options.host not in LOOPBACK_HOSTS:
        names.add(options.host.lower())
        names.update({socket.gethostname().lower(), socket.getfqdn().lower()})
    return frozenset(names)


def _host_name(header: str) -> str:
    """The host name of a Host header, without its port and IPv6 brackets, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheck:
    """ASGI middleware: a request whose Host header names none of the allowed hosts gets 400.

    A page on another site can make a browser send requests to this server, and with DNS rebinding
    (the other site's name re-pointed at 127.0.0.1) read the answers; such requests carry the other
    site's name in their Host header, which this check refuses.
    """

    def __init__(self, app: Any, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and "*" not in self.hosts:
            headers = dict(scope.get("headers") or [])
            host = _host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.hosts:
                response = _text(
                    400,
                    f"this server does not answer for the host '{host}' (its Host header); it answers for "
                    f"{', '.join(sorted(self.hosts))} (kg serve --allow-host adds names)",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


# ------------------------------------------------------------------------ the app


def _response(reply: Reply, vary: bool = False) -> Response:
    from starlette.responses import Response

    headers = dict(COMMON_HEADERS)
    headers.update(reply.headers)
    if reply.media_type == "text/html":
        headers.update(HTML_HEADERS)
    if vary:
        headers["Vary"] = "Accept"
    if reply.path is not None:  # a large answer, in a file of the workers' spool: streamed, then deleted
        from kg.web.connections import SpooledAnswer

        return SpooledAnswer(reply.path, reply.status, _content_type(reply.media_type), headers)
    return Response(reply.body, status_code=reply.status, media_type=_content_type(reply.media_type), headers=headers)


def _client(request: Request) -> str:
    """The address of the client, whose jobs kg.web.lanes counts together."""
    return request.client.host if request.client is not None else ""


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def _endpoint(request: Request) -> str:
    """The URL of this server's SPARQL endpoint, as the client addressed the server (its Host is checked)."""
    return f"{request.base_url}sparql"


def _graph_bytes(graph: Graph, fmt: AnswerFormat) -> bytes:
    from kg.sparql.answers import render
    from kg.sparql.engine import Result

    if fmt.name == "rdfxml":
        return graph.serialize(format="xml").encode("utf-8")
    return render(Result("graph", [], [], graph=graph), fmt.name).encode("utf-8")


def _text(status: int, message: str) -> Response:
    return _response(Reply.text(status, message))


def _html(body: str) -> Response:
    return _response(Reply(200, "text/html", body.encode("utf-8")), vary=True)


async def _read_body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise BadRequest(413, f"the request body is larger than {MAX_BODY} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise BadRequest(413, f"the request body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(400, f"the request body is not UTF-8: {exc}") from exc


class App:
    """The request handlers, over one worker pool and the query library."""

    def __init__(self, options: ServeOptions, pool: WorkerPool) -> None:
        from kg.sparql.querylib import library

        self.options = options
        self.pool = pool
        self.library: dict[str, NamedQuery] = library()
        #: the build's void.ttl (beside its store), None when serving a file or a remote store
        self.void_file: Path | None = (
            options.store.parent / "void.ttl"
            if options.store is not None and options.data is None and options.remote is None
            else None
        )
        self._void_cache: dict[tuple[str, str], bytes] = {}

    async def context(self, request: Request) -> Response:
        """The published JSON-LD context (kg/context.jsonld), for documents that refer to it."""
        from kg.resources import context_file

        return _response(Reply(200, "application/ld+json", context_file().read_bytes()))

    # ----------------------------------------------------------------- pages

    async def index(self, request: Request) -> Response:
        return _html(pages.index_page(self.library))

    async def status(self, request: Request) -> Response:
        """The workers and limits, as JSON: for health checks (and tests that wait for idle workers).

        ``store`` says whether the server answers over a local build or in front of a remote store (its
        endpoint, without user information, and the guard in effect there); ``workers`` gives the heavy
        lane's ``size``, ``running`` and ``idle`` workers (the ``--workers``), ``lanes`` both lanes in
        detail, ``network_guard`` how the workers are cut off from the network (``netns``, ``seccomp`` or
        ``none``; see kg.web.sandbox), or ``remote`` when they must reach a remote store and every query is
        checked strictly instead, and ``spooled_bytes`` the large answers waiting to be read.
        """
        from starlette.responses import JSONResponse

        limits = self.options.limits
        options = self.options
        remote = options.remote
        store: dict[str, Any] = {"kind": "local"}
        if remote is not None:
            from kg.stores.remotestore import GUARD_DETAIL

            store = {
                "kind": "remote",
                "endpoint": remote.shown,
                "union": remote.union,
                "default_graphs": list(remote.default_graphs),
                "guard": GUARD_DETAIL,
            }
        return JSONResponse(
            {
                "store": store,
                "workers": self.pool.status(),
                "limits": {
                    "timeout": limits.timeout,
                    "memory_mb": limits.memory_mb,
                    "max_rows": limits.max_rows,
                    "max_bytes": limits.max_bytes,
                    "fast_budget": options.fast_budget,
                    "queue_timeout": options.queue_timeout,
                    "client_heavy": options.lanes.client_heavy,
                    "request_timeout": options.request_timeout,
                    "write_timeout": options.write_timeout,
                    "max_connections": options.max_connections,
                },
            },
            headers=COMMON_HEADERS,
        )

    # ---------------------------------------------------------------- /sparql

    async def sparql(self, request: Request) -> Response:
        params: list[tuple[str, str]] = list(request.query_params.multi_items())
        text: str | None = None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                return _text(403, READ_ONLY)
            if content_type == "application/x-www-form-urlencoded":
                params += parse_qsl(_decode(await _read_body(request)), keep_blank_values=True)
            elif content_type == "application/sparql-query":
                text = _decode(await _read_body(request))
            else:
                return _text(
                    415,
                    "POST a form (application/x-www-form-urlencoded, field 'query') "
                    "or the query itself (application/sparql-query)",
                )
        if any(name == "update" for name, _ in params):
            return _text(403, READ_ONLY)
        queries = [value for name, value in params if name == "query"]
        if text is not None:
            queries.append(text)
        if not queries:
            if request.method == "GET" and _prefers_html(request):
                return _html(pages.sparql_page(self.library))
            if request.method == "GET" and not params:
                described = self._describe_service(request)
                if described is not None:
                    return described
            return _text(400, "no query: send ?query=... (GET), a form field 'query' or a sparql-query body (POST)")
        if len(queries) > 1:
            return _text(400, "give exactly one query")
        query = queries[0]
        formats = negotiate(request.headers.get("accept"), [v for n, v in params if n in FORMAT_FIELDS])
        if len(query) <= EARLY_CHECK:  # a longer one is read in the worker only, not on the event loop
            try:
                shape = check_query(query, parse=False)  # the tokens here; the worker parses it before it runs
            except QueryRefused as refused:
                return _text(refused.status, str(refused))
            if shape.kind is not None and formats.for_kind(shape.kind) is None:
                return _text(406, not_acceptable(shape.kind, formats.offered(shape.kind), formats.asked))
        default_graphs = tuple(v for n, v in params if n == "default-graph-uri")
        named_graphs = tuple(v for n, v in params if n == "named-graph-uri")
        protocol_dataset = bool(default_graphs or named_graphs)
        job = QueryJob(
            text=query,
            formats=formats,
            union=not protocol_dataset,
            default_graphs=default_graphs if protocol_dataset else None,
            named_graphs=named_graphs if protocol_dataset else None,
            base_iri=_endpoint(request),
        )
        return _response(await self.pool.run(job, client=_client(request)), vary=True)

    def _describe_service(self, request: Request) -> Response | None:
        """The SPARQL 1.1 Service Description, in the RDF format the client accepts; None when it accepts none."""
        from kg.web.endpointdesc import service_description

        chosen = choose(request.headers.get("accept"), GRAPH_FORMATS)
        if chosen is None:
            return None
        remote = self.options.remote
        graph = service_description(
            _endpoint(request),
            str(request.base_url),
            union=remote is None or remote.union,
            void=remote is None,
        )
        return _response(Reply(200, chosen.media_type, _graph_bytes(graph, chosen)), vary=True)

    async def void(self, request: Request) -> Response:
        """The build's VoID description, pointing at this endpoint (see kg.web.endpointdesc)."""
        from kg.web.endpointdesc import endpoint_void

        chosen = choose(request.headers.get("accept"), GRAPH_FORMATS)
        if chosen is None:
            offered = ", ".join(f.media_type for f in GRAPH_FORMATS)
            return _text(406, f"not acceptable: {request.headers.get('accept')}; available: {offered}")
        if self.options.remote is not None:
            return _text(404, f"not found: {REMOTE_HAS_NO_FILES}")
        if self.void_file is None or not self.void_file.is_file():
            return _text(404, "not found: this server serves a file (--data), which has no VoID description")
        key = (str(request.base_url), chosen.name)
        if key not in self._void_cache:
            graph = endpoint_void(self.void_file, _endpoint(request), str(request.base_url))
            self._void_cache[key] = _graph_bytes(graph, chosen)
        return _response(Reply(200, chosen.media_type, self._void_cache[key]), vary=True)

    async def dump(self, request: Request) -> Response:
        """A dump the build wrote (the download links of the VoID description), streamed from disk."""
        from starlette.responses import FileResponse

        from kg.web.endpointdesc import DUMPS

        name = request.path_params["name"]
        if self.options.remote is not None:
            return _text(404, f"not found: {REMOTE_HAS_NO_FILES}")
        folder = self.void_file.parent if self.void_file is not None else None
        if name not in DUMPS or folder is None or not (folder / name).is_file():
            return _text(404, f"not found: the dumps are {', '.join('/dumps/' + d for d in DUMPS)} (of a build folder)")
        media = "application/n-quads" if name.endswith(".nq") else "application/trig"
        return FileResponse(folder / name, media_type=media, headers=COMMON_HEADERS)

    # --------------------------------------------------------------- /queries

    async def queries(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        if _prefers_html(request):
            return _html(pages.queries_page(self.library))
        listing = [
            {
                "name": name,
                "question": q.question,
                "url": f"/queries/{name}",
                "check": q.is_check,
                "columns": list(q.columns),
                "example": q.example,
                "sparql": f"/queries/{name}?format=sparql",
                "parameters": [
                    {"name": p.name, "kind": p.kind, "doc": p.doc, "default": p.default, "required": p.required}
                    for p in q.parameters
                ],
            }
            for name, q in self.library.items()
        ]
        return JSONResponse({"queries": listing}, headers={**COMMON_HEADERS, "Vary": "Accept"})

    async def named_query(self, request: Request) -> Response:
        from kg.sparql.querylib import QueryLibraryError

        name = request.path_params["name"]
        named = self.library.get(name)
        if named is None:
            close = difflib.get_close_matches(name, list(self.library), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; /queries lists them"
            return _text(404, f"unknown query '{name}'{hint}")
        params: dict[str, str] = {}
        format_values: list[str] = []
        paging: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in FORMAT_FIELDS:
                format_values.append(value)
                continue
            if key in PAGING:
                if key in paging:
                    return _text(400, f"'{key}' is given twice")
                paging[key] = value
                continue
            try:
                named.parameter(key)
            except QueryLibraryError as exc:
                return _text(400, str(exc))
            if key in params:
                return _text(400, f"parameter '{key}' is given twice")
            params[key] = value
        formats = negotiate(
            request.headers.get("accept"),
            format_values,
            (*SELECT_FORMATS, HTML_FORMAT, SPARQL_TEXT),
            (*GRAPH_FORMATS, HTML_FORMAT, SPARQL_TEXT),
        )
        kind = inspect_query(named.text).kind
        if kind is not None and formats.for_kind(kind) is None:
            return _text(406, not_acceptable(kind, formats.offered(kind), formats.asked))
        wants_text = formats.for_kind(kind or "select") is SPARQL_TEXT
        if not params and wants_text:
            from kg.sparql.querytext import example_params

            params = example_params(named)  # the text of a bare example runs as its header's example does
        if kind == "graph" or wants_text:
            if paging:
                return _text(400, "limit and offset page the rows of a SELECT answer; this asks for RDF or the text")
            job = NamedQueryJob(name, tuple(params.items()), formats)
        else:
            limit, offset = self._page(paging)
            following = [(k, v) for k, v in request.query_params.multi_items() if k not in PAGING]
            next_url = f"{request.url.path}?{urlencode([*following, ('limit', limit), ('offset', offset + limit)])}"
            job = NamedQueryJob(name, tuple(params.items()), formats, limit, offset, next_url)
        reply = await self.pool.run(job, client=_client(request))
        return _response(reply, vary=True)

    def _page(self, paging: dict[str, str]) -> tuple[int, int]:
        """The page a named-query request asks for: ``limit`` (default :data:`DEFAULT_LIMIT`, at most the
        server's ``--max-rows``) and ``offset`` (default 0); BadRequest (400) naming a bad value."""
        most = self.options.max_rows
        limits = {"limit": (1, most, min(DEFAULT_LIMIT, most)), "offset": (0, None, 0)}
        page: dict[str, int] = {}
        for key, (least, greatest, default) in limits.items():
            text = paging.get(key, "").strip()
            if not text:
                page[key] = default
                continue
            if not text.isdigit():
                raise BadRequest(400, f"{key} must be a whole number of rows, not '{paging[key]}'")
            value = int(text)
            if value < least or (greatest is not None and value > greatest):
                bound = f"between {least} and {greatest} (the server's --max-rows)" if greatest else f"{least} or more"
                raise BadRequest(400, f"{key} must be {bound}, not {value}")
            page[key] = value
        return page["limit"], page["offset"]

    # ------------------------------------------------------------ linked data

    async def see_other(self, request: Request) -> Response:
        """303 from a minted IRI's path to its page or data document, by Accept."""
        from starlette.responses import Response

        iri = pages.BASE + request.url.path.lstrip("/")
        chosen = choose(request.headers.get("accept"), (HTML_FORMAT, *GRAPH_FORMATS))
        if chosen is None:
            offered = ", ".join(f.media_type for f in (HTML_FORMAT, *GRAPH_FORMATS))
            return _text(406, f"not acceptable: {request.headers.get('accept')}; available: {offered}")
        found = await self.pool.run(ResourceJob(iri, "exists"), client=_client(request))
        if found.status != 200:
            return _response(found)
        location = pages.page_url(iri) if chosen is HTML_FORMAT else pages.data_url(iri, chosen.name)
        assert location is not None
        return Response(
            f"See Other: {location}\n",
            status_code=303,
            media_type="text/plain; charset=utf-8",
            headers={**COMMON_HEADERS, "Location": location, "Vary": "Accept"},
        )

    async def page(self, request: Request) -> Response:
        from kg.web.dossierpage import EXPORTS

        iri = pages.iri_of_document(request.path_params["path"])
        view = request.query_params.get("view") or "page"  # an attack's dossier downloads: ?view=dossier.svg
        if view != "page" and view not in EXPORTS:
            return _text(404, f"not found: a page's views are {', '.join('?view=' + v for v in EXPORTS)}")
        return _response(await self.pool.run(ResourceJob(iri, view), client=_client(request)))

    async def data(self, request: Request) -> Response:
        path = request.path_params["path"]
        stem, dot, extension = path.rpartition(".")
        by_extension = {ext: fmt for fmt, ext in pages.DATA_EXTENSIONS.items()}
        if not dot or extension not in by_extension:
            endings = ", ".join("." + e for e in pages.DATA_EXTENSIONS.values())
            return _text(404, f"not found: a data document's name ends in {endings}")
        fmt = next(f for f in GRAPH_FORMATS if f.name == by_extension[extension])
        iri = pages.iri_of_document(stem)
        return _response(await self.pool.run(ResourceJob(iri, "data", fmt), client=_client(request)))


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
            return _text(exc.status, str(exc))
        if isinstance(exc, ClientDisconnect):  # the client went (or was cut off) while sending its body
            return _text(400, "the request body did not arrive whole")
        import traceback

        print(f"kg serve: internal error:\n{traceback.format_exc()}", file=sys.stderr)
        return _text(500, "internal error: the server could not answer this request")

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


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def run(options: ServeOptions) -> int:
    """Serve until interrupted; the store must be built (``options.store``). Returns the exit status."""
    import uvicorn

    try:
        sock = _bind(options.host, options.port)
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


__all__ = ["ServeOptions", "create_app", "inspect_query", "main", "negotiate", "run"]
