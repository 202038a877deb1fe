"""Reading and writing datasets: deterministic bytes, atomic files.

:func:`to_nquads` and :func:`to_trig` turn a dataset into bytes that depend
only on its content (graphs and triples are added to a fresh dataset in
sorted order, blank nodes get labels computed from the graph's content, and
N-Quads lines are sorted),
so the same build gives the same bytes and a diff shows what changed in
meaning. :func:`write_outputs` writes every file to a temporary name in the
target folder first and renames them into place only when all are written,
so a failed build never leaves half-written output. :func:`load_dataset`
reads TriG, N-Quads, Turtle, N-Triples, JSON-LD or RDF/XML back.

The string writers, :func:`to_trig_strings`, :func:`to_nquads_strings` and
:meth:`kg.rdf.turtlewriter.TurtleWriter.graph_strings`, give the same bytes from *string triples*
(:data:`kg.rdf.ntriples.NTriple`), so that an incremental build can keep each
article's triples as N-Triples text and assemble the files from that text
(see :mod:`kg.rdf.ntriples`). Only
graphs without blank nodes are given as strings; the others (the ontology's
lists and restrictions) are given beside them as rdflib triples.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import Node

from kg.errors import InputError
from kg.rdf import formatregistry, namespaces, readers
from kg.rdf.ntriples import NTriple, Triple, sort_key
from kg.rdf.turtlewriter import TurtleWriter

TRIG = "kerman-kg.trig"
NQUADS = "kerman-kg.nq"

#: rdflib's parser name by file suffix, for every suffix an RDF file may have (kg.rdf.formatregistry)
FORMATS_BY_SUFFIX = {suffix: f.rdflib for f in formatregistry.RDF_FORMATS for suffix in f.suffixes()}

#: a dataset as plain data: graph name -> its triples (what the build produces and the writers take)
GraphTriples = Mapping[URIRef, Collection[Triple]]
#: a dataset as text: graph name in N-Triples form (``"<https://...>"``) -> its string triples (no blank nodes)
StringGraphs = Mapping[str, Collection[NTriple]]


def graph_triples(data: Dataset | GraphTriples) -> dict[URIRef, list[Triple]]:
    """The non-empty named graphs of a dataset (or of a mapping already), by name, in one pass over its quads."""
    if not isinstance(data, Dataset):
        return {name: list(triples) for name, triples in data.items() if triples}
    found: dict[URIRef, list[Triple]] = {}
    default = data.default_graph.identifier
    for s, p, o, g in data.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name != default and isinstance(name, URIRef):
            found.setdefault(name, []).append((s, p, o))
    return found


def _has_blank_nodes(triples: Collection[Triple]) -> bool:
    return any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in triples)


def canonical_triples(source: Graph | Collection[Triple]) -> list[Triple]:
    """The triples in sorted order, blank nodes labelled from the graph's content."""
    triples: Collection[Triple] = source if not isinstance(source, Graph) else list(source)
    if _has_blank_nodes(triples):
        graph = source if isinstance(source, Graph) else _graph_of(triples)
        triples = list(to_canonical_graph(graph))  # blank node labels from content, not from chance
    return sorted(triples, key=lambda t: tuple(sort_key(x) for x in t))


def canonical_copy(dataset: Dataset) -> Dataset:
    """A copy of the dataset whose graphs and triples were inserted in sorted order."""
    copy = Dataset()
    namespaces.bind(copy)
    for name, triples in sorted(graph_triples(dataset).items()):
        target = copy.graph(name)
        for triple in canonical_triples(triples):
            target.add(triple)
    return copy


def _graph_of(triples: Iterable[Triple]) -> Graph:
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    for triple in triples:
        graph.add(triple)
    return graph


def _string_graphs(graphs: StringGraphs, rdflib_graphs: GraphTriples | None) -> dict[URIRef, list[Triple]]:
    """The rdflib graphs, non-empty, after checking that the string graphs' names are IRIs named once."""
    found = graph_triples(rdflib_graphs or {})
    for name in graphs:
        if not (name.startswith("<") and name.endswith(">")) or isinstance(name, URIRef):
            raise ValueError(f"a string graph's name must be an IRI in N-Triples form, '<...>': {name!r}")
        if URIRef(name[1:-1]) in found:
            raise ValueError(f"graph {name} is given both as strings and as rdflib triples")
    return found


def to_nquads(data: Dataset | GraphTriples) -> bytes:
    """The dataset as N-Quads, one line per quad, lines sorted.

    Each line is written by rdflib's own N-Triples row writer with the graph's name added, so the
    bytes are those of rdflib's serializer without building a graph per named graph; blank nodes
    are labelled from their graph's content first.
    """
    return to_nquads_strings({}, rdflib_graphs=graph_triples(data))


