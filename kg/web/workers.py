"""The query workers of ``kg serve``: every query runs in a process of its own that can be stopped.

A SPARQL engine cannot be interrupted from outside once it is sorting or
aggregating, and a thread cannot be killed, so ``kg serve`` never runs a query
in its own process. :class:`WorkerPool` keeps worker processes in two lanes
(:mod:`kg.web.lanes`): ``--fast-workers`` in the fast lane, which runs every job
first within ``--fast-budget``, and ``--workers`` in the heavy lane, at the
lowest CPU priority, for the jobs that need longer. Workers are forked from a
fork server (``multiprocessing``'s ``forkserver``: a fresh interpreter that
imported Oxigraph, rdflib and the modules below once and inherits no state
from the server), so a worker that was killed is replaced in a few tens of
milliseconds. Each worker first cuts itself off from the network
(:mod:`kg.web.sandbox`: a network namespace of its own, else a seccomp filter; the
guard in effect shows in ``/status``), then opens the Oxigraph store
read-only, caps its own address space with ``setrlimit(RLIMIT_AS)``
(``--memory-mb``: the whole worker, Python, the store and the query together;
workers run with ``MALLOC_ARENA_MAX=2`` so that glibc's per-thread
reservations do not eat the cap), and then answers jobs one at a time from a
pipe.

The server sends a job (:class:`QueryJob`, :class:`NamedQueryJob` or
:class:`ResourceJob`) to an idle worker and awaits the answer without blocking
its event loop (it watches the pipe with ``loop.add_reader``), so other
requests go on being served by the other workers. If the answer does not come
within the fast lane's budget, or in the heavy lane within what is left of
``--timeout``, the server kills the worker (SIGKILL: the sort, the aggregate,
whatever it was doing, stops at once) and starts a replacement in the
background; the job goes on to the heavy lane, or, past ``--timeout``, is
answered 503 naming the limit. A request that waits longer than
``--queue-timeout`` for a worker is answered 503 with ``Retry-After``. A
worker that runs out of memory either raises MemoryError (it answers 503
naming the memory limit and retires) or, when the allocation fails inside
Oxigraph, aborts; the server sees the pipe close and answers the same 503.
Answers with more than ``--max-rows`` rows (or triples) are refused with 413
before they are written, and answers larger than ``--max-bytes`` bytes with
413 once written, in the worker.

A worker does all the work of a request, not only the query: it resolves a
named query's parameters (:mod:`kg.sparql.querying`), writes the answer in the
negotiated format (:mod:`kg.sparql.answers`, rdflib for RDF), and builds the linked
data pages (:mod:`kg.web.pages`), so everything a request costs is under the same
limits. What comes back is a :class:`Reply`: a status, a media type and the
bytes to send. An answer larger than :data:`INLINE_BYTES` does not cross the
pipe: the worker writes it to a file in the pool's spool folder (a private
temporary folder, ``$TMPDIR/kg-serve-answers-*``, removed when the server
stops) and the reply names the file, which the server streams to the client
(:class:`kg.web.connections.SpooledAnswer`) and deletes. So the server process
never holds an answer whole; the spool holds at most :data:`SPOOLED_ANSWERS`
times ``--max-bytes`` of answers not yet read (a new large answer beyond that
is a 503), plus those being written. No traceback crosses the pipe: an
unexpected error is logged on the server's standard error and answered with a
plain 500.

In front of a remote store (``kg serve --endpoint``, :class:`WorkerSettings`'s
``remote``) a worker opens a :class:`kg.stores.remotestore.RemoteStore` instead of the
Oxigraph store: the same calls, answered over the SPARQL 1.1 Protocol, so the
same :class:`Executor` serves both. Such a worker must reach the store, so it
is not cut off from the network; instead every query of a client is checked
strictly before it is forwarded (:func:`kg.sparql.querycheck.check_query` with
``strict``: parsed by rdflib, no SERVICE, no extension), each request to the
store may take the worker's time budget (its lane's), and a store that fails
is answered with 502 and one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import multiprocessing
import os
import signal
import sys
import traceback
from collections import deque
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.rdf import formatregistry
from kg.web.lanes import FAST, HEAVY, HEAVY_NICENESS, ClientSlots, LanePolicy, LaneSettings, client_key, fingerprint
from kg.web.sandbox import Isolation, isolate_network

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.term import Node

    from kg.sparql.querying import Page
    from kg.stores.remotestore import RemoteTarget
    from kg.web import pages

log = logging.getLogger("kg.web.serve")

# ------------------------------------------------------------------ answer formats


#: a format an answer can be written in (kg.rdf.formatregistry: name, media type, the other media types and
#: the ``format=`` keywords that ask for it)
AnswerFormat = formatregistry.Format
#: SELECT and ASK answers, in the server's order of preference (the first is the default)
SELECT_FORMATS = formatregistry.SERVER_RESULTS
#: CONSTRUCT and DESCRIBE answers and data documents
GRAPH_FORMATS = formatregistry.SERVER_GRAPHS
#: answers of named queries and linked-data pages, for browsers
HTML_FORMAT = formatregistry.HTML
#: a named query's text with its parameters written in (kg.sparql.querytext), for the query page's editor
SPARQL_TEXT = formatregistry.SPARQL_QUERY

KIND_NAMES = {"select": "a SELECT or ASK answer", "graph": "a CONSTRUCT or DESCRIBE answer"}


@dataclass(frozen=True)
class Formats:
    """The negotiated format for each kind of answer; None where nothing the client accepts fits."""

    select: AnswerFormat | None
    graph: AnswerFormat | None
    offered_select: tuple[AnswerFormat, ...] = SELECT_FORMATS
    offered_graph: tuple[AnswerFormat, ...] = GRAPH_FORMATS
    asked: str = ""

    def for_kind(self, kind: str) -> AnswerFormat | None:
        return self.select if kind == "select" else self.graph

    def offered(self, kind: str) -> tuple[AnswerFormat, ...]:
        return self.offered_select if kind == "select" else self.offered_graph


def not_acceptable(kind: str, offered: Iterable[AnswerFormat], asked: str) -> str:
    """The message of a 406 answer: what was asked and what is available."""
    offered = list(offered)
    types = ", ".join(f.media_type for f in offered)
    keywords = "|".join(f.keywords[0] for f in offered if f.keywords)
    return (
        f"not acceptable: {asked or 'the requested format'} does not fit {KIND_NAMES[kind]}; "
        f"available: {types} (Accept header) or format={keywords}"
    )


# ----------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Limits:
    """What one query may cost: seconds, megabytes of address space per worker, rows and bytes of answer."""

    timeout: float
    memory_mb: int
    max_rows: int
    max_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True)
class QueryJob:
    """A SPARQL query from a client (already checked: a query, no SERVICE).

    ``union`` makes the union of all graphs the default graph (unless the query names a dataset with
    FROM: the worker reads that); ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``, and replace any FROM of the query when given.
    """

    text: str
    formats: Formats
    union: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    #: the base IRI of the query's relative IRIs: the endpoint's URL
    base_iri: str | None = None


@dataclass(frozen=True)
class NamedQueryJob:
    """A named query of the library with its parameters (names already checked).

    With a ``limit``, only that page of a SELECT answer (``limit`` rows after ``offset``); when more
    rows follow, the reply links to ``next_url`` (a ``Link: <...>; rel="next"`` header and a note).
    """

    name: str
    params: tuple[tuple[str, str], ...]
    formats: Formats
    limit: int | None = None
    offset: int = 0
    next_url: str = ""


@dataclass(frozen=True)
class ResourceJob:
    """Whether a minted IRI exists, its HTML page, or its RDF document in a format."""

    iri: str
    view: str  # "exists" | "page" | "data" | a download of kg.web.dossierpage.EXPORTS
    format: AnswerFormat | None = None


Job = QueryJob | NamedQueryJob | ResourceJob


@dataclass
class Reply:
    """What the server sends back: status, media type (without charset), body and extra headers.

    A large body does not cross the pipe: the worker writes it to a file of the pool's spool folder and
    ``path`` names it (``body`` is then empty); the server streams the file to the client and deletes it.
    """

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    retire: bool = False
    path: str | None = None

    @classmethod
    def text(cls, status: int, message: str, retire: bool = False) -> Reply:
        return cls(status, "text/plain", (message.rstrip("\n") + "\n").encode("utf-8"), retire=retire)


def time_limit_message(limits: Limits) -> str:
    return f"query exceeded the time limit of {limits.timeout:g} s (the server's --timeout); it was stopped"


def memory_limit_message(limits: Limits) -> str:
    return (
        f"query exceeded the memory limit of {limits.memory_mb} MB per query worker (the server's --memory-mb); "
        "it was stopped"
    )


def rows_limit_message(limits: Limits, what: str = "rows") -> str:
    return (
        f"the answer has more than {limits.max_rows} {what}, the server's limit (--max-rows {limits.max_rows}); "
        "add a LIMIT or narrow the query"
    )


def bytes_limit_message(limits: Limits) -> str:
    return (
        f"the answer is larger than {limits.max_bytes} bytes, the server's limit (--max-bytes {limits.max_bytes}); "
        "add a LIMIT, ask for fewer columns or narrow the query"
    )


# -------------------------------------------------------------------- the worker


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker is started with: the store, the limits, the server's pid, its lane's CPU niceness, the
    spool folder for large answers (none: every answer crosses the pipe), and, in front of a remote store,
    that store (``store`` is then unused) and the seconds a request to it may take."""

    store: str
    limits: Limits
    parent: int
    niceness: int = 0
    spool: str | None = None
    remote: RemoteTarget | None = None
    budget: float | None = None


