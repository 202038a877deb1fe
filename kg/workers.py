"""The query workers of ``kg serve``: every query runs in a process of its own that can be stopped.

A SPARQL engine cannot be interrupted from outside once it is sorting or
aggregating, and a thread cannot be killed, so ``kg serve`` never runs a query
in its own process. :class:`WorkerPool` keeps ``--workers`` processes, started
with the ``spawn`` method (a fresh interpreter, no state inherited from the
server). Each worker opens the Oxigraph store read-only itself, caps its own
address space with ``setrlimit(RLIMIT_AS)`` (``--memory-mb``: the whole
worker, Python, the store and the query together; workers run with
``MALLOC_ARENA_MAX=2`` so that glibc's per-thread reservations do not eat the
cap), and then answers jobs one at a time from a pipe.

The server sends a job (:class:`QueryJob`, :class:`NamedQueryJob` or
:class:`ResourceJob`) to an idle worker and awaits the answer without blocking
its event loop (it watches the pipe with ``loop.add_reader``), so other
requests go on being served by the other workers. If the answer does not come
within ``--timeout`` seconds, the server kills the worker (SIGKILL: the sort,
the aggregate, whatever it was doing, stops at once), answers 503 naming the
limit, and starts a replacement in the background. A worker that runs out of
memory either raises MemoryError (it answers 503 naming the memory limit and
retires) or, when the allocation fails inside Oxigraph, aborts; the server
sees the pipe close and answers the same 503. Answers with more than
``--max-rows`` rows (or triples) are refused with 413 before they are written.

A worker does all the work of a request, not only the query: it resolves a
named query's parameters (:mod:`kg.querying`), writes the answer in the
negotiated format (:mod:`kg.formats`, rdflib for RDF), and builds the linked
data pages (:mod:`kg.pages`), so everything a request costs is under the same
limits. What comes back is a :class:`Reply`: a status, a media type and the
bytes to send. No traceback crosses the pipe: an unexpected error is logged
on the server's standard error and answered with a plain 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.term import Node

    from kg import pages
    from kg.querying import Page

log = logging.getLogger("kg.serve")

# ------------------------------------------------------------------ answer formats


@dataclass(frozen=True)
class AnswerFormat:
    """A format an answer can be written in: its name, media type, the other media types and the
    ``format=`` keywords that ask for it."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


