"""The files of a build by units: its N-Quads and TriG, and its graphs as rows, written from the units' text.

Each gives the same bytes as :mod:`kg.rdf.rdfio` gives for the graphs of the same build made at once
(a test compares them), without making an rdflib term for a unit read back.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.pipeline.ntreasoning import Strings
from kg.pipeline.units.incremental import UnitBuild
from kg.pipeline.units.records import text_rows
from kg.rdf import iris


def nquads(build: UnitBuild) -> bytes:
    """The build as N-Quads, lines sorted: the same bytes as :func:`kg.rdf.rdfio.to_nquads` of its graphs."""
    from kg.rdf.rdfio import to_nquads

    lines: list[str] = []
    for name, found in build.rows.items():
        tail = " " + name.n3() + " .\n"
        lines.extend(f"{s} {p} {o}{tail}" for s, p, o in found)
    for stem, unit in build.units.items():
        tail = " " + iris.article_graph(stem).n3() + " .\n"
        lines.extend(line[: -len(" .")] + tail for line in unit.graph.splitlines())
    lines.extend(to_nquads({iris.ONTOLOGY_GRAPH: build.ontology}).decode("utf-8").splitlines(keepends=True))
    lines.sort()
    return "".join(lines).encode("utf-8")


def string_graphs(build: UnitBuild) -> dict[str, list[Strings]]:
    """Every graph but the ontology as rows, by name in N-Triples form (what the catalog counts)."""
    found = {name.n3(): rows for name, rows in build.rows.items()}
    for stem, unit in build.units.items():
        found[iris.article_graph(stem).n3()] = text_rows(unit.graph)
    return found


def trig(build: UnitBuild) -> bytes:
    """The build as TriG: the same bytes as :func:`kg.rdf.rdfio.to_trig` of its graphs.

    Article graphs are written from their units' Turtle; the other graphs from their rows, the ontology (which
    has blank nodes) by rdflib's serializer.
    """
    from kg.rdf import rdfio
    from kg.rdf.turtlewriter import TurtleWriter

    writer = TurtleWriter()
    bodies: dict[str, str] = {str(name): writer.graph_strings(found) for name, found in build.rows.items()}
    for stem, unit in build.units.items():
        bodies[str(iris.article_graph(stem))] = unit.trig
    ontology = rdfio.to_trig({iris.ONTOLOGY_GRAPH: build.ontology}).decode("utf-8")
    header = rdfio.trig_header()
    bodies[str(iris.ONTOLOGY_GRAPH)] = ontology[len(header) :]
    parts = [header]
    for name in sorted(bodies):
        body = bodies[name]
        parts.append(body if name == str(iris.ONTOLOGY_GRAPH) else rdfio.trig_block(URIRef(name), body))
    return "".join(parts).encode("utf-8")