class _TooManyRows(Exception):
    pass


class QueryAnswerError(ValueError):
    """An answer this endpoint cannot write."""


@dataclass
class _Solutions:
    """A page of a SELECT answer: Oxigraph's variables and the solutions read."""

    variables: list[Any]
    solutions: list[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.solutions)


def _limited(items: Iterable[Any], limit: int) -> list[Any]:
    """The items as a list; _TooManyRows when there are more than limit."""
    out: list[Any] = []
    for item in items:
        if len(out) >= limit:
            raise _TooManyRows
        out.append(item)
    return out


def _note_headers(notes: list[str]) -> dict[str, str]:
    """The KG-Note header that carries a named query's notes (ASCII, as headers must be)."""
    if not notes:
        return {}
    return {"KG-Note": " | ".join(notes).encode("ascii", "backslashreplace").decode("ascii")}


def _wants_text(formats: Formats, text: str) -> bool:
    """Whether the client asked for the query's text (SPARQL_TEXT) rather than its answer."""
    from kg.sparql.querycheck import inspect_query

    chosen = formats.for_kind(inspect_query(text).kind or "select")
    return chosen is not None and chosen.name == SPARQL_TEXT.name


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
KGO = "https://w3id.org/kerman-kg/ontology#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: the properties that give an IRI's label on pages, best first (an odd rank: not English)
LABEL_RANKS = {RDFS + "label": 0, SKOS + "prefLabel": 2, DCTERMS + "title": 4}
#: the IRIs whose labels one request to a remote store reads
LABEL_BATCH = 200


