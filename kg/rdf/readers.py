"""Reading the RDF files people give ``kg``: Oxigraph's parsers, nothing fetched, entity expansion bounded.

Every command that reads an RDF file it is given (``kg query --data``, ``kg serve --data``,
``kg validate``, ``kg export --data``, ``kg publish --data`` and :func:`kg.load`) reads it here, with
Oxigraph's parsers: they take time and memory in proportion to the file, where rdflib's N-Triples
reader takes time in the square of a line's length (a 4 MB literal took minutes) and its RDF/XML
reader in the square of the text an element holds. Three rules hold for every format:

- **Nothing is fetched.** A JSON-LD document that names a context instead of writing it out is read
  only when the context is the project's own or one whose local copy the user names; the contexts are
  written into the document before Oxigraph reads it (:mod:`kg.rdf.jsonld_contexts`).
- **Entity expansion is bounded.** Before an RDF/XML file is parsed, the text its ``<!ENTITY>``
  declarations would expand to is counted without expanding anything, and a file above the limit, or
  with an external entity, is refused (:mod:`kg.rdf.xml_entities`).
- **A file's default graph is kept**: triples outside any named graph (all of a Turtle, N-Triples or
  RDF/XML file's; those of a TriG, N-Quads or JSON-LD file written outside a graph) go into a graph
  named after the file (:func:`file_graph`), which the validator and the named-graph exports keep.
  The query store keeps a dataset file's default graph as its default graph (:func:`load_into_store`).

Errors name the file, the line where one is known (Oxigraph's; for RDF/XML, where Oxigraph gives
none, the line where Python's expat parser, with entity expansion off, finds the document
ill-formed) and what is wrong.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import InputError
from kg.rdf import formatregistry
from kg.rdf.jsonld_contexts import inline_contexts, never_fetched
from kg.rdf.xml_entities import check_entities


def _oxigraph_format(fmt: formatregistry.Format) -> ox.RdfFormat:
    """Oxigraph's parser for an RDF format of :mod:`kg.rdf.formatregistry`, found by its media type."""
    found = ox.RdfFormat.from_media_type(fmt.media_type)
    if found is None:
        raise LookupError(f"Oxigraph has no parser for {fmt.label} ({fmt.media_type})")
    return found


#: rdflib's format name (:data:`kg.rdf.rdfio.FORMATS_BY_SUFFIX`) -> Oxigraph's parser
OXIGRAPH_FORMATS = {f.rdflib: _oxigraph_format(f) for f in formatregistry.RDF_FORMATS}
#: the formats that can name graphs; the others' triples all go into the file's graph
DATASET_FORMATS = frozenset(f.rdflib for f in formatregistry.RDF_FORMATS if f.carries == "dataset")

#: A quad as rdflib terms: subject, predicate, object, graph name.
Quad = tuple[Node, Node, Node, Node]

_XSD_STRING = str(XSD.string)


@dataclass(frozen=True)
class Parsed:
    """A file's quads as rdflib terms, and the prefixes it declared (for reports that shorten IRIs)."""

    quads: list[Quad]
    prefixes: dict[str, str]


@dataclass(frozen=True)
class _Source:
    """What to give Oxigraph for a file: its format, its bytes (None: read the file) and its base IRI."""

    format: ox.RdfFormat
    data: bytes | None
    base_iri: str
    rewritten: bool  # the bytes are not the file's (contexts written in): the parser's lines are not its lines


def file_graph(path: Path) -> str:
    """The IRI of the graph a file's triples go into when it puts them in no named graph: the file's URI."""
    return path.resolve().as_uri()


def read(path: Path, fmt: str) -> Parsed:
    """The file's quads, read by Oxigraph under this module's rules; blank nodes labelled afresh.

    Args:
        path: The file.
        fmt: Its format, as :func:`kg.rdf.rdfio.rdf_format` names it.

    Raises:
        InputError: the file is not valid RDF of that format, names a context that is not read, declares
            entities that expand too far, or cannot be read.
    """
    source = _prepare(path, fmt)
    default = URIRef(file_graph(path))
    term = _converter(path)
    quads: list[Quad] = []
    try:
        parser = ox.parse(
            source.data,
            source.format,
            path=None if source.data is not None else path,
            base_iri=source.base_iri,
            rename_blank_nodes=True,
        )
        for quad in parser:
            name = quad.graph_name
            graph = default if isinstance(name, ox.DefaultGraph) else term(name)
            quads.append((term(quad.subject), term(quad.predicate), term(quad.object), graph))
    except SyntaxError as exc:
        raise _syntax_error(path, fmt, source, exc) from exc
    except OSError as exc:
        raise InputError(path, None, f"cannot read the file: {exc.strerror or exc}") from exc
    return Parsed(quads, dict(parser.prefixes))


