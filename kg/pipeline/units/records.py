"""What a build by units keeps of each article in the build folder: its unit, written in N-Triples, and its key.

A unit file (``cache/articles/<stem>.json``, :class:`Unit`) holds what the build derives from one article
alone, its triples as sorted N-Triples lines (:func:`nt_rows`, :func:`row_text`, :func:`text_rows`), under a
key made of the shared key and the article's files (:func:`article_key`); beside the units, the shared
unit's exports and problems at the last build (:data:`SHARED_EXPORTS`, :data:`SHARED_PROBLEMS`). What a unit
holds and how a build uses it: :mod:`kg.pipeline.units.incremental`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import URIRef

from kg.pipeline.ntreasoning import Strings
from kg.rdf.ntriples import Triple, nt_triple

#: the folder of the article units, inside a build folder
CACHE = Path("cache") / "articles"
#: the format of a unit file; units written with another are ignored
FORMAT = 1


def nt_rows(triples: Iterable[Triple]) -> list[Strings]:
    """rdflib triples as N-Triples terms, as rdflib's N-Triples writer writes them
    (:func:`kg.rdf.ntriples.nt_triple`)."""
    found = []
    for triple in triples:
        s, p, o = triple
        if s.__class__ is URIRef and p.__class__ is URIRef:  # most terms: an IRI needs no more than its brackets
            found.append((f"<{s}>", f"<{p}>", f"<{o}>" if o.__class__ is URIRef else nt_triple(triple)[2]))
        else:
            found.append(nt_triple(triple))
    return found


def row_text(rows: Iterable[Strings]) -> str:
    """Rows as N-Triples lines, sorted (what a unit file keeps)."""
    return "".join(sorted(f"{s} {p} {o} .\n" for s, p, o in rows))


def text_rows(text: str) -> list[Strings]:
    """The rows of N-Triples lines written by :func:`row_text`."""
    found = []
    for line in text.splitlines():
        s, p, o = line[: -len(" .")].split(" ", 2)
        found.append((s, p, o))
    return found


@dataclass
class Unit:
    """What the build derives from one article alone (see the module docstring)."""

    stem: str
    key: str
    sha256: str
    #: N-Triples lines, sorted: the article's graph, its records lines, its own entailments
    graph: str
    records: str
    derived: str
    #: N-Triples lines for the whole build's reasoning (see :class:`kg.pipeline.units.reasoning.UnitRows`)
    joining: str = ""
    boundary: str = ""
    exposed: str = ""
    #: the Turtle body of the article's graph in the TriG file
    trig: str = ""
    #: IRI -> (file, line) of what the article mints
    origins: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: what the build summary counts of this article
    counts: dict[str, int] = field(default_factory=dict)
    statements_by_type: dict[str, int] = field(default_factory=dict)
    #: (entity id, alias) of the registry aliases the text uses
    aliases: list[tuple[str, str]] = field(default_factory=list)
    #: the problems the shapes find in the article (file, line, severity, message), the nodes its context
    #: reads and the rows other units' contexts may read (see :mod:`kg.pipeline.units.check`)
    problems: list[dict[str, object]] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    exports: str = ""
    format: int = FORMAT

    def save(self, folder: Path) -> None:
        """Write the unit into the folder (atomically: a half-written unit is never read)."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self.stem}.json"
        temporary = folder / f".{self.stem}.json.tmp"
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(temporary, target)

    @classmethod
    def load(cls, folder: Path, stem: str, key: str | None) -> Unit | None:
        """The unit kept for the article, or None when there is none for this key (any key: None) or it cannot be
        read."""
        try:
            data = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
            if (key is not None and data.get("key") != key) or data.get("format") != FORMAT:
                return None
            unit = cls(**data)
            unit.origins = {iri: (where[0], where[1]) for iri, where in unit.origins.items()}
            unit.aliases = [(slug, alias) for slug, alias in unit.aliases]
            return unit
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return None


def article_key(shared: str, stem: str, paths: Iterable[Path]) -> str:
    """The key of an article's unit: the shared key, its stem and the bytes of its files."""
    sha = hashlib.sha256(f"unit {FORMAT}\n{shared}\n{stem}\n".encode())
    for path in paths:
        sha.update(path.name.encode() + b"\0")
        sha.update(path.read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()


#: the file, beside the units, of the shared unit's exports at the last build (what contexts read of it)
SHARED_EXPORTS = "shared-exports.nt"
#: the file, beside the units, of what the shapes found in the shared unit but the provenance, and its key
SHARED_PROBLEMS = "shared-problems.json"


def read_shared_problems(cache: Path) -> dict[str, object] | None:
    """What the last build's shapes found in the shared unit (but the provenance), with its key; None if unknown."""
    try:
        found = json.loads((cache.parent / SHARED_PROBLEMS).read_text(encoding="utf-8"))
        return found if isinstance(found, dict) else None
    except (OSError, ValueError):
        return None


def read_shared_exports(cache: Path) -> set[Strings]:
    try:
        return set(text_rows((cache.parent / SHARED_EXPORTS).read_text(encoding="utf-8")))
    except OSError:
        return set()