class Executor:
    """What runs inside a worker process: the store, opened read-only, and the jobs.

    With ``remote`` the store is that remote store (:class:`kg.stores.remotestore.RemoteStore`), each request to it
    given at most ``budget`` seconds (default: the time limit), and every query of a client is checked
    strictly before it is forwarded.
    """

    def __init__(
        self, store_path: str, limits: Limits, remote: RemoteTarget | None = None, budget: float | None = None
    ) -> None:
        import pyoxigraph as ox
        from rdflib.plugins.sparql import parser  # noqa: F401  (kg.sparql.querycheck's; its grammar takes a while to build)

        from kg.sparql import answers, engine, querycheck, querying  # noqa: F401  (imported before the memory cap)
        from kg.stores.remotestore import GraphAnswer, RemoteStore

        self.ox = ox
        self.strict = remote is not None
        self.graph_answers: tuple[type, ...] = (ox.QueryTriples, GraphAnswer)
        self.store: Any
        if remote is not None:
            self.store = RemoteStore(remote)
            self.store.set_timeout(budget if budget is not None else limits.timeout)
        else:
            self.store = ox.Store.read_only(store_path)
        self.limits = limits
        self._labels: dict[str, str | None] = {}
        self.engine = _engine_with_cached_labels(self.store)
        self.store.query("ASK { ?s ?p ?o }")  # warm up

    # ---------------------------------------------------------------- dispatch

    def run(self, job: Job) -> Reply:
        """Answer a job; never raises (errors become replies)."""
        from kg.sparql.answers import NotRepresentable
        from kg.sparql.engine import QuerySyntaxError
        from kg.sparql.querycheck import QueryRefused
        from kg.sparql.querylib import QueryLibraryError
        from kg.stores.http import StoreError

        try:
            if isinstance(job, QueryJob):
                return self.query(job)
            if isinstance(job, NamedQueryJob):
                return self.named_query(job)
            if isinstance(job, ResourceJob):
                return self.resource(job)
            return Reply.text(500, "internal error: unknown job")
        except MemoryError:
            return Reply.text(503, memory_limit_message(self.limits), retire=True)
        except _TooManyRows:
            return Reply.text(413, rows_limit_message(self.limits))
        except NotRepresentable as exc:
            return Reply.text(406, str(exc))
        except (QuerySyntaxError, QueryLibraryError, QueryAnswerError) as exc:
            return Reply.text(400, str(exc))
        except QueryRefused as refused:
            return Reply.text(refused.status, str(refused))
        except StoreError as failed:  # the remote store: unreachable, refused us, failed or answered nonsense
            return Reply.text(502, f"the SPARQL store behind this server could not answer: {failed}")
        except RecursionError:
            return Reply.text(400, "the query or its answer is nested too deeply to be read or written")
        except RuntimeError as exc:  # Oxigraph's evaluation errors (an unsupported function...)
            return Reply.text(400, f"the query cannot be evaluated: {exc}")
        except Exception:
            print(f"kg serve: internal error in a query worker:\n{traceback.format_exc()}", file=sys.stderr)
            return Reply.text(500, "internal error: the server could not answer this request")

    # ----------------------------------------------------------------- queries

    def _execute(self, text: str, **options: Any) -> Any:
        from kg.sparql.engine import PREFIXES, QuerySyntaxError

        try:
            return self.store.query(text, prefixes=PREFIXES, **options)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc

    def query(self, job: QueryJob) -> Reply:
        from kg.sparql.querycheck import QueryRefused, check_query

        try:
            # the server read its tokens; here it is parsed as well, where it runs (strictly before it is forwarded)
            shape = check_query(job.text, strict=self.strict)
        except QueryRefused as refused:
            return Reply.text(refused.status, str(refused))
        ox = self.ox
        options: dict[str, Any] = {}
        if job.base_iri is not None:
            options["base_iri"] = job.base_iri
        if job.default_graphs is not None or job.named_graphs is not None:
            try:
                options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
                options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
            except ValueError as exc:
                return Reply.text(400, f"default-graph-uri and named-graph-uri take IRIs: {exc}")
        elif job.union and not shape.dataset:  # FROM in the query chooses the dataset itself
            options["use_default_graph_as_union"] = True
        answer = self._execute(job.text, **options)
        return self.answer(answer, job.formats)

    def named_query(self, job: NamedQueryJob) -> Reply:
        from kg.sparql.engine import run_bound
        from kg.sparql.querying import Page, prepare

        prepared = prepare(self.engine, job.name, dict(job.params))
        if prepared.named is not None and _wants_text(job.formats, prepared.text):
            from kg.sparql.querytext import written_out

            text = written_out(prepared.named, prepared.bindings)
            return Reply(200, SPARQL_TEXT.media_type, text.encode("utf-8"), _note_headers(prepared.notes))
        notes = list(prepared.notes)
        headers: dict[str, str] = {}
        if job.limit is None and not job.offset:
            answer: Any = run_bound(self.store, prepared.text, prepared.bindings)
        else:
            answer, more = self._page(prepared.text, prepared.bindings, Page(job.limit, job.offset))
            if more:
                notes.append(
                    f"rows {job.offset + 1}-{job.offset + (job.limit or 0)} shown; more rows follow: {job.next_url}"
                )
                headers["Link"] = f'<{job.next_url}>; rel="next"'
        named = prepared.named
        reply = self.answer(
            answer,
            job.formats,
            title=job.name,
            question=named.question if named else "",
            notes=notes,
        )
        if reply.status == 200:
            reply.headers.update(headers)
        if notes:
            reply.headers.update(_note_headers(notes))
        return reply

    def _page(self, text: str, bindings: dict[str, Node], page: Page) -> tuple[Any, bool]:
        """A page of a named query's answer (LIMIT and OFFSET written into its text when it allows, else
        read from the answer) and whether rows follow it; an answer that is not a table, as it is."""
        import itertools

        from kg.sparql.engine import run_bound
        from kg.sparql.querying import paged_text

        paged = paged_text(text, page)
        answer = run_bound(self.store, paged or text, bindings)
        if not isinstance(answer, self.ox.QuerySolutions):
            return answer, False
        skip = 0 if paged is not None else page.offset
        stop = None if page.limit is None else skip + page.limit + 1
        solutions = list(itertools.islice(answer, skip, stop))
        more = page.limit is not None and len(solutions) > page.limit
        return _Solutions(answer.variables, solutions[: page.limit]), more

    def answer(
        self, answer: Any, formats: Formats, title: str = "", question: str = "", notes: Iterable[str] = ()
    ) -> Reply:
        """An Oxigraph answer written in the negotiated format, within the row limit (in HTML, the articles
        named by title and outlet: :func:`kg.web.resultspage.article_names`)."""
        from kg.sparql.answers import render
        from kg.sparql.engine import Result
        from kg.web import pages
        from kg.web.resultspage import article_names

        ox = self.ox
        kind = "graph" if isinstance(answer, self.graph_answers) else "select"
        fmt = formats.for_kind(kind)
        if fmt is None:
            return Reply.text(406, not_acceptable(kind, formats.offered(kind), formats.asked))
        if isinstance(answer, ox.QueryBoolean):
            result = Result("ask", [], [], boolean=bool(answer))
            if fmt.name == "html":
                body = pages.results_page(title, question, [], [], list(notes), boolean=bool(answer))
                return Reply(200, fmt.media_type, body.encode("utf-8"))
            return Reply(200, fmt.media_type, render(result, fmt.name).encode("utf-8"))
        if isinstance(answer, (ox.QuerySolutions, _Solutions)):
            variables = [v.value for v in answer.variables]
            solutions = _limited(answer, self.limits.max_rows)
            if fmt.name == "html":
                self.prefetch_labels(s[v] for s in solutions for v in variables)
                rows = [tuple(self.term(s[v]) for v in variables) for s in solutions]
                articles = article_names(self.engine, (t for row in rows for t in row))
                body = pages.results_page(title, question, variables, rows, list(notes), articles=articles)
                return Reply(200, fmt.media_type, body.encode("utf-8"))
            result = Result("select", variables, [tuple(self.rdflib(s[v]) for v in variables) for s in solutions])
            return Reply(200, fmt.media_type, render(result, fmt.name).encode("utf-8"))
        triples = _limited(answer, self.limits.max_rows)
        if fmt.name == "html":
            self.prefetch_labels(term for t in triples for term in (t.subject, t.predicate, t.object))
            rows = [(self.term(t.subject), self.term(t.predicate), self.term(t.object)) for t in triples]
            articles = article_names(self.engine, (t for row in rows for t in row))
            spo = ["subject", "predicate", "object"]
            body = pages.results_page(title, question, spo, rows, list(notes), articles=articles)
            return Reply(200, fmt.media_type, body.encode("utf-8"))
        return self.graph_reply(((t.subject, t.predicate, t.object) for t in triples), fmt)

    def graph_reply(self, triples: Iterable[tuple[Any, Any, Any]], fmt: AnswerFormat) -> Reply:
        """Triples (Oxigraph terms) written as RDF in fmt."""
        from rdflib import Graph

        from kg.rdf import namespaces
        from kg.sparql.answers import render
        from kg.sparql.engine import Result

        graph = Graph(bind_namespaces="core")
        namespaces.bind(graph)
        for s, p, o in triples:
            graph.add((self.rdflib(s), self.rdflib(p), self.rdflib(o)))  # type: ignore[arg-type]
        if fmt.name == "rdfxml":
            from kg.sparql.answers import xml_safe

            text = xml_safe(_serialize(graph, "xml"), "Turtle, N-Triples or JSON-LD instead")
        else:
            text = render(Result("graph", [], [], graph=graph), fmt.name)
        return Reply(200, fmt.media_type, text.encode("utf-8"))

    def rdflib(self, term: Any) -> Node | None:
        from kg.sparql.engine import to_rdflib

        try:
            return to_rdflib(term)
        except TypeError as exc:
            raise QueryAnswerError("this endpoint cannot write RDF 1.2 triple terms") from exc

    # ---------------------------------------------------------------- resources

    def resource(self, job: ResourceJob) -> Reply:
        ox = self.ox
        try:
            node = ox.NamedNode(job.iri)
        except ValueError:
            return Reply.text(404, f"not found: '{job.iri}' is not an IRI")
        if not self._exists(node):
            return Reply.text(404, f"not found: the graph says nothing about <{job.iri}>")
        if job.view == "exists":
            return Reply.text(200, f"<{job.iri}> exists")
        if job.view == "data":
            assert job.format is not None
            return self.graph_reply(self._about(node), job.format)
        from kg.web import dossierpage, pages

        if job.view in dossierpage.EXPORTS:  # an attack's dossier as SVG or CSV (kg.web.dossierpage)
            found = dossierpage.export(self.engine, job.iri, job.view)
            if found is None:
                return Reply.text(404, f"not found: <{job.iri}> is not an attack, so it has no dossier")
            disposition = f'attachment; filename="{dossierpage.filename(job.iri, job.view)}"'
            return Reply(200, found[0], found[1], headers={"Content-Disposition": disposition})
        above = dossierpage.section_for(self.engine, job.iri)  # an attack's page opens with its dossier
        return Reply(200, HTML_FORMAT.media_type, pages.resource_page(self.resource_view(node), above).encode("utf-8"))

    def _exists(self, node: ox.NamedNode) -> bool:
        store = self.store
        return (
            next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None
            or next(iter(store.quads_for_pattern(None, None, node, None)), None) is not None
            or store.contains_named_graph(node)
        )

    def _about(self, node: ox.NamedNode) -> Iterator[tuple[Any, Any, Any]]:
        """The triples of a resource's data document: as subject, as object, and a graph's contents."""
        from kg.rdf import iris

        seen: set[tuple[Any, Any, Any]] = set()
        quads: list[Iterable[Any]] = [
            self.store.quads_for_pattern(node, None, None, None),
            self.store.quads_for_pattern(None, None, node, None),
        ]
        if self.store.contains_named_graph(node):
            quads.append(self.store.quads_for_pattern(None, None, None, node))
        if node.value == str(iris.ONTOLOGY):  # the ontology's document is the whole ontology
            quads.append(self.store.quads_for_pattern(None, None, None, self.ox.NamedNode(str(iris.ONTOLOGY_GRAPH))))
        for source in quads:
            for quad in source:
                triple = (quad.subject, quad.predicate, quad.object)
                if triple not in seen:
                    if len(seen) >= self.limits.max_rows:
                        raise _TooManyRows
                    seen.add(triple)
                    yield triple

    def label(self, iri: str) -> str | None:
        """An IRI's rdfs:label (English or untagged first), or an article's title."""
        if iri not in self._labels:
            ox = self.ox
            node = ox.NamedNode(iri)
            quads = [
                q for prop in LABEL_RANKS for q in self.store.quads_for_pattern(node, ox.NamedNode(prop), None, None)
            ]
            self._labels[iri] = self._best_label(quads)
        return self._labels[iri]

    def _best_label(self, quads: Iterable[Any]) -> str | None:
        """The label of :data:`LABEL_RANKS`'s best rank among these quads (English or untagged first)."""
        found: list[tuple[int, str]] = []
        for quad in quads:
            rank = LABEL_RANKS.get(quad.predicate.value)
            if rank is not None and isinstance(quad.object, self.ox.Literal):
                lang = quad.object.language
                found.append((rank + (0 if lang in (None, "", "en") else 1), quad.object.value))
        return min(found)[1] if found else None

    def prefetch_labels(self, terms: Iterable[Any]) -> None:
        """Read the labels of these terms' IRIs at once, when the store can (a remote store: one request for
        many IRIs rather than three for each); a local store reads each when it is asked for."""
        fetch = getattr(self.store, "quads_for_subjects", None)
        if fetch is None:
            return
        wanted = sorted({t.value for t in terms if isinstance(t, self.ox.NamedNode) and t.value not in self._labels})
        for start in range(0, len(wanted), LABEL_BATCH):
            batch = wanted[start : start + LABEL_BATCH]
            found: dict[str, list[Any]] = {iri: [] for iri in batch}
            for quad in fetch([self.ox.NamedNode(i) for i in batch], [self.ox.NamedNode(p) for p in LABEL_RANKS]):
                found[quad.subject.value].append(quad)
            for iri, quads in found.items():
                self._labels[iri] = self._best_label(quads)

    def term(self, term: Any) -> pages.Term | None:
        """An Oxigraph term as a page term, IRIs with their labels."""
        from kg.web import pages

        ox = self.ox
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return pages.Term("iri", term.value, label=self.label(term.value))
        if isinstance(term, ox.BlankNode):
            return pages.Term("bnode", term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            return pages.Term(
                "literal",
                term.value,
                lang=term.language or None,
                datatype=None if term.language or datatype == XSD_STRING else datatype,
            )
        return pages.Term("literal", str(term))

    def resource_view(self, node: ox.NamedNode) -> pages.ResourceView:
        """Everything a resource's page shows, read from the store."""
        from kg.web import pages

        ox = self.ox
        store = self.store
        limit = self.limits.max_rows
        view = pages.ResourceView(iri=node.value, label=self.label(node.value))
        outgoing: dict[tuple[Any, Any], list[Any]] = {}
        incoming: dict[tuple[Any, Any], list[Any]] = {}
        for quads, target, flip in (
            (store.quads_for_pattern(node, None, None, None), outgoing, False),
            (store.quads_for_pattern(None, None, node, None), incoming, True),
        ):
            for quad in quads:
                key = (quad.predicate, quad.subject if flip else quad.object)
                if key not in target and len(target) >= limit:
                    view.truncated = True
                    break
                target.setdefault(key, []).append(quad.graph_name)
        self.prefetch_labels(
            term
            for found in (outgoing, incoming)
            for (predicate, other), graphs in found.items()
            for term in (predicate, other, *graphs)
        )
        values: dict[str, list[Any]] = {}
        for predicate, obj in outgoing:
            values.setdefault(predicate.value, []).append(obj)
        view.types = sorted(
            (t for t in (self.term(o) for o in values.get(RDF_TYPE, [])) if t is not None), key=_term_key
        )
        view.aliases = sorted(o.value for o in values.get(SKOS + "altLabel", []) if isinstance(o, ox.Literal))
        view.comments = sorted(o.value for o in values.get(RDFS + "comment", []) + values.get(SKOS + "definition", []))
        view.sources = [t for t in (self.term(o) for o in values.get(KGO + "source", [])) if t is not None]
        for quote in values.get(KGO + "evidence", []):
            view.quotes.append(self._quote(quote))
        view.quotes.sort(key=lambda q: (q.begin if q.begin is not None else -1, q.iri))
        texts = [o.value for o in values.get(NIF + "isString", []) if isinstance(o, ox.Literal)]
        if texts:
            metadata = []
            for name, prop in (
                ("publisher", SCHEMA + "publisher"),
                ("byline", KGO + "byline"),
                ("published", SCHEMA + "datePublished"),
                ("URL", SCHEMA + "url"),
                ("language", SCHEMA + "inLanguage"),
                ("retrieved", KGO + "retrievedOn"),
                ("SHA-256", KGO + "sha256"),
            ):
                for value in values.get(prop, []):
                    term = self.term(value)
                    if term is not None:
                        metadata.append((name, term))
            titles = [o.value for o in values.get(DCTERMS + "title", [])]
            unique = sorted(set(metadata), key=lambda item: (item[0], item[1].value))
            view.article = pages.ArticleText(titles[0] if titles else None, texts[0], tuple(unique))
        shown_elsewhere = {NIF + "isString"}
        view.outgoing = self._statements(outgoing, skip=shown_elsewhere)
        view.incoming = self._statements(incoming)
        if store.contains_named_graph(node):
            subjects: set[str] = set()
            size = 0
            for quad in store.quads_for_pattern(None, None, None, node):
                size += 1
                if isinstance(quad.subject, ox.NamedNode):
                    subjects.add(quad.subject.value)
            view.graph_size = size
            shown = sorted(subjects)[:limit]
            self.prefetch_labels(ox.NamedNode(s) for s in shown)
            view.truncated = view.truncated or len(subjects) > limit
            view.graph_subjects = [pages.Term("iri", s, label=self.label(s)) for s in shown]
        if node.value == pages.ONTOLOGY:
            view.ontology_terms = self._ontology_terms()
        return view

    def _quote(self, quote: Any) -> pages.Quote:
        from kg.web import pages

        ox = self.ox
        props: dict[str, Any] = {}
        if isinstance(quote, ox.NamedNode):
            for quad in self.store.quads_for_pattern(quote, None, None, None):
                props.setdefault(quad.predicate.value, quad.object)
        text = props.get(NIF + "anchorOf")
        begin, end = props.get(NIF + "beginIndex"), props.get(NIF + "endIndex")
        article = props.get(NIF + "referenceContext")
        return pages.Quote(
            iri=quote.value,
            text=text.value if text is not None else "",
            begin=_int(begin),
            end=_int(end),
            article=self.term(article) if article is not None else None,
        )

    def _statements(self, found: dict[tuple[Any, Any], list[Any]], skip: Collection[str] = ()) -> list[pages.Statement]:
        from kg.web import pages

        out = []
        for (predicate, other), graphs in found.items():
            if predicate.value in skip:
                continue
            p, o = self.term(predicate), self.term(other)
            assert p is not None and o is not None
            named = {self.term(g) for g in graphs if not isinstance(g, self.ox.DefaultGraph)}
            gs = tuple(sorted((g for g in named if g is not None), key=_term_key))
            out.append(pages.Statement(p, o, gs))
        out.sort(key=lambda s: ((s.predicate.label or pages.short(s.predicate.value)).casefold(), _term_key(s.other)))
        return out

    def _ontology_terms(self) -> list[pages.OntologyTerm]:
        from kg.rdf import iris
        from kg.web import pages

        ox = self.ox
        graph = ox.NamedNode(str(iris.ONTOLOGY_GRAPH))
        props: dict[str, dict[str, list[Any]]] = {}
        for quad in self.store.quads_for_pattern(None, None, None, graph):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(iris.ONTOLOGY_NS):
                props.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)
        self.prefetch_labels(
            [ox.NamedNode(iri) for iri in props]
            + [o for p in props.values() for objects in p.values() for o in objects]
        )
        terms = []
        for iri in sorted(props):
            p = props[iri]

            def terms_of(*names: str, p: dict[str, list[Any]] = p) -> tuple[pages.Term, ...]:
                found = [self.term(o) for name in names for o in p.get(name, []) if isinstance(o, ox.NamedNode)]
                return tuple(sorted({t for t in found if t is not None}, key=_term_key))

            comments = tuple(
                o.value
                for name in (SKOS + "definition", RDFS + "comment")
                for o in p.get(name, [])
                if isinstance(o, ox.Literal)
            )
            terms.append(
                pages.OntologyTerm(
                    iri=iri,
                    label=self.label(iri),
                    kinds=terms_of(RDF_TYPE),
                    comments=comments,
                    parents=terms_of(RDFS + "subClassOf", RDFS + "subPropertyOf"),
                    domains=terms_of(RDFS + "domain"),
                    ranges=terms_of(RDFS + "range"),
                )
            )
        return terms


