"""The quality checks of ``queries/checks/*-violation.rq``: the rules that span nodes, their rows as findings.

The checks hold the rules that span nodes (a quote and its article's text, a claim and the date of the
attack it claims, a node and the disjointness axioms of the ontology), one SPARQL query each, with the
advice of its ``# fix:`` header. Oxigraph runs them over the dataset's asserted graphs with the ontology in
``kgg:ontology`` (:func:`kg.pipeline.validationview.check_store`); they follow ``rdf:type/rdfs:subClassOf*``
and list sub-properties themselves, so they need no inferences either. Each row they return is a
violation (:func:`run_checks`). No check tests a datatype: Oxigraph stores an ``xsd:nonNegativeInteger`` as
an ``xsd:integer``, so datatypes are the shapes' business.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.pipeline.findings import Finding, term_label, term_name
from kg.rdf.namespaces import KGS, SH
from kg.sparql.engine import OxigraphEngine
from kg.sparql.querylib import NamedQuery, library


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
        details = ", ".join(f"{name} {term_name(view, value)}" for name, value in row.values if value is not None)
        shape = f"checks/{row.check.name}"
        finding = Finding(
            severity="Violation",
            shape=shape,
            shape_label=row.check.question,
            focus=term_name(view, focus),
            focus_label=term_label(view, focus),
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
