"""``kg serve --endpoint``: the part of :class:`pyoxigraph.Store` the query workers use, answered by a remote store.

The query workers of :mod:`kg.web.workers.pool` answer every request with four calls on an Oxigraph store:
``query``, ``quads_for_pattern``, ``contains_named_graph`` and, through :func:`kg.sparql.engine.run_bound`,
``query`` with substitutions. :class:`RemoteStore` offers those four over the SPARQL 1.1 Protocol,
through a :class:`kg.stores.http.Connection` (so with the credentials of ``--user`` and
``$KG_STORE_PASSWORD``, or ``$KG_STORE_TOKEN``, and messages that never hold them), and answers with
Oxigraph's own objects: SELECT and ASK answers parsed by :func:`pyoxigraph.parse_query_results`,
CONSTRUCT and DESCRIBE answers by :func:`pyoxigraph.parse` (a :class:`GraphAnswer`, a list of triples).
So one :class:`kg.web.workers.executor.Executor` serves a local build and a remote store alike: the named queries, the
SPARQL endpoint, the linked-data pages and data documents.

**What is sent.** A query goes as a POST of the form ``query=...``, made self-contained as ``kg query
--endpoint`` makes it (:func:`kg.stores.endpoint.self_contained`: a ``PREFIX`` line for each project prefix it
uses undeclared, its base IRI as ``BASE``, substitutions written in as ``VALUES``), with the dataset as
``default-graph-uri`` and ``named-graph-uri``: those of the client's request when it gave any; else,
for a query that reads the union of all graphs, the ``--default-graph`` IRIs when given, else nothing
(the store's default graph, which must be the union: see :mod:`kg.stores.endpoint`). No other field of a
client's request reaches the store. Every text is read once more here before it goes (its tokens: no
update, no SERVICE, a query form first); the worker has parsed a client's query strictly before
(:func:`kg.sparql.querycheck.check_query` with ``strict``).

**Quads.** ``quads_for_pattern`` asks ``SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ... } }`` (or ``GRAPH
<g>`` for one graph): the named graphs, where the build keeps every triple. With ``--no-union`` the
store's default graph is read as well (``UNION { ... }``, its quads in Oxigraph's ``DefaultGraph``); in
union mode it is not, since there it repeats the named graphs. Virtuoso's ``GRAPH ?g`` also sees its
system graphs, which hold nothing about the project's IRIs.

:meth:`RemoteStore.quads_for_subjects` is the one call a Store does not have: the labels of every IRI a
page shows in one request, where a local store is asked IRI by IRI (the workers use it when it is there).

**Failures.** A store that refuses a query (400) raises :class:`kg.sparql.engine.QuerySyntaxError` with its
message; one that cannot be reached or fails otherwise, a :class:`kg.stores.http.StoreError`, which the
worker answers with 502 and one line. Each request may take the worker's time budget (:meth:`RemoteStore.set_timeout`),
after which the server stops the worker anyway; the store itself may go on evaluating a query whose
client is gone, so its own time limits bound that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.sparql.engine import QuerySyntaxError, to_rdflib
from kg.sparql.querycheck import QueryRefused, check_query
from kg.stores.endpoint import DEFAULT_GRAPH_HOLDS, GRAPH_ACCEPT, NAMED_GRAPHS_HOLD, RESULTS_ACCEPT, self_contained
from kg.stores.http import Connection, Credentials, StoreError, checked_url, shown_url

#: the network guard of a worker in front of a remote store (``/status``'s ``network_guard``), and what it is
GUARD = "remote"
GUARD_DETAIL = (
    "remote store: every query parsed with rdflib's SPARQL 1.1 parser before it is forwarded; SERVICE, updates, "
    "unparseable or vendor syntax (pragmas such as Virtuoso's DEFINE) and extension functions refused; the workers "
    "send requests only to the store's endpoint, but are not cut off from the network (no network namespace)"
)


@dataclass(frozen=True)
class RemoteTarget:
    """The store a server fronts (``kg serve --endpoint``): its query endpoint, the user to authenticate as
    (the password comes from the environment, never from here), whether the queries expect the store's default
    graph to be the union of all graphs, and the graphs to name as the default graph instead, with the graphs a
    query may read by name (``GRAPH``) then."""

    endpoint: str
    user: str | None = None
    union: bool = True
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The endpoint as messages write it (no user information)."""
        return shown_url(self.endpoint)

    def connect(self) -> Connection:
        """A connection with the credentials of the environment (:meth:`kg.stores.http.Credentials.from_environment`).

        Raises:
            kg.stores.http.StoreError: The URL is not one, or a user has no password set.
        """
        checked_url(self.endpoint, "--endpoint")
        return Connection(Credentials.from_environment(self.user))


