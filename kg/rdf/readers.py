"""Reading the RDF files people give ``kg``: Oxigraph's parsers, nothing fetched, entity expansion bounded.

Every command that reads an RDF file it is given (``kg query --data``, ``kg serve --data``,
``kg validate``, ``kg export --data``, ``kg publish --data`` and :func:`kg.load`) reads it here, with
Oxigraph's parsers: they take time and memory in proportion to the file, where rdflib's N-Triples
reader takes time in the square of a line's length (a 4 MB literal took minutes) and its RDF/XML
reader in the square of the text an element holds. Three rules hold for every format:

- **Nothing is fetched.** A JSON-LD document that names a context instead of writing it out
  (``"@context": "https://..."``, ``@import``, a ``file:`` or relative IRI) is read only when the
  context is the project's own, :data:`CONTEXT_IRI` (read from ``kg/context.jsonld``, the context of
  ``kg export --format jsonld``), or one whose local copy the user names in the environment variable
  :data:`CONTEXTS_VARIABLE`, a JSON object from context IRI to file::

      KG_JSONLD_CONTEXTS='{"https://schema.org/": "schema-context.jsonld"}'

  Any other context is an :class:`~kg.errors.InputError` that names it and says how to go on. The
  contexts named are written into the document before Oxigraph reads it (its JSON-LD parser loads
  no document by itself, and says so if one slips through).
- **Entity expansion is bounded.** Before an RDF/XML file is parsed, the text its ``<!ENTITY>``
  declarations would expand to is counted (an entity made of ten others is ten times as long, and
  each reference repeats it) without expanding anything; above :func:`expansion_limit` the file is
  refused, so an entity bomb (the "billion laughs", or one long entity referenced thousands of
  times) costs milliseconds, not gigabytes. External entities (``SYSTEM``, ``PUBLIC``) are refused:
  they would name a file or URL to read.
- **A file's default graph is kept**: triples outside any named graph (all of a Turtle, N-Triples or
  RDF/XML file's; those of a TriG, N-Quads or JSON-LD file written outside a graph) go into a graph
  named after the file (:func:`file_graph`), which the validator and the named-graph exports keep.
  The query store keeps a dataset file's default graph as its default graph (:func:`load_into_store`).

Errors name the file, the line where one is known (Oxigraph's; for RDF/XML, where Oxigraph gives
none, the line where Python's expat parser, with entity expansion off, finds the document
ill-formed) and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import re
import xml.parsers.expat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg import resources
from kg.errors import InputError
from kg.rdf import formatregistry, iris

#: The IRI of the project's JSON-LD context (``kg/context.jsonld``, published beside the data);
#: a document that names it is read with the shipped file, never fetched.
CONTEXT_IRI = iris.BASE + "context.jsonld"
#: The environment variable that names local copies of other JSON-LD contexts: a JSON object from
#: context IRI (as the document writes it, or resolved against the document's own IRI) to file.
CONTEXTS_VARIABLE = "KG_JSONLD_CONTEXTS"


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
_MIB = 1024 * 1024


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


def expansion_limit(file_size: int) -> int:
    """How much text (bytes) an RDF/XML file's entities may expand to: 16 MiB plus ten times the file's size.

    Entities that abbreviate namespaces (``&owl;Class``, as Protégé writes them) stay far below it.
    """
    return 16 * _MIB + 10 * file_size


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


def context_salt() -> str:
    """A digest of what a JSON-LD file's quads depend on beside its bytes: the shipped context and the
    local copies :data:`CONTEXTS_VARIABLE` names (for keys of caches of parsed files)."""
    sha = hashlib.sha256(resources.context_file().read_bytes())
    named = os.environ.get(CONTEXTS_VARIABLE, "")
    sha.update(named.encode("utf-8", "surrogateescape"))
    try:
        copies = json.loads(named) if named.strip() else {}
    except json.JSONDecodeError:
        copies = {}
    for _, file in sorted(copies.items()) if isinstance(copies, dict) else ():
        try:
            sha.update(Path(str(file)).read_bytes())
        except OSError:
            sha.update(b"\0missing")
    return sha.hexdigest()


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
        return InputError(path, None, _never_fetched("a JSON-LD context this document names", None))
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
    external entity or DTD; the file's entities were bounded before (:func:`check_entities`).
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


# ------------------------------------------------------------------------------- RDF/XML entities

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
#: what follows ``<!ENTITY``, as Oxigraph reads it: ``%`` (read as a general entity), the name, the value
_DECLARATION = re.compile(rb"""\s*%?\s*([^\s"'>]+)\s*(?:"([^"]*)"|'([^']*)'|(SYSTEM|PUBLIC)\b)""", re.IGNORECASE)
_REFERENCE = re.compile(rb"""&([^&;\s<>"']+);""")


def check_entities(path: Path) -> None:
    """Refuse an RDF/XML file whose entity declarations would expand too far, or that declares an external one.

    Every ``<!ENTITY`` in the file counts, wherever it is (Oxigraph reads a document type declaration
    wherever it meets one): each entity's expanded length is computed from its value and the lengths
    of the entities it names, in the order they are declared (Oxigraph expands them then, and a later
    declaration of a name replaces the earlier), and every reference to one adds its length. The total
    may not pass :func:`expansion_limit` of the file's size. Nothing is expanded: the check reads the
    file once through a memory map.

    Raises:
        InputError: at the line of the declaration or reference that passes the limit, or of an
            external entity.
    """
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as text:
                _check_entity_text(path, text, expansion_limit(len(text)))
    except (OSError, ValueError) as exc:  # ValueError: a file that cannot be mapped (not a regular file)
        raise InputError(path, None, f"cannot read the file: {getattr(exc, 'strerror', None) or exc}") from exc


def _check_entity_text(path: Path, text: mmap.mmap, limit: int) -> None:
    """:func:`check_entities` on the file's bytes."""
    lengths: dict[bytes, int] = {}
    total = 0
    for found in _ENTITY.finditer(text):  # type: ignore[arg-type]  # re reads a memory map as bytes
        declaration = _DECLARATION.match(text, found.end())  # type: ignore[call-overload]
        if declaration is None:
            continue  # not a declaration Oxigraph reads (in a comment, say): it refuses a real one
        name = declaration.group(1)
        if declaration.group(4):
            raise InputError(path, _line_at(text, found.start()), _external(name, declaration.group(4)))
        value = declaration.group(2) if declaration.group(2) is not None else declaration.group(3)
        lengths[name] = min(_expanded_length(value, lengths), limit + 1)
        total += lengths[name]
        if total > limit:
            raise InputError(path, _line_at(text, found.start()), _too_much(name, limit))
    if not lengths:
        return
    for reference in _REFERENCE.finditer(text):  # type: ignore[arg-type]
        total += lengths.get(reference.group(1), 0)
        if total > limit:
            raise InputError(path, _line_at(text, reference.start()), _too_much(reference.group(1), limit))


def _expanded_length(value: bytes, lengths: dict[bytes, int]) -> int:
    """The length of an entity's value once the entities it names (declared before it) are expanded."""
    length = len(value)
    for reference in _REFERENCE.finditer(value):
        known = lengths.get(reference.group(1))
        if known is not None:  # character and predefined references are no longer than they are written
            length += known - len(reference.group(0))
    return length


def _line_at(text: mmap.mmap, offset: int) -> int:
    return text[:offset].count(b"\n") + 1


def _too_much(name: bytes, limit: int) -> str:
    return (
        f"the XML entities this file declares would expand to more than {limit // _MIB} MiB of text "
        f"(passed at entity '{name.decode('utf-8', 'replace')}'): kg refuses entities that nest or repeat "
        "this much (an XML entity bomb). Write the text out in the document, or declare fewer and shorter entities"
    )


def _external(name: bytes, kind: bytes) -> str:
    return (
        f"the XML entity '{name.decode('utf-8', 'replace')}' is external ({kind.decode().upper()}): kg never "
        "reads a file or URL a document names. Declare it with its text "
        f'(<!ENTITY {name.decode("utf-8", "replace")} "...">) or write the text into the document'
    )


# ------------------------------------------------------------------------------- JSON-LD contexts


def _never_fetched(what: str, iri: str | None) -> str:
    example = iri or "https://example.org/context.jsonld"
    return (
        f"{what} is not read: kg never fetches a JSON-LD context, from the web or from a file. "
        'Write the context into the document ("@context": {...}), or save a copy of it and name the copy: '
        f'{CONTEXTS_VARIABLE}=\'{{"{example}": "copy.jsonld"}}\''
    )


def inline_contexts(path: Path, raw: bytes) -> bytes:
    """The JSON-LD document with every context it names written in (raw itself when it names none).

    A context is named by a string as (or in a list as) the value of ``@context``, or as the value of
    ``@import`` in a context, anywhere in the document (not in a ``@value``). It is written in from
    ``kg/context.jsonld`` for :data:`CONTEXT_IRI`, or from the copy :data:`CONTEXTS_VARIABLE` names;
    the contexts a copy names are written in the same way.

    Raises:
        InputError: the document is not JSON, or names another context (at the line that names it,
            where it can be found), or its contexts written in would make it more than
            :func:`expansion_limit` of its size.
    """
    document = _json(path, raw, "not valid json-ld")
    contexts = _Contexts(path, raw, expansion_limit(len(raw)))
    contexts.write_in(document)
    return json.dumps(document, ensure_ascii=False).encode("utf-8") if contexts.written else raw


def _json(path: Path, raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, f"{what}: {exc.msg} (column {exc.colno})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(path, None, f"{what}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except RecursionError as exc:
        raise InputError(path, None, f"{what}: its arrays and objects nest too deeply") from exc


@dataclass(frozen=True)
class _Origin:
    """Where a part of the document came from: the file, its bytes, its IRI, and the contexts it is written in from."""

    path: Path
    raw: bytes
    base: str  # the IRI its relative references resolve against: the file's, or the context's IRI
    chain: tuple[str, ...]


class _Contexts:
    """Writes the contexts a document names into it, in place (see :func:`inline_contexts`)."""

    def __init__(self, path: Path, raw: bytes, limit: int) -> None:
        self.document = _Origin(path, raw, path.resolve().as_uri(), ())
        self.limit = limit
        self.written = 0  # bytes of context text written in
        self.loaded: dict[str, tuple[Any, _Origin]] = {}
        self.origins: dict[int, _Origin] = {}  # id of a loaded context -> where it came from
        self._copies: dict[str, Path] | None = None

    def write_in(self, document: Any) -> None:
        walked: set[int] = set()
        stack: list[tuple[Any, _Origin]] = [(document, self.document)]
        while stack:
            node, origin = stack.pop()
            origin = self.origins.get(id(node), origin)
            if isinstance(node, list):
                stack.extend((item, origin) for item in node)
                continue
            if not isinstance(node, dict) or id(node) in walked:
                continue
            if id(node) in self.origins:
                walked.add(id(node))  # a loaded context may be named many times: walked once
            imported = node.get("@import")
            if isinstance(imported, str):  # JSON-LD 1.1: the named context's definitions, then these
                context = self._load(imported, origin)
                if not isinstance(context, dict):
                    raise InputError(origin.path, None, f"the context @import names, {imported}, is not an object")
                merged = {**context, **{k: v for k, v in node.items() if k != "@import"}}
                node.clear()
                node.update(merged)
            for key, value in node.items():
                if key == "@value":
                    continue  # a JSON literal's content is data
                if key == "@context":
                    node[key] = value = self._named(value, origin)
                stack.append((value, origin))

    def _named(self, value: Any, origin: _Origin) -> Any:
        """A ``@context`` value with the contexts it names written in."""
        if isinstance(value, str):
            return self._load(value, origin)
        if isinstance(value, list):
            written: list[Any] = []
            for item in value:
                context = self._load(item, origin) if isinstance(item, str) else item
                written.extend(context if isinstance(context, list) else [context])
            return written
        return value

    def _load(self, reference: str, origin: _Origin) -> Any:
        """The ``@context`` of the context document a reference names, the contexts it names written in."""
        iri = urljoin(origin.base, reference)
        if iri in origin.chain:
            line = _line_of(origin.raw, reference)
            raise InputError(origin.path, line, f"the JSON-LD context {iri} names itself, directly or through others")
        copies = self._named_copies()
        file = copies.get(reference) or copies.get(iri)
        if file is None and iri == CONTEXT_IRI:
            file = resources.context_file()
        if file is None:
            shown = reference if reference == iri else f"{reference} ({iri})"
            line = _line_of(origin.raw, reference)
            raise InputError(origin.path, line, _never_fetched(f"the JSON-LD context {shown}", iri))
        if iri not in self.loaded:
            copy = f"the copy of the JSON-LD context {iri} ({CONTEXTS_VARIABLE})"
            try:
                raw = file.read_bytes()
            except OSError as exc:
                raise InputError(file, None, f"cannot read {copy}: {exc.strerror or exc}") from exc
            document = _json(file, raw, f"{copy} is not valid JSON")
            if not isinstance(document, dict) or "@context" not in document:
                raise InputError(file, None, f'{copy} is not a context: it has no "@context"')
            loaded = _Origin(file, raw, iri, (*origin.chain, iri))
            context = document["@context"]
            _remember(context, loaded, self.origins)
            self.loaded[iri] = (self._named(context, loaded), loaded)
        context, loaded = self.loaded[iri]
        self.written += len(loaded.raw)
        if self.written > self.limit:
            raise InputError(
                self.document.path,
                _line_of(origin.raw, reference) if origin is self.document else None,
                f"the JSON-LD contexts this document names would make it more than {self.limit // _MIB} MiB "
                "once written in: name each context once, at the top",
            )
        return context

    def _named_copies(self) -> dict[str, Path]:
        """The local copies of contexts the user names in :data:`CONTEXTS_VARIABLE`."""
        if self._copies is None:
            self._copies = named_copies(self.document.path)
        return self._copies


def _remember(context: Any, origin: _Origin, origins: dict[int, _Origin]) -> None:
    """Record where a loaded context's objects came from (their contexts are named from that file)."""
    for node in [context] if not isinstance(context, list) else context:
        if isinstance(node, (dict, list)):
            origins[id(node)] = origin


def named_copies(path: Path) -> dict[str, Path]:
    """The local copies of JSON-LD contexts named in :data:`CONTEXTS_VARIABLE`, by context IRI.

    Raises:
        InputError: (naming the file being read) the variable is not a JSON object from IRI to file name.
    """
    text = os.environ.get(CONTEXTS_VARIABLE, "")
    if not text.strip():
        return {}
    example = f'{CONTEXTS_VARIABLE}=\'{{"https://example.org/context.jsonld": "context.jsonld"}}\''
    how = f"give a JSON object from context IRI to file, as in {example}"
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, None, f"{CONTEXTS_VARIABLE} is not valid JSON ({exc.msg}): {how}") from exc
    if not isinstance(mapping, dict) or not all(isinstance(file, str) and file for file in mapping.values()):
        raise InputError(path, None, f"{CONTEXTS_VARIABLE} is not a JSON object from IRI to file name: {how}")
    return {iri: Path(file) for iri, file in mapping.items()}


def _line_of(raw: bytes, text: str) -> int | None:
    """The line where a JSON string is first written in raw (None when it is written otherwise)."""
    for written in _json_spellings(text):
        at = raw.find(written)
        if at >= 0:
            return raw.count(b"\n", 0, at) + 1
    return None


def _json_spellings(text: str) -> Iterable[bytes]:
    plain = json.dumps(text, ensure_ascii=False)
    yield plain.encode("utf-8")
    yield plain.replace("/", "\\/").encode("utf-8")
    yield json.dumps(text).encode("ascii")
