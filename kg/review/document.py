"""An article's annotation file as the review page sees it (its items and the lines they occupy), and each
decision on an item as an edit of the file's text.

The page shows the items of ``<stem>.facts.yaml`` (its article-local ``entities`` and its ``facts``). Each
decision becomes a new text of the file that changes only what it must, so the curator's comments, order and
layout stay as they were:

- a review state (accept, reject, back to draft) rewrites the one ``review:`` line of the item, or inserts
  one after its ``id``;
- an edit updates the item's ruamel nodes key by key (:func:`kg.drafting.writer.update_mapping`) and
  writes back only that item's lines, spliced in where they were (the blank lines and comments that follow
  the item stay in place);
- a new fact or entity is added at the end of its list, as curators space them.

Every new text is read back before it is written: it must parse and hold exactly what was meant (the other
items unchanged), otherwise the edit is refused and nothing is written. The file itself is read and written
by :mod:`kg.review.files`; the metadata record is :mod:`kg.review.meta_record`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kg.curation.annotation_reader import BODIES, REVIEW_STATES
from kg.drafting import writer
from kg.rdf import iris
from kg.review.files import ABSENT, ReviewError, digest_of, dump, lines_of, load, read_back, read_bytes, shown
from kg.review.item_form import BODY_KEYS, SECTIONS, clean_item, noun

#: the keys of items, bodies and records in the order curators write them: where a new key goes
KEY_ORDER = (
    "id", "review", "drafted", "type", "label", "aliases", "quote", "occurrence", "note",
    "relations", "statement", "casualties", "response",
    "by", "of", "about", "figure", "count", "qualifier", "given_by", "in_response_to", "destination", "channel",
    "date", "accuses", "denies_involvement_of", "threatens", "attributes_to", "names_perpetrator", "attack_type",
    "method_as_written", "words", "title", "hedge", "stated_in", "answers", "contradicts",
)  # fmt: skip

_REVIEW_LINE = re.compile(r"^(?P<head>[ \t]*(?:-[ \t]+)?review:[ \t]*)(?P<value>[^\s#]+)(?P<tail>.*?)(?P<end>\r?\n?)$")
_ID_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<dash>-[ \t]+)?id:[ \t]*[^\s#{}\[\],]+[ \t]*(?:#.*)?\r?\n?$")


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
        doc, problem = load(text, path)
        if problem is None and not isinstance(doc, CommentedMap):
            problem = f"{path.name} is not an annotation file (a mapping with article, entities and facts)"
        if problem is not None:
            return cls(path, stem, text, digest, None, [], problem)
        items = list(_items(doc, lines_of(text)))
        return cls(path, stem, text, digest, doc, items)

    # ------------------------------------------------------------------ finding

    def find(self, section: str, item_id: str) -> Item:
        """The item of a section with this id.

        Raises:
            ReviewError: 404 when there is none, 409 when the id is given twice (fix the file by hand).
        """
        self._editable()
        if section not in SECTIONS:
            raise ReviewError(404, f"an annotation file has entities and facts, not '{shown(section)}'")
        found = [item for item in self.items if item.section == section and item.id == item_id]
        if not found:
            raise ReviewError(404, f"{self.path.name} has no {noun(section)} with id '{shown(item_id)}'")
        if len(found) > 1:
            raise ReviewError(409, f"two {section} of {self.path.name} have the id '{shown(item_id)}': fix it by hand")
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
            raise ReviewError(400, f"a review state is one of {', '.join(REVIEW_STATES)}, not '{shown(state)}'")
        item = self.find(section, item_id)
        assert self.text is not None
        lines = lines_of(self.text)
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
        lines = lines_of(self.text)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        new_lines = lines_of(writer.item_text(section, node))
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
            return self._checked(dump(self.doc), expected)
        return self._checked("".join(lines), expected)

    # ------------------------------------------------------------------ writing back

    def _spliced(self, item: Item) -> str:
        """The file with the item's own lines replaced by its (edited) nodes; the whole file through ruamel
        when the spliced text does not read back as meant."""
        assert self.text is not None
        expected = writer.plain(self.doc)
        writer.trim_trailing_comments(item.node)
        lines = lines_of(self.text)
        lines[item.first : item.end] = lines_of(writer.item_text(item.section, item.node))
        spliced = "".join(lines)
        doc = read_back(spliced, expected, self.path)
        if doc is not None:
            self.written = self._reread(spliced, doc)
            return spliced
        return self._checked(dump(self.doc), expected)

    def _checked(self, text: str, expected: Any = None) -> str:
        """The text, once read back and found to hold what was meant (by default, the edited document)."""
        doc = read_back(text, writer.plain(self.doc) if expected is None else expected, self.path)
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
            self.path, self.stem, text, digest_of(text.encode("utf-8")), doc, list(_items(doc, lines_of(text)))
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
