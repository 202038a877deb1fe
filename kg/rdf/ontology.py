"""Loading the ontology and answering which terms it defines.

The ontology is the Turtle files under ``ontology/`` (an umbrella file and
its modules), the edit source. :func:`load_ontology` reads them into one
graph as every command sees it: the header stamped with the version from its
one source, the package's version (``pyproject.toml``; :func:`stamp_version`,
which ``kg publish --version`` applies again for a release), and the umbrella's
``owl:imports`` of its own modules dropped, since their triples are in the
graph and their IRIs do not resolve (an OWL tool would try to fetch them);
each module is a ``dcterms:hasPart`` of the umbrella instead, and a module's
imports of the modules whose terms it uses become ``dcterms:requires``. (To
open the edit source in Protégé, ``ontology/catalog-v001.xml`` maps each
module's IRI to its file.) Each module is headed SOSA-style, with a title, a
description, the umbrella it is part of and its imports; its terms are
``rdfs:isDefinedBy`` it; its version is stamped like the umbrella's. The build uses
:class:`Vocabulary` to check that every class and property a curator names
exists, and what kind of property it is, before a single triple is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from kg import __version__
from kg.errors import InputError
from kg.rdf import iris, namespaces
from kg.rdf.namespaces import KGO_NS


def ontology_files(folder: Path) -> list[Path]:
    """The ontology's Turtle files: its folder's (the umbrella, the alignments), then the modules, by name."""
    return sorted(folder.rglob("*.ttl"), key=lambda p: (p.parent != folder, str(p)))


def load_ontology(folder: Path, version: str | None = None) -> Graph:
    """Parse every Turtle file of the ontology into one graph, stamped with the version (default: the package's)
    and without imports of its own modules (see the module docstring)."""
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
    for importer, module in list(graph.subject_objects(OWL.imports)):
        if own_module(module):
            graph.remove((importer, OWL.imports, module))
            graph.add((importer, DCTERMS.hasPart if importer == iris.ONTOLOGY else DCTERMS.requires, module))
    stamp_version(graph, __version__ if version is None else version)
    return graph


def modules(ontology: Graph) -> list[URIRef]:
    """The ontology's own modules (each an ``owl:Ontology`` under the ontology's IRI), by IRI."""
    found = {s for s in ontology.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef) and own_module(s)}
    return sorted(found, key=str)


def deprecated_terms(ontology: Graph) -> dict[URIRef, URIRef | None]:
    """Our terms marked ``owl:deprecated true``, each with the term that replaces it (``dcterms:isReplacedBy``)."""
    found: dict[URIRef, URIRef | None] = {}
    for term in ontology.subjects(OWL.deprecated, Literal(True)):
        if isinstance(term, URIRef) and str(term).startswith(str(KGO_NS)):
            replacement = ontology.value(term, DCTERMS.isReplacedBy)
            found[term] = replacement if isinstance(replacement, URIRef) else None
    return found


def own_module(iri: object) -> bool:
    """Whether an IRI names one of the ontology's own modules (``https://w3id.org/kerman-kg/ontology/events``)."""
    return isinstance(iri, URIRef) and str(iri).startswith(str(iris.ONTOLOGY) + "/")


def version_iri(version: str) -> URIRef:
    """The ontology's version IRI for a version."""
    return URIRef(f"{iris.ONTOLOGY}/{version}")


def stamp_version(ontology: Graph, version: str) -> None:
    """Set the owl:versionIRI and owl:versionInfo of the ontology's header and of each module's (in place): a
    module's version IRI is its IRI and the version (``.../ontology/events/0.1.0``)."""
    ontology.set((iris.ONTOLOGY, OWL.versionIRI, version_iri(version)))
    ontology.set((iris.ONTOLOGY, OWL.versionInfo, Literal(version)))
    for module in modules(ontology):
        ontology.set((module, OWL.versionIRI, URIRef(f"{module}/{version}")))
        ontology.set((module, OWL.versionInfo, Literal(version)))


def _line_of(exc: Exception) -> int | None:
    line = getattr(exc, "lines", None) or getattr(exc, "lineno", None)
    return int(line) if isinstance(line, int) else None


