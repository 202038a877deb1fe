"""A validation result as a person reads it: the :class:`Finding`, and how a report names nodes, paths and shapes.

Every result of :mod:`kg.pipeline.validation`, of a shape or of a quality check
(:mod:`kg.pipeline.qualitychecks`), is a :class:`Finding` with its severity, focus node, path, constraint
component, source shape (a check is named ``checks/<name>``) and message, each node also named by its
label; :func:`read_finding` reads one off a SHACL validation report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg.rdf import namespaces
from kg.rdf.namespaces import SH


@dataclass(frozen=True)
class Finding:
    """One validation result, with names a person can read."""

    severity: str
    shape: str
    shape_label: str
    focus: str
    focus_label: str
    component: str
    message: str
    path: str | None = None
    value: str | None = None
    #: the nodes the finding is about (focus and value, or a check's row), for tracing it to its input
    terms: tuple[Node, ...] = field(default=(), compare=False, repr=False)


def _local(term: object) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text


def term_name(graph: Graph, term: object) -> str:
    """A node as a person reads it: its prefixed name or IRI."""
    if isinstance(term, URIRef):
        return graph.namespace_manager.normalizeUri(term)
    if isinstance(term, Literal):
        return term.n3(graph.namespace_manager)
    return str(term)


def _path_name(graph: Graph, path: Node | None) -> str:
    """A SHACL property path as SPARQL writes it (``kgo:a|kgo:b``, ``^kgo:a``, ``kgo:a/kgo:b``), read from graph."""
    if not isinstance(path, BNode):
        return term_name(graph, path)
    for predicate, joiner in ((SH.alternativePath, "|"), (RDF.first, "/")):
        members = graph.value(path, predicate)
        if members is not None:
            items = Collection(graph, path if predicate == RDF.first else members)  # type: ignore[arg-type]
            return joiner.join(_path_name(graph, item) for item in items)
    for predicate, prefix, suffix in (
        (SH.inversePath, "^", ""),
        (SH.zeroOrMorePath, "", "*"),
        (SH.oneOrMorePath, "", "+"),
        (SH.zeroOrOnePath, "", "?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return (
                f"{prefix}({_path_name(graph, inner)}){suffix}"
                if isinstance(inner, BNode)
                else (f"{prefix}{term_name(graph, inner)}{suffix}")
            )
    return str(path)


def term_label(view: Graph, term: Node | None) -> str:
    if isinstance(term, (URIRef, BNode)):
        label = view.value(term, RDFS.label)
        if label is not None:
            return str(label)
    return ""


def _shape_name(shapes: Graph, shape: Node | None) -> tuple[str, str]:
    """The shape's name and label; a property shape is named by its node shape and path."""
    if isinstance(shape, URIRef):
        return term_name(shapes, shape), str(shapes.value(shape, RDFS.label) or "")
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    if parent is not None:
        name, label = _shape_name(shapes, parent)
        return f"{name} / {_path_name(shapes, path)}", label
    return "(anonymous shape)", ""


def read_finding(report: Graph, shapes: Graph, view: Graph, result: Node) -> Finding:
    severity = report.value(result, SH.resultSeverity)
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    component = report.value(result, SH.sourceConstraintComponent)
    shape = report.value(result, SH.sourceShape)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    shape_name, shape_label = _shape_name(shapes, shape)
    namespaces.bind(view)
    namespaces.bind(report)
    return Finding(
        severity=_local(severity),
        shape=shape_name,
        shape_label=shape_label,
        focus=term_name(view, focus),
        focus_label=term_label(view, focus),
        component=_local(component),
        message=messages[0] if messages else "",
        path=_path_name(report, path) if path is not None else None,
        value=term_name(view, value) if value is not None else None,
        terms=tuple(t for t in (focus, value) if t is not None),
    )
