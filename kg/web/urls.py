"""The URL scheme of ``kg serve``: the server path that stands for each minted IRI, and its page and data URLs.

The URL scheme links the pages of :mod:`kg.web.pages` together (see
:mod:`kg.web.app` for the whole scheme): every IRI the project mints, under
``https://w3id.org/kerman-kg/``, stands for the same path on the running
server (:func:`local_url`), which answers with a 303 redirect to the resource's
page (:func:`page_url`) or data document (:func:`data_url`).
"""

from __future__ import annotations

from urllib.parse import quote

from kg.rdf import iris

BASE = iris.BASE

# ------------------------------------------------------------------ the URL scheme

#: the extensions of the data documents, by format name (see kg.web.workers.jobs.GRAPH_FORMATS)
DATA_EXTENSIONS = {"turtle": "ttl", "jsonld": "jsonld", "nt": "nt", "rdfxml": "rdf"}
_SAFE_PATH = "/:@-._~!$&'()*+,;="


def is_minted(iri: str) -> bool:
    """Whether the project mints this IRI (entities, articles, facts, graphs, the ontology)."""
    return iri.startswith(BASE) and len(iri) > len(BASE)


def local_url(iri: str) -> str | None:
    """The root-relative URL on the server that stands for a minted IRI (``/id/...``, ``/graph/...``,
    ``/ontology#Term``); None for any other IRI."""
    if not is_minted(iri):
        return None
    rest = iri[len(BASE) :]
    path, hash_sign, fragment = rest.partition("#")
    return "/" + quote(path, safe=_SAFE_PATH) + (hash_sign + quote(fragment, safe=_SAFE_PATH) if hash_sign else "")


def _document_path(iri: str) -> str | None:
    """The path below /page/ and /data/ of a minted IRI's documents (fragment dropped)."""
    if not is_minted(iri):
        return None
    rest = iri[len(BASE) :].partition("#")[0]
    if rest.startswith("id/"):
        return rest[len("id/") :]
    return rest  # graph/..., ontology, ontology/...


def page_url(iri: str) -> str | None:
    """The URL of the HTML page about a minted IRI: ``/page/<path>``."""
    path = _document_path(iri)
    return None if path is None else "/page/" + quote(path, safe=_SAFE_PATH)


def data_url(iri: str, fmt: str) -> str | None:
    """The URL of the RDF document about a minted IRI in a format of :data:`DATA_EXTENSIONS`."""
    path = _document_path(iri)
    return None if path is None else f"/data/{quote(path, safe=_SAFE_PATH)}.{DATA_EXTENSIONS[fmt]}"


def iri_of_document(path: str) -> str:
    """The IRI whose page is ``/page/<path>`` (the inverse of :func:`page_url`).

    ``graph/...`` and ``ontology`` (with what follows it) name graphs and the ontology; every other
    path is under ``kgd:`` (``https://w3id.org/kerman-kg/id/``). kg.rdf.iris mints no entity whose
    path starts with ``graph/`` or is ``ontology``, so the two never collide.
    """
    if path.startswith("graph/") or path == "ontology" or path.startswith("ontology/"):
        return BASE + path
    return iris.ENTITY_NS + path