def _engine_with_cached_labels(store: Any) -> Any:
    """An engine for kg.sparql.querying whose entity labels (for resolving names) are read once per worker (from an
    Oxigraph store or a :class:`kg.stores.remotestore.RemoteStore`, which answers the same calls)."""
    from rdflib import URIRef

    from kg.sparql.engine import OxigraphEngine

    class CachedLabels(OxigraphEngine):
        _labels: list[tuple[URIRef, str]] | None = None

        def labels(self) -> list[tuple[URIRef, str]]:
            if self._labels is None:
                self._labels = super().labels()
            return self._labels

    return CachedLabels(store)


def _term_key(term: pages.Term) -> tuple[str, str]:
    return ((term.label or term.value).casefold(), term.value)


def _int(term: Any) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def _serialize(graph: Graph, fmt: str) -> str:
    out = graph.serialize(format=fmt)
    return out if isinstance(out, str) else out.decode("utf-8")


def _limit_memory(megabytes: int) -> None:
    """Cap this process's address space; refuse a cap below what the worker already uses."""
    import resource

    used = _address_space_mb()
    if used is not None and used + 64 > megabytes:
        raise RuntimeError(
            f"--memory-mb {megabytes} is too low: a query worker already uses {used} MB of address space "
            "before it runs a query"
        )
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _address_space_mb() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the process that started it dies (the fork server, which stops
    when the server does, or the server itself), so no orphan keeps running a query; and stop at once if
    the server (pid ``parent``) is gone already."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(0)
    except PermissionError:
        pass


