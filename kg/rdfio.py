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
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.plugins.serializers.turtle import TurtleSerializer
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


Triple = tuple[Node, Node, Node]
#: a dataset as plain data: graph name -> its triples (what the build produces and the writers take)
GraphTriples = Mapping[URIRef, Collection[Triple]]


def _sort_key(term: Node) -> tuple[str, str]:
    return (type(term).__name__, term.n3())


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
    return sorted(triples, key=lambda t: tuple(_sort_key(x) for x in t))


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


def to_nquads(data: Dataset | GraphTriples) -> bytes:
    """The dataset as N-Quads, one line per quad, lines sorted.

    Each line is written by rdflib's own N-Triples row writer with the graph's name added, so the
    bytes are those of rdflib's serializer without building a graph per named graph; blank nodes
    are labelled from their graph's content first.
    """
    lines: list[str] = []
    for name, triples in graph_triples(data).items():
        tail = " " + name.n3() + " .\n"
        rows = canonical_triples(triples) if _has_blank_nodes(triples) else triples
        lines.extend(_nt_row(triple)[: -len(" .\n")] + tail for triple in rows)
    lines.sort()
    return "".join(lines).encode("utf-8")


def to_trig(data: Dataset | GraphTriples, extra_prefixes: dict[str, str] | None = None) -> bytes:
    """The dataset as TriG with the project's prefixes (and extra_prefixes, if given), graphs in IRI order.

    Each graph is written as rdflib's Turtle serializer writes it (subjects least referenced first,
    ``a`` and ``rdfs:label`` first, objects sorted, prefixed names where the project's prefixes allow),
    by :class:`TurtleWriter`; a graph with blank nodes (the ontology's lists and restrictions) goes through
    rdflib's serializer itself, which nests them.
    """
    extra = extra_prefixes or {}
    parts = [f"@prefix {p}: <{ns}> .\n" for p, ns in {**namespaces.PREFIXES, **extra}.items()]
    writer = TurtleWriter(extra)
    for name, triples in sorted(graph_triples(data).items()):
        if _has_blank_nodes(triples):
            graph = _graph_of(canonical_triples(triples))
            for prefix, ns in extra.items():
                graph.bind(prefix, ns, override=True, replace=True)
            body = graph.serialize(format="turtle")
            lines = [line for line in body.splitlines() if not line.startswith("@prefix")]
            # no re-indenting: a multi-line literal's lines are part of its value
            text = "\n".join(lines).strip("\n")
        else:
            text = writer.graph(triples)
        parts.append(f"\n{writer.name(name)} {{\n{text}\n}}\n")
    return "".join(parts).encode("utf-8")


_TYPE_NAME = str(RDF.type)
_LABEL_NAME = str(RDFS.label)
_CLASS_NAME = str(RDFS.Class)
_NIL_NAME = str(RDF.nil)


class TurtleWriter:
    """Turtle for a graph without blank nodes, byte for byte as rdflib's Turtle serializer writes it.

    rdflib's serializer asks its in-memory store for every subject's triples and every name's prefix;
    at a million triples that is most of a build's time. This writer takes the triples as a list and
    follows the same rules (``rdflib.plugins.serializers.turtle.TurtleSerializer``): subjects typed
    ``rdfs:Class`` first, then by how often they are referenced as objects, then by IRI; ``rdf:type``
    and ``rdfs:label`` first, then predicates and objects in rdflib's order; names are prefixed only
    with the bound prefixes; literals as rdflib writes them. A test compares both on built data.
    """

    def __init__(self, extra_prefixes: dict[str, str] | None = None) -> None:
        graph = Graph(bind_namespaces="core")
        namespaces.bind(graph)
        for prefix, ns in (extra_prefixes or {}).items():
            graph.bind(prefix, ns, override=True, replace=True)
        self._namespaces = graph.namespace_manager
        self._names: dict[str, str] = {}

    def name(self, uri: URIRef) -> str:
        """The prefixed name rdflib would write for an IRI, or the IRI in angle brackets."""
        found = self._names.get(str(uri))
        if found is None:
            found = self._names[str(uri)] = self._pname(uri) or uri.n3()
        return found

    def _pname(self, uri: URIRef) -> str | None:
        try:
            prefix, _, local = self._namespaces.compute_qname(uri, generate=False)
        except Exception:  # rdflib raises several kinds when no bound prefix fits
            bound = self._namespaces.store.prefix(uri)
            if bound is None:
                return None
            prefix, local = bound, ""
        local = local.replace("(", "\\(").replace(")", "\\)")
        local = TurtleSerializer.LOCALNAME_PECRENT_CHARACTER_REQUIRING_ESCAPE_REGEX.sub("\\%", local)
        if local.endswith("."):
            return None
        return f"{prefix}:{local}"

    def _label(self, node: Node) -> str:
        if isinstance(node, Literal):
            return node._literal_n3(use_plain=True, qname_callback=self.name)
        if str(node) == _NIL_NAME:
            return "()"
        return self.name(node)  # type: ignore[arg-type]

    def graph(self, triples: Collection[Triple]) -> str:
        """The Turtle body of the graph (no prefixes), as :func:`to_trig` puts it between braces."""
        # Subjects and predicates of a graph without blank nodes are IRIs, grouped and sorted here by their
        # strings: rdflib orders IRIs as strings, and its equality, called on every hit of a dict keyed by
        # terms, would cost more than the rest of the work. Objects keep rdflib's order (mixed kinds).
        by_subject: dict[str, tuple[Node, dict[str, tuple[Node, list[Node]]]]] = {}
        references: dict[str, int] = {}
        classes = []
        for s, p, o in triples:
            entry = by_subject.get(str(s))
            if entry is None:
                entry = by_subject[str(s)] = (s, {})
            prop = entry[1].get(str(p))
            if prop is None:
                prop = entry[1][str(p)] = (p, [])
            prop[1].append(o)
            if not isinstance(o, Literal):
                references[str(o)] = references.get(str(o), 0) + 1
                if str(p) == _TYPE_NAME and str(o) == _CLASS_NAME:
                    classes.append(str(s))
        classes.sort()
        first = set(classes)
        rest = sorted((references.get(key, 0), key) for key in by_subject if key not in first)
        blocks = []
        for key in [*classes, *(k for _, k in rest)]:
            subject, properties = by_subject[key]
            order = [k for k in (_TYPE_NAME, _LABEL_NAME) if k in properties]
            order += sorted(k for k in properties if k not in (_TYPE_NAME, _LABEL_NAME))
            text = [self._label(subject)]
            for n, predicate_key in enumerate(order):
                predicate, objects = properties[predicate_key]
                text.append(" ;\n    " if n else " ")
                text.append("a" if predicate_key == _TYPE_NAME else self._label(predicate))
                if len(objects) > 1:
                    # rdflib's order of mixed terms, from the order the old writer added them in (canonical):
                    # rdflib's sort leaves literals it cannot compare in the order it found them
                    objects = sorted(sorted(objects, key=_sort_key))  # type: ignore[type-var]
                text.append(" " + self._label(objects[0]))
                for obj in objects[1:]:
                    text.append(",\n        " + self._label(obj))
            text.append(" .")
            blocks.append("".join(text))
        return "\n\n".join(blocks)


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
