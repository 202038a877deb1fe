"""The named query library: ``queries/*.rq`` and their headers.

Each query file starts with comment lines the library reads::

    # name: claims-of-responsibility
    # question: Who claimed responsibility for an attack ...?
    # param: attack (entity, default kgd:kerman-bombings): the attack claimed
    # param: article (entity, optional): only claims reported by this article
    # columns: article, claimant, ...
    # example: kg query claims-of-responsibility --param attack="2024 Kerman bombings"

A quality check adds ``# fix:``, what a curator does about a row it returns.
A parameter ``attack`` is the variable ``?attack`` of the query; its value is
bound from outside (never pasted into the text). Kinds: ``entity`` (an IRI,
a prefixed name, or a name or alias that :mod:`kg.sparql.engine` resolves to an
IRI), ``string`` and ``integer``. Quality checks that must return no rows
live in ``queries/checks/*-violation.rq``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg import resources

PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<kind>entity|string|integer)"
    r"(?:,\s*(?:default\s+(?P<default>[^)]+)|(?P<optional>optional)|(?P<required>required)))?\)\s*:\s*(?P<doc>.+)$"
)
KINDS = ("entity", "string", "integer")


class QueryLibraryError(ValueError):
    """A query file whose header is malformed, or a name that is not in the library."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query."""

    name: str
    kind: str
    doc: str
    default: str | None = None
    required: bool = False

    def signature(self) -> str:
        if self.default is not None:
            note = f"default {self.default}"
        else:
            note = "required" if self.required else "optional"
        return f"{self.name} ({self.kind}, {note})"


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its header."""

    name: str
    path: Path
    text: str
    question: str
    columns: tuple[str, ...]
    example: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    is_check: bool = False
    fix: str = ""

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = [p.name for p in self.parameters]
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        listing = ", ".join(known) if known else "none"
        raise QueryLibraryError(f"query '{self.name}' has no parameter '{name}' (its parameters: {listing}){hint}")


def parse_header(path: Path, is_check: bool = False) -> NamedQuery:
    """Read a query file and its header; QueryLibraryError names the file and line at fault."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = re.match(r"^#\s*(name|question|param|columns|example|fix):\s*(.*)$", line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            p = PARAM.match(value)
            if not p:
                raise QueryLibraryError(
                    f"{path}:{number}: malformed parameter line; "
                    "expected 'name (kind[, default X|optional|required]): doc'"
                )
            parameters.append(
                Parameter(
                    p.group("name"),
                    p.group("kind"),
                    p.group("doc").strip(),
                    p.group("default").strip() if p.group("default") else None,
                    bool(p.group("required")),
                )
            )
        else:
            fields[key] = value
    for needed in ("name", "question", "columns", *(("fix",) if is_check else ())):
        if needed not in fields:
            raise QueryLibraryError(f"{path}: the header lacks '# {needed}:'")
    if fields["name"] != path.stem:
        raise QueryLibraryError(f"{path}: '# name: {fields['name']}' does not match the file name")
    columns = tuple(c.strip().lstrip("?") for c in fields["columns"].split(",") if c.strip())
    return NamedQuery(
        name=fields["name"],
        path=path,
        text=text,
        question=fields["question"],
        columns=columns,
        example=fields.get("example", ""),
        parameters=tuple(parameters),
        is_check=is_check,
        fix=fields.get("fix", ""),
    )


def library(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query, by name; checks are named ``checks/<name>``."""
    root = folder or resources.queries_dir()
    found: dict[str, NamedQuery] = {}
    for path in sorted(root.glob("*.rq")):
        query = parse_header(path)
        found[query.name] = query
    for path in sorted((root / "checks").glob("*.rq")):
        query = parse_header(path, is_check=True)
        found[f"checks/{query.name}"] = query
    return found


def find(name: str, folder: Path | None = None) -> NamedQuery:
    """The named query called name; QueryLibraryError with the close matches otherwise."""
    queries = library(folder)
    key = name[: -len(".rq")] if name.endswith(".rq") else name
    if key in queries:
        return queries[key]
    close = difflib.get_close_matches(key, list(queries), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'kg queries' lists them"
    raise QueryLibraryError(f"unknown query '{name}'{hint}")