def to_nquads_strings(graphs: StringGraphs, *, rdflib_graphs: GraphTriples | None = None) -> bytes:
    """The dataset as N-Quads from string triples: the bytes :func:`to_nquads` writes for the same dataset.

    Args:
        graphs: Graph name in N-Triples form (``"<https://...>"``) -> its string triples
            (:data:`~kg.rdf.ntriples.NTriple`; no blank nodes). Empty graphs are left out, as :func:`to_nquads`
            leaves them.
        rdflib_graphs: More graphs of the same dataset given as rdflib triples, blank nodes allowed
            (labelled from their graph's content, as :func:`to_nquads` labels them).

    Raises:
        ValueError: when a graph's name is not in N-Triples form or a graph is given both ways.
    """
    rdflib_part = _string_graphs(graphs, rdflib_graphs)
    lines: list[str] = []
    for name, rows in graphs.items():
        tail = f" {name} .\n"
        lines.extend([f"{s} {p} {o}{tail}" for s, p, o in rows])
    for uri, triples in rdflib_part.items():
        tail = " " + uri.n3() + " .\n"
        terms = canonical_triples(triples) if _has_blank_nodes(triples) else triples
        lines.extend(_nt_row(triple)[: -len(" .\n")] + tail for triple in terms)
    lines.sort()
    return "".join(lines).encode("utf-8")


