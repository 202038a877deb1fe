"""What runs inside a ``kg serve`` query worker: the :class:`Executor`, which answers jobs over the store.

A worker does all the work of a request, not only the query: it resolves a
named query's parameters (:mod:`kg.sparql.querying`), writes the answer in the
negotiated format (:mod:`kg.sparql.answers`, rdflib for RDF), and builds the linked
data pages (:mod:`kg.web.pages`, read from the store by :class:`kg.web.workers.pagereader.PageReader`), so
everything a request costs is under the same limits. What comes back is a
:class:`kg.web.workers.jobs.Reply`. No traceback crosses the pipe: an unexpected error is logged on the
server's standard error and answered with a plain 500.

In front of a remote store (``kg serve --endpoint``, :class:`kg.web.workers.process.WorkerSettings`'s
``remote``) a worker opens a :class:`kg.stores.remotestore.RemoteStore` instead of the
Oxigraph store: the same calls, answered over the SPARQL 1.1 Protocol, so the
same :class:`Executor` serves both. Such a worker must reach the store, so it
is not cut off from the network; instead every query of a client is checked
strictly before it is forwarded (:func:`kg.sparql.querycheck.check_query` with
``strict``: parsed by rdflib, no SERVICE, no extension), each request to the
store may take the worker's time budget (its lane's), and a store that fails
is answered with 502 and one line.

Worker processes import this module before their memory cap: it imports rdflib and pyoxigraph only
inside :class:`Executor`, once the worker has left the network.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.web.workers.jobs import (
    HTML_FORMAT,
    SPARQL_TEXT,
    AnswerFormat,
    Formats,
    Job,
    Limits,
    NamedQueryJob,
    QueryJob,
    Reply,
    ResourceJob,
    TooManyRows,
    memory_limit_message,
    not_acceptable,
    rows_limit_message,
)
from kg.web.workers.pagereader import PageReader

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from kg.sparql.querying import Page
    from kg.stores.remotestore import RemoteTarget


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
    """The items as a list; TooManyRows when there are more than limit."""
    out: list[Any] = []
    for item in items:
        if len(out) >= limit:
            raise TooManyRows
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


class Executor(PageReader):
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
        except TooManyRows:
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
        from kg.web import pages
        from kg.web.dossier import page as dossierpage

        if job.view in dossierpage.EXPORTS:  # an attack's dossier as SVG or CSV (kg.web.dossier.page)
            found = dossierpage.export(self.engine, job.iri, job.view)
            if found is None:
                return Reply.text(404, f"not found: <{job.iri}> is not an attack, so it has no dossier")
            disposition = f'attachment; filename="{dossierpage.filename(job.iri, job.view)}"'
            return Reply(200, found[0], found[1], headers={"Content-Disposition": disposition})
        above = dossierpage.section_for(self.engine, job.iri)  # an attack's page opens with its dossier
        return Reply(200, HTML_FORMAT.media_type, pages.resource_page(self.resource_view(node), above).encode("utf-8"))


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


def _serialize(graph: Graph, fmt: str) -> str:
    out = graph.serialize(format=fmt)
    return out if isinstance(out, str) else out.decode("utf-8")
