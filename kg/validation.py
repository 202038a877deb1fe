"""SHACL validation of a dataset with its inferences, and a report people can read.

:func:`validate` builds the *validation view* of a dataset, a new graph holding
the union of its asserted graphs, the project's ontology (so that ``sh:class``
sees the class hierarchy even in a file that lacks it) and the OWL RL
entailments of all that (recomputed, see :mod:`kg.reasoning`), and runs
pySHACL with the shapes under ``shapes/``. The input is never changed.

The result is a :class:`Report`: every validation result as a
:class:`Finding` with its severity, focus node, path, constraint component,
source shape and message, each node also named by its label; grouped by
shape and focus node for the text form; as JSON; or as the standard SHACL
validation report in Turtle. A report conforms when it has no violations;
warnings fail only when ``strict``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg import namespaces, resources
from kg.errors import InputError
from kg.ontology import load_ontology
from kg.reasoning import INFERRED_GRAPH, asserted_triples, infer

SH = Namespace("http://www.w3.org/ns/shacl#")
KGS = Namespace("https://w3id.org/kerman-kg/shapes#")
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


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


@dataclass
class Report:
    """The outcome of validating one dataset."""

    findings: list[Finding]
    report_graph: Graph
    triples: int
    inferred: int
    sources: list[str] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings do not count)."""
        return not self.violations

    def passes(self, strict: bool = False) -> bool:
        """Whether the report passes: no violations, and no warnings either when strict."""
        return self.conforms and not (strict and self.warnings)


def load_shapes(folder: Path | None = None) -> Graph:
    """Every shapes file (``*.ttl``) of the folder, in one graph."""
    shapes = Graph(bind_namespaces="core")
    namespaces.bind(shapes)
    shapes.bind("kgs", KGS)
    shapes.bind("sh", SH)
    files = sorted((folder or resources.shapes_dir()).glob("*.ttl"))
    if not files:
        raise InputError(folder or resources.shapes_dir(), None, "no shapes files (*.ttl) found")
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


def validation_view(dataset: Dataset, ontology: Graph | None = None, reason: bool = True) -> tuple[Graph, int]:
    """The graph that is validated: asserted triples + the ontology + fresh inferences.

    Args:
        dataset: The data.
        ontology: The ontology to merge in (default: the project's).
        reason: Recompute the inferences (the default). With False, the dataset's own
            inferred graph, if any, is used as it is: for callers that have just computed it.

    Returns:
        The view and the number of inferred triples it holds.
    """
    if not reason:
        view = Graph(bind_namespaces="core")
        namespaces.bind(view)
        inferred = 0
        for s, p, o, g in dataset.quads((None, None, None, None)):
            view.add((s, p, o))
            inferred += (g.identifier if isinstance(g, Graph) else g) == INFERRED_GRAPH
        for triple in ontology if ontology is not None else load_ontology(resources.ontology_dir()):
            view.add(triple)
        return view, inferred
    view = asserted_triples(dataset)
    for triple in ontology if ontology is not None else load_ontology(resources.ontology_dir()):
        view.add(triple)
    inference = infer(view)
    for triple in inference.graph:
        view.add(triple)
    return view, len(inference.graph)


def validate(dataset: Dataset, shapes: Graph | None = None, sources: Iterable[str] = (), reason: bool = True) -> Report:
    """Validate a dataset with its inferences against the project's shapes.

    With ``reason=False`` the dataset's own inferred graph is trusted instead of recomputed
    (see :func:`validation_view`); ``kg validate`` always recomputes.
    """
    view, inferred = validation_view(dataset, reason=reason)
    shapes_graph = shapes if shapes is not None else load_shapes()
    _, report_graph, _ = shacl_validate(
        view,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    findings = [
        _finding(report_graph, shapes_graph, view, result)
        for result in report_graph.subjects(RDF.type, SH.ValidationResult)
    ]
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.shape, f.focus, f.path or "", f.message))
    namespaces.bind(report_graph)
    return Report(findings, report_graph, len(view), inferred, list(sources))