def load_into_store(store: ox.Store, path: Path, fmt: str) -> None:
    """Load the file into an Oxigraph store under this module's rules, with Oxigraph's bulk loader.

    A single-graph file's triples go into the graph :func:`file_graph` names, as :func:`read` puts them.
    A dataset file's default graph stays the store's default graph: that is the dataset SPARQL queries,
    read with every other graph under ``kg query``'s union default graph and alone under ``--no-union``.

    Raises:
        InputError: as :func:`read`. The store may hold part of the file then: load into a fresh store.
    """
    source = _prepare(path, fmt)
    graph = ox.NamedNode(file_graph(path))
    try:
        store.bulk_load(
            source.data,
            source.format,
            path=None if source.data is not None else path,
            base_iri=source.base_iri,
            to_graph=None if fmt in DATASET_FORMATS else graph,
        )
    except SyntaxError as exc:
        raise _syntax_error(path, fmt, source, exc) from exc


def _prepare(path: Path, fmt: str) -> _Source:
    """Check the file under this module's rules; what to give Oxigraph."""
    data: bytes | None = None
    rewritten = False
    if fmt == "xml":
        check_entities(path)
    elif fmt == "json-ld":
        raw = _read_bytes(path)
        data = inline_contexts(path, raw)
        rewritten = data is not raw
    return _Source(OXIGRAPH_FORMATS[fmt], data, file_graph(path), rewritten)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"cannot read the file: {exc.strerror or exc}") from exc


def _converter(path: Path) -> Callable[[object], Node]:
    """A function from Oxigraph terms to rdflib terms (plain literals for xsd:string), IRIs made once each."""
    named: dict[str, URIRef] = {}

    def term(value: object) -> Node:
        if isinstance(value, ox.NamedNode):
            found = named.get(value.value)
            if found is None:
                found = named[value.value] = URIRef(value.value)
            return found
        if isinstance(value, ox.BlankNode):
            return BNode(value.value)
        if isinstance(value, ox.Literal):
            if value.language:
                return Literal(value.value, lang=value.language)
            datatype = value.datatype.value
            if datatype == _XSD_STRING:
                return Literal(value.value)
            return Literal(value.value, datatype=named.get(datatype) or URIRef(datatype))
        raise InputError(path, None, f"holds a triple term ({value}), which kg does not read: reify it instead")

    return term


# --------------------------------------------------------------------------------------------- errors

#: the position Oxigraph writes at the start of a message; the line is given apart, the column kept
_POSITION = re.compile(r"^Parser error (?:at|between) line \d+ (?:between )?columns? (\d+)[^:]*: ")


def _syntax_error(path: Path, fmt: str, source: _Source, exc: SyntaxError) -> InputError:
    """Oxigraph's syntax error as the project's error: file, line, what the parser found."""
    text = " ".join(str(exc.msg or exc).split())
    if "LoadDocumentCallback" in text:  # a context the checks below did not see: still never fetched
        return InputError(path, None, never_fetched("a JSON-LD context this document names", None))
    line = exc.lineno if isinstance(exc.lineno, int) and not source.rewritten else None
    position = _POSITION.match(text)
    if position:
        text = text[position.end() :] + (f" (column {position.group(1)})" if line else "")
    elif fmt == "xml":
        line = _xml_error_line(path)
    return InputError(path, line, f"not valid {fmt}: {text[:300]}")


def _ignore(data: str) -> None:
    """A handler that keeps nothing."""


def _xml_error_line(path: Path) -> int | None:
    """The line where Python's expat finds the XML ill-formed (None when it finds it well-formed).

    A default handler makes expat leave internal entities in text unexpanded, and it loads no
    external entity or DTD; the file's entities were bounded before (:func:`kg.rdf.xml_entities.check_entities`).
    """
    parser = xml.parsers.expat.ParserCreate()
    parser.DefaultHandler = _ignore
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except xml.parsers.expat.ExpatError as exc:
        return exc.lineno
    except (OSError, ValueError):
        return None
    return None
