"""``kg push``: the build loaded into a triple store over the Graph Store Protocol, then counted there.

Each named graph of the build is sent as a whole with the SPARQL 1.1 Graph Store HTTP Protocol's
``PUT URL?graph=IRI``, which replaces whatever the store held under that name: a second push of the
same build leaves the same triples, never twice as many. The store's URL is its Graph Store endpoint
(the table of :data:`kg.stores.catalogue.STORES`)::

    Oxigraph server   http://HOST:7878/store
    Virtuoso          http://HOST:8890/sparql-graph-crud-auth   (HTTP digest authentication)
    Fuseki            http://HOST:3030/DATASET/data
    GraphDB           http://HOST:7200/repositories/REPO/rdf-graphs/service

**What is pushed** is read by :mod:`kg.stores.pushgraphs`: the build folder's dataset, every named graph
of it, or the graphs ``graphs=`` names; or a built file (``data=``) instead.

**Memory and streaming**: the file is parsed once, streaming, into each graph's distinct N-Triples lines
(:class:`kg.stores.pushgraphs.Graphs`), so the dataset is held once, as about the bytes of the file. Each
graph's body is then streamed from those lines in chunks with its ``Content-Length`` (a store need not
accept chunked uploads) and the graph's lines are dropped once it is sent. A blank node shared by two graphs becomes one
node per graph in the store: the Graph Store Protocol scopes blank nodes to one request (the push says
so when the data has any).

**The count check**: once every graph is sent, the store is asked how many triples each graph holds
(``SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g`` on its query endpoint,
derived from the Graph Store URL by :func:`kg.stores.catalogue.query_endpoint` unless given; without one,
each graph is read back with a Graph Store GET and counted). Every pushed graph must hold as many distinct
triples as the build's; :func:`mismatches` lists those that do not (a graph the store lost, a triple it
dropped or merged). ``check_only`` pushes nothing and runs the count check alone, to see whether a store
still holds the build.

**Credentials and errors** are :mod:`kg.stores.http`': ``--user NAME`` with ``KG_STORE_PASSWORD``, or
``KG_STORE_TOKEN``, never on the command line; each failure is one line without secrets. ``kg push``'s
exit status: 0 pushed and counted; 1 the store answered an error, its counts differ from the build's,
or the input has errors; 2 usage: an unknown graph, a URL that is not a store's, the store unreachable
or the credentials missing or refused (checked with a first request before the build is read, so a wrong
password fails at once).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from kg.rdf import iris
from kg.stores.catalogue import query_endpoint
from kg.stores.http import Connection, Credentials, StoreError, checked_url, shown_url
from kg.stores.pushgraphs import Graphs, read_graphs, select_graphs, short_name, source_file

COUNT_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
N_TRIPLES = "application/n-triples"
#: lines per chunk of a streamed body (about 200 KB)
CHUNK_LINES = 1000
#: seconds before a push starts showing its progress, and between two lines of it when not on a terminal
PROGRESS_AFTER = 1.0
PROGRESS_EVERY = 10.0
#: seconds between two redraws of the line on a terminal
PROGRESS_REDRAW = 0.25


# ------------------------------------------------------------------------ pushing


class _Body:
    """A graph's lines as a request body: chunks of :data:`CHUNK_LINES` lines, iterable again (a request that
    is sent again, after a digest challenge, sends the whole body again)."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines
        self.size = sum(len(line) for line in lines)

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.lines), CHUNK_LINES):
            yield b"".join(self.lines[start : start + CHUNK_LINES])


@dataclass
class Tally:
    """How far a push has come."""

    graphs_total: int
    triples_total: int
    graphs_done: int = 0
    triples_done: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    @property
    def rate(self) -> float:
        """Triples a second so far."""
        return self.triples_done / self.seconds if self.seconds > 0 else 0.0


