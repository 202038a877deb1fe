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
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg import namespaces
from kg.errors import InputError

TRIG = "kerman-kg.trig"
NQUADS = "kerman-kg.nq"

FORMATS_BY_SUFFIX = {
    ".trig": "trig",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


def _sort_key(term: Node) -> tuple[str, str]:
    return (type(term).__name__, term.n3())


def _named_graphs(dataset: Dataset) -> list[Graph]:
    """The dataset's non-empty named graphs, in the order of their names."""
    return sorted(
        (g for g in dataset.graphs() if len(g) and g.identifier != dataset.default_graph.identifier),
        key=lambda g: str(g.identifier),
    )


def canonical_triples(source: Graph) -> list[tuple[Node, Node, Node]]:
    """The graph's triples in sorted order, blank nodes labelled from the graph's content."""
    triples: Graph = source
    if any(isinstance(term, BNode) for triple in source for term in triple):
        triples = to_canonical_graph(source)  # blank node labels from content, not from chance
    return sorted(triples, key=lambda t: tuple(_sort_key(x) for x in t))


def canonical_copy(dataset: Dataset) -> Dataset:
    """A copy of the dataset whose graphs and triples were inserted in sorted order."""
    copy = Dataset()
    namespaces.bind(copy)
    for source in _named_graphs(dataset):
        target = copy.graph(source.identifier)
        for triple in canonical_triples(source):
            target.add(triple)
    return copy


def _graph_of(triples: list[tuple[Node, Node, Node]]) -> Graph:
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    for triple in triples:
        graph.add(triple)
    return graph


def to_nquads(dataset: Dataset) -> bytes:
    """The dataset as N-Quads, one line per quad, lines sorted.

    Each graph is written on its own (as N-Triples with its name added), so no
    copy of the whole dataset is held in memory at once.
    """
    lines: list[str] = []
    for source in _named_graphs(dataset):
        name = " " + source.identifier.n3() + " .\n"
        text = _graph_of(canonical_triples(source)).serialize(format="nt", encoding="utf-8").decode("utf-8")
        lines.extend(line[: -len(" .")] + name for line in text.splitlines() if line.strip())
    lines.sort()
    return "".join(lines).encode("utf-8")


def to_trig(dataset: Dataset, extra_prefixes: dict[str, str] | None = None) -> bytes:
    """The dataset as TriG with the project's prefixes (and extra_prefixes, if given), graphs in IRI order.

    rdflib's TriG serializer orders graphs by hash, so each graph is serialized
    on its own as Turtle (whose subjects and objects rdflib sorts) from its
    triples in sorted order, and the blocks are joined in the order of their names.
    """
    extra = extra_prefixes or {}
    parts = [f"@prefix {p}: <{ns}> .\n" for p, ns in {**namespaces.PREFIXES, **extra}.items()]
    for source in _named_graphs(dataset):
        graph = _graph_of(canonical_triples(source))
        for prefix, ns in extra.items():
            graph.bind(prefix, ns, override=True, replace=True)
        body = graph.serialize(format="turtle")
        lines = [line for line in body.splitlines() if not line.startswith("@prefix")]
        # no re-indenting: a multi-line literal's lines are part of its value
        text = "\n".join(lines).strip("\n")
        name = graph.namespace_manager.normalizeUri(source.identifier)
        parts.append(f"\n{name} {{\n{text}\n}}\n")
    return "".join(parts).encode("utf-8")


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
    """Parse a TriG/N-Quads (or single-graph) file into a dataset."""
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
    """Parse one RDF file into the dataset; single-graph formats go into a graph named after the file.

    Raises:
        InputError: with the parser's line and message when the file is not valid RDF.
    """
    try:
        fmt = rdf_format(path)
    except ValueError as exc:
        raise InputError(path, None, str(exc).split(": ", 1)[-1]) from exc
    try:
        if fmt in {"trig", "nquads", "json-ld"}:
            dataset.parse(path, format=fmt)
        else:
            dataset.graph(URIRef(path.resolve().as_uri())).parse(path, format=fmt)
    except Exception as exc:  # rdflib's parsers raise many kinds; all mean "not valid RDF"
        raise InputError(path, _error_line(exc, path), f"not valid {fmt}: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    if text.startswith("at line"):
        text = text.split("\n", 1)[-1]
    return " ".join(text.split())[:300]


def _error_line(exc: Exception, path: Path) -> int | None:
    lines = getattr(exc, "lines", None)  # notation3's BadSyntax: 0-based
    if isinstance(lines, int):
        return lines + 1
    lineno = getattr(exc, "lineno", None)  # json.JSONDecodeError, xml SAX errors
    if isinstance(lineno, int):
        return lineno
    get_line = getattr(exc, "getLineNumber", None)
    if callable(get_line):
        return int(get_line())
    match = re.search(r"line (\d+)", str(exc))
    if match:
        return int(match.group(1))
    quoted = re.search(r"\n'(.*)'$", str(exc), re.S)  # N-Triples/N-Quads quote the bad line
    if quoted:
        try:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if line.strip() == quoted.group(1).strip():
                    return number
        except (OSError, UnicodeDecodeError):
            return None
    return None
