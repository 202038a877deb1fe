"""The table of formats (kg.rdf.formatregistry): unique where it must be, and the one source of every surface's formats.

Each surface that offers formats (``kg query --format``, ``kg export --format``, the server's content
negotiation and ``format=`` keywords, the data documents' alternate links, the Service Description, the
DCAT distributions, the readers' suffixes and Oxigraph parsers) is asked what it offers, and the answer is
compared with the registry.
"""

from __future__ import annotations

import argparse
import ast
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib import plugin as rdflib_plugin
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDFS
from rdflib.parser import Parser
from rdflib.serializer import Serializer

from kg import cli
from kg.publishing import catalog, export
from kg.rdf import formatregistry, namespaces, rdfio, readers
from kg.rdf.formatregistry import FORMATS, Format, by_media_type, by_name, by_suffix
from kg.rdf.namespaces import SD
from kg.sparql import answers
from kg.sparql.engine import Result
from kg.web import endpointdesc, pages, urls
from kg.web.negotiation import choose, negotiate
from kg.web.workers import jobs

SURFACES = {
    "kg export --format": formatregistry.offer(*formatregistry.EXPORT_NAMES),
    "kg query --format (SELECT, ASK)": formatregistry.offer(*formatregistry.QUERY_RESULTS),
    "kg query --format (CONSTRUCT, DESCRIBE)": formatregistry.offer(*formatregistry.QUERY_GRAPHS),
    "server (SELECT, ASK)": formatregistry.SERVER_RESULTS,
    "server (CONSTRUCT, DESCRIBE)": formatregistry.SERVER_GRAPHS,
}


def _repeated(values: list[str]) -> list[str]:
    return [value for value, count in Counter(values).items() if count > 1]


# ------------------------------------------------------------------ the table itself


def test_the_table_lists_the_formats_kg_reads_and_writes() -> None:
    assert len(FORMATS) == 14
    assert [f.name for f in formatregistry.RDF_FORMATS] == ["trig", "nquads", "jsonld", "turtle", "nt", "rdfxml"]


def test_names_keywords_and_export_names_each_stand_for_one_format() -> None:
    words = [word for f in FORMATS for word in {f.name, *f.keywords, *([f.export_name] if f.export_name else [])}]
    assert _repeated(words) == []
    for f in FORMATS:
        assert by_name(f.name) is f
        assert all(by_name(word) is f for word in f.keywords)
        assert not f.keywords or f.keywords[0] == f.name  # the keyword messages list is the name


def test_media_types_suffixes_w3c_iris_and_rdflib_names_are_unique() -> None:
    assert _repeated([f.media_type for f in FORMATS]) == []
    assert _repeated([suffix for f in FORMATS for suffix in f.suffixes()]) == []
    assert _repeated([f.w3c for f in FORMATS if f.w3c]) == []
    assert _repeated([f.rdflib for f in FORMATS if f.rdflib]) == []
    own = {f.media_type: f for f in FORMATS}
    # an alias never names another format's own media type, so the two cannot be confused
    assert [(f.name, alias) for f in FORMATS for alias in f.aliases if alias in own] == []