def probe(connection: Connection, store: str) -> None:
    """Reach the store and show it the credentials (a Graph Store GET of a graph that need not exist), so
    that an unreachable store or a refused password fails before the build is read.

    GET, not HEAD: Oxigraph server 0.5 answers a HEAD of a missing graph with a body, which a client then
    reads as the start of the next answer.

    Raises:
        kg.stores.http.StoreError: The store cannot be reached, or refuses the credentials (401, 403).
    """
    errors_allowed = tuple(status for status in range(300, 600) if status not in (401, 403))
    connection.request(
        "GET",
        store,
        params={"graph": iris.GRAPH_NS},
        headers={"Accept": N_TRIPLES},
        what="reach it",
        allow=errors_allowed,
    )


def push_graphs(
    connection: Connection,
    store: str,
    graphs: Graphs,
    chosen: Sequence[str],
    progress: Callable[[Tally], None] | None = None,
) -> Tally:
    """PUT each chosen graph into the store, replacing it there; each graph's lines are dropped once sent.

    Raises:
        kg.stores.http.StoreError: The store answered a PUT with an error status, or could not be reached.
    """
    tally = Tally(len(chosen), sum(len(graphs.lines[g]) for g in chosen))
    for graph in chosen:
        body = _Body(sorted(graphs.lines[graph]))
        connection.request(
            "PUT",
            store,
            what=f"PUT the graph {short_name(graph)}",
            params={"graph": graph},
            content=body,
            headers={"Content-Type": N_TRIPLES, "Content-Length": str(body.size)},
        )
        tally.graphs_done += 1
        tally.triples_done += len(body.lines)
        del graphs.lines[graph]
        if progress is not None:
            progress(tally)
    return tally


# ------------------------------------------------------------------------ counting


@dataclass(frozen=True)
class Mismatch:
    """A graph whose triples in the store are not the build's number."""

    graph: str
    store: int
    build: int


def store_counts(connection: Connection, store: str, endpoint: str | None, chosen: Sequence[str]) -> dict[str, int]:
    """Triples per graph in the store: by a COUNT query on the endpoint, else by reading each graph back.

    Raises:
        kg.stores.http.StoreError: The store could not be asked.
    """
    if endpoint is not None:
        from kg.sparql.engine import QuerySyntaxError
        from kg.stores.endpoint import RemoteEngine

        try:
            result = RemoteEngine(connection, endpoint, union=False).query(COUNT_QUERY)
        except QuerySyntaxError as refused:  # a 400: not a query endpoint, or not this store's
            hint = f"is {shown_url(endpoint)} the store's query endpoint? give --endpoint"
            raise StoreError(f"{refused} ({hint})", 400) from None
        return {str(row[0]): int(str(row[1])) for row in result.rows if row[0] is not None and row[1] is not None}
    counts: dict[str, int] = {}
    for graph in chosen:
        response = connection.request(
            "GET",
            store,
            what=f"read the graph {short_name(graph)} back",
            params={"graph": graph},
            headers={"Accept": N_TRIPLES},
            allow=(404,),
        )
        if response.status_code == 404:
            counts[graph] = 0
            continue
        media_type = response.headers.get("content-type", N_TRIPLES).split(";")[0].strip()
        rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
        counts[graph] = len({str(triple) for triple in ox.parse(response.content, rdf_format)})
    return counts


def mismatches(expected: dict[str, int], found: dict[str, int]) -> list[Mismatch]:
    """The graphs of ``expected`` whose count in ``found`` differs (a graph not found holds 0)."""
    return [Mismatch(g, found.get(g, 0), n) for g, n in sorted(expected.items()) if found.get(g, 0) != n]


def mismatch_message(found: Sequence[Mismatch], endpoint: str | None, limit: int = 10) -> str:
    """One line naming the graphs whose counts differ, with both counts."""
    listed = "; ".join(f"{short_name(m.graph)}: {m.store} in the store, {m.build} in the build" for m in found[:limit])
    more = f"; and {len(found) - limit} more" if len(found) > limit else ""
    how = f"counted on {shown_url(endpoint)}" if endpoint else "counted by reading each graph back"
    return f"the store does not hold the build: {len(found)} graph(s) differ ({how}): {listed}{more}"


# ------------------------------------------------------------------------ the command