def _local(term: object) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text


def _name(graph: Graph, term: object) -> str:
    """A node as a person reads it: its prefixed name or IRI."""
    if isinstance(term, URIRef):
        return graph.namespace_manager.normalizeUri(term)
    if isinstance(term, Literal):
        return term.n3(graph.namespace_manager)
    return str(term)


def _label(view: Graph, term: Node | None) -> str:
    if isinstance(term, (URIRef, BNode)):
        label = view.value(term, RDFS.label)
        if label is not None:
            return str(label)
    return ""


def _shape_name(shapes: Graph, shape: Node | None) -> tuple[str, str]:
    """The shape's name and label; a property shape is named by its node shape and path."""
    if isinstance(shape, URIRef):
        return _name(shapes, shape), str(shapes.value(shape, RDFS.label) or "")
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    if parent is not None:
        name, label = _shape_name(shapes, parent)
        return f"{name} / {_name(shapes, path)}", label
    return "(anonymous shape)", ""


def _finding(report: Graph, shapes: Graph, view: Graph, result: Node) -> Finding:
    severity = report.value(result, SH.resultSeverity)
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    component = report.value(result, SH.sourceConstraintComponent)
    shape = report.value(result, SH.sourceShape)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    shape_name, shape_label = _shape_name(shapes, shape)
    namespaces.bind(view)
    return Finding(
        severity=_local(severity),
        shape=shape_name,
        shape_label=shape_label,
        focus=_name(view, focus),
        focus_label=_label(view, focus),
        component=_local(component),
        message=messages[0] if messages else "",
        path=_name(view, path) if path is not None else None,
        value=_name(view, value) if value is not None else None,
    )


# ----------------------------------------------------------------------------- rendering


def as_text(report: Report, strict: bool = False) -> str:
    """The report for a terminal: a summary line, then results grouped by shape and focus node."""
    lines = [
        f"kg validate: {len(report.violations)} violation(s), {len(report.warnings)} warning(s) "
        f"in {report.triples} triples ({report.inferred} inferred)"
        + (f" from {', '.join(report.sources)}" if report.sources else "")
    ]
    current_shape = current_focus = None
    for f in report.findings:
        if (f.severity, f.shape) != current_shape:
            current_shape, current_focus = (f.severity, f.shape), None
            lines.append("")
            lines.append(f"{f.severity}: {f.shape}" + (f" ({f.shape_label})" if f.shape_label else ""))
        if f.focus != current_focus:
            current_focus = f.focus
            lines.append(f"  {f.focus}" + (f'  "{f.focus_label}"' if f.focus_label else ""))
        where = " ".join(x for x in (f.path, f"[{f.component}]", f"value {f.value}" if f.value else None) if x)
        lines.append(f"    {where}")
        lines.append(f"      {f.message}")
    verdict = "conforms" if report.passes(strict) else "does not conform"
    if report.conforms and report.warnings and not strict:
        verdict += " (warnings do not fail without --strict)"
    lines.append("")
    lines.append(f"Result: {verdict}")
    return "\n".join(lines)


def as_json(report: Report, strict: bool = False) -> str:
    """The report as JSON: a summary and every finding."""
    return json.dumps(
        {
            "conforms": report.passes(strict),
            "violations": len(report.violations),
            "warnings": len(report.warnings),
            "triples": report.triples,
            "inferred": report.inferred,
            "sources": report.sources,
            "results": [asdict(f) for f in report.findings],
        },
        indent=2,
        ensure_ascii=False,
    )


def as_turtle(report: Report) -> str:
    """The standard SHACL validation report, in Turtle."""
    return report.report_graph.serialize(format="turtle")


__all__ = ["Finding", "Report", "as_json", "as_text", "as_turtle", "load_shapes", "validate", "INFERRED_GRAPH"]
