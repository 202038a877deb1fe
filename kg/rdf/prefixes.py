"""Every namespace the project names, as plain strings: the one table the prefix map, the IRIs, the table
of formats and the query workers read.

It imports nothing, so that a query worker of ``kg serve``, which must not import rdflib before its
memory cap is set, names the same namespaces as everything else. :mod:`kg.rdf.namespaces` makes rdflib
namespaces of them and binds :data:`BOUND` on every graph; :mod:`kg.rdf.iris` mints the project's IRIs
under :data:`BASE`.
"""

from __future__ import annotations

#: the one base every IRI of the project hangs off
BASE = "https://w3id.org/kerman-kg/"

#: prefix -> namespace, bound on every graph the project makes, in the order they are bound
BOUND: dict[str, str] = {
    "kgo": BASE + "ontology#",
    "kgd": BASE + "id/",
    "kgg": BASE + "graph/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "vann": "http://purl.org/vocab/vann/",
    "wd": "http://www.wikidata.org/entity/",
}

#: vocabularies the project writes or reads in descriptions, shapes and answers but does not bind on the
#: graphs of the dataset (each file that uses one binds it itself)
UNBOUND: dict[str, str] = {
    "kgs": BASE + "shapes#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
    "rs": "http://www.w3.org/2005/sparql-results#",
}

__all__ = ["BASE", "BOUND", "UNBOUND"]