#: SELECT and ASK answers, in the server's order of preference (the first is the default)
SELECT_FORMATS = (
    AnswerFormat("json", "application/sparql-results+json", ("application/json",), ("json", "srj")),
    AnswerFormat("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), ("xml", "srx")),
    AnswerFormat("csv", "text/csv", (), ("csv",)),
    AnswerFormat("tsv", "text/tab-separated-values", (), ("tsv",)),
)
#: CONSTRUCT and DESCRIBE answers and data documents
GRAPH_FORMATS = (
    AnswerFormat(
        "turtle",
        "text/turtle",
        ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
        ("turtle", "ttl", "n3"),
    ),
    AnswerFormat("jsonld", "application/ld+json", ("application/json", "application/x-json+ld"), ("jsonld", "json-ld")),
    AnswerFormat("nt", "application/n-triples", (), ("nt", "ntriples", "n-triples")),
    AnswerFormat("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), ("rdfxml", "rdf", "rdf+xml")),
)
#: answers of named queries and linked-data pages, for browsers
HTML_FORMAT = AnswerFormat("html", "text/html", ("application/xhtml+xml",), ("html",))
#: a named query's text with its parameters written in (kg.querytext), for the query page's editor
SPARQL_TEXT = AnswerFormat("sparql", "application/sparql-query", (), ("sparql", "rq"))

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
    """What one query may cost."""

    timeout: float
    memory_mb: int
    max_rows: int


@dataclass(frozen=True)
class QueryJob:
    """A SPARQL query from a client (already checked: a query, no SERVICE).

    ``union`` makes the union of all graphs the default graph (when neither the request nor the query
    names a dataset); ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``, and replace any FROM of the query when given.
    """

    text: str
    formats: Formats
    union: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


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
    view: str  # "exists" | "page" | "data"
    format: AnswerFormat | None = None


Job = QueryJob | NamedQueryJob | ResourceJob


@dataclass
class Reply:
    """What the server sends back: status, media type (without charset), body and extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    retire: bool = False

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


# -------------------------------------------------------------------- the worker


@dataclass(frozen=True)
class WorkerSettings:
    store: str
    limits: Limits
    parent: int


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
    from kg.serve import inspect_query

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


class Executor:
    """What runs inside a worker process: the store, opened read-only, and the jobs."""

    def __init__(self, store_path: str, limits: Limits) -> None:
        import pyoxigraph as ox

        from kg import engine, formats, pages, querying  # noqa: F401  (imported before the memory cap)

        self.ox = ox
        self.store = ox.Store.read_only(store_path)
        self.limits = limits
        self._labels: dict[str, str | None] = {}
        self.engine = _engine_with_cached_labels(self.store)
        self.store.query("ASK { ?s ?p ?o }")  # warm up

    # ---------------------------------------------------------------- dispatch

    def run(self, job: Job) -> Reply:
        """Answer a job; never raises (errors become replies)."""
        from kg.engine import QuerySyntaxError
        from kg.querylib import QueryLibraryError

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
        except (QuerySyntaxError, QueryLibraryError, QueryAnswerError) as exc:
            return Reply.text(400, str(exc))
        except Exception:
            print(f"kg serve: internal error in a query worker:\n{traceback.format_exc()}", file=sys.stderr)
            return Reply.text(500, "internal error: the server could not answer this request")

    # ----------------------------------------------------------------- queries

    def _execute(self, text: str, **options: Any) -> Any:
        from kg.engine import PREFIXES, QuerySyntaxError

        try:
            return self.store.query(text, prefixes=PREFIXES, **options)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc

    def query(self, job: QueryJob) -> Reply:
        from kg.serve import NO_SERVICE, READ_ONLY, inspect_query

        shape = inspect_query(job.text)  # checked by the server already; checked again where it runs
        if shape.service:
            return Reply.text(400, NO_SERVICE)
        if shape.update:
            return Reply.text(403, READ_ONLY)
        ox = self.ox
        options: dict[str, Any] = {}
        if job.default_graphs is not None or job.named_graphs is not None:
            try:
                options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
                options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
            except ValueError as exc:
                return Reply.text(400, f"default-graph-uri and named-graph-uri take IRIs: {exc}")
        elif job.union:
            options["use_default_graph_as_union"] = True
        answer = self._execute(job.text, **options)
        return self.answer(answer, job.formats)

    def named_query(self, job: NamedQueryJob) -> Reply:
        from kg.engine import run_bound
        from kg.querying import Page, prepare

        prepared = prepare(self.engine, job.name, dict(job.params))
        if prepared.named is not None and _wants_text(job.formats, prepared.text):
            from kg.querytext import written_out

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

        from kg.engine import run_bound
        from kg.querying import paged_text

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
        """An Oxigraph answer written in the negotiated format, within the row limit."""
        from kg import pages
        from kg.engine import Result
        from kg.formats import render

        ox = self.ox
        kind = "graph" if isinstance(answer, ox.QueryTriples) else "select"
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
                rows = [tuple(self.term(s[v]) for v in variables) for s in solutions]
                body = pages.results_page(title, question, variables, rows, list(notes))
                return Reply(200, fmt.media_type, body.encode("utf-8"))
            result = Result("select", variables, [tuple(self.rdflib(s[v]) for v in variables) for s in solutions])
            return Reply(200, fmt.media_type, render(result, fmt.name).encode("utf-8"))
        triples = _limited(answer, self.limits.max_rows)
        if fmt.name == "html":
            rows = [(self.term(t.subject), self.term(t.predicate), self.term(t.object)) for t in triples]
            body = pages.results_page(title, question, ["subject", "predicate", "object"], rows, list(notes))
            return Reply(200, fmt.media_type, body.encode("utf-8"))
        return self.graph_reply(((t.subject, t.predicate, t.object) for t in triples), fmt)

    def graph_reply(self, triples: Iterable[tuple[Any, Any, Any]], fmt: AnswerFormat) -> Reply:
        """Triples (Oxigraph terms) written as RDF in fmt."""
        from rdflib import Graph

        from kg import namespaces
        from kg.engine import Result
        from kg.formats import render

        graph = Graph(bind_namespaces="core")
        namespaces.bind(graph)
        for s, p, o in triples:
            graph.add((self.rdflib(s), self.rdflib(p), self.rdflib(o)))  # type: ignore[arg-type]
        if fmt.name == "rdfxml":
            text = _serialize(graph, "xml")
        else:
            text = render(Result("graph", [], [], graph=graph), fmt.name)
        return Reply(200, fmt.media_type, text.encode("utf-8"))

    def rdflib(self, term: Any) -> Node | None:
        from kg.engine import to_rdflib

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
        from kg import pages

        return Reply(200, HTML_FORMAT.media_type, pages.resource_page(self.describe(node)).encode("utf-8"))

    def _exists(self, node: ox.NamedNode) -> bool:
        store = self.store
        return (
            next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None
            or next(iter(store.quads_for_pattern(None, None, node, None)), None) is not None
            or store.contains_named_graph(node)
        )

    def _about(self, node: ox.NamedNode) -> Iterator[tuple[Any, Any, Any]]:
        """The triples of a resource's data document: as subject, as object, and a graph's contents."""
        from kg import iris

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
            found: list[tuple[int, str]] = []
            for prop, rank in ((RDFS + "label", 0), (SKOS + "prefLabel", 2), (DCTERMS + "title", 4)):
                for quad in self.store.quads_for_pattern(node, ox.NamedNode(prop), None, None):
                    if isinstance(quad.object, ox.Literal):
                        lang = quad.object.language
                        found.append((rank + (0 if lang in (None, "", "en") else 1), quad.object.value))
            self._labels[iri] = min(found)[1] if found else None
        return self._labels[iri]

    def term(self, term: Any) -> pages.Term | None:
        """An Oxigraph term as a page term, IRIs with their labels."""
        from kg import pages

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

    def describe(self, node: ox.NamedNode) -> pages.ResourceView:
        """Everything a resource's page shows, read from the store."""
        from kg import pages

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
            view.truncated = view.truncated or len(subjects) > limit
            view.graph_subjects = [pages.Term("iri", s, label=self.label(s)) for s in shown]
        if node.value == pages.ONTOLOGY:
            view.ontology_terms = self._ontology_terms()
        return view

    def _quote(self, quote: Any) -> pages.Quote:
        from kg import pages

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
        from kg import pages

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
        from kg import iris, pages

        ox = self.ox
        graph = ox.NamedNode(str(iris.ONTOLOGY_GRAPH))
        props: dict[str, dict[str, list[Any]]] = {}
        for quad in self.store.quads_for_pattern(None, None, None, graph):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(iris.ONTOLOGY_NS):
                props.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)
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


def _engine_with_cached_labels(store: ox.Store) -> Any:
    """An engine for kg.querying whose entity labels (for resolving names) are read once per worker."""
    from rdflib import URIRef

    from kg.engine import OxigraphEngine

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
    """Ask Linux to kill this worker when the server dies, so no orphan keeps running a query."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def worker_main(conn: Connection, settings: WorkerSettings) -> None:
    """The body of a worker process: open the store, cap memory, then answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which stops its workers
    _die_with_parent(settings.parent)
    try:
        executor = Executor(settings.store, settings.limits)
        _limit_memory(settings.limits.memory_mb)
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        reply = executor.run(job)
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


class WorkerPool:
    """``size`` worker processes over the store at ``store``, each query under ``limits``.

    Use from one event loop: ``await pool.start()``, ``await pool.run(job)``, ``await pool.close()``.
    """

    def __init__(self, store: Path, limits: Limits, size: int, start_timeout: float = 180.0) -> None:
        self.store = store
        self.limits = limits
        self.size = size
        self.start_timeout = start_timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    async def start(self) -> None:
        """Start the workers and wait until each has opened the store; WorkerError if one cannot.

        Does nothing when the pool has been started already.
        """
        if self._idle is not None:
            return
        # glibc reserves 64 MB of address space per malloc arena, and makes more arenas when threads
        # contend (RocksDB starts several): that would eat the --memory-mb cap unevenly. Two are plenty
        # for a worker that runs one query at a time. Spawned workers inherit the environment.
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        self._idle = asyncio.Queue()
        results = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        for r in results:
            if isinstance(r, _Worker):
                self._idle.put_nowait(r)
        if errors:
            await self.close()
            raise WorkerError(str(errors[0]))

    async def _spawn(self) -> _Worker:
        parent_end, child_end = self._context.Pipe(duplex=True)
        settings = WorkerSettings(str(self.store), self.limits, os.getpid())
        process = self._context.Process(
            target=worker_main, args=(child_end, settings), name="kg-serve-worker", daemon=True
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self._workers.add(worker)
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
            self._discard(worker)
            raise
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        self._workers.discard(worker)
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(worker.reap))
        self._tasks.add(task)  # type: ignore[arg-type]
        task.add_done_callback(self._tasks.discard)  # type: ignore[arg-type]

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background."""
        self._discard(worker)
        if not self._closed:
            task = asyncio.get_running_loop().create_task(self._respawn())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _respawn(self) -> None:
        delay = 0.5
        while not self._closed:
            try:
                worker = await self._spawn()
            except WorkerError as exc:
                print(f"kg serve: could not restart a query worker ({exc}); retrying", file=sys.stderr)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            if self._closed or self._idle is None:
                self._discard(worker)
            else:
                self._idle.put_nowait(worker)
            return

    async def run(self, job: Job) -> Reply:
        """Run a job on an idle worker, within the time and memory limits; always a Reply."""
        if self._idle is None or self._closed:
            return Reply.text(503, "the server is not ready (its query workers are not running)")
        try:
            async with asyncio.timeout(self.limits.timeout):
                worker = await self._idle.get()
        except TimeoutError:
            return Reply.text(
                503,
                f"all {self.size} query workers stayed busy for {self.limits.timeout:g} s; try again shortly",
            )
        try:
            try:
                worker.conn.send(job)
            except OSError:  # the worker died while idle
                self._replace(worker)
                return Reply.text(503, "a query worker had stopped; it is being restarted: try again")
            if not await worker.readable(self.limits.timeout):
                self._replace(worker)
                return Reply.text(503, time_limit_message(self.limits))
            try:
                reply: Reply = await asyncio.to_thread(worker.conn.recv)
            except (EOFError, OSError):
                self._replace(worker)
                return Reply.text(503, memory_limit_message(self.limits))
        except BaseException:
            self._replace(worker)  # cancelled or failed mid-job: the worker's state is unknown
            raise
        if reply.retire:
            self._replace(worker)
        else:
            self._idle.put_nowait(worker)
        return reply

    def status(self) -> dict[str, int]:
        """How many workers there are, run and wait for work (for /status)."""
        return {
            "size": self.size,
            "running": len(self._workers),
            "idle": self._idle.qsize() if self._idle is not None else 0,
        }

    async def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            worker.kill()
        await asyncio.gather(*(asyncio.to_thread(w.reap) for w in list(self._workers)), return_exceptions=True)
        self._workers.clear()
