"""What ``kg push`` sends: the build's (or a built file's) triples read graph by graph, and the graphs a push picks.

**What is pushed**: the build folder's dataset, every named graph of it, ``kgg:inferred`` included (the
named queries read the inferences), or the graphs ``graphs=`` names (an IRI, ``kgg:NAME``, ``registry``,
``article/<stem>`` or a stem, as ``kg export --graph`` takes them); or a built file (``data=``) instead,
read under the rules of :mod:`kg.rdf.readers` (no JSON-LD context fetched, XML entities bounded, triples
outside a named graph put in the graph named after the file). The build folder's N-Quads are read, as
``kg export`` reads them, not its Oxigraph store, which keeps ``xsd:nonNegativeInteger`` as
``xsd:integer``: the store gets the datatypes as built.

The file is parsed once, streaming, into each graph's distinct N-Triples lines (:class:`Graphs`), so the
dataset is held once, as about the bytes of the file; :mod:`kg.stores.push` sends them. A blank node shared
by two graphs is counted (:attr:`Graphs.shared_blank_nodes`): the Graph Store Protocol scopes blank nodes to
one request, so it becomes one node per graph in the store.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.rdf import iris, jsonld_contexts, rdfio, readers, xml_entities


class PushError(ValueError):
    """A push that cannot be made as asked (an unknown graph): a usage error, nothing sent."""


# ------------------------------------------------------------------------ reading


@dataclass
class Graphs:
    """A dataset graph by graph: each graph's distinct triples as N-Triples lines (each ending in a newline).

    Attributes:
        source: The file read.
        lines: Graph IRI -> its lines.
        shared_blank_nodes: How many blank nodes occur in more than one graph.
    """

    source: Path
    lines: dict[str, set[bytes]] = field(default_factory=dict)
    shared_blank_nodes: int = 0


def source_file(data: Path | None = None, build: Path | None = None) -> Path:
    """The file to push: ``data``, else the build folder's N-Quads (built first when missing or stale).

    Raises:
        kg.errors.InputError: ``data`` is not a file.
        kg.errors.BuildFailed: The corpus has input errors.
    """
    if data is not None:
        if not data.is_file():
            raise InputError(data, None, "no such file")
        return data
    from kg.pipeline import buildfolder

    return buildfolder.nquads_file(build)


def read_graphs(path: Path) -> Graphs:
    """The file's triples graph by graph (see the module docstring), parsed as :mod:`kg.rdf.readers` reads files.

    Raises:
        kg.errors.InputError: The file is not valid RDF, or breaks a rule of :mod:`kg.rdf.readers`.
    """
    try:
        fmt = rdfio.rdf_format(path)
    except ValueError as exc:
        raise InputError(path, None, str(exc).split(": ", 1)[-1]) from exc
    data: bytes | None = None
    default_graph = readers.file_graph(path)
    graphs = Graphs(path)
    blank_graph: dict[str, str] = {}
    shared: set[str] = set()
    try:
        if fmt == "xml":
            xml_entities.check_entities(path)
        elif fmt == "json-ld":
            data = jsonld_contexts.inline_contexts(path, path.read_bytes())
        parser = ox.parse(
            data,
            readers.OXIGRAPH_FORMATS[fmt],
            path=None if data is not None else path,
            base_iri=default_graph,
        )
        for quad in parser:
            name = quad.graph_name
            graph = default_graph if isinstance(name, ox.DefaultGraph) else name.value
            if isinstance(quad.object, ox.Triple):
                raise InputError(path, None, f"holds a triple term ({quad.object}), which kg does not read")
            line = f"{quad.subject} {quad.predicate} {quad.object} .\n".encode()
            lines = graphs.lines.get(graph)
            if lines is None:
                lines = graphs.lines[graph] = set()
            lines.add(line)
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.BlankNode) and blank_graph.setdefault(term.value, graph) != graph:
                    shared.add(term.value)
    except SyntaxError as exc:
        line_number = exc.lineno if isinstance(exc.lineno, int) and data is None else None
        raise InputError(path, line_number, f"not valid {fmt}: {' '.join(str(exc.msg or exc).split())[:300]}") from exc
    except OSError as exc:
        raise InputError(path, None, f"cannot read the file: {exc.strerror or exc}") from exc
    graphs.shared_blank_nodes = len(shared)
    return graphs


def short_name(graph: str) -> str:
    """How a graph is named to people: ``kgg:article/<stem>``, ``kgg:registry``..., or its IRI."""
    return "kgg:" + graph[len(iris.GRAPH_NS) :] if graph.startswith(iris.GRAPH_NS) else graph


def select_graphs(available: Sequence[str], names: Sequence[str] = ()) -> list[str]:
    """The graphs names pick, sorted; every graph when no name is given.

    A name is a graph IRI, ``kgg:NAME``, ``NAME`` (``registry``, ``inferred``, ``article/<stem>``) or an
    article's stem, as ``kg export --graph`` takes them.

    Raises:
        PushError: A name that picks no graph (the message gives close matches).
    """
    if not names:
        return sorted(available)
    by_name: dict[str, str] = {}
    for graph in available:
        by_name[graph] = graph
        if graph.startswith(iris.GRAPH_NS):
            local = graph[len(iris.GRAPH_NS) :]
            by_name[local] = by_name[f"kgg:{local}"] = graph
            if local.startswith("article/"):
                by_name[local[len("article/") :]] = graph
    chosen: set[str] = set()
    for name in names:
        if name.strip() in by_name:
            chosen.add(by_name[name.strip()])
            continue
        close = difflib.get_close_matches(name, list(by_name), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        listed = ", ".join(short_name(g) for g in sorted(available)[:12])
        more = f" and {len(available) - 12} more" if len(available) > 12 else ""
        raise PushError(f"no graph named '{name}' in the data{hint} Graphs: {listed}{more}")
    return sorted(chosen)


__all__ = ["Graphs", "PushError", "read_graphs", "select_graphs", "short_name", "source_file"]
