"""Validation of a dataset as asserted, and a report people can read.

:func:`validate` checks what a dataset *asserts*, never what is inferred from it: an inferred graph
in the input (``kgg:inferred``, :data:`kg.pipeline.reasoning.INFERRED_GRAPH`) is left out, and nothing is
reasoned. A node has a class only when it is asserted to have it or one of its subclasses, so a
constraint that repeats a property's range can fail: a place named as an accuser is not made an
agent by the range of ``kgo:statedBy``, it is reported. The rules are split by what they look at,
each rule in one place:

* The SHACL shapes of ``shapes/*.ttl`` hold the rules about one node and its values (counts,
  datatypes, classes, patterns, lists of allowed values). A SHACL engine runs them on the
  *validation view* (:func:`validation_view`): the union of the dataset's asserted graphs and the
  project's ontology, which is merged in so that ``sh:targetClass`` and ``sh:class`` follow
  ``rdfs:subClassOf`` even in a file that lacks the ontology. The engine is pyshacl-turbo when it
  is installed and pySHACL otherwise (:func:`shacl_engine`): the same results, measured on every
  fixture and the corpus, several times faster.
* The quality checks of ``queries/checks/*-violation.rq`` hold the rules that span nodes (a quote
  and its article's text, a claim and the date of the attack it claims, a node and the
  disjointness axioms of the ontology), one SPARQL query each, with the advice of its ``# fix:``
  header. Oxigraph runs them over the dataset's asserted graphs with the ontology in
  ``kgg:ontology`` (:func:`check_store`); they follow ``rdf:type/rdfs:subClassOf*`` and list
  sub-properties themselves, so they need no inferences either. Each row they return is a
  violation. No check tests a datatype: Oxigraph stores an ``xsd:nonNegativeInteger`` as an
  ``xsd:integer``, so datatypes are the shapes' business.

The ontology's own lint (``shapes/lint/``) is not part of this: see :mod:`kg.pipeline.lint`. The input is
never changed.

The result is a :class:`Report`: every validation result as a :class:`Finding` with its severity,
focus node, path, constraint component, source shape (a check is named ``checks/<name>``) and
message, each node also named by its label; grouped by shape and focus node for the text form; as
JSON; or as the standard SHACL validation report in Turtle. A report conforms when it has no
violations; warnings fail only when ``strict``.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg import resources
from kg.curation.yamlsrc import shown
from kg.errors import InputError
from kg.pipeline.reasoning import INFERRED_GRAPH
from kg.rdf import iris, namespaces
from kg.rdf.namespaces import KGS, SH
from kg.rdf.ontology import load_ontology
from kg.sparql.engine import OxigraphEngine, to_oxigraph
from kg.sparql.querylib import NamedQuery, library

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
    """The outcome of validating one dataset (or of linting the ontology, see :mod:`kg.pipeline.lint`).

    Attributes:
        findings: Every result, violations first.
        report_graph: The standard SHACL validation report, the checks' rows included.
        triples: How many triples were validated (the asserted triples and the ontology).
        inferred_ignored: How many triples of the input's inferred graph were left out.
        sources: The files validated, for the summary line.
        tool: The command named in the summary line.
        scope: What was validated, for the summary line.
    """

    findings: list[Finding]
    report_graph: Graph
    triples: int
    inferred_ignored: int = 0
    sources: list[str] = field(default_factory=list)
    tool: str = "kg validate"
    scope: str = "as asserted"

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
    """Every shapes file (``*.ttl``) of the folder, in one graph (subfolders, such as ``lint/``, are not read)."""
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


def asserted_quads(dataset: Dataset) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    """Every quad of the dataset (subject, predicate, object, graph name) except those of an inferred graph."""
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name != INFERRED_GRAPH:
            yield s, p, o, name


def validation_view(dataset: Dataset, ontology: Graph | None = None) -> Graph:
    """What the shapes validate: the union of the dataset's graphs, its inferred graph left out, and the ontology.

    Args:
        dataset: The data.
        ontology: The ontology to merge in (default: the project's).

    Returns:
        A new graph; the dataset is not changed.
    """
    return _view(asserted_quads(dataset), _ontology(ontology))


def _ontology(ontology: Graph | None) -> Graph:
    return ontology if ontology is not None else load_ontology(resources.ontology_dir())


def _view(quads: Iterable[tuple[Node, Node, Node, Node | None]], ontology: Graph) -> Graph:
    view = Graph(bind_namespaces="core")
    namespaces.bind(view)
    view.addN((s, p, o, view) for s, p, o, _ in quads)
    view.addN((s, p, o, view) for s, p, o in ontology)
    return view


def inferred_triples(dataset: Dataset) -> int:
    """How many triples the dataset's inferred graph holds (0 when it has none)."""
    for graph in dataset.graphs():  # not graph(), which would add the graph, nor get_graph(), which fails without it
        if graph.identifier == INFERRED_GRAPH:
            return len(graph)
    return 0


def validate(
    dataset: Dataset,
    shapes: Graph | None = None,
    sources: Iterable[str] = (),
    checks: bool = True,
) -> Report:
    """Validate what a dataset asserts against the project's shapes and quality checks.

    Args:
        dataset: The data; its inferred graph, if any, is left out (see the module docstring).
        shapes: The SHACL shapes (default: :func:`load_shapes`, the project's).
        sources: The files the data came from, named in the report.
        checks: Run the quality checks too (the default). With False only the shapes run.

    Returns:
        The report; the dataset is not changed.
    """
    ontology = _ontology(None)
    quads = list(asserted_quads(dataset))  # read once, for both engines
    view = _view(quads, ontology)
    shapes_graph = shapes if shapes is not None else load_shapes()
    report_graph = run_shapes(view, shapes_graph, inplace=True)  # the view is a copy made here
    findings = shape_findings(report_graph, shapes_graph, view)
    if checks:
        findings.extend(run_checks(_store(quads, ontology), view, report_graph))
    findings.sort(key=finding_order)
    namespaces.bind(report_graph)
    return Report(findings, report_graph, len(view), inferred_triples(dataset), list(sources))


#: The SHACL engines, by the module that provides ``validate``, in order of preference: pyshacl-turbo (a Rust
#: engine with pySHACL's API, which gives the same results as pySHACL on every fixture and on the real corpus
#: and is about seven times faster) when it is installed, else pySHACL.
SHACL_ENGINES = ("pyshacl_turbo", "pyshacl")


@functools.cache
def shacl_engine() -> tuple[str, Callable[..., tuple[bool, Graph, str]]]:
    """The SHACL engine validation uses: its module's name and its ``validate`` (see :data:`SHACL_ENGINES`)."""
    for name in SHACL_ENGINES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return name, module.validate
    raise ImportError(f"no SHACL engine is installed: install one of {', '.join(SHACL_ENGINES)}")


def run_shapes(data: Graph, shapes: Graph, inplace: bool = False, engine: str | None = None) -> Graph:
    """The SHACL validation report of a graph against shapes, exactly as given (no inference, no ontology mixed in).

    Args:
        data: The graph to validate.
        shapes: The shapes; SHACL-AF is on, for SPARQL targets.
        inplace: Let pySHACL read ``data`` without copying it first, as it otherwise does whenever
            SHACL-AF is on (the copy costs a second per 40,000 triples). Only for a graph of the
            caller's own making: no inference is asked for, but a shapes graph with SHACL rules
            could still add to it.
        engine: The engine's module (one of :data:`SHACL_ENGINES`; default: :func:`shacl_engine`).
    """
    shacl_validate = importlib.import_module(engine).validate if engine else shacl_engine()[1]
    _, report_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=inplace,
        allow_warnings=True,
        abort_on_first=False,
    )
    return report_graph


