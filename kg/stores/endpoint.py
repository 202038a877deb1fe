"""``kg query --endpoint``: queries answered by a remote SPARQL endpoint, as the embedded engine answers them.

:class:`RemoteEngine` satisfies :class:`kg.sparql.engine.Engine`, so :mod:`kg.sparql.querying` runs a named query on a
store exactly as on the build: parameters resolved by :meth:`RemoteEngine.labels` (names and aliases to
IRIs), pages added to the text, the same :class:`kg.sparql.engine.Result` of rdflib terms, printed by the same
formats.

**The text sent is self-contained** (:func:`self_contained`): the embedded engine pre-binds the
project's prefixes and binds parameters from outside, a remote endpoint knows neither. So every project
prefix the query uses without declaring it gets its ``PREFIX`` line, a base IRI (a ``.rq`` file's own)
its ``BASE`` line, and the bound parameters are written in as a ``VALUES`` block that opens the WHERE
group (:func:`kg.sparql.valuesblock.bound_query`, which the embedded engine uses too, so both run the same text).
A value no SPARQL text can carry (a blank node) is refused with a message.

**The protocol**: a POST of the form ``query=...`` (the SPARQL 1.1 Protocol's form that every store
takes, whatever the length of the query), with ``Accept`` asking for SPARQL JSON (XML and TSV read too)
for SELECT and ASK and for N-Triples (Turtle and RDF/XML read too) for CONSTRUCT and DESCRIBE. The
answer is parsed by Oxigraph's parsers and its terms converted by :func:`kg.sparql.engine.to_rdflib`, as the
embedded engine's are, so equal answers compare equal.

**The dataset.** The named queries read the union of all graphs as their default graph (``kg query``'s
default). A store's default graph is the union only when it is set up so: Oxigraph server started with
``--union-default-graph``, Fuseki with ``tdb2:unionDefaultGraph``, GraphDB and Virtuoso always (Virtuoso's
with its own system graphs in it). The request names no dataset by default and relies on that setting;
``default_graphs`` (``kg query --default-graph IRI``, repeatable) sends each as ``default-graph-uri``
instead, the standard way to name a dataset (Fuseki's union is ``urn:x-arq:UnionGraph``), and
``named_graphs`` (``--named-graph IRI``) each as ``named-graph-uri``: a request that names its dataset
names its named graphs too, so a query that reads graphs by name (``GRAPH ?g``, as the check
``bare-perpetrator-violation`` does) sees only those (none when none is given; Virtuoso sees every graph
there anyway). Listing every
graph of a large build that way works but is slow on Oxigraph server, which looks each triple pattern
up in every listed graph. A store whose default graph is empty while its named graphs hold data answers
every named query with nothing; so when an answer is empty, the engine asks the store (two ASKs) whether
that is the case and, if so, raises a :class:`kg.stores.http.StoreError` saying how to set the store up.
With ``union=False`` (``--no-union``) the store's own default graph is queried as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.rdf import namespaces
from kg.sparql.engine import LABELS_QUERY, PREFIXES, QuerySyntaxError, Result, to_rdflib
from kg.sparql.querycheck import inspect_query, tokens
from kg.sparql.valuesblock import bound_query
from kg.stores.http import Connection, Credentials, StoreError, checked_url, shown_url

#: what a SELECT or ASK asks for, best first; what a CONSTRUCT or DESCRIBE asks for
RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.8"
)
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
#: the probe of an empty answer: is the default graph empty while the named graphs hold data?
DEFAULT_GRAPH_HOLDS = "ASK { ?s ?p ?o }"
NAMED_GRAPHS_HOLD = "ASK { GRAPH ?g { ?s ?p ?o } }"


def self_contained(text: str, bindings: dict[str, Node] | None = None, base_iri: str | None = None) -> str:
    """The query as a store must get it: project prefixes it uses declared, bindings written in, base stated.

    Raises:
        QuerySyntaxError: A binding that SPARQL text cannot carry (a blank node, a malformed IRI).
    """
    written = _written(text, bindings or {})
    return _prologue(written, base_iri) + written


def _written(text: str, bindings: dict[str, Node]) -> str:
    """The query with every binding written in as VALUES (:func:`kg.sparql.valuesblock.bound_query`)."""
    written, rest = bound_query(text, bindings)
    if rest:
        names = ", ".join(f"?{name}" for name in sorted(rest))
        raise QuerySyntaxError(
            f"cannot send {names} to a remote endpoint: its value cannot be written into the query as VALUES "
            "(a blank node, a malformed IRI or language tag), or the query has no WHERE group to write it in"
        )
    return written


def _prologue(text: str, base_iri: str | None) -> str:
    """The BASE line of the base IRI and a PREFIX line for each project prefix the text uses undeclared."""
    declared: set[str] = set()
    used: set[str] = set()
    after_prefix = False
    for token in tokens(text):
        if token.kind == "word":
            after_prefix = token.text.upper() == "PREFIX"
            continue
        if token.kind == "pname":
            prefix = token.text.partition(":")[0]
            (declared if after_prefix else used).add(prefix)
        after_prefix = False
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p in used - declared)
    base = f"BASE <{base_iri}>\n" if base_iri else ""
    return base + prefixes


class RemoteEngine:
    """SPARQL on a remote endpoint over the SPARQL 1.1 Protocol, answering as :class:`kg.sparql.engine.OxigraphEngine`.

    Args:
        connection: The connection to the store (its credentials).
        endpoint: The query endpoint's URL.
        union: The queries expect the union of all graphs as the default graph (see the module docstring);
            an empty answer from a store that does not give it is an error then.
        default_graphs: Graph IRIs to send as ``default-graph-uri`` (none: the store's default graph).
        named_graphs: Graph IRIs to send as ``named-graph-uri`` (none: the store's named graphs, unless
            ``default_graphs`` names the dataset).
    """

    def __init__(
        self,
        connection: Connection,
        endpoint: str,
        union: bool = True,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> None:
        self.connection = connection
        self.endpoint = endpoint
        self.union = union
        self.default_graphs = list(default_graphs)
        self.named_graphs = list(named_graphs)
        self._dataset_checked = not union or bool(self.default_graphs or self.named_graphs)

    def query(self, text: str, bindings: dict[str, Node] | None = None, base_iri: str | None = None) -> Result:
        """The store's answer to the query with the bindings written in (see :func:`self_contained`).

        Raises:
            QuerySyntaxError: The store refused the query (400), or a binding cannot be sent.
            kg.stores.http.StoreError: The store could not be reached or failed, or its default graph is not
                the union the query expects.
        """
        written = _written(text, bindings or {})
        prologue = _prologue(written, base_iri)
        result = self._ask(prologue + written, inspect_query(text).kind, prologue.count("\n"))
        if not self._dataset_checked and _empty(result):
            self._check_dataset()
        return result

    def labels(self) -> list[tuple[URIRef, str]]:
        rows = self.query(LABELS_QUERY).rows
        return [(URIRef(str(e)), str(n)) for e, n in rows]

    def _ask(self, text: str, kind: str | None, added_lines: int = 0) -> Result:
        accept = GRAPH_ACCEPT if kind == "graph" else RESULTS_ACCEPT if kind == "select" else None
        form: dict[str, str | list[str]] = {"query": text}
        if self.default_graphs:
            form["default-graph-uri"] = self.default_graphs
        if self.named_graphs:
            form["named-graph-uri"] = self.named_graphs
        try:
            response = self.connection.request(
                "POST",
                self.endpoint,
                what="run the query",
                data=form,
                headers={"Accept": accept or f"{RESULTS_ACCEPT}, {GRAPH_ACCEPT}"},
            )
        except StoreError as error:
            if error.status == 400:
                shift = f" (its lines count the {added_lines} PREFIX and BASE line(s) kg adds)" if added_lines else ""
                raise QuerySyntaxError(f"the endpoint refused the query: {error}{shift}") from None
            raise
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return _result(response.content, media_type, kind, shown_url(self.endpoint))

    def _check_dataset(self) -> None:
        """Raise when the store's default graph is empty while its named graphs hold data."""
        self._dataset_checked = True
        default = self._ask(DEFAULT_GRAPH_HOLDS, "select").boolean
        if not default and self._ask(NAMED_GRAPHS_HOLD, "select").boolean:
            raise StoreError(
                f"the endpoint {shown_url(self.endpoint)} answers from an empty default graph while its named "
                "graphs hold the data: the queries read the union of all graphs. Set the store up so that its "
                "default graph is that union (Oxigraph server: oxigraph serve --union-default-graph; see 'kg push "
                "--help' for the others), name the graphs with --default-graph IRI, or give --no-union to query the "
                "default graph as it is",
                usage=True,
            )


def _empty(result: Result) -> bool:
    if result.kind == "select":
        return not result.rows
    if result.kind == "ask":
        return not result.boolean
    return result.graph is None or len(result.graph) == 0


def _result(body: bytes, media_type: str, kind: str | None, endpoint: str) -> Result:
    """The answer's body parsed by its media type into a Result of rdflib terms (RDF first for CONSTRUCT and
    DESCRIBE: ``text/plain`` is N-Triples there)."""
    results_format = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    if results_format == ox.QueryResultsFormat.CSV:  # CSV loses the terms' kinds: no reader for it
        results_format = None
    rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if rdf_format is not None and (kind == "graph" or results_format is None):
        return _graph_result(body, rdf_format, endpoint)
    if results_format is None:
        unnamed = media_type or "an unnamed format"
        raise StoreError(f"the endpoint {endpoint} answered in {unnamed}, which kg cannot read", 502)
    try:
        answer: Any = ox.parse_query_results(body, results_format)
        if isinstance(answer, ox.QueryBoolean):
            return Result("ask", [], [], boolean=bool(answer))
        variables = [v.value for v in answer.variables]
        rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in answer]
    except SyntaxError as exc:
        raise StoreError(f"the endpoint {endpoint} sent an answer that does not parse: {exc}", 502) from None
    return Result("select", variables, rows)


def _graph_result(body: bytes, rdf_format: ox.RdfFormat, endpoint: str) -> Result:
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    try:
        for triple in ox.parse(body, rdf_format):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise StoreError(f"the endpoint {endpoint} sent RDF that does not parse: {exc}", 502) from None
    return Result("graph", [], [], graph=graph)


def open_remote(
    endpoint: str,
    user: str | None = None,
    union: bool = True,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> RemoteEngine:
    """The engine of a remote endpoint, with the credentials of ``--user`` or the environment
    (:meth:`kg.stores.http.Credentials.from_environment`).

    Raises:
        kg.stores.http.StoreError: The URL is not one (or holds a password), or a user has no password set.
    """
    url = checked_url(endpoint, "--endpoint")
    return RemoteEngine(Connection(Credentials.from_environment(user)), url, union, default_graphs, named_graphs)


__all__ = ["RemoteEngine", "open_remote", "self_contained"]
