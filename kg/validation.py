"""Validation of a dataset with its inferences, and a report people can read.

:func:`validate` builds the *validation view* of a dataset, a new graph holding
the union of its asserted graphs, the project's ontology (so that ``sh:class``
sees the class hierarchy even in a file that lacks it) and the OWL RL
entailments of all that (recomputed, see :mod:`kg.reasoning`), and runs
pySHACL with the shapes under ``shapes/``. It then runs every quality check of
``queries/checks/`` (SPARQL queries that must return no rows) over the
dataset's named graphs with the same ontology and inferences, on Oxigraph;
each row they return is a violation too. The input is never changed.

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

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg import iris, namespaces, resources
from kg.engine import OxigraphEngine, to_oxigraph
from kg.errors import InputError
from kg.ontology import load_ontology
from kg.querylib import NamedQuery, library
from kg.reasoning import INFERRED_GRAPH, asserted_triples, infer
from kg.yamlsrc import shown

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
    #: the nodes the finding is about (focus and value, or a check's row), for tracing it to its input
    terms: tuple[Node, ...] = field(default=(), compare=False, repr=False)


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
    """The view that is validated and its number of inferred triples (see :func:`_view`)."""
    view, inferred, _ = _view(dataset, ontology, reason)
    return view, len(inferred)


def _view(dataset: Dataset, ontology: Graph | None = None, reason: bool = True) -> tuple[Graph, Graph, Graph]:
    """The graph that is validated: asserted triples + the ontology + fresh inferences.

    Args:
        dataset: The data.
        ontology: The ontology to merge in (default: the project's).
        reason: Recompute the inferences (the default). With False, the dataset's own
            inferred graph, if any, is used as it is: for callers that have just computed it.

    Returns:
        The view, the inferred triples it holds, and the ontology merged in.
    """
    ontology = ontology if ontology is not None else load_ontology(resources.ontology_dir())
    if not reason:
        view = Graph(bind_namespaces="core")
        namespaces.bind(view)
        inferred = dataset.get_graph(INFERRED_GRAPH) or Graph()  # get_graph, unlike graph(), adds nothing
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            view.add((s, p, o))
        for triple in ontology:
            view.add(triple)
        return view, inferred, ontology
    view = asserted_triples(dataset)
    for triple in ontology:
        view.add(triple)
    inference = infer(view)
    for triple in inference.graph:
        view.add(triple)
    return view, inference.graph, ontology


def validate(
    dataset: Dataset,
    shapes: Graph | None = None,
    sources: Iterable[str] = (),
    reason: bool = True,
    checks: bool = True,
) -> Report:
    """Validate a dataset with its inferences against the project's shapes and quality checks.

    With ``reason=False`` the dataset's own inferred graph is trusted instead of recomputed
    (see :func:`validation_view`); ``kg validate`` always recomputes. With ``checks=False`` only
    the shapes run (the shape tests use this, to see one shape's results alone).
    """
    view, inferred, ontology = _view(dataset, reason=reason)
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
    if checks:
        findings.extend(run_checks(check_store(dataset, ontology, inferred, reason), view, report_graph))
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.shape, f.focus, f.path or "", f.message))
    namespaces.bind(report_graph)
    return Report(findings, report_graph, len(view), len(inferred), list(sources))


# ----------------------------------------------------------------------------- quality checks


def check_store(dataset: Dataset, ontology: Graph, inferred: Graph, skip_own_inferred: bool = True) -> ox.Store:
    """An Oxigraph store of the dataset's graphs (its own inferred graph left out when recomputed), the ontology
    in ``kgg:ontology`` and the inferences in ``kgg:inferred``: what the quality checks query."""
    store = ox.Store()
    quads = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if skip_own_inferred and name == INFERRED_GRAPH:
            continue
        graph_name = ox.NamedNode(str(name)) if isinstance(name, URIRef) else ox.DefaultGraph()
        quads.append(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_name))  # type: ignore[arg-type]
    for graph, name in ((ontology, iris.ONTOLOGY_GRAPH), (inferred, INFERRED_GRAPH)):
        target = ox.NamedNode(str(name))
        quads.extend(
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)  # type: ignore[arg-type]
            for s, p, o in graph
        )
    store.extend(quads)
    return store


@dataclass(frozen=True)
class CheckRow:
    """One row a quality check returned: the check and the row's values by column."""

    check: NamedQuery
    values: tuple[tuple[str, Node | None], ...]


def check_rows(store: ox.Store) -> list[CheckRow]:
    """Every row that any quality check (``queries/checks/*-violation.rq``) returns on the store."""
    engine = OxigraphEngine(store)
    rows = []
    for query in library().values():
        if not query.is_check:
            continue
        result = engine.query(query.text)
        for row in result.rows:
            rows.append(CheckRow(query, tuple(zip(result.variables, row, strict=True))))
    return rows


def run_checks(store: ox.Store, view: Graph, report: Graph | None = None) -> list[Finding]:
    """The quality checks' rows as violations; each is also added to ``report`` as a SHACL validation result."""
    findings = []
    for row in check_rows(store):
        focus = row.values[0][1]
        details = ", ".join(f"{name} {_name(view, value)}" for name, value in row.values if value is not None)
        shape = f"checks/{row.check.name}"
        finding = Finding(
            severity="Violation",
            shape=shape,
            shape_label=row.check.question,
            focus=_name(view, focus),
            focus_label=_label(view, focus),
            component="SPARQLConstraintComponent",
            message=f"{details}. Fix: {row.check.fix}",
            terms=tuple(value for _, value in row.values if value is not None),
        )
        findings.append(finding)
        if report is not None:
            result = BNode()
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.resultSeverity, SH.Violation))
            report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            report.add((result, SH.sourceShape, KGS[shape]))
            if focus is not None:
                report.add((result, SH.focusNode, focus))
            report.add((result, SH.resultMessage, Literal(f"{row.check.question} {finding.message}")))
            for conforms in list(report.subjects(SH.conforms, None)):
                report.set((conforms, SH.conforms, Literal(False)))
    return findings


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
        terms=tuple(t for t in (focus, value) if t is not None),
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
    return "\n".join(shown(line, None) for line in lines)  # a label read from a file never drives the terminal


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
            "results": [{k: v for k, v in asdict(f).items() if k != "terms"} for f in report.findings],
        },
        indent=2,
        ensure_ascii=False,
    )


def as_turtle(report: Report) -> str:
    """The standard SHACL validation report, in Turtle."""
    return report.report_graph.serialize(format="turtle")


__all__ = ["Finding", "Report", "as_json", "as_text", "as_turtle", "load_shapes", "validate", "INFERRED_GRAPH"]
