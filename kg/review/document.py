"""An article's annotation file and metadata record as the review page sees them, and each decision as an edit.

The page shows the items of ``<stem>.facts.yaml`` (its article-local ``entities`` and its ``facts``) and the
metadata record ``<stem>.meta.yaml``. Each decision becomes a new text of one file that changes only what it
must, so the curator's comments, order and layout stay as they were:

- a review state (accept, reject, back to draft) rewrites the one ``review:`` line of the item, or inserts
  one after its ``id``;
- an edit updates the item's ruamel nodes key by key (:func:`kg.drafting.writer.update_mapping`) and
  writes back only that item's lines, spliced in where they were (the blank lines and comments that follow
  the item stay in place);
- a new fact or entity is added at the end of its list, as curators space them;
- accepting the metadata record deletes its ``review: draft`` line; editing it rewrites the record through
  ruamel's round trip.

Every new text is read back before it is written: it must parse and hold exactly what was meant (the other
items unchanged), otherwise the edit is refused and nothing is written. :func:`write_if_unchanged` then
writes the file atomically (a temporary file renamed over it), and only when the file on disk is still the
one the page loaded (same SHA-256): a change made meanwhile, in another tab or an editor, is never
overwritten.

Paths: :func:`article_files` takes a stem, never a path; the stem must be a plain article name and every file
must resolve to a regular file (not a link) directly inside the corpus's ``articles/`` folder.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from kg.curation import quotes
from kg.curation.annotations import (
    BODIES,
    CASUALTY_KEYS,
    DATE_KEYS,
    FACT_KEYS,
    LOCAL_ENTITY_KEYS,
    RESPONSE_KEYS,
    REVIEW_STATES,
    STATEMENT_KEYS,
)
from kg.curation.corpus import STEM
from kg.curation.yamlsrc import CONTROL_CHARACTERS
from kg.drafting import writer
from kg.rdf import iris, rdfio

#: the two lists of an annotation file, in the order the page shows them
SECTIONS = ("entities", "facts")
#: the digest of a file that does not exist (yet)
ABSENT = "absent"
#: what the curator may set in a metadata record from the page (file and sha256 stay as kg draft wrote them)
META_FIELDS = ("title", "byline", "publisher", "date_published", "url", "language", "retrieved", "note")
#: the keys a fact's body may have, by body
BODY_KEYS = {
    "statement": STATEMENT_KEYS,
    "casualties": CASUALTY_KEYS,
    "response": RESPONSE_KEYS,
}
#: the keys of items, bodies and records in the order curators write them: where a new key goes
KEY_ORDER = (
    "id", "review", "drafted", "type", "label", "aliases", "quote", "occurrence", "note",
    "relations", "statement", "casualties", "response",
    "by", "of", "about", "figure", "count", "qualifier", "given_by", "in_response_to", "destination", "channel",
    "date", "accuses", "denies_involvement_of", "threatens", "attributes_to", "names_perpetrator", "attack_type",
    "method_as_written", "words", "title", "hedge", "stated_in", "answers", "contradicts",
)  # fmt: skip
#: the keys of a metadata record in the order kg draft and curators write them
META_ORDER = ("review", "file", "sha256", "title", "byline", "publisher", "date_published", "url", "language",
              "retrieved", "note")  # fmt: skip
MAX_TEXT = 20_000  # characters in any one value sent by the page
MAX_DEPTH = 6

_REVIEW_LINE = re.compile(r"^(?P<head>[ \t]*(?:-[ \t]+)?review:[ \t]*)(?P<value>[^\s#]+)(?P<tail>.*?)(?P<end>\r?\n?)$")
_ID_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<dash>-[ \t]+)?id:[ \t]*[^\s#{}\[\],]+[ \t]*(?:#.*)?\r?\n?$")
_META_REVIEW_LINE = re.compile(r"^review:[ \t]*[^\s#]+[ \t]*(?:#.*)?\r?\n?$")


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
            f"'{_shown(stem)}' is not an article of the corpus: an article's name is letters, digits, '_' and '-' "
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


def _load(text: str, path: Path) -> tuple[Any, str | None]:
    """The document ruamel reads from a text, or None with why it cannot be edited in the page."""
    try:
        return writer.round_trip_yaml().load(text), None
    except (YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return None, f"{path.name} is not valid YAML{where}: fix it in an editor, then reload the page"


def _dump(doc: Any) -> str:
    out = io.StringIO()
    writer.round_trip_yaml().dump(doc, out)
    return out.getvalue()


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _is_trailer(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


# ------------------------------------------------------------------------------------- the items


@dataclass
class Item:
    """One article-local entity or fact of the annotation file, with the lines it occupies (0-based).

    ``first`` is its first line, ``end`` the line after its own lines, ``after`` the line where the next
    item (or whatever follows the list) starts; the lines from ``end`` to ``after`` are the blank lines and
    comments that follow it, which belong to no item.
    """

    section: str
    index: int
    node: Any
    first: int
    end: int
    after: int

    @property
    def id(self) -> str | None:
        value = self.node.get("id") if isinstance(self.node, dict) else None
        return value if isinstance(value, str) else None

    @property
    def review(self) -> str:
        """``draft``, ``accepted`` or ``rejected``; an item without a review line is accepted (curated by hand)."""
        value = self.node.get("review") if isinstance(self.node, dict) else None
        return str(value) if value is not None else "accepted"

    @property
    def kind(self) -> str:
        """``entity``, or the fact's body (``statement``, ``casualties``, ``relations``, ``response``)."""
        if self.section == "entities":
            return "entity"
        if isinstance(self.node, dict):
            for body in BODIES:
                if body in self.node:
                    return body
        return ""