@dataclass(frozen=True)
class Vocabulary:
    """The terms of our namespace that the ontology declares, by kind; deprecated terms are not among them (a
    curator names the term that replaces one, :attr:`replacements`)."""

    classes: frozenset[URIRef]
    object_properties: frozenset[URIRef]
    datatype_properties: frozenset[URIRef]
    superclasses: dict[URIRef, frozenset[URIRef]]
    domains: dict[URIRef, URIRef] = field(default_factory=dict)
    ranges: dict[URIRef, URIRef] = field(default_factory=dict)
    disjoint: frozenset[tuple[URIRef, URIRef]] = frozenset()
    #: each deprecated term of ours, with the term that replaces it
    replacements: dict[URIRef, URIRef] = field(default_factory=dict)
    #: answers of :meth:`conflict` already given, by the types' and the expected class's strings (a build asks
    #: the same few questions for every entity reference, and rdflib's term equality is slow)
    _conflicts: dict[tuple[tuple[str, ...], str], str | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @classmethod
    def from_graph(cls, graph: Graph) -> Vocabulary:
        retired = deprecated_terms(graph)

        def ours(kind: URIRef) -> frozenset[URIRef]:
            return frozenset(
                s
                for s in graph.subjects(RDF.type, kind)
                if isinstance(s, URIRef) and str(s).startswith(str(KGO_NS)) and s not in retired
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
        properties = ours(OWL.ObjectProperty) | ours(OWL.DatatypeProperty)

        def declared(axiom: URIRef) -> dict[URIRef, URIRef]:
            found = {}
            for p in properties:
                value = graph.value(p, axiom)
                if isinstance(value, URIRef) and value in classes:
                    found[p] = value
            return found

        disjoint = set()
        for a, b in graph.subject_objects(OWL.disjointWith):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                disjoint.update({(a, b), (b, a)})
        return cls(
            classes,
            ours(OWL.ObjectProperty),
            ours(OWL.DatatypeProperty),
            supers,
            declared(RDFS.domain),
            declared(RDFS.range),
            frozenset(disjoint),
            {old: new for old, new in retired.items() if new is not None},
        )

    def term(self, local_name: str) -> URIRef:
        return KGO_NS[local_name]

    def is_subclass(self, cls: URIRef, of: URIRef) -> bool:
        """Whether cls is of or a (transitive) subclass of it."""
        return of in self.superclasses.get(cls, frozenset())

    def conflict(self, types: list[URIRef], expected: URIRef) -> str | None:
        """Why a node of these declared types cannot be an ``expected`` (None when it can).

        It cannot when each of its types is declared disjoint with ``expected`` (through their
        superclasses), or is neither a kind of ``expected`` nor a more general class that could be one.
        """
        if not types:
            return None
        key = (tuple(str(t) for t in types), str(expected))
        if key not in self._conflicts:
            self._conflicts[key] = self._conflict(types, expected)
        return self._conflicts[key]

    def _conflict(self, types: list[URIRef], expected: URIRef) -> str | None:
        reasons = []
        for t in types:
            supers = self.superclasses.get(t, frozenset({t}))
            wanted = self.superclasses.get(expected, frozenset({expected}))
            clash = next(((a, b) for a in supers for b in wanted if (a, b) in self.disjoint), None)
            if clash is not None:
                reasons.append(f"{_local(clash[0])} and {_local(clash[1])} are disjoint")
            elif not (self.is_subclass(t, expected) or self.is_subclass(expected, t)):
                reasons.append(f"{_local(t)} is not a kind of {_local(expected)}")
            else:
                return None
        return "; ".join(reasons)

    def subclasses_of(self, of: URIRef) -> list[str]:
        """Local names of the classes under of (itself included), sorted."""
        return sorted(str(c)[len(str(KGO_NS)) :] for c in self.classes if self.is_subclass(c, of))


def _local(term: URIRef) -> str:
    text = str(term)
    return text[len(str(KGO_NS)) :] if text.startswith(str(KGO_NS)) else text


def terms_module(graph: Graph) -> str:
    """The Python source of ``kg/rdf/terms.py``: the ontology's classes and properties as an rdflib
    ``DefinedNamespace``, so that code naming a term the ontology lacks fails as it is imported. Deprecated
    terms are left out: code names their replacements.

    Generated, never edited: ``python -m kg.rdf.ontology`` (a test checks it is up to date).
    """
    vocabulary = Vocabulary.from_graph(graph)
    ours = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KGO_NS))}
    retired = deprecated_terms(graph).keys()
    typed = vocabulary.classes | vocabulary.object_properties | vocabulary.datatype_properties
    kinds = (
        ("classes", vocabulary.classes),
        ("object properties", vocabulary.object_properties),
        ("datatype properties", vocabulary.datatype_properties),
        ("individuals and other terms (qualifiers, annotation properties)", frozenset(ours - typed - retired)),
    )
    lines = [
        '"""The kgo: terms, generated from the ontology: do not edit, run ``python -m kg.rdf.ontology``.',
        "",
        "Code names a term as ``KGO.Attack``; a term the ontology does not define raises AttributeError where it",
        "is named, that is when its module is imported (rdflib's DefinedNamespace). A name read from data goes",
        "through ``kg.rdf.namespaces.KGO_NS``, which accepts any local name, and is checked against the ontology",
        "(:class:`kg.rdf.ontology.Vocabulary`) with a message for the curator.",
        '"""',
        "",
        "from rdflib import URIRef",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "",
        "",
        "class KGO(DefinedNamespace):",
        f'    """The Kerman KG ontology, ``{KGO_NS}``."""',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{KGO_NS}")',
    ]
    for heading, terms in kinds:
        lines += ["", f"    # {heading}"]
        for term in sorted(terms, key=str):
            label = graph.value(term, RDFS.label)
            lines.append(f"    {_local(term)}: URIRef" + (f"  # {label}" if label is not None else ""))
    return "\n".join(lines) + "\n"


def write_terms_module() -> Path:
    """Regenerate ``kg/rdf/terms.py`` from the ontology, replacing the file whole (never half-written)."""
    from kg import resources

    target = Path(__file__).resolve().parent / "terms.py"
    text = terms_module(load_ontology(resources.ontology_dir()))
    partial = target.with_name(".terms.py.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    return target


if __name__ == "__main__":
    print(f"wrote {write_terms_module()}")
