"""The OWL 2 RL rules of reasoning, run on triples written in N-Triples, one closed layer on another.

:class:`Rules` compiles the rules of :func:`kg.pipeline.reasoning.infer_rules` (what
:class:`kg.pipeline.reasoning.Schema` reads of the ontology) once, for terms written in N-Triples and
numbered once; a :class:`Closure` closes triples under them, on top of a closed parent that it never
changes. So the closure of the shared graphs (ontology, registry, background) is computed once and each
article's own entailments on top of it (:mod:`kg.pipeline.units.reasoning`).
:func:`keep_strings` is :func:`kg.pipeline.reasoning.keep` for a triple written in N-Triples.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from kg.pipeline.reasoning import DATA_PREFIXES, SCHEMA_PREDICATES, TRIVIAL_TYPES, Schema

#: a triple whose terms are written in N-Triples (see :data:`kg.rdf.ntriples.NTriple`)
Strings = tuple[str, str, str]
IntTriple = tuple[int, int, int]


class Rules:
    """The rules of :func:`kg.pipeline.reasoning.infer_rules`, compiled for N-Triples terms numbered once.

    Several :class:`Closure` objects share one table of terms, so the closure of the shared graphs
    (ontology, registry, background) is computed once and each article's own entailments on top of it.
    """

    def __init__(self, schema: Schema) -> None:
        self.terms: list[str] = []
        self.number: dict[str, int] = {}
        self.literals: set[int] = set()

        def nt(term: Node) -> str:
            return term.n3() if isinstance(term, (URIRef, BNode)) else _literal_nt(term)  # type: ignore[arg-type]

        def table(mapping: dict[Node, frozenset[Node]]) -> dict[int, tuple[int, ...]]:
            return {self.id(nt(k)): tuple(self.id(nt(v)) for v in values) for k, values in mapping.items()}

        self.rdf_type = self.id(RDF.type.n3())
        self.superclasses = table(schema.superclasses)
        self.superproperties = table(schema.superproperties)
        self.domains = table(schema.domains)
        self.ranges = table(schema.ranges)
        self.inverses = table(schema.inverses)
        self.symmetric = {self.id(nt(p)) for p in schema.symmetric}
        self.transitive = {self.id(nt(p)) for p in schema.transitive}
        self.chain_first: dict[int, list[tuple[int, int]]] = {}
        self.chain_second: dict[int, list[tuple[int, int]]] = {}
        for first, second, implied in schema.chains:
            self.chain_first.setdefault(self.id(nt(first)), []).append((self.id(nt(second)), self.id(nt(implied))))
            self.chain_second.setdefault(self.id(nt(second)), []).append((self.id(nt(first)), self.id(nt(implied))))
        #: the predicates the rules join on: only their triples are indexed, and only they link two units
        self.joined = frozenset(self.transitive | set(self.chain_first) | set(self.chain_second))
        self.joined_names = frozenset(self.terms[p] for p in self.joined)
        self.schema_names = frozenset(p.n3() for p in SCHEMA_PREDICATES)

    def id(self, text: str) -> int:
        """The number of a term written in N-Triples."""
        found = self.number.get(text)
        if found is None:
            found = self.number[text] = len(self.terms)
            self.terms.append(text)
            if text[0] == '"':
                self.literals.add(found)
        return found

    def encode(self, triples: Iterable[Strings]) -> list[IntTriple]:
        of = self.id
        return [(of(s), of(p), of(o)) for s, p, o in triples]

    def decode(self, triples: Iterable[IntTriple]) -> list[Strings]:
        terms = self.terms
        return [(terms[s], terms[p], terms[o]) for s, p, o in triples]


class Closure:
    """Triples closed under :class:`Rules`, optionally on top of a closed parent that is never changed."""

    def __init__(self, rules: Rules, parent: Closure | None = None) -> None:
        self.rules = rules
        self.parent = parent
        self.known: set[IntTriple] = set()
        self.by_subject: dict[tuple[int, int], set[int]] = {}
        self.by_object: dict[tuple[int, int], set[int]] = {}

    def __contains__(self, triple: IntTriple) -> bool:
        return triple in self.known or (self.parent is not None and triple in self.parent)

    def _index(self, s: int, p: int, o: int) -> None:
        if p in self.rules.joined:
            self.by_subject.setdefault((p, s), set()).add(o)
            self.by_object.setdefault((p, o), set()).add(s)

    def _objects(self, p: int, s: int) -> Iterable[int]:
        found = self.by_subject.get((p, s), ())
        if self.parent is None:
            return found
        above = self.parent._objects(p, s)
        return [*found, *above] if above else found

    def _subjects(self, p: int, o: int) -> Iterable[int]:
        found = self.by_object.get((p, o), ())
        if self.parent is None:
            return found
        above = self.parent._subjects(p, o)
        return [*found, *above] if above else found

    def add(self, stated: Iterable[IntTriple]) -> list[IntTriple]:
        """Add stated triples and close: the triples derived that neither they nor the parent held.

        Stated triples the parent already holds are not derived from again (the parent is closed).
        """
        stated = [t for t in stated if t not in self]
        given = set(stated)
        for triple in given:
            self.known.add(triple)
            self._index(*triple)
        r = self.rules
        rdf_type, literals, joined, transitive = r.rdf_type, r.literals, r.joined, r.transitive
        derived: list[IntTriple] = []
        frontier = list(given)
        while frontier:
            fresh = []
            for s, p, o in frontier:
                if p == rdf_type:
                    out = [(s, rdf_type, c) for c in r.superclasses.get(o, ())]
                else:
                    out = [(s, q, o) for q in r.superproperties.get(p, ())]
                    out.extend((s, rdf_type, c) for c in r.domains.get(p, ()))
                    if o not in literals:
                        out.extend((o, rdf_type, c) for c in r.ranges.get(p, ()))
                        out.extend((o, q, s) for q in r.inverses.get(p, ()))
                        if p in r.symmetric:
                            out.append((o, p, s))
                        if p in joined:
                            if p in transitive:
                                out.extend((s, p, z) for z in self._objects(p, o))
                                out.extend((x, p, o) for x in self._subjects(p, s))
                            for second, implied in r.chain_first.get(p, ()):
                                out.extend((s, implied, z) for z in self._objects(second, o))
                            for first, implied in r.chain_second.get(p, ()):
                                out.extend((x, implied, o) for x in self._subjects(first, s))
                for triple in out:
                    if triple not in self.known and (self.parent is None or triple not in self.parent):
                        self.known.add(triple)
                        self._index(*triple)
                        fresh.append(triple)
            derived.extend(fresh)
            frontier = fresh
        return derived


def keep_strings(triple: Strings) -> bool:
    """:func:`kg.pipeline.reasoning.keep` for a triple written in N-Triples."""
    s, p, o = triple
    if not s.startswith(_DATA_NT_PREFIXES) or o.startswith("_:"):
        return False
    if p == _RDF_TYPE_NT and o in _TRIVIAL_TYPE_NT:
        return False
    return not (p == _SAME_AS_NT and s == o)


_DATA_NT_PREFIXES = tuple("<" + prefix for prefix in DATA_PREFIXES)
_RDF_TYPE_NT = RDF.type.n3()
_SAME_AS_NT = OWL.sameAs.n3()
_TRIVIAL_TYPE_NT = frozenset(t.n3() for t in TRIVIAL_TYPES)


def _literal_nt(term: Literal) -> str:
    """A literal as rdflib's N-Triples writer writes it."""
    from rdflib.plugins.serializers.nt import _nt_row

    return _nt_row((_ANY, _ANY, term))[len(_ANY_ROW) : -len(" .\n")]


_ANY = URIRef("x:")
_ANY_ROW = "<x:> <x:> "