@dataclass
class AnnotationFile:
    """An article's annotation file as read for the page (``text`` None when the file does not exist)."""

    path: Path
    stem: str
    text: str | None
    digest: str
    doc: Any
    items: list[Item]
    problem: str | None = None
    #: after an edit, the file as its new text reads (to show it without parsing it again)
    written: AnnotationFile | None = None

    @classmethod
    def read(cls, path: Path, stem: str) -> AnnotationFile:
        """Read the file; one the page cannot edit (not YAML, not a mapping) carries its ``problem``."""
        data = read_bytes(path)
        if data is None:
            return cls(path, stem, None, ABSENT, None, [])
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return cls(path, stem, None, digest_of(data), None, [], f"{path.name} is not UTF-8 text")
        return cls.parse(path, stem, text, digest_of(data))

    @classmethod
    def parse(cls, path: Path, stem: str, text: str, digest: str) -> AnnotationFile:
        doc, problem = _load(text, path)
        if problem is None and not isinstance(doc, CommentedMap):
            problem = f"{path.name} is not an annotation file (a mapping with article, entities and facts)"
        if problem is not None:
            return cls(path, stem, text, digest, None, [], problem)
        items = list(_items(doc, _lines(text)))
        return cls(path, stem, text, digest, doc, items)

    # ------------------------------------------------------------------ finding

    def find(self, section: str, item_id: str) -> Item:
        """The item of a section with this id.

        Raises:
            ReviewError: 404 when there is none, 409 when the id is given twice (fix the file by hand).
        """
        self._editable()
        if section not in SECTIONS:
            raise ReviewError(404, f"an annotation file has entities and facts, not '{_shown(section)}'")
        found = [item for item in self.items if item.section == section and item.id == item_id]
        if not found:
            raise ReviewError(404, f"{self.path.name} has no {_noun(section)} with id '{_shown(item_id)}'")
        if len(found) > 1:
            raise ReviewError(409, f"two {section} of {self.path.name} have the id '{_shown(item_id)}': fix it by hand")
        return found[0]

    def ids(self) -> set[str]:
        return {item.id for item in self.items if item.id is not None}

    def _editable(self) -> None:
        if self.problem is not None:
            raise ReviewError(409, self.problem)

    # ------------------------------------------------------------------ decisions

    def with_review(self, section: str, item_id: str, state: str) -> str:
        """The file's text with an item's review state set (its ``review:`` line, or a new one after ``id``)."""
        if state not in REVIEW_STATES:
            raise ReviewError(400, f"a review state is one of {', '.join(REVIEW_STATES)}, not '{_shown(state)}'")
        item = self.find(section, item_id)
        assert self.text is not None
        lines = _lines(self.text)
        node = item.node
        if "review" in node:
            line = node.lc.key("review")[0]
            match = _REVIEW_LINE.match(lines[line]) if item.first <= line < item.end else None
            if match:
                lines[line] = match["head"] + state + match["tail"] + match["end"]
                node["review"] = state
                return self._checked("".join(lines))
            node["review"] = state
        else:
            line = node.lc.key("id")[0]
            match = _ID_LINE.match(lines[line]) if item.first <= line < item.end else None
            node.insert(list(node.keys()).index("id") + 1, "review", state)
            if match:
                indent = len(match["indent"]) + len(match["dash"] or "")
                lines.insert(line + 1, " " * indent + f"review: {state}\n")
                return self._checked("".join(lines))
        return self._spliced(item)

    def with_item(self, section: str, item_id: str, new: dict[str, Any], review: str | None = None) -> str:
        """The file's text with an item changed to say what ``new`` says.

        Its id, ``review`` and ``drafted`` are kept, but for ``review`` when given (an edit saved and accepted).
        """
        item = self.find(section, item_id)
        wanted = clean_item(section, new)
        if wanted.get("id", item_id) != item_id:
            raise ReviewError(400, "an item's id cannot be changed here (other facts may refer to it)")
        merged: dict[str, Any] = {"id": item_id}
        for key in ("review", "drafted"):
            if key in item.node:
                merged[key] = writer.plain(item.node[key])
        merged.update({k: v for k, v in wanted.items() if k not in ("id", "review", "drafted")})
        if review is not None:
            if review not in REVIEW_STATES:
                raise ReviewError(400, f"a review state is one of {', '.join(REVIEW_STATES)}")
            if "review" not in item.node:
                item.node.insert(list(item.node.keys()).index("id") + 1, "review", review)
            merged["review"] = review
        if writer.plain(item.node) == merged:
            raise ReviewError(400, "nothing to change: the item already says this")
        writer.trim_trailing_comments(item.node)  # before keys move: what follows the item stays where it is
        writer.update_mapping(item.node, merged, order=KEY_ORDER)
        return self._spliced(item)

    def with_new_item(self, section: str, new: dict[str, Any], article_file: str) -> str:
        """The file's text with a new item at the end of its list (the list, or the file, made when missing)."""
        wanted = clean_item(section, new)
        item_id = wanted.get("id")
        if not isinstance(item_id, str) or not iris.SLUG.match(item_id):
            raise ReviewError(400, "a new item needs an id: lower-case letters and digits joined by '-'")
        if item_id in self.ids() | set(writer.RESERVED):
            raise ReviewError(400, f"the id '{item_id}' is taken in {self.path.name}: choose another")
        node = CommentedMap()
        rank = {k: i for i, k in enumerate(KEY_ORDER)}
        for key in sorted(wanted, key=lambda k: rank.get(k, len(rank))):
            value = wanted[key]
            if isinstance(value, dict) and key in BODY_KEYS:
                value = {k: value[k] for k in sorted(value, key=lambda k: rank.get(k, len(rank)))}
            node[key] = writer.edit_tree(key, value)
        if self.text is None:
            if self.problem is not None:
                raise ReviewError(409, self.problem)
            head = f"article: {article_file}\n"
            body = f"\n{section}:\n" + writer.item_text(section, node)
            if section == "entities":
                body += "\nfacts: []\n"
            return self._checked(head + body, _plain_with(None, section, node, article_file))
        self._editable()
        expected = _plain_with(self.doc, section, node, article_file)
        lines = _lines(self.text)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        new_lines = _lines(writer.item_text(section, node))
        current = [item for item in self.items if item.section == section]
        seq = self.doc.get(section)
        if current:
            last = current[-1]
            spaced = section == "facts" if len(current) < 2 else any(not ln.strip() for ln in _gap(lines, current[-2]))
            lines[last.end : last.end] = (["\n"] if spaced else []) + new_lines
        elif seq is None and section == "entities" and "facts" in self.doc:
            at = self.doc.lc.key("facts")[0]
            lines[at:at] = ["entities:\n", *new_lines, "\n"]
        elif seq is None:
            lines += ["\n", f"{section}:\n", *new_lines]
        else:  # an empty list (facts: [] or facts:): written through ruamel
            fresh = CommentedSeq()
            fresh.append(node)
            self.doc[section] = fresh
            return self._checked(_dump(self.doc), expected)
        return self._checked("".join(lines), expected)

    # ------------------------------------------------------------------ writing back

    def _spliced(self, item: Item) -> str:
        """The file with the item's own lines replaced by its (edited) nodes; the whole file through ruamel
        when the spliced text does not read back as meant."""
        assert self.text is not None
        expected = writer.plain(self.doc)
        writer.trim_trailing_comments(item.node)
        lines = _lines(self.text)
        lines[item.first : item.end] = _lines(writer.item_text(item.section, item.node))
        spliced = "".join(lines)
        doc = _read_back(spliced, expected, self.path)
        if doc is not None:
            self.written = self._reread(spliced, doc)
            return spliced
        return self._checked(_dump(self.doc), expected)

    def _checked(self, text: str, expected: Any = None) -> str:
        """The text, once read back and found to hold what was meant (by default, the edited document)."""
        doc = _read_back(text, writer.plain(self.doc) if expected is None else expected, self.path)
        if doc is None:
            raise ReviewError(
                500,
                f"the change could not be written to {self.path.name} without changing something else; nothing was "
                "written: make it in an editor",
            )
        self.written = self._reread(text, doc)
        return text

    def _reread(self, text: str, doc: Any) -> AnnotationFile:
        """The file as it will be once the new text is written (from the parse that checked it)."""
        return AnnotationFile(
            self.path, self.stem, text, digest_of(text.encode("utf-8")), doc, list(_items(doc, _lines(text)))
        )


