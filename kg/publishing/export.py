"""``kg export``: the dataset, or some of its graphs, in any common RDF format, the same bytes every time.

Six formats: TriG, N-Quads and JSON-LD keep the named graphs (one per
article, the registry, background, ontology, provenance and, when asked, the
inferred graph); Turtle, N-Triples and RDF/XML cannot hold named graphs, so
they get the union of the selected graphs (:func:`carries_graphs` tells
which). Output depends only on the content: triples and graphs are sorted,
blank nodes are labelled from the graph's content (:func:`kg.rdf.rdfio.canonical_copy`),
and every namespace in use is bound to a readable prefix (the project's, or
one derived from the namespace), so no ``ns1:`` ever appears. JSON-LD is
compacted with the published context (:mod:`kg.publishing.jsonld`), written inline so
that a reader needs no network; ``frame="attack"`` gives instead one tree per
attack with its claims, accusations, denials and casualty figures.

The Python API, for ``kg export`` and for anything that publishes the data::

    from kg.publishing import export
    dataset = export.load_source()                     # the build folder's dataset (kg build)
    data = export.export(dataset, "turtle", ["registry"])
    export.write_export(Path("registry.ttl"), data)     # atomic: all or nothing

The inferred graph (``kgg:inferred``) is left out unless it is named or
``with_inferred`` is set.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF

from kg.rdf import formatregistry, iris, namespaces, rdfio

#: The formats, in the order ``--help`` lists them (:data:`kg.rdf.formatregistry.EXPORT_NAMES`).
FORMATS = formatregistry.EXPORT_NAMES
#: The formats that keep named graphs; the others get the union of the selected graphs.
GRAPH_FORMATS = frozenset(name for name in FORMATS if formatregistry.by_name(name).carries == "dataset")
#: File suffixes by format.
SUFFIXES = {name: formatregistry.by_name(name).suffix for name in FORMATS}
#: Media types by format.
MEDIA_TYPES = {name: formatregistry.by_name(name).media_type for name in FORMATS}
#: The framed views ``frame=`` accepts.
FRAMES = ("attack",)
#: Graph names that mean every graph.
ALL = frozenset({"all", "union"})
INFERRED = iris.INFERRED_GRAPH
_GENERATED_PREFIX = re.compile(r"^ns\d+$")


class ExportError(ValueError):
    """A request the export cannot satisfy: an unknown graph, format or frame; the message says what exists."""


def carries_graphs(fmt: str) -> bool:
    """Whether the format keeps named graphs (TriG, N-Quads, JSON-LD)."""
    return fmt in GRAPH_FORMATS


def load_source(data: Path | None = None, build: Path | None = None) -> Dataset:
    """The dataset to export: a built file, or the build folder's dataset (built first when missing or stale).

    The build folder's N-Quads are read, not its Oxigraph store: the store keeps numbers as
    ``xsd:integer`` where the build says ``xsd:nonNegativeInteger``, and an export must give
    back exactly what was built.

    Raises:
        kg.errors.InputError: the file is missing or not valid RDF.
        kg.errors.BuildFailed: the corpus has input errors.
    """
    if data is not None:
        if not data.is_file():
            from kg.errors import InputError

            raise InputError(data, None, "no such file")
        return rdfio.load_dataset(data)
    from kg.pipeline import buildfolder

    return rdfio.load_dataset(buildfolder.nquads_file(build))


# ------------------------------------------------------------------------ graphs


def short_name(graph: URIRef) -> str:
    """How a graph is named on the command line: ``article/<stem>``, ``registry``..., or its IRI."""
    text = str(graph)
    return text[len(iris.GRAPH_NS) :] if text.startswith(iris.GRAPH_NS) else text


def graph_names(dataset: Dataset) -> list[URIRef]:
    """The non-empty named graphs of the dataset, sorted."""
    default = dataset.default_graph.identifier
    return sorted(URIRef(str(g.identifier)) for g in dataset.graphs() if len(g) and g.identifier != default)


def select_graphs(dataset: Dataset, names: Sequence[str] | None = None, with_inferred: bool = False) -> list[URIRef]:
    """The graphs that names select, sorted.

    Args:
        dataset: The dataset.
        names: Graph names: an article stem or ``article/<stem>``, ``registry``, ``background``,
            ``ontology``, ``inferred``, ``provenance``, a full graph IRI or ``kgg:`` name, or
            ``all``/``union`` (every graph but the inferred one). Empty or None: ``all``.
        with_inferred: Add the inferred graph (which ``all`` leaves out).

    Raises:
        ExportError: a name matches no graph (the message gives close matches and the graphs there
            are), or the inferred graph is asked for and the dataset has none.
    """
    available = graph_names(dataset)
    by_name: dict[str, URIRef] = {}
    for graph in available:
        name = short_name(graph)
        by_name[name] = graph
        by_name[str(graph)] = graph
        by_name[f"kgg:{name}"] = graph
        if name.startswith("article/"):
            by_name[name[len("article/") :]] = graph
    chosen: set[URIRef] = set()
    for name in names or ["all"]:
        if name in ALL:
            chosen.update(g for g in available if g != INFERRED)
        elif name in by_name:
            chosen.add(by_name[name])
        elif name in {"inferred", "kgg:inferred", str(INFERRED)}:
            raise ExportError(_no_inferred())
        else:
            raise ExportError(_unknown_graph(name, available))
    if with_inferred:
        if INFERRED not in available:
            raise ExportError(_no_inferred())
        chosen.add(INFERRED)
    return sorted(chosen)


def _no_inferred() -> str:
    return "this dataset has no inferred graph (it was built with --no-reason); build it with reasoning"


def _unknown_graph(name: str, available: list[URIRef]) -> str:
    names = [short_name(g) for g in available]
    candidates = names + [n[len("article/") :] for n in names if n.startswith("article/")] + sorted(ALL)
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"no graph named '{name}'{hint} Graphs: {', '.join(names)}, or all"


def subset(dataset: Dataset, graphs: Sequence[URIRef]) -> Dataset:
    """A new dataset holding only the given graphs of dataset (triples shared, not copied deeply)."""
    chosen = Dataset()
    namespaces.bind(chosen)
    for name in graphs:
        target = chosen.graph(name)
        for triple in dataset.graph(name):
            target.add(triple)
    return chosen


def union(dataset: Dataset, graphs: Sequence[URIRef]) -> Graph:
    """One graph with every triple of the given graphs, blank nodes labelled from the content."""
    merged = Graph(bind_namespaces="core")
    namespaces.bind(merged)
    for name in graphs:
        for triple in dataset.graph(name):
            merged.add(triple)
    if any(isinstance(term, BNode) for triple in merged for term in triple):
        merged = to_canonical_graph(merged)
    ordered = Graph(bind_namespaces="core")
    namespaces.bind(ordered)
    for triple in sorted(merged, key=lambda t: tuple((type(x).__name__, x.n3()) for x in t)):
        ordered.add(triple)
    return ordered


# ---------------------------------------------------------------------- prefixes


def extra_prefixes(graphs: Sequence[Graph]) -> dict[str, str]:
    """Readable prefixes for namespaces the data uses that the project's prefix map lacks.

    Only predicates and classes need a prefix (Turtle and RDF/XML write other IRIs in full); a
    namespace outside the project's map gets a prefix made from its last word (``foaf``,
    ``example``...), numbered when taken, never ``ns1``.
    """
    known = {str(ns) for ns in namespaces.PREFIXES.values()}
    taken = set(namespaces.PREFIXES)
    found: dict[str, str] = {}
    for graph in graphs:
        for _s, p, o in graph:
            for term in (p, o) if p == RDF.type else (p,):
                if not isinstance(term, URIRef):
                    continue
                namespace = _namespace_of(str(term))
                if namespace and namespace not in known and namespace not in found.values():
                    prefix = _prefix_for(namespace, taken)
                    taken.add(prefix)
                    found[prefix] = namespace
    return dict(sorted(found.items()))


def _namespace_of(iri: str) -> str | None:
    match = re.match(r"^(.*[/#])[A-Za-z_][\w.-]*$", iri)
    return match.group(1) if match else None


def _prefix_for(namespace: str, taken: set[str]) -> str:
    words = [w for w in re.split(r"[^A-Za-z]+", namespace.split("://", 1)[-1]) if w and w.lower() not in _COMMON]
    base = (words[-1] if words else "ext").lower()[:12]
    if _GENERATED_PREFIX.match(base):
        base = "ext"
    prefix, number = base, 1
    while prefix in taken:
        number += 1
        prefix = f"{base}{number}"
    return prefix


_COMMON = {"http", "https", "www", "org", "com", "net", "ns", "ontology", "ontologies", "vocab", "schema", "rdf"}


def _bind(graph: Graph | Dataset, extra: dict[str, str]) -> None:
    namespaces.bind(graph)
    for prefix, ns in extra.items():
        graph.bind(prefix, ns, override=True, replace=True)


# ------------------------------------------------------------------------ export


def export(
    dataset: Dataset,
    fmt: str = "trig",
    graphs: Sequence[str] | None = None,
    with_inferred: bool = False,
    frame: str | None = None,
) -> bytes:
    """The selected graphs of the dataset in one format, as bytes that depend only on the content.

    Args:
        dataset: The dataset (see :func:`load_source` or :func:`kg.load`).
        fmt: One of :data:`FORMATS`. ``trig``, ``nquads`` and ``jsonld`` keep the named graphs;
            ``turtle``, ``ntriples`` and ``rdfxml`` hold the union of the selected graphs.
        graphs: Graph names (see :func:`select_graphs`); None or empty for all graphs but the
            inferred one.
        with_inferred: Add the inferred graph ``kgg:inferred``.
        frame: ``"attack"`` for the framed JSON-LD view (one tree per attack; ``fmt`` must be
            ``jsonld``), None for the whole selection.

    Raises:
        ExportError: an unknown format, frame or graph, or a frame with a format other than JSON-LD.
    """
    if fmt not in FORMATS:
        raise ExportError(_unknown(fmt, "format", FORMATS))
    if frame is not None and frame not in FRAMES:
        raise ExportError(_unknown(frame, "frame", FRAMES))
    if frame is not None and fmt != "jsonld":
        raise ExportError(f"a framed view is JSON-LD: use the format jsonld with the frame '{frame}', not {fmt}")
    selected = select_graphs(dataset, graphs, with_inferred)
    if fmt in GRAPH_FORMATS:
        chosen = subset(dataset, selected)
        if fmt == "nquads":
            return rdfio.to_nquads(chosen)
        if fmt == "trig":
            extra = extra_prefixes([chosen.graph(g) for g in selected])
            return rdfio.to_trig(chosen, extra)
        return _jsonld(chosen, frame)
    merged = union(dataset, selected)
    if fmt == "ntriples":
        text = merged.serialize(format="nt", encoding="utf-8").decode("utf-8")
        lines = sorted(line for line in text.splitlines() if line.strip())
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    extra = extra_prefixes([merged])
    if fmt == "rdfxml":
        return to_rdfxml(merged, extra)
    _bind(merged, extra)
    return merged.serialize(format="turtle", encoding="utf-8")


def to_rdfxml(graph: Graph, extra: dict[str, str] | None = None) -> bytes:
    """The graph as flat RDF/XML: one ``rdf:Description`` per subject, subjects and properties sorted.

    rdflib's RDF/XML writers order subjects and namespace declarations by hash, so this writes
    the plain form of the syntax itself. Every predicate must fall in a bound namespace
    (see :func:`extra_prefixes`).

    Raises:
        ExportError: a predicate cannot be written as a prefixed XML name.
    """
    prefixes = {**{p: str(ns) for p, ns in namespaces.PREFIXES.items()}, **(extra or {})}
    by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))
    triples = sorted(graph, key=lambda t: tuple((type(x).__name__, x.n3()) for x in t))
    used = {"rdf"}
    lines: list[str] = []
    subject = None
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                lines.append("  </rdf:Description>")
            subject = s
            node = f"rdf:nodeID={quoteattr(str(s))}" if isinstance(s, BNode) else f"rdf:about={quoteattr(str(s))}"
            lines.append(f"  <rdf:Description {node}>")
        name = _xml_name(str(p), by_length)
        used.add(name.split(":", 1)[0])
        if isinstance(o, BNode):
            lines.append(f"    <{name} rdf:nodeID={quoteattr(str(o))}/>")
        elif isinstance(o, URIRef):
            lines.append(f"    <{name} rdf:resource={quoteattr(str(o))}/>")
        else:
            assert isinstance(o, Literal)
            attribute = ""
            if o.language:
                attribute = f" xml:lang={quoteattr(o.language)}"
            elif o.datatype is not None:
                attribute = f" rdf:datatype={quoteattr(str(o.datatype))}"
            text = escape(str(o)).replace("\r", "&#13;")  # a bare CR would be read back as LF
            lines.append(f"    <{name}{attribute}>{text}</{name}>")
    if subject is not None:
        lines.append("  </rdf:Description>")
    declarations = [f"   xmlns:{p}={quoteattr(ns)}" for p, ns in prefixes.items() if p in used]
    head = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF", *declarations, ">"]
    return ("\n".join([*head, *lines, "</rdf:RDF>"]) + "\n").encode("utf-8")


_NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")


def _xml_name(iri: str, by_length: list[tuple[str, str]]) -> str:
    for prefix, ns in by_length:
        if iri.startswith(ns) and _NCNAME.match(iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    raise ExportError(f"cannot write the property <{iri}> in RDF/XML: no prefix covers its namespace")


def _jsonld(chosen: Dataset, frame: str | None) -> bytes:
    from kg.publishing import jsonld

    context = jsonld.published_context()
    nquads = rdfio.to_nquads(chosen)
    if frame == "attack":
        from kg import resources
        from kg.rdf.ontology import load_ontology

        ontology = load_ontology(resources.ontology_dir())
        return jsonld.dumps(jsonld.frame_attacks(nquads, context, jsonld.attack_classes(ontology)))
    return jsonld.dumps(jsonld.compact(nquads, context))


def _unknown(value: str, what: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, known, n=2, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"unknown {what} '{value}'{hint} Choose from: {', '.join(known)}"


def write_export(path: Path, data: bytes) -> Path:
    """Write an export to path atomically: to a temporary file beside it, then renamed into place.

    Returns:
        The path written.
    """
    return rdfio.write_outputs(path.parent if str(path.parent) else Path("."), {path.name: data})[0]
