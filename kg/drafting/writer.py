"""The curator's YAML through ruamel.yaml's round trip: how values are written, and edits made one item at a time.

Files are written with ruamel.yaml's round-trip mode, so that writing into a file the curator has edited
keeps their comments, order and layout as far as ruamel can; values are laid out as curators write them
(quotes and other text in double quotes, a full date bare, flow style inside a relation). A draft is merged
into an annotation by :mod:`kg.drafting.annotation_merge`; the review page changes one item at a time with
the functions below.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

#: ids the annotation format reserves
RESERVED = frozenset({"publisher", "record"})
#: keys whose text is written in double quotes, as curators write quotes
QUOTED_KEYS = frozenset(
    {"quote", "cue", "label", "words", "hedge", "title", "method_as_written", "figure", "as_written"}
)


def base_yaml() -> YAML:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def _scalar(key: str, value: Any) -> Any:
    if isinstance(value, str) and key in QUOTED_KEYS:
        return DoubleQuotedScalarString(value)
    if isinstance(value, str) and key == "date":
        return _date(value)
    return value


def _date(value: str) -> Any:
    """A YYYY-MM-DD value as a date (written bare, as curators write it); YYYY and YYYY-MM as they are."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return int(value) if value.isdigit() else value


def tree(key: str, value: Any, flow: bool = False) -> Any:
    """A body value as ruamel nodes: mappings and lists, flow style inside a relation."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = tree(k, v, flow)
        if flow:
            node.fa.set_flow_style()
        return node
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq()
        for item in value:
            seq.append(tree(key, item, flow))
        if flow:
            seq.fa.set_flow_style()
        return seq
    return _scalar(key, value)


# ------------------------------------------------------------------ edits made one item at a time
#
# The review page (kg.review) changes one fact or entity at a time: it edits the item's ruamel nodes and
# writes back only that item's lines (kg.review.document splices them into the file), so every other line
# of the curator's file stays byte for byte as it was. These functions are the YAML side of that.


def round_trip_yaml() -> YAML:
    """The reader and writer of the review's edits: merge's settings, and a one-key mapping in a flow list
    keeps its braces (``[x, attendanceAsWritten, {text: "..."}]``, as curators write it)."""
    yaml = base_yaml()
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    return yaml


def plain(value: Any) -> Any:
    """A loaded value as plain Python (dicts, lists, str, int, float, bool, None); dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def edit_tree(key: str, value: Any, depth: int = 0) -> Any:
    """A value written into an item as curators lay it out.

    At the item's own level (``depth`` 0) a body is a block mapping, ``relations`` a block list of flow
    triples, several quotes a block list, ``drafted`` a flow mapping; inside a body (``depth`` 1 and more)
    lists and mappings are written in flow style (``accuses: [a, b]``, ``date: {date: ..., as_written: ...}``).
    """
    if depth == 0 and key == "relations" and isinstance(value, list):
        relations = CommentedSeq()
        for triple in value:
            relations.append(tree("relation", triple, flow=True) if isinstance(triple, list) else triple)
        return relations
    if depth == 0 and key == "drafted" and isinstance(value, dict):
        return tree(key, value, flow=True)
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = edit_tree(k, v, depth + 1) if depth == 0 else tree(k, v, flow=True)
        if depth > 0:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        if depth == 0:
            seq = CommentedSeq()
            for item in value:
                seq.append(tree(key, item, flow=True))
            return seq
        return tree(key, value, flow=True)
    return _scalar(key, value)


def update_mapping(node: CommentedMap, new: dict[str, Any], depth: int = 0, order: Sequence[str] = ()) -> None:
    """Make a loaded mapping say what ``new`` says, touching only what differs.

    Keys whose value is unchanged keep their layout and comments; a changed block mapping (a fact's body)
    is updated key by key in the same way; other changed values are rewritten (:func:`edit_tree`); keys
    absent from ``new`` are removed. A new body takes the place of the body it replaces; other new keys go
    where ``order`` (the keys in the order curators write them) puts them among the keys there, else at the end.
    """
    body_position = next((i for i, k in enumerate(node) if k in BODY_KEYS), None)
    for key in [k for k in node if k not in new]:
        del node[key]
    rank = {k: i for i, k in enumerate(order)}
    for key, value in new.items():
        if key in node:
            old = node[key]
            if plain(old) == plain(value):
                continue
            if isinstance(old, CommentedMap) and isinstance(value, dict) and not old.fa.flow_style():
                update_mapping(old, value, depth + 1, order)
                continue
            node[key] = edit_tree(key, value, depth)
        elif depth == 0 and key in BODY_KEYS and body_position is not None:
            node.insert(min(body_position, len(node)), key, edit_tree(key, value, depth))
        else:
            later = [i for i, k in enumerate(node) if rank.get(k, len(rank)) > rank.get(key, len(rank))]
            if key in rank and later:
                node.insert(later[0], key, edit_tree(key, value, depth))
            else:
                node[key] = edit_tree(key, value, depth)


#: the keys of a fact that hold its body
BODY_KEYS = ("relations", "statement", "casualties", "response")


def trim_trailing_comments(node: Any) -> None:
    """Drop what ruamel keeps after an item's last value: the blank lines and comments that follow it.

    ruamel attaches the blank line between two facts (and a heading comment before the next one) to the
    deepest last value of the first; an item written back on its own must not carry them (the file keeps
    them where they are). A comment at the end of the last line stays.
    """
    while isinstance(node, (CommentedMap, CommentedSeq)):
        if isinstance(node, CommentedMap):
            if not node:
                return
            key: Any = list(node.keys())[-1]
            slot = 2
        else:
            if not node:
                return
            key, slot = len(node) - 1, 0
        node.ca.end = []
        entry = node.ca.items.get(key)
        if entry and len(entry) > slot and entry[slot] is not None:
            token = entry[slot]
            first = token.value.split("\n", 1)[0]
            if first.strip():
                token.value = first + "\n"
            else:
                entry[slot] = None
        value = node[key]
        if isinstance(value, (CommentedMap, CommentedSeq)) and value.fa.flow_style():
            return
        node = value


def item_text(section: str, item: Any) -> str:
    """One item of the file's ``entities`` or ``facts`` list as the lines the file holds (``  - id: ...``)."""
    yaml = round_trip_yaml()
    wrapper = CommentedMap()
    seq = CommentedSeq()
    seq.append(item)
    wrapper[section] = seq
    out = io.StringIO()
    yaml.dump(wrapper, out)
    lines = out.getvalue().splitlines(keepends=True)[1:]  # without the "facts:" line
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    return "".join(lines)
