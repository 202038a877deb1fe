"""Loading the ontology and answering which terms it defines.

The ontology is the Turtle files under ``ontology/`` (an umbrella file and
its modules). The build uses :class:`Vocabulary` to check that every class
and property a curator names exists, and what kind of property it is, before
a single triple is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import OWL, RDF, RDFS

from kg import namespaces
from kg.errors import InputError
from kg.namespaces import KGO


def ontology_files(folder: Path) -> list[Path]:
    """The ontology's Turtle files, umbrella first, then modules in name order."""
    return sorted(folder.rglob("*.ttl"), key=lambda p: (p.parent != folder, str(p)))


def load_ontology(folder: Path) -> Graph:
    """Parse every Turtle file of the ontology into one graph."""
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    files = ontology_files(folder)
    if not files:
        raise InputError(folder, None, "no ontology files (*.ttl) found")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except (ParserError, SyntaxError, ValueError) as exc:
            raise InputError(path, _line_of(exc), f"malformed Turtle: {exc}") from exc
    return graph


def _line_of(exc: Exception) -> int | None:
    line = getattr(exc, "lines", None) or getattr(exc, "lineno", None)
    return int(line) if isinstance(line, int) else None


@dataclass(frozen=True)
class Vocabulary:
    """The terms of our namespace that the ontology declares, by kind."""

    classes: frozenset[URIRef]
    object_properties: frozenset[URIRef]
    datatype_properties: frozenset[URIRef]
    superclasses: dict[URIRef, frozenset[URIRef]]

    @classmethod
    def from_graph(cls, graph: Graph) -> Vocabulary:
        def ours(kind: URIRef) -> frozenset[URIRef]:
            return frozenset(
                s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(KGO))
            )

        classes = ours(OWL.Class)
        supers: dict[URIRef, frozenset[URIRef]] = {}
        for c in classes:
            seen: set[URIRef] = set()
            todo = [c]
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                seen.add(current)
                todo.extend(o for o in graph.objects(current, RDFS.subClassOf) if isinstance(o, URIRef))
            supers[c] = frozenset(seen)
        return cls(classes, ours(OWL.ObjectProperty), ours(OWL.DatatypeProperty), supers)

    def term(self, local_name: str) -> URIRef:
        return KGO[local_name]

    def is_subclass(self, cls: URIRef, of: URIRef) -> bool:
        """Whether cls is of or a (transitive) subclass of it."""
        return of in self.superclasses.get(cls, frozenset())

    def subclasses_of(self, of: URIRef) -> list[str]:
        """Local names of the classes under of (itself included), sorted."""
        return sorted(str(c)[len(str(KGO)) :] for c in self.classes if self.is_subclass(c, of))