def _gap(lines: list[str], item: Item) -> list[str]:
    return lines[item.end : item.after]


def _plain_with(doc: Any, section: str, node: Any, article_file: str) -> Any:
    expected: dict[str, Any] = writer.plain(doc) if doc is not None else {"article": article_file}
    expected.setdefault(section, None)
    if not isinstance(expected[section], list):
        expected[section] = []
    expected[section].append(writer.plain(node))
    if doc is None and section == "entities":
        expected["facts"] = []
    return expected


def _read_back(text: str, expected: Any, path: Path) -> Any | None:
    """The document a text holds when it holds what was expected, else None."""
    doc, problem = _load(text, path)
    return doc if problem is None and writer.plain(doc) == expected else None


def _reads_as(text: str, expected: Any, path: Path) -> bool:
    return _read_back(text, expected, path) is not None


def _items(doc: CommentedMap, lines: list[str]) -> Iterator[Item]:
    keys = list(doc.keys())
    for section in SECTIONS:
        seq = doc.get(section)
        if not isinstance(seq, CommentedSeq) or not seq or seq.fa.flow_style():
            continue
        position = keys.index(section)
        after_list = len(lines)
        if position + 1 < len(keys):
            after_list = doc.lc.key(keys[position + 1])[0]
        for index, node in enumerate(seq):
            first = seq.lc.item(index)[0]
            after = seq.lc.item(index + 1)[0] if index + 1 < len(seq) else after_list
            end = after
            while end > first + 1 and _is_trailer(lines[end - 1]):
                end -= 1
            yield Item(section, index, node, first, end, after)


