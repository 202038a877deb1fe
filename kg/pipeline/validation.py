"""Validation of a dataset as asserted, and a report people can read.

:func:`validate` checks what a dataset *asserts*, never what is inferred from it: an inferred graph
in the input (``kgg:inferred``, :data:`kg.pipeline.reasoning.INFERRED_GRAPH`) is left out, and nothing is
reasoned. A node has a class only when it is asserted to have it or one of its subclasses, so a
constraint that repeats a property's range can fail: a place named as an accuser is not made an
agent by the range of ``kgo:statedBy``, it is reported. The rules are split by what they look at,
each rule in one place:

* The SHACL shapes of ``shapes/*.ttl`` hold the rules about one node and its values (counts,
  datatypes, classes, patterns, lists of allowed values). A SHACL engine runs them on the
  *validation view* (:func:`kg.pipeline.validationview.validation_view`: the dataset's asserted graphs
  and the project's ontology). The engine is pyshacl-turbo when it is installed and pySHACL otherwise
  (:func:`shacl_engine`): the same results, measured on every fixture and the corpus, several times
  faster.
* The quality checks of ``queries/checks/*-violation.rq`` hold the rules that span nodes, one SPARQL
  query each, run by Oxigraph (:mod:`kg.pipeline.qualitychecks`); each row they return is a violation.

The ontology's own lint (``shapes/lint/``) is not part of this: see :mod:`kg.pipeline.lint`. The input is
never changed.

The result is a :class:`Report`: every validation result as a :class:`kg.pipeline.findings.Finding`
with its severity, focus node, path, constraint component, source shape (a check is named
``checks/<name>``) and message, each node also named by its label; grouped by shape and focus node
for the text form; as JSON; or as the standard SHACL validation report in Turtle. A report conforms when it has no
violations; warnings fail only when ``strict``.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from kg import resources
from kg.curation.yamlsrc import shown
from kg.errors import InputError
from kg.pipeline.findings import Finding, read_finding
from kg.pipeline.qualitychecks import run_checks
from kg.pipeline.validationview import (
    asserted_quads,
    inferred_triples,
    ontology_or_default,
    store_of_quads,
    view_of_quads,
)
from kg.rdf import namespaces
from kg.rdf.namespaces import KGS, SH

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


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
    ontology = ontology_or_default(None)
    quads = list(asserted_quads(dataset))  # read once, for both engines
    view = view_of_quads(quads, ontology)
    shapes_graph = shapes if shapes is not None else load_shapes()
    report_graph = run_shapes(view, shapes_graph, inplace=True)  # the view is a copy made here
    findings = shape_findings(report_graph, shapes_graph, view)
    if checks:
        findings.extend(run_checks(store_of_quads(quads, ontology), view, report_graph))
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
        read_finding(report_graph, shapes, data, result)
        for result in report_graph.subjects(RDF.type, SH.ValidationResult)
    ]


def finding_order(finding: Finding) -> tuple[int, str, str, str, str]:
    """The order of a report: violations first, then by shape, focus node, path and message."""
    return (SEVERITY_ORDER.get(finding.severity, 9), finding.shape, finding.focus, finding.path or "", finding.message)


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
    "Report",
    "as_json",
    "as_text",
    "as_turtle",
    "finding_order",
    "load_shapes",
    "run_shapes",
    "SHACL_ENGINES",
    "shacl_engine",
    "shape_findings",
    "validate",
]
