"""The project's one prefix map, bound once on every graph it makes.

Graphs are created with ``bind_namespaces="core"`` (rdf, rdfs, owl, xsd) and
the prefixes below are bound explicitly, so no ``ns1:``-style prefix ever
reaches a file a person reads.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.rdf import iris
from kg.rdf.terms import KGO as KGO  # the ontology's terms, generated: a misspelt KGO.term fails where it is named

#: the ontology's namespace, for names read from data (any local name; checked against the ontology elsewhere)
KGO_NS = Namespace(iris.ONTOLOGY_NS)
KGD = Namespace(iris.ENTITY_NS)
KGG = Namespace(iris.GRAPH_NS)
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
VANN = Namespace("http://purl.org/vocab/vann/")

# Vocabularies the project writes or reads in descriptions, shapes and answers, but does not bind on the
# graphs of the dataset (each file that uses one binds it itself)
KGS = Namespace(iris.BASE + "shapes#")
SH = Namespace("http://www.w3.org/ns/shacl#")
#: DCAT 3 (rdflib's closed DCAT namespace predates dcat:version)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: the W3C's IRIs of RDF and result formats (``formats:Turtle``)
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
SPARQL_RESULTS = Namespace("http://www.w3.org/2005/sparql-results#")

#: prefix -> namespace, in the order they are bound.
PREFIXES: dict[str, Namespace] = {
    "kgo": KGO_NS,
    "kgd": KGD,
    "kgg": KGG,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "schema": SCHEMA,
    "nif": NIF,
    "oa": OA,
    "org": ORG,
    "sem": SEM,
    "vann": VANN,
    "wd": WD,
}


#: Display-only abbreviations for tables and pages, longest namespace first: the prefixes above plus
#: ``kga:`` for an article and what was drawn from it (not valid Turtle: ``kga:000_x/claim``). What
#: ``kg query`` prints this way, ``--param`` accepts back.
DISPLAY_PREFIXES: list[tuple[str, str]] = sorted(
    [("kga:", iris.ENTITY_NS + "article/")] + [(f"{p}:", str(ns)) for p, ns in PREFIXES.items()],
    key=lambda pair: -len(pair[1]),
)


def bind(graph: Graph | Dataset) -> None:
    """Bind the project's prefixes on a graph or dataset, replacing any others."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def sparql_prologue() -> str:
    """The PREFIX lines for every project prefix, for queries written by hand."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