def test_every_field_is_well_formed() -> None:
    for f in FORMATS:
        assert re.fullmatch(r"[a-z]+", f.name), f
        assert all(re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", mt) for mt in f.media_types()), f
        assert all(re.fullmatch(r"\.[a-z]+", s) for s in f.suffixes()), f
        assert all(k == k.lower() for k in f.keywords), f
        if f.is_rdf:  # every RDF format is read, written and named by the W3C
            assert f.suffix and f.w3c and f.rdflib, f
    assert formatregistry.W3C_FORMATS_NS == str(namespaces.W3C_FORMATS)


def test_lookups() -> None:
    turtle = by_name("turtle")
    assert by_name(" TTL ") is turtle
    assert by_name("ntriples") is by_name("n-triples") is by_name("nt")
    with pytest.raises(KeyError, match="no format is called 'n4'"):
        by_name("n4")
    assert by_media_type("text/turtle; charset=utf-8") is turtle
    assert by_media_type("Text/Turtle") is turtle
    assert by_media_type("application/json") is None  # an alias two formats share
    assert by_suffix(".TTL") is turtle
    assert by_suffix(".owl") is by_name("rdfxml")
    assert by_suffix(".nquads") is by_suffix(".nq") is by_name("nquads")
    assert by_suffix(".docx") is None


def test_the_module_imports_neither_rdflib_nor_pyoxigraph() -> None:
    """kg.web.workers.jobs imports it in worker processes before their memory cap."""
    tree = ast.parse(Path(formatregistry.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"__future__", "dataclasses", "typing", "kg.rdf.prefixes"}  # which imports nothing


# ------------------------------------------------------------------ what each surface offers


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_format_a_surface_offers_is_registered_and_fits_it(surface: str) -> None:
    offered = SURFACES[surface]
    assert offered and len(set(offered)) == len(offered)
    assert all(f in FORMATS for f in offered)
    kinds = {f.carries for f in offered}
    if "SELECT" in surface:
        assert kinds == {"results"}
    else:
        assert kinds <= {"dataset", "graph"}
    if surface.startswith("server"):  # the server writes each with its media type and takes its keywords
        assert all(f.keywords for f in offered)


def _choices(parser: argparse.ArgumentParser, command: str, option: str) -> tuple[str, ...]:
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    action = next(a for a in subparsers.choices[command]._actions if option in a.option_strings)
    assert action.choices is not None
    return tuple(action.choices)


def test_cli_format_choices_are_the_registry_names() -> None:
    parser = cli._parser()
    assert _choices(parser, "export", "--format") == ("trig", "nquads", "jsonld", "turtle", "ntriples", "rdfxml")
    assert _choices(parser, "export", "--format") == formatregistry.EXPORT_NAMES == export.FORMATS
    query = _choices(parser, "query", "--format")
    assert query == ("table", "csv", "tsv", "json", "xml", "markdown", "turtle", "jsonld", "nt")
    assert query == (*answers.SELECT_FORMATS, *answers.GRAPH_FORMATS)


def test_export_tables_are_the_registry_facts() -> None:
    assert export.FORMATS[0] == "trig"  # the default
    for name in export.FORMATS:
        fmt = by_name(name)
        assert fmt.is_rdf
        assert (fmt.export_name or fmt.name) == name
        assert export.SUFFIXES[name] == fmt.suffix
        assert export.MEDIA_TYPES[name] == fmt.media_type
        assert export.carries_graphs(name) == (fmt.carries == "dataset")
    assert export.GRAPH_FORMATS == {"trig", "nquads", "jsonld"}
    assert export.SUFFIXES["ntriples"] == ".nt" and export.SUFFIXES["nquads"] == ".nq"


def test_the_server_offers_the_registry_formats_in_its_order() -> None:
    assert jobs.SELECT_FORMATS is formatregistry.SERVER_RESULTS
    assert jobs.GRAPH_FORMATS is formatregistry.SERVER_GRAPHS
    assert [f.name for f in jobs.SELECT_FORMATS] == ["json", "xml", "csv", "tsv"]
    assert [f.name for f in jobs.GRAPH_FORMATS] == ["turtle", "jsonld", "nt", "rdfxml"]
    assert jobs.HTML_FORMAT is by_name("html") and jobs.SPARQL_TEXT is by_name("sparql")
    defaults = negotiate(None, [])
    assert (defaults.select, defaults.graph) == (by_name("json"), by_name("turtle"))


@pytest.mark.parametrize("offers", [formatregistry.SERVER_RESULTS, formatregistry.SERVER_GRAPHS])
def test_accept_with_each_media_type_of_a_format_gives_that_format(offers: tuple[Format, ...]) -> None:
    for fmt in offers:
        for media_type in fmt.media_types():
            assert choose(media_type, offers) is fmt, media_type
    # the page formats too, where the server offers them beside the answers
    pages_too = (*offers, jobs.HTML_FORMAT, jobs.SPARQL_TEXT)
    for fmt in (jobs.HTML_FORMAT, jobs.SPARQL_TEXT):
        assert all(choose(media_type, pages_too) is fmt for media_type in fmt.media_types())


def test_format_keywords_ask_for_their_format() -> None:
    for fmt in formatregistry.SERVER_RESULTS:
        for keyword in fmt.keywords:
            assert negotiate(None, [keyword.upper()]).select is fmt, keyword
    for fmt in formatregistry.SERVER_GRAPHS:
        for keyword in fmt.keywords:
            assert negotiate(None, [keyword]).graph is fmt, keyword
    # the result formats' words ask a graph answer for its JSON-LD and RDF/XML
    assert negotiate(None, ["json"]).graph is by_name("jsonld")
    assert negotiate(None, ["xml"]).graph is by_name("rdfxml")


def test_data_documents_and_their_alternate_links_follow_the_registry() -> None:
    offered = formatregistry.SERVER_GRAPHS
    assert urls.DATA_EXTENSIONS == {f.name: f.suffix.lstrip(".") for f in offered}
    page = pages.resource_page(pages.ResourceView(iri=urls.BASE + "id/kerman-bombings"))
    links = re.findall(r'<link rel="alternate" type="([^"]+)" href="[^"]+\.([a-z]+)">', page)
    assert links == [(f.media_type, f.suffix.lstrip(".")) for f in offered]


def test_the_service_description_names_the_formats_the_server_writes() -> None:
    graph = endpointdesc.service_description("http://localhost/sparql", "http://localhost/")
    written = set(graph.objects(URIRef("http://localhost/sparql"), SD.resultFormat))
    offered = (*formatregistry.SERVER_RESULTS, *formatregistry.SERVER_GRAPHS)
    assert written == {URIRef(f.w3c_iri) for f in offered}
    assert endpointdesc.RESULT_FORMATS == tuple(f.w3c for f in offered)


def test_distributions_get_the_registry_media_type_and_format_iri() -> None:
    assert catalog.MEDIA_TYPES == {
        f.suffix: (f.media_type, URIRef(f.w3c_iri)) for f in FORMATS if f.carries in ("dataset", "graph")
    }
    files = {f"dump{suffix}": b"" for suffix in catalog.MEDIA_TYPES}
    description = catalog.dataset_description(Dataset(), "0", distributions=files)
    found = {}
    for dist in description.subjects(DCAT.downloadURL, None):
        (url,) = description.objects(dist, DCAT.downloadURL)
        (media,) = description.objects(dist, DCAT.mediaType)
        (iri,) = description.objects(dist, DCTERMS["format"])
        found[Path(str(url)).suffix] = (str(media).removeprefix(catalog.IANA_MEDIA_TYPES), iri)
    assert found == catalog.MEDIA_TYPES


def test_readers_know_every_rdf_suffix_and_oxigraph_agrees_on_each_format() -> None:
    assert rdfio.FORMATS_BY_SUFFIX == {s: f.rdflib for f in formatregistry.RDF_FORMATS for s in f.suffixes()}
    for suffix, name in rdfio.FORMATS_BY_SUFFIX.items():
        assert rdfio.rdf_format(Path("data" + suffix.upper())) == name
    assert set(readers.OXIGRAPH_FORMATS) == {f.rdflib for f in formatregistry.RDF_FORMATS}
    for fmt in formatregistry.RDF_FORMATS:
        parser = readers.OXIGRAPH_FORMATS[fmt.rdflib]
        assert parser.media_type == fmt.media_type
        assert "." + parser.file_extension == fmt.suffix
        assert parser.supports_datasets == (fmt.carries == "dataset")
        assert (fmt.rdflib in readers.DATASET_FORMATS) == parser.supports_datasets
    for fmt in formatregistry.SERVER_RESULTS:
        results = ox.QueryResultsFormat.from_media_type(fmt.media_type)
        assert results is not None and "." + results.file_extension == fmt.suffix


def test_rdflib_reads_and_writes_every_rdf_format_under_its_registered_name() -> None:
    for fmt in formatregistry.RDF_FORMATS:
        assert rdflib_plugin.get(fmt.rdflib, Parser) and rdflib_plugin.get(fmt.rdflib, Serializer)


@pytest.mark.parametrize("name", formatregistry.QUERY_GRAPHS)
def test_query_graph_answers_are_written_by_the_registry_writer(name: str) -> None:
    graph = Graph()
    graph.add((URIRef("https://example.org/a"), RDFS.label, Literal("a")))
    text = answers.render(Result("graph", [], [], graph=graph), name)
    assert isomorphic(Graph().parse(data=text, format=by_name(name).rdflib), graph)
