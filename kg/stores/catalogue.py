"""The triple stores ``kg`` knows: where each has its Graph Store Protocol and its query endpoint, and what it needs.

``kg push`` (:mod:`kg.stores.push`) loads the build into a store over the SPARQL 1.1 Graph Store HTTP
Protocol, and ``kg query --endpoint`` (:mod:`kg.stores.endpoint`) asks it questions over the SPARQL 1.1
Protocol. This module is the one place that knows the stores (:data:`STORES`, one table that
``kg push --help`` and docs/stores.md repeat):

===============  ==================================================  ===========================================
store            Graph Store Protocol URL (``kg push --store``)      query endpoint (derived when not given)
===============  ==================================================  ===========================================
Oxigraph server  ``http://HOST:7878/store``                          ``http://HOST:7878/query``
Virtuoso         ``http://HOST:8890/sparql-graph-crud-auth``         ``http://HOST:8890/sparql``
Fuseki           ``http://HOST:3030/DATASET/data``                   ``http://HOST:3030/DATASET/query``
GraphDB          ``http://HOST:7200/repositories/REPO/rdf-graphs/service``  ``http://HOST:7200/repositories/REPO``
===============  ==================================================  ===========================================

:func:`query_endpoint` derives the query endpoint from the Graph Store URL by the path it ends with
(the table's rows); a URL that fits none has no derived endpoint, and ``kg push`` then counts each graph
by reading it back over the Graph Store Protocol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Store:
    """One kind of store: where its Graph Store Protocol is, where it answers queries, and what it needs."""

    name: str
    #: the Graph Store Protocol URL, as ``kg push --store`` takes it
    graph_store: str
    #: the SPARQL query endpoint, as ``kg query --endpoint`` takes it
    query: str
    #: how the query endpoint's path follows from the Graph Store URL's: (pattern, replacement)
    derive: tuple[str, str]
    #: what the store needs so that the named queries answer as ``kg query`` does
    settings: str
    #: whether kerman-kg's tests run against it
    tested: bool


STORES: tuple[Store, ...] = (
    Store(
        "Oxigraph server",
        "http://HOST:7878/store",
        "http://HOST:7878/query",
        (r"/store$", "/query"),
        "start it with --union-default-graph (oxigraph serve --location DIR --union-default-graph)",
        tested=True,
    ),
    Store(
        "Virtuoso",
        "http://HOST:8890/sparql-graph-crud-auth",
        "http://HOST:8890/sparql",
        (r"/sparql-graph-crud(-auth)?$", "/sparql"),
        "HTTP digest authentication (a user with the SPARQL_UPDATE role); in virtuoso.ini [SPARQL], "
        "ResultSetMaxRows above the largest answer and MaxQueryCostEstimationTime = 0; its default graph is "
        "every graph, its own system graphs included, which no named query matches",
        tested=True,
    ),
    Store(
        "Apache Jena Fuseki",
        "http://HOST:3030/DATASET/data",
        "http://HOST:3030/DATASET/query",
        (r"/data$", "/query"),
        "a dataset with tdb2:unionDefaultGraph true, or kg query --default-graph urn:x-arq:UnionGraph",
        tested=False,
    ),
    Store(
        "GraphDB",
        "http://HOST:7200/repositories/REPO/rdf-graphs/service",
        "http://HOST:7200/repositories/REPO",
        (r"/rdf-graphs/service$", ""),
        "none: its default graph is the union of all graphs",
        tested=False,
    ),
)


def query_endpoint(graph_store: str) -> str | None:
    """The query endpoint of a store, from its Graph Store Protocol URL (None when no store's path fits).

    Example:
        >>> query_endpoint("http://localhost:7878/store")
        'http://localhost:7878/query'
    """
    parts = urlsplit(graph_store)
    for store in STORES:
        pattern, replacement = store.derive
        path, found = re.subn(pattern, replacement, parts.path.rstrip("/"))
        if found:
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


def stores_help() -> str:
    """The table of stores as lines for ``--help``: name, Graph Store URL, query endpoint, settings."""
    lines = []
    for store in STORES:
        tested = "" if store.tested else " (not yet tested)"
        lines.append(f"{store.name}{tested}: --store {store.graph_store} (queries: {store.query}); {store.settings}.")
    return " ".join(lines)


__all__ = ["STORES", "Store", "query_endpoint", "stores_help"]
