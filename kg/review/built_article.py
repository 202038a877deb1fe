"""What the review page shows of the article once it is built: its summary and its facts as the built graph
holds them (the named query ``article-facts``).
"""

from __future__ import annotations

from typing import Any

from kg.review.document import AnnotationFile


def summary(graph: Any, annotation: AnnotationFile) -> dict[str, Any]:
    """The article's summary from its built graph: statements by type, figures, new entities, size."""
    from collections import Counter

    from rdflib import RDF, RDFS

    from kg.rdf.namespaces import KGO

    by_type: Counter[str] = Counter()
    for statement in set(graph.subjects(KGO.statedBy, None)):
        for kind in graph.objects(statement, RDF.type):
            by_type[str(kind).rpartition("#")[2]] += 1
    figures = []
    for report in sorted(set(graph.subjects(KGO.figureAsWritten, None))):
        figures.append(
            {
                "kind": ", ".join(sorted(str(t).rpartition("#")[2] for t in graph.objects(report, RDF.type))),
                "figure": str(graph.value(report, KGO.figureAsWritten)),
                "count": int(graph.value(report, KGO.figureValue).toPython()),
                "qualifier": str(graph.value(report, KGO.qualifier)).rpartition("#")[2],
                "label": str(graph.value(report, RDFS.label) or ""),
            }
        )
    entities = [
        {"id": item.id, "label": str(item.node.get("label") or item.id)}
        for item in annotation.items
        if item.section == "entities" and item.review == "accepted"
    ]
    return {
        "triples": len(graph),
        "statements": dict(sorted(by_type.items())),
        "figures": figures,
        "new_entities": entities,
        "assertions": len(set(graph.subjects(RDF.type, KGO.Assertion))),
    }


def article_facts(dataset: Any, stem: str) -> list[dict[str, Any]]:
    """The named query article-facts over the built dataset: what the graph now holds of the article."""
    from kg.sparql.engine import OxigraphEngine
    from kg.sparql.querying import run

    engine = OxigraphEngine.from_dataset(dataset)
    result, _ = run(engine, "article-facts", {"article": f"kga:{stem}"})
    columns = list(result.variables)
    rows = []
    for row in result.rows:
        values = dict(zip(columns, row, strict=False))
        rows.append(
            {
                "fact": str(values.get("fact") or ""),
                "kind": str(values.get("kind") or "").rpartition("#")[2],
                "label": str(values.get("label") or ""),
                "quote": str(values.get("quote") or ""),
            }
        )
    return rows
