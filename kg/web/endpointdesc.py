"""What ``kg serve`` says about itself: the SPARQL 1.1 Service Description and the VoID description.

Clients discover an endpoint in two standard ways, and ``kg serve`` answers both
(W3C SPARQL 1.1 Service Description; W3C VoID, section 7.2 "well-known URI"):

- ``GET /sparql`` without a query, from a client that does not prefer HTML,
  gives the Service Description (:func:`service_description`): the endpoint's
  URL, the query language (SPARQL 1.1 Query only: no update), the result
  formats it writes, the feature ``sd:UnionDefaultGraph`` (without a dataset
  in the request or the query, the default graph is the union of all graphs)
  and a link to the VoID description, where the dataset is described. In front
  of a remote store (``kg serve --endpoint``) there is no VoID description to
  link, and the union is claimed unless ``--no-union`` was given.
- ``GET /.well-known/void`` gives the ``void.ttl`` the build wrote beside the
  store (:func:`endpoint_void`), with ``void:sparqlEndpoint`` pointing at this
  server rather than the project's published address, and the download links
  (relative to ``void.ttl`` in the build folder) resolved to ``/dumps/`` on this
  server, which serves the dumps the build wrote.

Both are RDF graphs; the server writes them in the format the client asks for.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.rdf import formatregistry, iris, namespaces
from kg.rdf.namespaces import SD, VOID, W3C_FORMATS

#: the result formats the endpoint writes (W3C's unique URIs for file formats), in the server's order
RESULT_FORMATS = tuple(f.w3c for f in (*formatregistry.SERVER_RESULTS, *formatregistry.SERVER_GRAPHS))
#: the build's files that ``/dumps/`` serves (the ones void.ttl links to)
DUMPS = ("kerman-kg.nq", "kerman-kg.trig")
VOID_PATH = "/.well-known/void"


def service_description(endpoint: str, base: str, union: bool = True, void: bool = True) -> Graph:
    """The Service Description of the endpoint at ``endpoint`` (its URL), whose server's root is ``base``.

    ``union`` claims ``sd:UnionDefaultGraph``; ``void`` links the VoID description (a server in front of a
    remote store, ``kg serve --endpoint``, has none, and its default graph is the union only as the store
    is set up).
    """
    graph = Graph()
    namespaces.bind(graph)
    graph.bind("sd", SD)
    graph.bind("formats", W3C_FORMATS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if union:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, W3C_FORMATS[name]))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("kerman-kg: what news reporting says about the 2024 Kerman bombings")))
    if void:
        graph.add((dataset, DCTERMS.source, URIRef(base.rstrip("/") + VOID_PATH)))
    graph.add((dataset, SD.defaultGraph, BNode("default-graph")))
    graph.add((BNode("default-graph"), RDF.type, SD.Graph))
    return graph


def endpoint_void(void_file: Path, endpoint: str, base: str) -> Graph:
    """The build's VoID description as this server publishes it (see the module docstring)."""
    graph = Graph()
    graph.parse(void_file, format="turtle", publicID=base.rstrip("/") + "/dumps/")
    namespaces.bind(graph)
    published = URIRef(str(iris.SPARQL_ENDPOINT))
    for subject in list(graph.subjects(VOID.sparqlEndpoint, published)):
        graph.remove((subject, VOID.sparqlEndpoint, published))
        graph.add((subject, VOID.sparqlEndpoint, URIRef(endpoint)))
    return graph


__all__ = ["DUMPS", "VOID_PATH", "endpoint_void", "service_description"]
