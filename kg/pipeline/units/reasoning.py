"""Reasoning by units: the OWL 2 RL entailments of a build, from what each article's unit derives alone.

Reasoning by units is exact, not approximate: OWL 2 RL's one-premise rules (classes, subproperties,
domains, ranges, inverses, symmetry) see one triple and the ontology, so they never mix articles;
only the rules that join two triples (transitive properties, property chains) can, and only through
triples whose predicate they join on. The whole build therefore closes, once, the union of every
unit's triples of those few predicates with the shared closure (:func:`infer`), and keeps what that
adds. The outcome equals reasoning over the whole dataset at once: a test compares both, and both
with owlrl's.

:class:`UnitReasoner` derives a unit's own entailments on top of the shared closure
(:class:`kg.pipeline.ntreasoning.Closure`); :class:`UnitRows` is what :func:`infer` keeps of each unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from rdflib import Graph

from kg.pipeline.ntreasoning import Closure, Rules, Strings, keep_strings
from kg.pipeline.reasoning import Schema
from kg.rdf import iris


class UnitReasoner:
    """The OWL 2 RL rules of :mod:`kg.pipeline.reasoning`, applied a unit at a time (see the module docstring)."""

    def __init__(self, schema_graph: Graph, shared: Iterable[Strings]) -> None:
        self.rules = Rules(Schema.of(schema_graph))
        shared_ids = self.rules.encode(shared)
        self.base = Closure(self.rules)
        self.base_derived = self.rules.decode(self.base.add(shared_ids))
        self.shared = set(shared_ids)

    def derive(self, stated: Iterable[Strings]) -> list[Strings]:
        """A unit's own entailments: what it adds to the shared closure (every one, kept or not).

        Raises:
            ValueError: the unit states a schema axiom (a subclass, a domain...): the rules read the schema from
                the shared graphs only.
        """
        rows = list(stated)
        for _, p, _ in rows:
            if p in self.rules.schema_names:
                raise ValueError(f"an article graph states a schema axiom ({p}); only the ontology may")
        unit = Closure(self.rules, self.base)
        return self.rules.decode(unit.add(self.rules.encode(rows)))

    def joins(self, rows: Iterable[Strings]) -> Iterator[Strings]:
        """The rows whose predicate a rule joins on: the only ones that link two units."""
        joined = self.rules.joined_names
        return (row for row in rows if row[1] in joined)

    def across(self, joining: Iterable[Strings]) -> list[Strings]:
        """What the rules derive from the units' joining rows together that no unit derives alone."""
        combined = Closure(self.rules, self.base)
        return self.rules.decode(combined.add(self.rules.encode(joining)))


@dataclass
class UnitRows:
    """What :func:`infer` needs of a unit: its own entailments, its joining rows, its boundary rows.

    Attributes:
        derived: The unit's own entailments (:meth:`UnitReasoner.derive`).
        joining: Its stated and derived rows whose predicate a rule joins on (:meth:`UnitReasoner.joins`).
        boundary: Its stated rows whose subject it does not own (:func:`owner`): the only ones that may state
            what another unit derives, besides the owner's own rows.
        exposed: Its stated rows about the nodes it owns that other units are most likely to derive something
            about: the article itself and the nodes of its joining rows (:func:`exposed_rows`).
        stated: Gives all its stated rows, when needed (rarely: see :func:`infer`).
    """

    derived: list[Strings]
    joining: list[Strings]
    boundary: list[Strings]
    exposed: list[Strings]
    stated: Callable[[], Iterable[Strings]]


def exposed_nodes(name: str, joining: Iterable[Strings]) -> set[str]:
    """The nodes of unit ``name`` whose stated rows :attr:`UnitRows.exposed` holds."""
    nodes = {"<" + str(iris.article(name)) + ">"}
    for s, _, o in joining:
        nodes.add(s)
        nodes.add(o)
    return nodes


def exposed_rows(name: str, stated: Iterable[Strings], joining: Iterable[Strings]) -> list[Strings]:
    """The stated rows of unit ``name`` about its exposed nodes (:func:`exposed_nodes`)."""
    nodes = exposed_nodes(name, joining)
    return [row for row in stated if row[0] in nodes]


def owner(subject: str) -> str | None:
    """The article (stem) that owns a node written in N-Triples: its IRI is the article's or under it."""
    if not subject.startswith(_ARTICLE_NT):
        return None
    tail = subject[len(_ARTICLE_NT) : -1]
    return tail.split("/", 1)[0]


_ARTICLE_NT = "<" + iris.ARTICLE_NS


def boundary_rows(name: str, rows: Iterable[Strings]) -> list[Strings]:
    """The rows of unit ``name`` whose subject it does not own."""
    return [row for row in rows if owner(row[0]) != name]


def infer(reasoner: UnitReasoner, units: Mapping[str, UnitRows]) -> set[Strings]:
    """The kept entailments of the whole dataset, from each unit's rows (see the module docstring).

    Units are named by the article they hold (its stem); a unit of no article (the provenance graph) has a
    name no article has.

    Returns:
        What :func:`kg.pipeline.reasoning.infer_rules` gives for the union of the shared graphs and every unit, written
        in N-Triples: entailments kept (:func:`kg.pipeline.ntreasoning.keep_strings`) and asserted nowhere.
    """
    candidates: dict[Strings, str | None] = {}  # entailment -> the unit that derived it (None: several or none)
    for row in reasoner.base_derived:
        if keep_strings(row):
            candidates[row] = None
    joining: list[Strings] = []
    boundary: set[Strings] = set(reasoner.rules.decode(reasoner.shared))
    for name, unit in units.items():
        for row in unit.derived:
            if keep_strings(row):
                candidates[row] = name if row not in candidates else None
        joining.extend(unit.joining)
        boundary.update(unit.boundary)
    for row in reasoner.across(joining):
        if keep_strings(row):
            candidates[row] = None
    # A unit's entailments are not among its own rows nor the shared ones; another unit states one only as a
    # boundary row, or as a row of a node it owns (looked up in that unit's rows, which is rare).
    # (An entailment the owner derives itself is not among the owner's rows either.)
    derived_of: dict[str, set[Strings]] = {}
    exposed_of: dict[str, tuple[set[str], set[Strings]]] = {}
    stated_of: dict[str, set[Strings]] = {}
    kept = set()
    for row, derived_by in candidates.items():
        if row in boundary:
            continue
        node_owner = owner(row[0])
        if node_owner is not None and node_owner != derived_by and node_owner in units:
            unit = units[node_owner]
            if node_owner not in derived_of:
                derived_of[node_owner] = set(unit.derived)
                exposed_of[node_owner] = (exposed_nodes(node_owner, unit.joining), set(unit.exposed))
            if row not in derived_of[node_owner]:
                nodes, exposed = exposed_of[node_owner]
                if row[0] in nodes:
                    if row in exposed:
                        continue
                else:
                    if node_owner not in stated_of:
                        stated_of[node_owner] = set(unit.stated())
                    if row in stated_of[node_owner]:
                        continue
        kept.add(row)
    return kept
