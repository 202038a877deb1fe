"""JSON-LD contexts a document names, written into it from local copies: nothing is ever fetched.

A JSON-LD document that names a context instead of writing it out (``"@context": "https://..."``,
``@import``, a ``file:`` or relative IRI) is read only when the context is the project's own,
:data:`CONTEXT_IRI` (read from ``kg/context.jsonld``, the context of ``kg export --format jsonld``), or one
whose local copy the user names in the environment variable :data:`CONTEXTS_VARIABLE`, a JSON object from
context IRI to file::

    KG_JSONLD_CONTEXTS='{"https://schema.org/": "schema-context.jsonld"}'

Any other context is an :class:`~kg.errors.InputError` that names it and says how to go on. The contexts
named are written into the document (:func:`inline_contexts`) before Oxigraph reads it
(:mod:`kg.rdf.readers`; its JSON-LD parser loads no document by itself, and says so if one slips through).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from kg import resources
from kg.errors import InputError
from kg.rdf import iris
from kg.rdf.xml_entities import MIB, expansion_limit

#: The IRI of the project's JSON-LD context (``kg/context.jsonld``, published beside the data);
#: a document that names it is read with the shipped file, never fetched.
CONTEXT_IRI = iris.BASE + "context.jsonld"
#: The environment variable that names local copies of other JSON-LD contexts: a JSON object from
#: context IRI (as the document writes it, or resolved against the document's own IRI) to file.
CONTEXTS_VARIABLE = "KG_JSONLD_CONTEXTS"


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


def never_fetched(what: str, iri: str | None) -> str:
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
            :func:`kg.rdf.xml_entities.expansion_limit` of its size.
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
            raise InputError(origin.path, line, never_fetched(f"the JSON-LD context {shown}", iri))
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
                f"the JSON-LD contexts this document names would make it more than {self.limit // MIB} MiB "
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