@dataclass
class Pushed:
    """What :func:`push` did: the graphs and triples sent (none with ``check_only``), and the count check."""

    store: str
    endpoint: str | None
    graphs: list[str]
    triples: int
    seconds: float
    mismatches: list[Mismatch]
    shared_blank_nodes: int = 0
    sent: bool = True

    def summary(self) -> str:
        """The line ``kg push`` prints when the counts match."""
        rate = f" ({self.triples / self.seconds:,.0f} triples/s)" if self.sent and self.seconds > 0 else ""
        did = "pushed" if self.sent else "counted"
        where = "to" if self.sent else "at"
        return (
            f"kg push: {did} {len(self.graphs)} graph(s), {self.triples:,} triples, {where} {shown_url(self.store)} "
            f"in {self.seconds:.1f} s{rate}; the store's counts match the build's"
        )


def push(
    store: str,
    data: Path | None = None,
    build: Path | None = None,
    graphs: Sequence[str] = (),
    user: str | None = None,
    endpoint: str | None = None,
    check_only: bool = False,
    progress: Callable[[Tally], None] | None = None,
) -> Pushed:
    """Push the build (or a built file) into a store and count it there (see the module docstring).

    Args:
        store: The store's Graph Store Protocol URL.
        data: A built file to push instead of the build folder's dataset.
        build: The build folder (default: :func:`kg.pipeline.buildfolder.default_folder`).
        graphs: The graphs to push (default: every graph).
        user: The user of HTTP basic or digest authentication (the password in ``KG_STORE_PASSWORD``).
        endpoint: The store's query endpoint for the count check (default: derived from ``store``).
        check_only: Push nothing; only compare the counts.
        progress: Called after each graph is sent.

    Raises:
        kg.stores.pushgraphs.PushError: An unknown graph.
        kg.stores.http.StoreError: A bad URL, missing credentials, or a request that failed.
        kg.errors.InputError: The file is not valid RDF.
        kg.errors.BuildFailed: The corpus has input errors.
    """
    store = checked_url(store, "--store")
    endpoint = checked_url(endpoint, "--endpoint") if endpoint else query_endpoint(store)
    with Connection(Credentials.from_environment(user)) as connection:
        probe(connection, store)
        source = read_graphs(source_file(data, build))
        chosen = select_graphs(list(source.lines), graphs)
        expected = {g: len(source.lines[g]) for g in chosen}
        started = time.perf_counter()
        if not check_only:
            push_graphs(connection, store, source, chosen, progress)
        found = store_counts(connection, store, endpoint, chosen)
    return Pushed(
        store,
        endpoint,
        chosen,
        sum(expected.values()),
        time.perf_counter() - started,
        mismatches(expected, found),
        source.shared_blank_nodes,
        sent=not check_only,
    )


class ProgressLine:
    """The progress of a push on standard error, once it has taken more than :data:`PROGRESS_AFTER` seconds:
    graphs done of all, triples, the rate. On a terminal one line is rewritten in place (at most every
    :data:`PROGRESS_REDRAW` seconds); elsewhere (a log) a line is written every :data:`PROGRESS_EVERY` seconds
    and at the end."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty()
        self.last = 0.0
        self.shown = False

    def __call__(self, tally: Tally) -> None:
        seconds = tally.seconds
        finished = tally.graphs_done == tally.graphs_total
        every = PROGRESS_REDRAW if self.terminal else PROGRESS_EVERY
        if seconds < PROGRESS_AFTER or (not finished and self.shown and seconds - self.last < every):
            return
        self.last = seconds
        self.shown = True
        text = (
            f"kg push: {tally.graphs_done:,}/{tally.graphs_total:,} graphs, "
            f"{tally.triples_done:,}/{tally.triples_total:,} triples, {tally.rate:,.0f} triples/s"
        )
        if self.terminal:
            self.stream.write("\r" + text + ("\n" if finished else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


__all__ = [
    "COUNT_QUERY",
    "Mismatch",
    "ProgressLine",
    "Pushed",
    "mismatch_message",
    "mismatches",
    "push",
    "store_counts",
]
