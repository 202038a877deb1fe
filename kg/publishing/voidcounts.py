"""The VoID counts of a graph or a dataset: triples, entities, distinct terms, and the partitions.

:func:`count` and :func:`count_strings` give a graph's figures (:class:`Counts`); ``DatasetFigures``
gathers them over every graph of a dataset, with the class and property partitions that
:mod:`kg.publishing.catalog` writes into the dataset description.

How things are counted. A graph's ``void:triples`` is its number of triples;
the dataset's is the sum over its graphs, i.e. its number of quads (a triple
stated in two graphs counts twice). An *entity* is an IRI in the dataset's
``void:uriSpace``, ``https://w3id.org/kerman-kg/id/`` (``kgd:``: registry
entities, articles, facts, quotes, assertions, article-local entities, the
build), that is the subject of at least one triple: the resources the dataset
describes. Ontology terms (``kgo:``), graph names (``kgg:``), outside IRIs
(Wikidata, vocabularies), blank nodes and literals are not entities. The
dataset's entities, distinct subjects, distinct objects, properties and
classes are counted over the union of its graphs (each counted once), so they
are not the sums of the graphs' figures. Classes are the distinct objects of
``rdf:type``; properties the distinct predicates.

The counting reads terms as their N-Triples text (:data:`kg.rdf.ntriples.NTriple`):
graphs given as rdflib triples are written as text first, and an incremental
build, which keeps each article's triples as text, gives them as they are
(``string_graphs``), with no rdflib term made per triple. Text tells IRIs,
literals and blank nodes apart by its first character, and two terms are one
when rdflib's terms are equal (a language tag is compared regardless of case),
so the figures are the same whichever way the graphs are given.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, repeat
from operator import itemgetter

from rdflib import RDF, URIRef
from rdflib.term import Node

from kg.rdf import iris
from kg.rdf.ntriples import NTriple, Triple, nt_triple

ENTITY_SPACE = iris.ENTITY_NS


@dataclass(frozen=True)
class Counts:
    """What :func:`count` finds in a graph or a dataset."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: int


def is_entity(term: Node) -> bool:
    """Whether a subject counts as an entity: an IRI in the dataset's URI space ``kgd:`` (see the module docstring)."""
    return isinstance(term, URIRef) and str(term).startswith(ENTITY_SPACE) and len(term) > len(ENTITY_SPACE)


def count(triples: Iterable[Triple]) -> Counts:
    """Count triples, entities, distinct subjects and objects, properties and classes.

    Args:
        triples: The triples of one graph, or the quads of a dataset as triples (then every
            triple is counted as often as it is given, and the distinct figures over the union).
    """
    return count_strings([nt_triple(triple) for triple in triples])


def count_strings(triples: Collection[NTriple]) -> Counts:
    """What :func:`count` gives, from string triples (:data:`kg.rdf.ntriples.NTriple`).

    Terms are told apart by their N-Triples text, which never confuses an IRI (``<...>``) with a literal
    (``"..."``) or a blank node (``_:...``); literals whose language tags differ only in case are one
    object, as they are one rdflib term.
    """
    return _GraphFigures.of(triples).counts


_TYPE_NT = RDF.type.n3()
#: how an entity's N-Triples form starts, and the URI space itself, which is not an entity
_ENTITY_START = "<" + ENTITY_SPACE
_ENTITY_SPACE_NT = "<" + ENTITY_SPACE + ">"
#: a literal's language tag with a capital, on a line of N-Triples terms (inside a literal, quotes are escaped)
_CAPITAL_IN_TAG = re.compile(r'"@[^"\n]*[A-Z][^"\n]*$', re.M)


def count_entities(subjects: set[str]) -> int:
    """How many of the subjects (N-Triples forms) are entities, counted in C."""
    return sum(map(str.startswith, subjects, repeat(_ENTITY_START))) - (_ENTITY_SPACE_NT in subjects)


def _exhaust(iterator: Iterator[object]) -> None:
    """Run an iterator to its end, in C."""
    deque(iterator, maxlen=0)


def _fold_language(term: str) -> str:
    """A literal with its language tag in lower case (rdflib compares language tags regardless of case)."""
    if term.startswith('"') and not term.endswith(('"', ">")):
        end = term.rfind('"')
        if term[end + 1] == "@":
            return term[: end + 1] + term[end + 1 :].lower()
    return term


@dataclass
class _GraphFigures:
    """One graph's distinct terms, taken from its triples as columns (sets built in C)."""

    counts: Counts
    subjects: set[str]
    objects: set[str]
    properties: set[str]
    classes: set[str]
    #: the graph's columns (objects with language tags folded), for the dataset's partitions
    columns: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    #: for each triple, whether its predicate is rdf:type
    typed: list[bool]

    @classmethod
    def of(cls, triples: Collection[NTriple]) -> _GraphFigures:
        subject_column, predicate_column, object_column = (tuple(map(itemgetter(i), triples)) for i in range(3))
        objects = set(object_column)
        if _CAPITAL_IN_TAG.search("\n".join(objects)):
            object_column = tuple(map(_fold_language, object_column))
            objects = set(object_column)
        subjects = set(subject_column)
        properties = set(predicate_column)
        typed = list(map(_TYPE_NT.__eq__, predicate_column))
        classes = set(compress(object_column, typed))
        counts = Counts(
            len(subject_column), count_entities(subjects), len(subjects), len(objects), len(properties), len(classes)
        )
        return cls(
            counts, subjects, objects, properties, classes, (subject_column, predicate_column, object_column), typed
        )


class DatasetFigures:
    """The counts of every graph, and over the union of the graphs the counts and the partitions."""

    def __init__(self) -> None:
        self.graphs: dict[str, Counts] = {}
        self.quads = 0
        self.subjects: set[str] = set()
        self.objects: set[str] = set()
        self.properties: set[str] = set()
        self.classes: set[str] = set()
        self.triples_of: Counter[str] = Counter()
        self.subjects_of: dict[str, set[str]] = defaultdict(set)
        self.objects_of: dict[str, set[str]] = defaultdict(set)
        self.instances_of: dict[str, set[str]] = defaultdict(set)

    def add(self, name: str, triples: Collection[NTriple]) -> _GraphFigures:
        """Count one graph (its name in N-Triples form) into the dataset's figures."""
        figures = _GraphFigures.of(triples)
        self.graphs[name] = figures.counts
        self.quads += figures.counts.triples
        self.subjects |= figures.subjects
        self.objects |= figures.objects
        self.properties |= figures.properties
        self.classes |= figures.classes
        subject_column, predicate_column, object_column = figures.columns
        self.triples_of.update(predicate_column)
        # set.add mapped over the columns: the loop over the triples runs in C
        _exhaust(map(set.add, map(self.subjects_of.__getitem__, predicate_column), subject_column))
        _exhaust(map(set.add, map(self.objects_of.__getitem__, predicate_column), object_column))
        typed = figures.typed
        _exhaust(
            map(
                set.add,
                map(self.instances_of.__getitem__, compress(object_column, typed)),
                compress(subject_column, typed),
            )
        )
        return figures

    @property
    def counts(self) -> Counts:
        """The dataset's counts: triples summed over the graphs, the distinct figures over their union."""
        distinct = (len(self.subjects), len(self.objects), len(self.properties), len(self.classes))
        return Counts(self.quads, count_entities(self.subjects), *distinct)


__all__ = ["ENTITY_SPACE", "Counts", "count", "count_strings", "is_entity"]
