"""What validation reads of a dataset: its asserted graphs and the ontology, as one graph or as an Oxigraph store.

Validation checks what a dataset *asserts*, never what is inferred from it: an inferred graph in the input
(``kgg:inferred``, :data:`kg.pipeline.reasoning.INFERRED_GRAPH`) is left out (:func:`asserted_quads`). The
SHACL shapes run on the *validation view* (:func:`validation_view`): the union of the dataset's asserted
graphs and the project's ontology, which is merged in so that ``sh:targetClass`` and ``sh:class`` follow
``rdfs:subClassOf`` even in a file that lacks the ontology. The quality checks run in Oxigraph over the
dataset's asserted graphs with the ontology in ``kgg:ontology`` (:func:`check_store`). The input is never
changed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kg import resources
from kg.pipeline.reasoning import INFERRED_GRAPH
from kg.rdf import iris, namespaces
from kg.rdf.ontology import load_ontology
from kg.sparql.engine import to_oxigraph


def asserted_quads(dataset: Dataset) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    """Every quad of the dataset (subject, predicate, object, graph name) except those of an inferred graph."""
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name != INFERRED_GRAPH:
            yield s, p, o, name


def validation_view(dataset: Dataset, ontology: Graph | None = None) -> Graph:
    """What the shapes validate: the union of the dataset's graphs, its inferred graph left out, and the ontology.

    Args:
        dataset: The data.
        ontology: The ontology to merge in (default: the project's).

    Returns:
        A new graph; the dataset is not changed.
    """
    return view_of_quads(asserted_quads(dataset), ontology_or_default(ontology))


def ontology_or_default(ontology: Graph | None) -> Graph:
    return ontology if ontology is not None else load_ontology(resources.ontology_dir())


def view_of_quads(quads: Iterable[tuple[Node, Node, Node, Node | None]], ontology: Graph) -> Graph:
    view = Graph(bind_namespaces="core")
    namespaces.bind(view)
    view.addN((s, p, o, view) for s, p, o, _ in quads)
    view.addN((s, p, o, view) for s, p, o in ontology)
    return view


def inferred_triples(dataset: Dataset) -> int:
    """How many triples the dataset's inferred graph holds (0 when it has none)."""
    for graph in dataset.graphs():  # not graph(), which would add the graph, nor get_graph(), which fails without it
        if graph.identifier == INFERRED_GRAPH:
            return len(graph)
    return 0


def check_store(dataset: Dataset, ontology: Graph | None = None) -> ox.Store:
    """What the quality checks query: an Oxigraph store of the dataset's graphs and the ontology.

    Args:
        dataset: The data; its inferred graph, if any, is left out.
        ontology: Put into ``kgg:ontology`` (default: the project's), so that every check sees the
            class hierarchy and the disjointness axioms even in a file that lacks them.

    Returns:
        A new in-memory store; the dataset is not changed.
    """
    return store_of_quads(asserted_quads(dataset), ontology_or_default(ontology))


def store_of_quads(quads: Iterable[tuple[Node, Node, Node, Node | None]], ontology: Graph) -> ox.Store:
    term = functools.lru_cache(maxsize=1 << 16)(to_oxigraph)
    ontology_graph = ox.NamedNode(str(iris.ONTOLOGY_GRAPH))

    def converted() -> Iterator[ox.Quad]:
        for s, p, o, name in quads:
            named = isinstance(name, URIRef) and name != DATASET_DEFAULT_GRAPH_ID
            graph_name = ox.NamedNode(str(name)) if named else ox.DefaultGraph()
            yield ox.Quad(term(s), term(p), term(o), graph_name)  # type: ignore[arg-type]
        for s, p, o in ontology:
            yield ox.Quad(term(s), term(p), term(o), ontology_graph)  # type: ignore[arg-type]

    store = ox.Store()
    store.extend(converted())
    return store