# ------------------------------------------------------------------------------ what the page sends


def clean_item(section: str, data: Any) -> dict[str, Any]:
    """An item as the page sent it (JSON), checked to be one the annotation format can hold.

    The check is of form only (known keys, plain values, no control characters); whether the item is right
    is for the curator check to say, at its line.

    Raises:
        ReviewError: 400, naming what is wrong.
    """
    if section not in SECTIONS:
        raise ReviewError(404, f"an annotation file has entities and facts, not '{_shown(section)}'")
    if not isinstance(data, dict):
        raise ReviewError(400, "an item is a mapping of keys to values")
    allowed = LOCAL_ENTITY_KEYS if section == "entities" else FACT_KEYS
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ReviewError(
            400, f"unknown key '{_shown(unknown[0])}' in {_noun(section)}: allowed {', '.join(sorted(allowed))}"
        )
    for body, keys in BODY_KEYS.items():
        value = data.get(body)
        if isinstance(value, dict):
            extra = sorted(str(k) for k in value if k not in keys)
            if extra:
                raise ReviewError(
                    400, f"unknown key '{_shown(extra[0])}' in a {body} body: allowed {', '.join(sorted(keys))}"
                )
    review = data.get("review")
    if review is not None and review not in REVIEW_STATES:
        raise ReviewError(400, f"a review state is one of {', '.join(REVIEW_STATES)}")
    cleaned = {str(k): _clean_value(v, str(k), 0) for k, v in data.items()}
    return {k: v for k, v in cleaned.items() if v is not None}