class GraphAnswer(list[ox.Triple]):
    """The triples of a CONSTRUCT or DESCRIBE answer (what :class:`pyoxigraph.QueryTriples` is locally)."""


def _term_text(term: Any) -> str:
    """An Oxigraph term as SPARQL text (its N-Triples form, which SPARQL reads)."""
    return str(term)


class RemoteStore:
    """``query``, ``quads_for_pattern`` and ``contains_named_graph`` of :class:`pyoxigraph.Store`, over HTTP.

    Args:
        target: The store and how its dataset is set up.
        connection: The connection to use (default: one with the environment's credentials).
    """

    def __init__(self, target: RemoteTarget, connection: Connection | None = None) -> None:
        self.target = target
        self.connection = connection if connection is not None else target.connect()

    def set_timeout(self, seconds: float) -> None:
        """Give up on a request after this many seconds (connecting: at most :data:`kg.stores.http.CONNECT_TIMEOUT`)."""
        self.connection.set_answer_timeout(seconds)  # a worker's is its lane's time budget

    def close(self) -> None:
        self.connection.close()

    # ------------------------------------------------------------------ queries

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: Sequence[Any] | None = None,
        named_graphs: Sequence[Any] | None = None,
        substitutions: dict[ox.Variable, Any] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | GraphAnswer:
        """The store's answer to a query, as :meth:`pyoxigraph.Store.query` gives it (see the module docstring).

        ``prefixes`` is accepted for the Store's signature: the project's prefixes a query uses are always
        declared. Substitutions are written in as VALUES.

        Raises:
            kg.sparql.engine.QuerySyntaxError: The store refused the query, or a substitution cannot be written in.
            kg.sparql.querycheck.QueryRefused: The text is not a query that may be forwarded.
            kg.stores.http.StoreError: The store could not be reached, failed, or answered what cannot be read.
        """
        bindings = {variable.value: to_rdflib(term) for variable, term in (substitutions or {}).items()}
        text = self_contained(query, {k: v for k, v in bindings.items() if v is not None}, base_iri)
        shape = check_query(text, parse=False)
        if shape.kind is None:
            raise QueryRefused(400, "only a SELECT, ASK, CONSTRUCT or DESCRIBE query is forwarded to the store")
        form: dict[str, str | list[str]] = {"query": text}
        if default_graph is not None or named_graphs is not None:
            form["default-graph-uri"] = [_graph_iri(g) for g in default_graph or ()]
            form["named-graph-uri"] = [_graph_iri(g) for g in named_graphs or ()]
        elif use_default_graph_as_union and (self.target.default_graphs or self.target.named_graphs):
            if self.target.default_graphs:
                form["default-graph-uri"] = list(self.target.default_graphs)
            if self.target.named_graphs:
                form["named-graph-uri"] = list(self.target.named_graphs)
        added = text.count("\n") - query.count("\n")
        return self._send(form, shape.kind, added)

    def _send(self, form: dict[str, str | list[str]], kind: str, added_lines: int = 0) -> Any:
        accept = GRAPH_ACCEPT if kind == "graph" else RESULTS_ACCEPT
        try:
            response = self.connection.request(
                "POST", self.target.endpoint, what="run the query", data=form, headers={"Accept": accept}
            )
        except StoreError as error:
            if error.status == 400:
                shift = f" (its lines count the {added_lines} line(s) kg adds first)" if added_lines > 0 else ""
                raise QuerySyntaxError(f"the store refused the query: {error}{shift}") from None
            raise
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return self._parsed(response.content, media_type, kind)

    def _parsed(self, body: bytes, media_type: str, kind: str) -> Any:
        endpoint = self.target.shown
        try:
            if kind == "graph":
                rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
                if rdf_format is None:
                    raise StoreError(f"the store at {endpoint} answered in {media_type or 'an unnamed format'}", 502)
                return GraphAnswer(
                    ox.Triple(t.subject, t.predicate, t.object) if isinstance(t, ox.Quad) else t
                    for t in ox.parse(body, rdf_format)
                )
            results_format = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
            if results_format is None or results_format == ox.QueryResultsFormat.CSV:
                raise StoreError(f"the store at {endpoint} answered in {media_type or 'an unnamed format'}", 502)
            return ox.parse_query_results(body, results_format)
        except SyntaxError as exc:
            message = " ".join(str(exc).split())[:300]
            raise StoreError(f"the store at {endpoint} sent an answer that does not parse: {message}", 502) from None

    # ------------------------------------------------------------------- quads

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any, graph_name: Any = None) -> list[ox.Quad]:  # noqa: A002
        """The quads that match (None matches anything; a graph name of None any graph), as Oxigraph quads."""
        if any(isinstance(t, ox.BlankNode) for t in (subject, predicate, object, graph_name)):
            return []  # a store's blank nodes cannot be named in a query
        names = ("s", "p", "o")
        fixed = dict(zip(names, (subject, predicate, object), strict=True))
        pattern = " ".join(_term_text(t) if t is not None else f"?{n}" for n, t in fixed.items())
        wanted = [n for n, t in fixed.items() if t is None]
        if isinstance(graph_name, ox.NamedNode):
            where = f"GRAPH {_term_text(graph_name)} {{ {pattern} }}"
        elif isinstance(graph_name, ox.DefaultGraph):
            where = pattern
        else:
            wanted.append("g")
            where = f"GRAPH ?g {{ {pattern} }}"
            if not self.target.union:
                where = f"{{ {where} }} UNION {{ {pattern} }}"
        projection = " ".join(f"?{n}" for n in wanted) or "(1 AS ?one)"
        answer = self._send({"query": f"SELECT {projection} WHERE {{ {where} }}"}, "select")
        quads = []
        for solution in answer:
            terms = [fixed[n] if fixed[n] is not None else solution[n] for n in names]
            if graph_name is not None:
                graph = graph_name
            else:
                graph = solution["g"] if solution["g"] is not None else ox.DefaultGraph()
            quads.append(ox.Quad(terms[0], terms[1], terms[2], graph))
        return quads

    def quads_for_subjects(self, subjects: Sequence[ox.NamedNode], predicates: Sequence[ox.NamedNode]) -> list[ox.Quad]:
        """The quads of any of these subjects with any of these predicates, in one request (not a Store method:
        the workers read the labels of a page's IRIs with it, where a local store is asked IRI by IRI)."""
        if not subjects or not predicates:
            return []
        values = (
            f"VALUES ?s {{ {' '.join(map(_term_text, subjects))} }} "
            f"VALUES ?p {{ {' '.join(map(_term_text, predicates))} }} "
        )
        where = "GRAPH ?g { ?s ?p ?o }"
        if not self.target.union:
            where = f"{{ {where} }} UNION {{ ?s ?p ?o }}"
        answer = self._send({"query": f"SELECT ?s ?p ?o ?g WHERE {{ {values}{where} }}"}, "select")
        return [ox.Quad(s["s"], s["p"], s["o"], s["g"] if s["g"] is not None else ox.DefaultGraph()) for s in answer]

    def contains_named_graph(self, graph_name: Any) -> bool:
        """Whether the store has a named graph of this name with triples in it."""
        if not isinstance(graph_name, ox.NamedNode):
            return False
        return bool(self._send({"query": f"ASK {{ GRAPH {_term_text(graph_name)} {{ ?s ?p ?o }} }}"}, "select"))