def _lower_priority(niceness: int) -> None:
    """Run this worker (and the threads it starts later) at this niceness, if it is lower priority than now."""
    with contextlib.suppress(OSError, AttributeError):
        if niceness > os.getpriority(os.PRIO_PROCESS, 0):
            os.setpriority(os.PRIO_PROCESS, 0, niceness)


#: answers up to this size cross the pipe; larger ones go through a file of the spool folder
INLINE_BYTES = 64 * 1024


def _deliverable(reply: Reply, settings: WorkerSettings) -> Reply:
    """The reply as it may leave the worker: refused (413) beyond ``--max-bytes``, else, when large, its body
    written to a file of the spool folder (the server streams it from there, never holding it whole)."""
    size = len(reply.body)
    if size > settings.limits.max_bytes:
        return Reply.text(413, bytes_limit_message(settings.limits))
    if size <= INLINE_BYTES or settings.spool is None:
        return reply
    import tempfile
    from dataclasses import replace

    path = None
    try:
        descriptor, path = tempfile.mkstemp(prefix="answer-", dir=settings.spool)
        with os.fdopen(descriptor, "wb") as out:
            out.write(reply.body)
    except OSError as exc:
        if path is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
        return Reply.text(503, f"the server could not store the answer to send it ({exc.strerror or exc}); try again")
    return replace(reply, body=b"", path=path)


