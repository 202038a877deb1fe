"""An article's metadata record as the review page sees it, and the curator's decisions on it as edits of its
text.

Accepting the metadata record deletes its ``review: draft`` line (only that line, when it can); editing it
sets the fields the curator changed and rewrites the record through ruamel's round trip. Either new text is
read back before it is written: it must parse and hold exactly what was meant, otherwise nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from kg.drafting import writer
from kg.review.files import ABSENT, ReviewError, digest_of, dump, lines_of, load, read_bytes, reads_as, shown
from kg.review.item_form import clean_value

#: what the curator may set in a metadata record from the page (file and sha256 stay as kg draft wrote them)
META_FIELDS = ("title", "byline", "publisher", "date_published", "url", "language", "retrieved", "note")
#: the keys of a metadata record in the order kg draft and curators write them
META_ORDER = ("review", "file", "sha256", "title", "byline", "publisher", "date_published", "url", "language",
              "retrieved", "note")  # fmt: skip

_META_REVIEW_LINE = re.compile(r"^review:[ \t]*[^\s#]+[ \t]*(?:#.*)?\r?\n?$")


@dataclass
class MetaRecord:
    """An article's metadata record as read for the page (``text`` None when there is none)."""

    path: Path
    text: str | None
    digest: str
    doc: Any
    problem: str | None = None

    @classmethod
    def read(cls, path: Path) -> MetaRecord:
        data = read_bytes(path)
        if data is None:
            return cls(path, None, ABSENT, None)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return cls(path, None, digest_of(data), None, f"{path.name} is not UTF-8 text")
        doc, problem = load(text, path)
        if problem is None and not isinstance(doc, CommentedMap):
            problem = f"{path.name} is not a metadata record (a mapping)"
        return cls(path, text, digest_of(data), doc if problem is None else None, problem)

    @property
    def review(self) -> str:
        """``draft`` when kg draft wrote it and nobody has checked it yet, else ``accepted``."""
        value = self.doc.get("review") if isinstance(self.doc, dict) else None
        return "accepted" if value in (None, "accepted") else str(value)

    @property
    def line(self) -> int | None:
        """The 1-based line of its review key, if it has one."""
        if isinstance(self.doc, CommentedMap) and "review" in self.doc:
            return int(self.doc.lc.key("review")[0]) + 1
        return None

    def _editable(self) -> None:
        if self.problem is not None:
            raise ReviewError(409, self.problem)
        if self.text is None:
            raise ReviewError(404, f"there is no metadata record {self.path.name} yet: create it first")

    def accepted(self) -> str:
        """The record's text without its ``review: draft`` line (the curator has checked it)."""
        self._editable()
        assert self.text is not None
        if "review" not in self.doc:
            raise ReviewError(400, "the metadata record is not a draft: there is nothing to accept")
        lines = lines_of(self.text)
        line = self.doc.lc.key("review")[0]
        del self.doc["review"]
        if _META_REVIEW_LINE.match(lines[line]):
            del lines[line]
            text = "".join(lines)
        else:
            text = dump(self.doc)
        if not reads_as(text, writer.plain(self.doc), self.path):
            raise ReviewError(500, f"could not remove the review line of {self.path.name}: delete it in an editor")
        return text

    def with_fields(self, fields: Any) -> str:
        """The record's text with the fields the curator set (an empty value removes the field)."""
        self._editable()
        if not isinstance(fields, dict) or not fields:
            raise ReviewError(400, 'send the fields to change, e.g. {"url": "https://..."}')
        unknown = sorted(str(k) for k in fields if k not in META_FIELDS)
        if unknown:
            raise ReviewError(400, f"'{shown(unknown[0])}' cannot be set here; the fields are {', '.join(META_FIELDS)}")
        wanted = writer.plain(self.doc)
        for key, value in fields.items():
            cleaned = clean_value(value, key, 1)
            if cleaned is None:
                wanted.pop(key, None)
            else:
                wanted[key] = cleaned
        if wanted == writer.plain(self.doc):
            raise ReviewError(400, "nothing to change: the record already says this")
        writer.update_mapping(self.doc, wanted, depth=1, order=META_ORDER)
        text = dump(self.doc)
        if not reads_as(text, wanted, self.path):
            raise ReviewError(500, f"the change could not be written to {self.path.name}; nothing was written")
        return text