def trig_header(extra_prefixes: Mapping[str, str] | None = None) -> str:
    """The ``@prefix`` lines that start :func:`to_trig`'s output: the project's prefixes, then extra_prefixes."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in {**namespaces.PREFIXES, **(extra_prefixes or {})}.items())


def trig_block(name: str, body: str, extra_prefixes: Mapping[str, str] | None = None) -> str:
    """One named graph of :func:`to_trig`'s output: its name, then its Turtle body between braces.

    Args:
        name: The graph's IRI, as an rdflib ``URIRef`` or as a plain string in N-Triples form
            (``"<https://w3id.org/kerman-kg/graph/...>"``); it is written as a prefixed name where a prefix fits.
        body: The graph's triples as :meth:`~kg.rdf.turtlewriter.TurtleWriter.graph_strings` (or
            :meth:`~kg.rdf.turtlewriter.TurtleWriter.graph`) writes them.
        extra_prefixes: The extra prefixes given to :func:`trig_header` (they may give the name a prefix).

    Returns:
        The text :func:`to_trig` writes for the graph; the file is :func:`trig_header` followed by the
        blocks of its non-empty graphs, in the order of their IRIs.
    """
    writer = _name_writer(tuple((extra_prefixes or {}).items()))
    written = writer.name(name if isinstance(name, URIRef) else URIRef(_iri_of(name)))
    return f"\n{written} {{\n{body}\n}}\n"


def _iri_of(name: str) -> str:
    if not (name.startswith("<") and name.endswith(">")):
        raise ValueError(f"an IRI in N-Triples form ('<...>') or a URIRef is needed: {name!r}")
    return name[1:-1]


@functools.lru_cache(maxsize=8)
def _name_writer(extra_prefixes: tuple[tuple[str, str], ...]) -> TurtleWriter:
    """A writer for graph names, one per prefix map (it keeps the names it wrote)."""
    return TurtleWriter(dict(extra_prefixes))


def to_trig(data: Dataset | GraphTriples, extra_prefixes: dict[str, str] | None = None) -> bytes:
    """The dataset as TriG with the project's prefixes (and extra_prefixes, if given), graphs in IRI order.

    Each graph is written as rdflib's Turtle serializer writes it (subjects least referenced first,
    ``a`` and ``rdfs:label`` first, objects sorted, prefixed names where the project's prefixes allow),
    by :class:`~kg.rdf.turtlewriter.TurtleWriter`; a graph with blank nodes (the ontology's lists and restrictions)
    goes through rdflib's serializer itself, which nests them. The text is :func:`trig_header` followed by a
    :func:`trig_block` per graph.
    """
    return to_trig_strings({}, extra_prefixes, rdflib_graphs=graph_triples(data))


def to_trig_strings(
    graphs: StringGraphs,
    extra_prefixes: Mapping[str, str] | None = None,
    *,
    rdflib_graphs: GraphTriples | None = None,
) -> bytes:
    """The dataset as TriG from string triples: the bytes :func:`to_trig` writes for the same dataset.

    Args:
        graphs: Graph name in N-Triples form (``"<https://...>"``) -> its string triples
            (:data:`~kg.rdf.ntriples.NTriple`; no blank nodes), written by
            :meth:`~kg.rdf.turtlewriter.TurtleWriter.graph_strings`.
            Empty graphs are left out, as :func:`to_trig` leaves them.
        extra_prefixes: Prefixes bound after the project's, as for :func:`to_trig`.
        rdflib_graphs: More graphs of the same dataset given as rdflib triples, blank nodes allowed
            (the ontology graph), written as :func:`to_trig` writes them.

    Raises:
        ValueError: when a graph's name is not in N-Triples form, a graph is given both ways, or a
            string graph has a blank node.
    """
    extra = dict(extra_prefixes or {})
    rdflib_part = _string_graphs(graphs, rdflib_graphs)
    writer = TurtleWriter(extra)
    named: list[tuple[str, str | URIRef]] = [(name[1:-1], name) for name, rows in graphs.items() if rows]
    named += [(str(uri), uri) for uri in rdflib_part]
    parts = [trig_header(extra)]
    for _, name in sorted(named, key=lambda item: item[0]):
        if isinstance(name, URIRef):
            body = _rdflib_body(rdflib_part[name], writer, extra)
        else:
            body = writer.graph_strings(graphs[name])
        parts.append(trig_block(name, body, extra))
    return "".join(parts).encode("utf-8")


def _rdflib_body(triples: Collection[Triple], writer: TurtleWriter, extra_prefixes: Mapping[str, str]) -> str:
    """The Turtle body of a graph given as rdflib triples; one with blank nodes through rdflib's serializer."""
    if not _has_blank_nodes(triples):
        return writer.graph(triples)
    graph = _graph_of(canonical_triples(triples))
    for prefix, ns in extra_prefixes.items():
        graph.bind(prefix, ns, override=True, replace=True)
    body = graph.serialize(format="turtle")
    # split at line feeds only (str.splitlines also splits at U+2028 and other characters a literal may hold);
    # no re-indenting: a multi-line literal's lines are part of its value
    lines = [line for line in body.split("\n") if not line.startswith("@prefix")]
    return "\n".join(lines).strip("\n")


def write_outputs(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write files into out_dir atomically: all are written to temporary names, then renamed.

    Returns:
        The paths written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, content in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((Path(tmp_name), out_dir / name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.chmod(tmp_name, 0o666 & ~current_umask())
    except BaseException:
        for staged_tmp, _ in staged:
            staged_tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return [final for _, final in staged]


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    current = os.umask(0)
    os.umask(current)
    return current


def rdf_format(path: Path) -> str:
    """The rdflib parser name for a file, by its suffix."""
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{path}: cannot tell the RDF format from the suffix '{path.suffix}'; "
            f"known: {', '.join(sorted(FORMATS_BY_SUFFIX))}"
        )
    return fmt


def load_dataset(path: Path) -> Dataset:
    """Parse an RDF file (TriG, N-Quads, Turtle, N-Triples, JSON-LD or RDF/XML) into a dataset, as
    :func:`parse_into` reads it.

    Raises:
        InputError: the file is not valid RDF, or breaks a rule of :mod:`kg.rdf.readers`.
    """
    dataset = Dataset(default_union=True)
    namespaces.bind(dataset)
    parse_into(dataset, path)
    return dataset


def rdf_files(paths: list[Path]) -> list[Path]:
    """The RDF files named, folders expanded to the RDF files under them (by suffix), sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS_BY_SUFFIX)
            if not inside:
                raise InputError(
                    path, None, "no RDF files (" + ", ".join(sorted(FORMATS_BY_SUFFIX)) + ") in this folder"
                )
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(path, None, "no such file or folder")
    return found


def parse_into(dataset: Dataset, path: Path) -> None:
    """Parse one RDF file into the dataset: its named graphs as they are, its other triples (all of a
    single-graph format's) into a graph named after the file (:func:`kg.rdf.readers.file_graph`).

    The file is read by :func:`kg.rdf.readers.read` (Oxigraph's parsers; no JSON-LD context fetched; XML
    entity expansion bounded) and added only once all of it is read, so a bad file adds nothing.

    Raises:
        InputError: with the parser's line and message when the file is not valid RDF, or when it breaks
            a rule of :mod:`kg.rdf.readers`.
    """
    try:
        fmt = rdf_format(path)
    except ValueError as exc:
        raise InputError(path, None, str(exc).split(": ", 1)[-1]) from exc
    parsed = readers.read(path, fmt)
    for prefix, namespace in parsed.prefixes.items():
        dataset.bind(prefix, namespace, override=False)
    by_graph: dict[Node, list[Triple]] = {}
    for s, p, o, g in parsed.quads:
        triples = by_graph.get(g)
        if triples is None:
            triples = by_graph[g] = []
        triples.append((s, p, o))
    for name, triples in by_graph.items():
        # each graph's own addN: the dataset's looks its graph up anew for every quad
        graph = dataset.graph(name)  # type: ignore[arg-type]
        graph.addN((s, p, o, graph) for s, p, o in triples)