def shape_findings(report_graph: Graph, shapes: Graph, data: Graph) -> list[Finding]:
    """Every result of a pySHACL report as a finding, in report order (nodes are named by their labels in data)."""
    return [
        _finding(report_graph, shapes, data, result) for result in report_graph.subjects(RDF.type, SH.ValidationResult)
    ]


def finding_order(finding: Finding) -> tuple[int, str, str, str, str]:
    """The order of a report: violations first, then by shape, focus node, path and message."""
    return (SEVERITY_ORDER.get(finding.severity, 9), finding.shape, finding.focus, finding.path or "", finding.message)


# ----------------------------------------------------------------------------- quality checks


def check_store(dataset: Dataset, ontology: Graph | None = None) -> ox.Store:
    """What the quality checks query: an Oxigraph store of the dataset's graphs and the ontology.

    Args:
        dataset: The data; its inferred graph, if any, is left out.
        ontology: Put into ``kgg:ontology`` (default: the project's), so that every check sees the
            class hierarchy and the disjointness axioms even in a file that lacks them.

    Returns:
        A new in-memory store; the dataset is not changed.
    """
    return _store(asserted_quads(dataset), _ontology(ontology))


def _store(quads: Iterable[tuple[Node, Node, Node, Node | None]], ontology: Graph) -> ox.Store:
    term = functools.lru_cache(maxsize=1 << 16)(to_oxigraph)
    ontology_graph = ox.NamedNode(str(iris.ONTOLOGY_GRAPH))

    def converted() -> Iterator[ox.Quad]:
        for s, p, o, name in quads:
            named = isinstance(name, URIRef) and name != DATASET_DEFAULT_GRAPH_ID
            graph_name = ox.NamedNode(str(name)) if named else ox.DefaultGraph()
            yield ox.Quad(term(s), term(p), term(o), graph_name)  # type: ignore[arg-type]
        for s, p, o in ontology:
            yield ox.Quad(term(s), term(p), term(o), ontology_graph)  # type: ignore[arg-type]

    store = ox.Store()
    store.extend(converted())
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