def worker_main(conn: Connection, settings: WorkerSettings) -> None:
    """The body of a worker process: leave the network, open the store, cap memory, then answer jobs until
    told to stop. In front of a remote store the worker must reach it: it stays on the network, and every
    query is checked strictly instead (see :class:`Executor`)."""
    if settings.remote is None:
        isolation = isolate_network()  # first, while this process has one thread and has imported no engine
    else:
        from kg.stores.remotestore import GUARD, GUARD_DETAIL

        isolation = Isolation(GUARD, GUARD_DETAIL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which stops its workers
    _die_with_parent(settings.parent)
    _lower_priority(settings.niceness)  # before the store starts its threads, which inherit it
    try:
        executor = Executor(settings.store, settings.limits, settings.remote, settings.budget)
        _limit_memory(settings.limits.memory_mb)
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid(), isolation.guard, isolation.detail))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        reply = _deliverable(executor.run(job), settings)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(Reply.text(503, memory_limit_message(settings.limits), retire=True))
            return
        except (BrokenPipeError, OSError):
            return
        if reply.retire:
            return


# ---------------------------------------------------------------------- the pool


class WorkerError(RuntimeError):
    """A worker that could not be started."""


class _Worker:
    """A worker process and the server's end of its pipe."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    async def readable(self, timeout: float) -> bool:
        """Wait (without blocking the event loop) until the worker has written or died."""
        if self.conn.poll():
            return True
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        fd = self.conn.fileno()

        def wake() -> None:
            if not ready.done():
                ready.set_result(True)

        loop.add_reader(fd, wake)
        try:
            async with asyncio.timeout(timeout):
                await ready
            return True
        except TimeoutError:
            return False
        finally:
            loop.remove_reader(fd)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()

    def reap(self) -> None:
        with contextlib.suppress(Exception):
            self.process.join(5)


class _Lane:
    """The workers of one lane: how many there should be, those that run, those idle, and the requests
    waiting for one, served first come first served, except that *trials* (jobs of unknown cost, see
    kg.web.lanes) wait behind the others and hold at most ``trial_cap`` workers at once."""

    def __init__(self, name: str, size: int, niceness: int, trial_cap: int | None = None) -> None:
        self.name = name
        self.size = size
        self.niceness = niceness
        self.trial_cap = size if trial_cap is None else trial_cap
        self.workers: set[_Worker] = set()
        self.idle: list[_Worker] = []
        self._waiting: dict[bool, deque[asyncio.Future[_Worker]]] = {False: deque(), True: deque()}
        self.trials = 0  # trials holding a worker
        self.stopped = 0  # jobs stopped at the lane's time limit

    def put(self, worker: _Worker) -> None:
        """A worker is ready for a job: hand it to the first request waiting that may have it."""
        self.idle.append(worker)
        self._dispatch()

    def _dispatch(self) -> None:
        while self.idle:
            waiter = self._next_waiter()
            if waiter is None:
                return
            waiter.set_result(self.idle.pop())

    def _next_waiter(self) -> asyncio.Future[_Worker] | None:
        for trial in (False, True):
            queue = self._waiting[trial]
            while queue and queue[0].done():  # gave up
                queue.popleft()
            if queue and (not trial or self.trials < self.trial_cap):
                if trial:
                    self.trials += 1
                return queue.popleft()
        return None

    async def get(self, within: float, trial: bool = False) -> _Worker | None:
        """A worker for a job, waiting at most ``within`` seconds; None when none came free. A trial must
        call :meth:`end_trial` when it gives its worker back or the worker is replaced."""
        queue = self._waiting[trial]
        ahead = self._waiting[False] if trial else queue
        if self.idle and not any(not w.done() for w in ahead) and (not trial or self.trials < self.trial_cap):
            if trial:
                self.trials += 1
            return self.idle.pop()
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        queue.append(waiter)
        try:
            async with asyncio.timeout(max(within, 0.0)):
                return await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():  # handed a worker just as it gave up
                if trial:
                    self.end_trial()
                self.put(waiter.result())
            if isinstance(exc, TimeoutError):
                return None
            raise
        finally:
            with contextlib.suppress(ValueError):
                queue.remove(waiter)

    def end_trial(self) -> None:
        self.trials -= 1
        self._dispatch()

    def status(self) -> dict[str, int]:
        return {
            "size": self.size,
            "running": len(self.workers),
            "idle": len(self.idle),
            "waiting": sum(not w.done() for queue in self._waiting.values() for w in queue),
            "trials": self.trials,
            "stopped": self.stopped,
            "niceness": self.niceness,
        }


#: what the fork server imports once, so that a worker forked from it starts in a few tens of milliseconds
#: (the SPARQL grammar alone takes a quarter of a second to build)
FORKSERVER_PRELOAD = [
    "kg.web.workers",
    "pyoxigraph",
    "rdflib",
    "rdflib.plugins.sparql.parser",
    "kg.sparql.engine",
    "kg.sparql.answers",
    "kg.web.pages",
    "kg.sparql.querycheck",
    "kg.sparql.querying",
]


#: what the fork server imports besides when the workers front a remote store
REMOTE_PRELOAD = ["httpx", "kg.stores.http", "kg.stores.endpoint", "kg.stores.remotestore"]


def _worker_context(remote: bool = False) -> Any:
    """How workers start: forked from a fork server that has imported what they need (spawned afresh where
    there is no fork server)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORKSERVER_PRELOAD + (REMOTE_PRELOAD if remote else []))
    return context


