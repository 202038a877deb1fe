"""An article's files as the review reads and writes them: named by a stem, parsed through ruamel's round
trip, and written atomically, only when still the version the page loaded.

Paths: :func:`article_files` takes a stem, never a path; the stem must be a plain article name and every file
must resolve to a regular file (not a link) directly inside the corpus's ``articles/`` folder.

Every new text is read back before it is written (:func:`read_back`): it must parse and hold exactly what
was meant, otherwise the edit is refused and nothing is written. :func:`write_if_unchanged` then writes the
file atomically (a temporary file renamed over it), and only when the file on disk is still the one the page
loaded (same SHA-256): a change made meanwhile, in another tab or an editor, is never overwritten.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from kg.curation.corpus import STEM
from kg.curation.yamlsrc import CONTROL_CHARACTERS
from kg.drafting import writer
from kg.rdf import rdfio

#: the digest of a file that does not exist (yet)
ABSENT = "absent"


class ReviewError(Exception):
    """A request the review refuses, with the HTTP status and a message for the curator."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def digest_of(data: bytes | None) -> str:
    """The SHA-256 of a file's bytes, or :data:`ABSENT` for a file that does not exist."""
    return ABSENT if data is None else hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------ the files


@dataclass(frozen=True)
class ArticleFiles:
    """The three files of one article, each checked to lie directly inside the corpus's ``articles/``."""

    stem: str
    text: Path
    meta: Path
    facts: Path


def article_files(corpus: Path, stem: str) -> ArticleFiles:
    """The files of the article ``stem`` of a corpus.

    Raises:
        ReviewError: 400 for a stem that is not a plain article name, 403 for a file that is a link, not a
            regular file, or resolves outside the corpus's ``articles/`` folder, 404 when the article has
            no text.
    """
    if not STEM.match(stem) or len(stem) > 200:
        raise ReviewError(
            400,
            f"'{shown(stem)}' is not an article of the corpus: an article's name is letters, digits, '_' and '-' "
            "(its file is articles/<name>.txt); the review edits no other file",
        )
    articles = corpus / "articles"
    folder = articles.resolve()
    paths = [articles / f"{stem}{suffix}" for suffix in (".txt", ".meta.yaml", ".facts.yaml")]
    for path in paths:
        if path.is_symlink():
            raise ReviewError(403, f"{path.name} is a symbolic link: the review edits only regular files of the corpus")
        if path.resolve().parent != folder:
            raise ReviewError(
                403, f"{path.name} lies outside the corpus folder {corpus}: the review edits no file there"
            )
        if path.exists() and not path.is_file():
            raise ReviewError(403, f"{path.name} is not a regular file: the review edits only regular files")
    if not paths[0].is_file():
        raise ReviewError(404, f"the corpus {corpus} has no article '{stem}' (no articles/{stem}.txt)")
    return ArticleFiles(stem, *paths)


def read_bytes(path: Path) -> bytes | None:
    """A file's bytes, or None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ReviewError(500, f"cannot read {path.name}: {exc.strerror or exc}") from exc


def require_unchanged(path: Path, expected_digest: str) -> None:
    """Refuse a change to a file that is no longer the version the page loaded.

    Raises:
        ReviewError: 409, saying what to do.
    """
    if digest_of(read_bytes(path)) != expected_digest:
        raise ReviewError(
            409,
            f"{path.name} has changed since this page loaded it (in another tab or an editor), so your change was "
            "not written: reload the page to see the file as it is now, then make the change again",
        )


def write_if_unchanged(path: Path, text: str, expected_digest: str) -> str:
    """Write a file atomically, but only if it is still the version the page loaded; returns the new digest.

    Raises:
        ReviewError: 409 when the file changed since (nothing is written), 500 when it cannot be written (the
            file is left as it was).
    """
    require_unchanged(path, expected_digest)
    data = text.encode("utf-8")
    try:
        rdfio.write_outputs(path.parent, {path.name: data})
    except OSError as exc:
        raise ReviewError(
            500,
            f"could not write {path.name} ({exc.strerror or exc}); the file is unchanged, and so is your change: "
            "fix the problem (a full disk, a read-only folder) and try again",
        ) from exc
    return digest_of(data)


# ------------------------------------------------------------------------------------ loading YAML


def load(text: str, path: Path) -> tuple[Any, str | None]:
    """The document ruamel reads from a text, or None with why it cannot be edited in the page."""
    try:
        return writer.round_trip_yaml().load(text), None
    except (YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return None, f"{path.name} is not valid YAML{where}: fix it in an editor, then reload the page"


def dump(doc: Any) -> str:
    out = io.StringIO()
    writer.round_trip_yaml().dump(doc, out)
    return out.getvalue()


def lines_of(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def read_back(text: str, expected: Any, path: Path) -> Any | None:
    """The document a text holds when it holds what was expected, else None."""
    doc, problem = load(text, path)
    return doc if problem is None and writer.plain(doc) == expected else None


def reads_as(text: str, expected: Any, path: Path) -> bool:
    return read_back(text, expected, path) is not None


def shown(text: str, limit: int = 60) -> str:
    safe = CONTROL_CHARACTERS.sub("?", str(text))
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"