def _graph_iri(graph: Any) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)


def probe(target: RemoteTarget) -> list[str]:
    """Ask the store whether it answers, before the server listens; the warnings to print.

    Raises:
        kg.stores.http.StoreError: The store cannot be reached, refuses the credentials, or answers a union query
            from an empty default graph while its named graphs hold data (a usage error, as ``kg query
            --endpoint`` says it).
    """
    with target.connect() as connection:
        store = RemoteStore(target, connection)
        holds = bool(store.query(DEFAULT_GRAPH_HOLDS, use_default_graph_as_union=True))
        if holds:
            return []
        named = bool(store.query(NAMED_GRAPHS_HOLD))
    if named and target.union and not target.default_graphs:
        raise StoreError(
            f"the endpoint {target.shown} answers from an empty default graph while its named graphs hold the "
            "data: the queries read the union of all graphs. Set the store up so that its default graph is that "
            "union (Oxigraph server: oxigraph serve --union-default-graph; see 'kg push --help' for the others), "
            "name the graphs with --default-graph IRI, or give --no-union to query the default graph as it is",
            usage=True,
        )
    if not named:
        return [f"the store at {target.shown} holds no triples: every answer will be empty (kg push loads the build)"]
    return []


__all__ = ["GUARD", "GUARD_DETAIL", "GraphAnswer", "RemoteStore", "RemoteTarget", "probe"]