#: the answers waiting in the spool folder for their clients, in multiples of --max-bytes, beyond which a
#: new large answer is refused (503) rather than stored
SPOOLED_ANSWERS = 8
_GUARD_STRENGTH = {"none": 0, "remote": 1, "seccomp": 2, "netns": 3}


class WorkerPool:
    """Query workers over the store at ``store`` (or the remote store ``remote``) in two lanes, each query under
    ``limits``.

    ``size`` workers make the heavy lane, ``lanes.fast_workers`` the fast lane (see :mod:`kg.web.lanes`).
    Use from one event loop: ``await pool.start()``, ``await pool.run(job, client=...)``,
    ``await pool.close()``.
    """

    def __init__(
        self,
        store: Path,
        limits: Limits,
        size: int,
        start_timeout: float = 180.0,
        lanes: LaneSettings | None = None,
        remote: RemoteTarget | None = None,
    ) -> None:
        self.store = store
        self.remote = remote
        self.limits = limits
        self.size = size
        self.start_timeout = start_timeout
        self.settings = lanes if lanes is not None else LaneSettings()
        self.policy = LanePolicy(self.settings)
        self._context = _worker_context(remote is not None)
        self._lanes: dict[str, _Lane] = {}
        self._slots = ClientSlots(self.settings.client_heavy)
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = False
        self._closed = False
        self.spool: Path | None = None
        #: the weakest network guard a worker reported (kg.web.sandbox), None before any started
        self.isolation: Isolation | None = None

    @property
    def fast(self) -> _Lane:
        return self._lanes[FAST]

    @property
    def heavy(self) -> _Lane:
        return self._lanes[HEAVY]

    async def start(self) -> None:
        """Start the workers of both lanes and wait until each has opened the store; WorkerError if one
        cannot. Warns on standard error when the workers could not be cut off from the network.

        Does nothing when the pool has been started already.
        """
        if self._started:
            return
        self._started = True
        # glibc reserves 64 MB of address space per malloc arena, and makes more arenas when threads
        # contend (RocksDB starts several): that would eat the --memory-mb cap unevenly. Two are plenty
        # for a worker that runs one query at a time. The fork server and the workers inherit the environment.
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        import tempfile

        self.spool = Path(tempfile.mkdtemp(prefix="kg-serve-answers-"))  # mode 0700: this user's only
        fast = self.settings.fast_workers
        self._lanes = {
            FAST: _Lane(FAST, fast, 0, trial_cap=self.settings.trial_workers),  # one kept for sure jobs
            HEAVY: _Lane(HEAVY, self.size, HEAVY_NICENESS),
        }
        spawning = [self._spawn(lane) for lane in self._lanes.values() for _ in range(lane.size)]
        results = await asyncio.gather(*spawning, return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            await self.close()
            raise WorkerError(str(errors[0]))
        if self.isolation is not None and self.isolation.guard == "none":
            print(
                "kg serve: warning: the query workers could not be cut off from the network "
                f"({self.isolation.detail}); only the refusal of SERVICE keeps queries from making requests",
                file=sys.stderr,
            )

    async def _spawn(self, lane: _Lane) -> _Worker:
        """Start a worker for this lane, wait until it is ready, and put it among the lane's idle workers."""
        parent_end, child_end = self._context.Pipe(duplex=True)
        budget = min(self.settings.fast_budget, self.limits.timeout) if lane.name == FAST else self.limits.timeout
        settings = WorkerSettings(
            str(self.store),
            self.limits,
            os.getpid(),
            lane.niceness,
            str(self.spool) if self.spool else None,
            self.remote,
            budget + 1.0,  # the server stops the worker at its budget; the request to the store gives up just after
        )
        process = self._context.Process(
            target=worker_main, args=(child_end, settings), name=f"kg-serve-{lane.name}-worker", daemon=True
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        lane.workers.add(worker)
        try:
            if not await worker.readable(self.start_timeout):
                raise WorkerError(f"a query worker did not start within {self.start_timeout:g} s")
            try:
                message = parent_end.recv()
            except (EOFError, OSError) as exc:
                raise WorkerError(f"a query worker stopped while starting (exit code {process.exitcode})") from exc
            if message[0] != "ready":
                raise WorkerError(f"a query worker could not start: {message[1]}")
        except BaseException:
            self._discard(lane, worker)
            raise
        self._note_isolation(Isolation(*message[2:4]))
        if self._closed:
            self._discard(lane, worker)
        else:
            lane.put(worker)
        return worker

    def _note_isolation(self, isolation: Isolation) -> None:
        if self.isolation is None or _GUARD_STRENGTH[isolation.guard] < _GUARD_STRENGTH[self.isolation.guard]:
            self.isolation = isolation

    def _discard(self, lane: _Lane, worker: _Worker) -> None:
        worker.kill()
        lane.workers.discard(worker)
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(worker.reap))
        self._tasks.add(task)  # type: ignore[arg-type]
        task.add_done_callback(self._tasks.discard)  # type: ignore[arg-type]

    def _replace(self, lane: _Lane, worker: _Worker) -> None:
        """Kill a worker and start another for its lane in the background."""
        self._discard(lane, worker)
        if not self._closed:
            task = asyncio.get_running_loop().create_task(self._respawn(lane))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _respawn(self, lane: _Lane) -> None:
        delay = 0.5
        while not self._closed:
            try:
                await self._spawn(lane)
            except WorkerError as exc:
                print(f"kg serve: could not restart a query worker ({exc}); retrying", file=sys.stderr)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            return

    # ------------------------------------------------------------------ running jobs

    async def run(self, job: Job, client: str = "") -> Reply:
        """Run a job for the client at this address, in the fast lane first (see :mod:`kg.web.lanes`), within the
        time and memory limits; always a Reply."""
        if not self._started or self._closed or not self._lanes:
            return Reply.text(503, "the server is not ready (its query workers are not running)")
        who = client_key(client)
        mark = fingerprint(job)
        spent = 0.0
        if self.policy.lane(mark, who, isinstance(job, QueryJob)) == FAST:
            outcome = await self._run_fast(job, mark, who)
            if isinstance(outcome, Reply):
                return self._checked(outcome)
            spent = outcome
        return self._checked(await self._run_heavy(job, mark, who, self.limits.timeout - spent))

    async def _run_fast(self, job: Job, mark: bytes, who: str) -> Reply | float:
        """The job's reply from the fast lane, or the seconds it ran there before it was stopped."""
        lane = self.fast
        trial = not isinstance(job, ResourceJob) and not self.policy.known_cheap(mark)
        worker = await lane.get(self.settings.queue_timeout, trial)
        if worker is None:
            return self._busy(
                f"all {lane.size} fast-lane query workers stayed busy for {self.settings.queue_timeout:g} s "
                "(the server's --queue-timeout); try again shortly",
                self.settings.fast_budget,
            )
        try:
            if self.policy.lane(mark, who, isinstance(job, QueryJob)) != FAST:  # found heavy while it waited
                lane.put(worker)
                return 0.0
            budget = min(self.settings.fast_budget, self.limits.timeout)
            reply = await self._exchange(lane, worker, job, budget)
        finally:
            if trial:
                lane.end_trial()
        if reply is None:
            lane.stopped += 1
            self.policy.demoted(mark, who)
            if budget >= self.limits.timeout:
                return Reply.text(503, time_limit_message(self.limits))
            return budget
        if reply.retire:  # out of memory: heavy, whatever its time
            self.policy.remember(mark)
        else:
            self.policy.remember_cheap(mark)
        return reply

    async def _run_heavy(self, job: Job, mark: bytes, who: str, seconds: float) -> Reply:
        """The job's reply from the heavy lane, in one of the client's slots, within ``seconds``."""
        lane = self.heavy
        if seconds <= 0:
            return Reply.text(503, time_limit_message(self.limits))
        loop = asyncio.get_running_loop()
        queued = loop.time()
        wait = self.settings.queue_timeout
        try:
            async with asyncio.timeout(wait):
                await self._slots.acquire(who)
        except TimeoutError:
            return self._busy(
                f"this client already runs {self._slots.per_client} heavy quer"
                f"{'y' if self._slots.per_client == 1 else 'ies'} (the server's --client-heavy) and none "
                f"finished within {wait:g} s (--queue-timeout); try again when they have",
                self.limits.timeout,
            )
        try:
            worker = await lane.get(wait - (loop.time() - queued))
            if worker is None:
                return self._busy(
                    f"all {lane.size} heavy-lane query workers stayed busy for {wait:g} s "
                    "(the server's --queue-timeout); try again shortly",
                    self.limits.timeout,
                )
            reply = await self._exchange(lane, worker, job, seconds)
        finally:
            self._slots.release(who)
        if reply is None:
            lane.stopped += 1
            self.policy.remember(mark)
            return Reply.text(503, time_limit_message(self.limits))
        if reply.retire:
            self.policy.remember(mark)
        return reply

    async def _exchange(self, lane: _Lane, worker: _Worker, job: Job, seconds: float) -> Reply | None:
        """Send the job to the worker and await its reply for at most ``seconds``; None when the time ran
        out. A worker that timed out, failed or must retire is replaced; any other goes back to idle."""
        try:
            try:
                worker.conn.send(job)
            except OSError:  # the worker died while idle
                self._replace(lane, worker)
                return Reply.text(503, "a query worker had stopped; it is being restarted: try again")
            if not await worker.readable(seconds):
                self._replace(lane, worker)
                return None
            try:
                reply: Reply = await asyncio.to_thread(worker.conn.recv)
            except (EOFError, OSError):
                self._replace(lane, worker)
                return Reply.text(503, memory_limit_message(self.limits), retire=True)
        except BaseException:
            self._replace(lane, worker)  # cancelled or failed mid-job: the worker's state is unknown
            raise
        if reply.retire:
            self._replace(lane, worker)
        else:
            lane.put(worker)
        return reply

    def _busy(self, message: str, retry_after: float) -> Reply:
        reply = Reply.text(503, message)
        reply.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        return reply

    def _checked(self, reply: Reply) -> Reply:
        """The reply, unless its answer would take the spool folder over its bound (then a 503)."""
        if reply.path is None:
            return reply
        spooled = self.spooled_bytes()
        bound = SPOOLED_ANSWERS * self.limits.max_bytes
        if spooled <= bound:
            return reply
        with contextlib.suppress(OSError):
            os.unlink(reply.path)
        return self._busy(
            f"the server holds {spooled // 2**20} MB of answers that other clients have not read yet, its "
            f"limit ({SPOOLED_ANSWERS} times --max-bytes); try again shortly",
            self.limits.timeout,
        )

    def spooled_bytes(self) -> int:
        """The bytes of the answers in the spool folder (written, not yet sent in full)."""
        total = 0
        if self.spool is not None:
            with contextlib.suppress(OSError), os.scandir(self.spool) as entries:
                for entry in entries:
                    with contextlib.suppress(OSError):
                        total += entry.stat().st_size
        return total

    def status(self) -> dict[str, Any]:
        """The workers for /status: the heavy lane's size, running and idle workers (the ``--workers``),
        both lanes in detail, the network guard of the workers, and the answers spooled."""
        heavy = self._lanes.get(HEAVY)
        return {
            "size": self.size,
            "running": len(heavy.workers) if heavy else 0,
            "idle": len(heavy.idle) if heavy else 0,
            "lanes": {name: lane.status() for name, lane in self._lanes.items()},
            "network_guard": self.isolation.guard if self.isolation else "none",
            **self.policy.status(),
            "spooled_bytes": self.spooled_bytes(),
        }

    async def close(self) -> None:
        """Stop every worker and remove the spool folder."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        workers = [w for lane in self._lanes.values() for w in lane.workers]
        for worker in workers:
            worker.kill()
        await asyncio.gather(*(asyncio.to_thread(w.reap) for w in workers), return_exceptions=True)
        for lane in self._lanes.values():
            lane.workers.clear()
        if self.spool is not None:
            import shutil

            shutil.rmtree(self.spool, ignore_errors=True)
