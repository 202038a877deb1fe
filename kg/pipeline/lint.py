"""Lint of the ontology itself: its terms and its header, apart from any data.

The lint shapes under ``shapes/lint/`` say what every term of our namespace needs (exactly one
English ``rdfs:label``, a ``skos:definition`` written for a researcher, ``rdfs:isDefinedBy`` the
module that declares it, a British spelling in its name and label), what the ontology header needs
(title, description, creator, licence as an IRI, version IRI and version) and what each module's
header needs (title, description, the umbrella it is part of, version). :func:`lint_ontology` runs
them with pySHACL on the ontology graph alone: no data, no inference. Data validation
(:mod:`kg.pipeline.validation`) never runs them, so a data file is not linted as if it were an
ontology, and the lint is a step of its own.

The result is a :class:`kg.pipeline.validation.Report`, rendered by the same functions as a data
validation report (:func:`kg.pipeline.validation.as_text`, ``as_json``, ``as_turtle``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg import resources
from kg.errors import InputError
from kg.pipeline.validation import Report, finding_order, run_shapes, shape_findings
from kg.rdf import namespaces
from kg.rdf.namespaces import KGS, SH
from kg.rdf.ontology import load_ontology


def lint_shapes_dir() -> Path:
    """The folder of the ontology's lint shapes, ``shapes/lint/``."""
    return resources.shapes_dir() / "lint"


def load_lint_shapes(folder: Path | None = None) -> Graph:
    """Every lint shapes file (``*.ttl``) of the folder (default :func:`lint_shapes_dir`), in one graph."""
    folder = folder or lint_shapes_dir()
    shapes = Graph(bind_namespaces="core")
    namespaces.bind(shapes)
    shapes.bind("kgs", KGS)
    shapes.bind("sh", SH)
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise InputError(folder, None, "no lint shapes files (*.ttl) found")
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


def lint_ontology(ontology_graph: Graph | None = None, shapes: Graph | None = None) -> Report:
    """Lint an ontology graph against the lint shapes.

    Args:
        ontology_graph: The ontology (default: the project's, read from ``ontology/``); it is
            linted alone, with nothing merged in, and not changed.
        shapes: The lint shapes (default: :func:`load_lint_shapes`).

    Returns:
        The report, named ``kg lint`` in its summary line.
    """
    ontology = ontology_graph if ontology_graph is not None else load_ontology(resources.ontology_dir())
    shapes_graph = shapes if shapes is not None else load_lint_shapes()
    report_graph = run_shapes(ontology, shapes_graph)
    findings = sorted(shape_findings(report_graph, shapes_graph, ontology), key=finding_order)
    namespaces.bind(report_graph)
    return Report(findings, report_graph, len(ontology), tool="kg lint", scope="the ontology alone")


__all__ = ["lint_ontology", "lint_shapes_dir", "load_lint_shapes"]
