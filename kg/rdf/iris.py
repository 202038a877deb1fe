"""The one place where IRIs are minted.

All IRIs of the project hang off one configured base, :data:`BASE`:

- ``{BASE}ontology#Term`` for ontology terms (prefix ``kgo:``);
- ``{BASE}id/{slug}`` for canonical entities of the registry (``kgd:``);
- ``{BASE}id/article/{article}`` for an article, and
  ``{BASE}id/article/{article}/{fact}`` for what was drawn from it
  (statements, casualty reports, responses, article-local entities),
  ``.../{fact}/{n}`` for the n-th assertion of a relation fact and
  ``.../{fact}/quote`` for its quote;
- ``{BASE}id/article/{article}/record`` for the curator's record of an article
  and ``.../record/{field}`` for each value taken from it;
- ``{BASE}graph/...`` for named graphs (``kgg:``).

Slugs are the curator's ids, which the annotation loader checks against
:data:`SLUG`, so every IRI is stable and readable.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.rdf.prefixes import BASE, BOUND

ONTOLOGY = URIRef(BASE + "ontology")
ONTOLOGY_NS = BOUND["kgo"]
ENTITY_NS = BOUND["kgd"]
GRAPH_NS = BOUND["kgg"]
#: articles and what is drawn from each (``kga:`` in tables): ``{ARTICLE_NS}{article}/{fact}``
ARTICLE_NS = ENTITY_NS + "article/"
#: the named graphs of the articles: ``{ARTICLE_GRAPH_NS}{article}``
ARTICLE_GRAPH_NS = GRAPH_NS + "article/"

#: What a curator's id may look like: lower-case words joined by hyphens.
SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")


def entity(slug: str) -> URIRef:
    """The IRI of a canonical entity of the registry."""
    return URIRef(f"{ENTITY_NS}{slug}")


def article(article_id: str) -> URIRef:
    """The IRI of an article of the corpus."""
    return URIRef(f"{ARTICLE_NS}{article_id}")


def in_article(article_id: str, *parts: str | int) -> URIRef:
    """The IRI of something drawn from an article (a fact, its quote, a local entity)."""
    tail = "/".join(str(p) for p in parts)
    return URIRef(f"{ARTICLE_NS}{article_id}/{tail}")


def article_of(iri: str) -> str | None:
    """The id of the article an IRI names or was drawn from (``{ARTICLE_NS}{article}/...``); None for another."""
    if not iri.startswith(ARTICLE_NS):
        return None
    return iri[len(ARTICLE_NS) :].split("/", 1)[0] or None


def article_graph(article_id: str) -> URIRef:
    """The IRI of the named graph holding an article's facts."""
    return URIRef(f"{ARTICLE_GRAPH_NS}{article_id}")


REGISTRY_GRAPH = URIRef(GRAPH_NS + "registry")
#: the curators' metadata records: what they know of each article from outside its text
RECORDS_GRAPH = URIRef(GRAPH_NS + "records")
#: the project's curators, to whom the registry, the background links and the records are attributed
CURATORS = URIRef(ENTITY_NS + "agent/kerman-kg-curators")
BACKGROUND_GRAPH = URIRef(GRAPH_NS + "background")
ONTOLOGY_GRAPH = URIRef(GRAPH_NS + "ontology")
PROVENANCE_GRAPH = URIRef(GRAPH_NS + "provenance")
#: the OWL 2 RL entailments of the asserted graphs (kg.pipeline.reasoning)
INFERRED_GRAPH = URIRef(GRAPH_NS + "inferred")
BUILD_ACTIVITY_NS = BASE + "id/build/"
#: the dataset as a whole, as its VoID/DCAT description (kg.publishing.catalog) names it
DATASET = URIRef(ENTITY_NS + "dataset")
#: the SPARQL endpoint serving the dataset: the path ``kg serve`` answers at, under the base like every other IRI
SPARQL_ENDPOINT = URIRef(BASE + "sparql")


def distribution(file_name: str) -> URIRef:
    """The IRI of a downloadable file of the dataset (a DCAT distribution), e.g. ``kerman-kg.trig``."""
    return URIRef(f"{ENTITY_NS}dataset/{file_name}")
