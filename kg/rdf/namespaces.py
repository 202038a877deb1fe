"""The project's one prefix map (:mod:`kg.rdf.prefixes`) as rdflib namespaces, bound once on every graph it makes.

Graphs are created with ``bind_namespaces="core"`` (rdf, rdfs, owl, xsd) and
the prefixes below are bound explicitly, so no ``ns1:``-style prefix ever
reaches a file a person reads.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Namespace

from kg.rdf import iris
from kg.rdf.prefixes import BOUND, UNBOUND
from kg.rdf.terms import KGO as KGO  # the ontology's terms, generated: a misspelt KGO.term fails where it is named

#: the ontology's namespace, for names read from data (any local name; checked against the ontology elsewhere)
KGO_NS = Namespace(BOUND["kgo"])
KGD = Namespace(BOUND["kgd"])
KGG = Namespace(BOUND["kgg"])
NIF = Namespace(BOUND["nif"])
SCHEMA = Namespace(BOUND["schema"])
WD = Namespace(BOUND["wd"])
OA = Namespace(BOUND["oa"])
ORG = Namespace(BOUND["org"])
SEM = Namespace(BOUND["sem"])
VANN = Namespace(BOUND["vann"])

# Vocabularies the project writes or reads in descriptions, shapes and answers, but does not bind on the
# graphs of the dataset (each file that uses one binds it itself)
KGS = Namespace(UNBOUND["kgs"])
SH = Namespace(UNBOUND["sh"])
#: DCAT 3 (rdflib's closed DCAT namespace predates dcat:version)
DCAT = Namespace(UNBOUND["dcat"])
SPDX = Namespace(UNBOUND["spdx"])
VOID = Namespace(UNBOUND["void"])
SD = Namespace(UNBOUND["sd"])
#: the W3C's IRIs of RDF and result formats (``formats:Turtle``)
W3C_FORMATS = Namespace(UNBOUND["formats"])
SPARQL_RESULTS = Namespace(UNBOUND["rs"])

#: prefix -> namespace, in the order they are bound (kg.rdf.prefixes.BOUND).
PREFIXES: dict[str, Namespace] = {prefix: Namespace(namespace) for prefix, namespace in BOUND.items()}


#: Display-only abbreviations for tables and pages, longest namespace first: the prefixes above plus
#: ``kga:`` for an article and what was drawn from it (not valid Turtle: ``kga:000_x/claim``). What
#: ``kg query`` prints this way, ``--param`` accepts back.
DISPLAY_PREFIXES: list[tuple[str, str]] = sorted(
    [("kga:", iris.ARTICLE_NS)] + [(f"{p}:", str(ns)) for p, ns in PREFIXES.items()],
    key=lambda pair: -len(pair[1]),
)


def display_name(iri: str) -> str:
    """An IRI as tables and pages show it: abbreviated by the longest display prefix that fits (``kgd:``,
    ``kga:``, ``kgo:``...), else whole. Not always valid Turtle (``kga:000_x/claim``); ``--param`` reads it back."""
    for prefix, namespace in DISPLAY_PREFIXES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix + iri[len(namespace) :]
    return iri


def curie(iri: str) -> str | None:
    """An IRI as a prefixed name of the prefixes bound on every graph (``kgo:Attack``), or None when none fits."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def bind(graph: Graph | Dataset) -> None:
    """Bind the project's prefixes on a graph or dataset, replacing any others."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def sparql_prologue() -> str:
    """The PREFIX lines for every project prefix, for queries written by hand."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