def run_checks(
    store: ox.Store, view: Graph, report: Graph | None = None, rows: list[CheckRow] | None = None
) -> list[Finding]:
    """The quality checks' rows as violations; each is also added to ``report`` as a SHACL validation result.

    ``view`` gives the labels and prefixes the findings name nodes with; ``rows``, when given, are the rows
    :func:`check_rows` already returned for the store.
    """
    findings = []
    for row in check_rows(store) if rows is None else rows:
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


def _path_name(graph: Graph, path: Node | None) -> str:
    """A SHACL property path as SPARQL writes it (``kgo:a|kgo:b``, ``^kgo:a``, ``kgo:a/kgo:b``), read from graph."""
    if not isinstance(path, BNode):
        return _name(graph, path)
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
                else (f"{prefix}{_name(graph, inner)}{suffix}")
            )
    return str(path)


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
        return f"{name} / {_path_name(shapes, path)}", label
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
    namespaces.bind(report)
    return Finding(
        severity=_local(severity),
        shape=shape_name,
        shape_label=shape_label,
        focus=_name(view, focus),
        focus_label=_label(view, focus),
        component=_local(component),
        message=messages[0] if messages else "",
        path=_path_name(report, path) if path is not None else None,
        value=_name(view, value) if value is not None else None,
        terms=tuple(t for t in (focus, value) if t is not None),
    )


# ----------------------------------------------------------------------------- rendering


def as_text(report: Report, strict: bool = False) -> str:
    """The report for a terminal: a summary line, then results grouped by shape and focus node."""
    ignored = f"; {report.inferred_ignored} inferred triples not validated" if report.inferred_ignored else ""
    lines = [
        f"{report.tool}: {len(report.violations)} violation(s), {len(report.warnings)} warning(s) "
        f"in {report.triples} triples ({report.scope}{ignored})"
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
            "inferred_ignored": report.inferred_ignored,
            "sources": report.sources,
            "results": [{k: v for k, v in asdict(f).items() if k != "terms"} for f in report.findings],
        },
        indent=2,
        ensure_ascii=False,
    )


def as_turtle(report: Report) -> str:
    """The standard SHACL validation report, in Turtle."""
    return report.report_graph.serialize(format="turtle")


__all__ = [
    "INFERRED_GRAPH",
    "CheckRow",
    "Finding",
    "Report",
    "as_json",
    "as_text",
    "as_turtle",
    "check_rows",
    "check_store",
    "finding_order",
    "load_shapes",
    "run_checks",
    "run_shapes",
    "SHACL_ENGINES",
    "shacl_engine",
    "shape_findings",
    "validate",
    "validation_view",
]
