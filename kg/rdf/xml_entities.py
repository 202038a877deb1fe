"""Bounding the entities of an RDF/XML file before it is parsed: an entity bomb costs milliseconds, not gigabytes.

Before an RDF/XML file is parsed (:mod:`kg.rdf.readers`), the text its ``<!ENTITY>`` declarations would
expand to is counted (an entity made of ten others is ten times as long, and each reference repeats it)
without expanding anything; above :func:`expansion_limit` the file is refused, so an entity bomb (the
"billion laughs", or one long entity referenced thousands of times) costs milliseconds, not gigabytes.
External entities (``SYSTEM``, ``PUBLIC``) are refused: they would name a file or URL to read. The same
limit bounds the JSON-LD contexts written into a document (:mod:`kg.rdf.jsonld_contexts`).
"""

from __future__ import annotations

import mmap
import os
import re
from pathlib import Path

from kg.errors import InputError

MIB = 1024 * 1024


def expansion_limit(file_size: int) -> int:
    """How much text (bytes) an RDF/XML file's entities may expand to: 16 MiB plus ten times the file's size.

    Entities that abbreviate namespaces (``&owl;Class``, as Protégé writes them) stay far below it.
    """
    return 16 * MIB + 10 * file_size


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
        f"the XML entities this file declares would expand to more than {limit // MIB} MiB of text "
        f"(passed at entity '{name.decode('utf-8', 'replace')}'): kg refuses entities that nest or repeat "
        "this much (an XML entity bomb). Write the text out in the document, or declare fewer and shorter entities"
    )


def _external(name: bytes, kind: bytes) -> str:
    return (
        f"the XML entity '{name.decode('utf-8', 'replace')}' is external ({kind.decode().upper()}): kg never "
        "reads a file or URL a document names. Declare it with its text "
        f'(<!ENTITY {name.decode("utf-8", "replace")} "...">) or write the text into the document'
    )