def _clean_value(value: Any, key: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ReviewError(400, f"'{key}' is nested too deeply")
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ReviewError(400, f"'{key}' is longer than {MAX_TEXT} characters")
        found = CONTROL_CHARACTERS.search(value)
        if found:
            raise ReviewError(400, f"'{key}' holds a control character (U+{ord(found.group()):04X}): remove it")
        return value if value.strip() else None
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        items = [_clean_value(v, key, depth + 1) for v in value]
        items = [v for v in items if v is not None]
        return items or None
    if isinstance(value, dict):
        mapping = {str(k): _clean_value(v, str(k), depth + 1) for k, v in value.items()}
        if key in ("date", "date_published"):
            unknown = sorted(k for k in mapping if k not in DATE_KEYS | {"quote", "occurrence"})
            if unknown:
                raise ReviewError(400, f"unknown key '{_shown(unknown[0])}' in a date")
        mapping = {k: v for k, v in mapping.items() if v is not None}
        return mapping or None
    raise ReviewError(400, f"'{key}' has a value the annotation format cannot hold")


def passages(text: str, chosen: Any) -> dict[str, Any]:
    """The ``quote`` (and ``occurrence``) of passages the curator selected, each ``{text, start}``.

    ``start`` counts UTF-16 code units, as the browser does; the occurrence is worked out from it.

    Raises:
        ReviewError: 400 when a passage is not in the article at that place.
    """
    if not isinstance(chosen, list) or not chosen:
        raise ReviewError(400, "select a passage of the article for the quote")
    items: list[tuple[str, int]] = []
    for passage in chosen:
        if not isinstance(passage, dict) or not isinstance(passage.get("text"), str):
            raise ReviewError(400, "a passage is {text, start}")
        quote, start = passage["text"], passage.get("start")
        if not quote.strip():
            raise ReviewError(400, "a quote must not be empty")
        starts = quotes.occurrences(text, quote)
        if not starts:
            raise ReviewError(400, f"the passage '{_shown(quote)}' is not in the article")
        at = code_points(text, start) if isinstance(start, int) and not isinstance(start, bool) else None
        occurrence = starts.index(at) + 1 if at in starts else 1
        items.append((quote, occurrence))
    if len(items) == 1:
        quote, occurrence = items[0]
        return {"quote": quote, **({"occurrence": occurrence} if occurrence > 1 else {})}
    return {"quote": [q if n == 1 else {"text": q, "occurrence": n} for q, n in items]}


# ------------------------------------------------------------------------------ quotes in the text


def spans(text: str, node: Any) -> list[tuple[int, int]]:
    """Where an item's quote (or quotes) sit in the text, in code points; a quote not found has none."""
    if not isinstance(node, dict):
        return []
    quote = node.get("quote")
    items = quote if isinstance(quote, list) else [quote]
    found = []
    for item in items:
        occurrence = node.get("occurrence", 1)
        if isinstance(item, dict):
            occurrence, item = item.get("occurrence", 1), item.get("text")
        if not isinstance(item, str) or not item:
            continue
        starts = quotes.occurrences(text, item)
        if isinstance(occurrence, int) and 0 < occurrence <= len(starts):
            found.append((starts[occurrence - 1], starts[occurrence - 1] + len(item)))
    return found


def code_units(text: str, offset: int) -> int:
    """A code-point offset into the text as UTF-16 code units (what JavaScript strings count)."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def code_points(text: str, units: int) -> int:
    """A UTF-16 offset into the text as a code-point offset."""
    count = 0
    for index, ch in enumerate(text):
        if count >= units:
            return index
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


# -------------------------------------------------------------------------------- the metadata record


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
        doc, problem = _load(text, path)
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
        lines = _lines(self.text)
        line = self.doc.lc.key("review")[0]
        del self.doc["review"]
        if _META_REVIEW_LINE.match(lines[line]):
            del lines[line]
            text = "".join(lines)
        else:
            text = _dump(self.doc)
        if not _reads_as(text, writer.plain(self.doc), self.path):
            raise ReviewError(500, f"could not remove the review line of {self.path.name}: delete it in an editor")
        return text

    def with_fields(self, fields: Any) -> str:
        """The record's text with the fields the curator set (an empty value removes the field)."""
        self._editable()
        if not isinstance(fields, dict) or not fields:
            raise ReviewError(400, 'send the fields to change, e.g. {"url": "https://..."}')
        unknown = sorted(str(k) for k in fields if k not in META_FIELDS)
        if unknown:
            raise ReviewError(
                400, f"'{_shown(unknown[0])}' cannot be set here; the fields are {', '.join(META_FIELDS)}"
            )
        wanted = writer.plain(self.doc)
        for key, value in fields.items():
            cleaned = _clean_value(value, key, 1)
            if cleaned is None:
                wanted.pop(key, None)
            else:
                wanted[key] = cleaned
        if wanted == writer.plain(self.doc):
            raise ReviewError(400, "nothing to change: the record already says this")
        writer.update_mapping(self.doc, wanted, depth=1, order=META_ORDER)
        text = _dump(self.doc)
        if not _reads_as(text, wanted, self.path):
            raise ReviewError(500, f"the change could not be written to {self.path.name}; nothing was written")
        return text


# ------------------------------------------------------------------------------------------- helpers


def _noun(section: str) -> str:
    return "entity" if section == "entities" else "fact"


def _shown(text: str, limit: int = 60) -> str:
    safe = CONTROL_CHARACTERS.sub("?", str(text))
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"
