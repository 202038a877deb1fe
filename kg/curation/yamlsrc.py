"""Reading the curator's YAML files with line numbers for every error.

The corpus is hand-written YAML (article metadata, annotations, the entity
registry). The files are composed with PyYAML's C parser (libyaml), whose
nodes carry the line they start at, and turned into Python values that keep
the line of every mapping key and list item, so a problem deep in a file is
reported at its own line. Plain scalars are resolved by the YAML 1.2 core
schema (plus dates), not PyYAML's YAML 1.1 rules, so ``no`` stays a string and
``10:30`` is not a number; a key given twice in one mapping is an error.
:class:`Node` wraps a loaded value with the file and line it came from and
offers typed accessors that raise :class:`~kg.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from kg.errors import InputError

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Composes nodes only; scalars are resolved by the YAML 1.2 core schema."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}


_TAG = "tag:yaml.org,2002:"
_CORE_SCHEMA = [
    ("null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
    (
        "timestamp",
        r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$",
        list("0123456789"),
    ),
]
for _name, _pattern, _first in _CORE_SCHEMA:
    _Loader.add_implicit_resolver(_TAG + _name, re.compile(_pattern), _first)

_TIMESTAMPS = yaml.SafeLoader("")  # only its construct_yaml_timestamp is used

#: How deeply mappings and lists may nest; the curator's formats need five levels.
MAX_DEPTH = 32

#: Characters refused in any text: C0 controls but tab, line feed and carriage return; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def shown(text: str, limit: int | None = 60) -> str:
    """Text safe to print: control characters written as escapes, and cut at limit characters (None: not cut)."""
    safe = CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return safe if limit is None or len(safe) <= limit else safe[: limit - 1] + "…"


def control_character(text: str) -> str | None:
    """A description of the first control character in text (``U+001B at character 4``), or None."""
    match = CONTROL_CHARACTERS.search(text)
    if match is None:
        return None
    return f"U+{ord(match.group()):04X} at character {match.start() + 1}"


class LineMap(dict[Any, Any]):
    """A YAML mapping that remembers the 1-based line of each key."""

    key_lines: dict[Any, int]


class LineSeq(list[Any]):
    """A YAML sequence that remembers the 1-based line of each item."""

    item_lines: list[int]


def load_yaml(path: Path) -> Node:
    """Parse a YAML file into a :class:`Node`, or raise InputError with the parser's line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from exc
    loader = _Loader(text)
    try:
        data = _Builder(path, loader).document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(path, line, f"malformed YAML: {problem}") from exc
    except yaml.YAMLError as exc:
        raise InputError(path, None, f"malformed YAML: {exc}") from exc
    finally:
        loader.dispose()
    if data is None:
        raise InputError(path, None, "the file is empty")
    return Node(data, path, 1)


def _line(node: yaml.Node | yaml.Event) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    """Builds LineMap, LineSeq and scalars straight from the parser's events.

    Working from events with an explicit stack, rather than from PyYAML's composed nodes, keeps a
    deeply nested file from exhausting the C stack (libyaml's composer recurses), and lets an alias
    be refused at its own line before anything is expanded.
    """

    def __init__(self, path: Path, loader: Any) -> None:
        self.path = path
        self.loader = loader

    def document(self) -> Any:
        loader, path = self.loader, self.path
        stack: list[tuple[Any, int]] = []  # (container, line); a mapping's pending key is kept below
        pending_keys: list[tuple[Any, int] | None] = []
        root: Any = None
        documents = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise InputError(path, _line(event), "malformed YAML: expected a single document, found another")
                continue
            if isinstance(event, yaml.AliasEvent):
                raise InputError(
                    path, _line(event), "YAML aliases (*name) are not accepted: write the value out in full"
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise InputError(path, _line(event), f"malformed YAML: nested more than {MAX_DEPTH} levels deep")
                if stack and isinstance(stack[-1][0], LineMap) and pending_keys[-1] is None:
                    raise InputError(path, _line(event), "malformed YAML: a mapping key must be a plain value")
                container: Any
                if isinstance(event, yaml.MappingStartEvent):
                    container = LineMap()
                    container.key_lines = {}
                else:
                    container = LineSeq()
                    container.item_lines = []
                stack.append((container, _line(event)))
                pending_keys.append(None)
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                value, line = stack.pop()
                pending_keys.pop()
            elif isinstance(event, yaml.ScalarEvent):
                line = _line(event)
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(ScalarNode, event.value, event.implicit)
                value = _scalar(ScalarNode(tag, event.value, event.start_mark, event.end_mark), path)
                if stack and isinstance(stack[-1][0], LineMap) and pending_keys[-1] is None:
                    mapping = stack[-1][0]
                    if value in mapping:
                        raise InputError(
                            path, line, f"duplicate key '{value}' (first given at line {mapping.key_lines[value]})"
                        )
                    pending_keys[-1] = (value, line)
                    continue
            else:  # stream and document ends
                continue
            if not stack:
                root = value
                continue
            parent = stack[-1][0]
            if isinstance(parent, LineMap):
                key, key_line = pending_keys[-1]  # type: ignore[misc]
                parent[key] = value
                parent.key_lines[key] = key_line
                pending_keys[-1] = None
            else:
                parent.append(value)
                parent.item_lines.append(line)
        return root


def _scalar(node: ScalarNode, path: Path) -> Any:
    tag, text = node.tag, node.value
    problem = control_character(text)
    if problem is not None:
        raise InputError(path, _line(node), f"a control character ({problem}) in '{shown(text)}': remove it")
    if tag == _TAG + "str":
        return text
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return text.lower() == "true"
    if tag == _TAG + "int":
        if text.startswith(("0o", "0x")):
            return int(text, 0)
        return int(text)
    if tag == _TAG + "float":
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        return float(text)
    if tag == _TAG + "timestamp":
        try:
            return _TIMESTAMPS.construct_yaml_timestamp(node)
        except ValueError as exc:
            raise InputError(path, _line(node), f"not a valid date: '{text}' ({exc})") from exc
    raise InputError(path, _line(node), f"unsupported YAML tag '{tag}' on '{text}'")


@dataclass(frozen=True)
class Node:
    """A YAML value with the file and 1-based line it came from."""

    value: Any
    file: Path
    line: int

    def error(self, message: str) -> InputError:
        """An InputError located at this node."""
        return InputError(self.file, self.line, message)

    # ------------------------------------------------------------ mappings

    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    def mapping(self, what: str) -> Node:
        """This node, checked to be a mapping."""
        if not isinstance(self.value, dict):
            raise self.error(f"{what} must be a mapping (key: value), not {_kind(self.value)}")
        return self

    def keys(self) -> list[str]:
        return [str(k) for k in self.value]

    def get(self, key: str) -> Node | None:
        """The value under key, or None when the key is absent."""
        if key not in self.value:
            return None
        return Node(self.value[key], self.file, self._key_line(key))

    def require(self, key: str, what: str) -> Node:
        """The value under key; an error naming the key when it is missing."""
        node = self.get(key)
        if node is None:
            raise self.error(f"{what} needs the key '{key}'")
        return node

    def only_keys(self, allowed: set[str], what: str) -> None:
        """Reject keys outside allowed, naming the offending key and its line."""
        for key in self.value:
            if str(key) not in allowed:
                line = self._key_line(key)
                raise InputError(
                    self.file,
                    line,
                    f"unknown key '{key}' in {what}; allowed keys: {', '.join(sorted(allowed))}",
                )

    def items(self) -> Iterator[tuple[str, Node]]:
        for key in self.value:
            yield str(key), Node(self.value[key], self.file, self._key_line(key))

    def _key_line(self, key: Any) -> int:
        if isinstance(self.value, LineMap):
            return self.value.key_lines.get(key, self.line)
        return self.line

    # --------------------------------------------------------------- lists

    def seq(self, what: str) -> list[Node]:
        """The items of a list; a single scalar counts as a list of one."""
        if isinstance(self.value, list):
            out = []
            for i, item in enumerate(self.value):
                line = self.value.item_lines[i] if isinstance(self.value, LineSeq) else self.line
                out.append(Node(item, self.file, line))
            return out
        if isinstance(self.value, dict):
            raise self.error(f"{what} must be a list or a single value, not a mapping")
        return [self]

    # ------------------------------------------------------------- scalars

    def text(self, what: str) -> str:
        """A non-empty string (numbers are refused, so '103' must be quoted)."""
        if not isinstance(self.value, str):
            raise self.error(f"{what} must be a string, not {_kind(self.value)}")
        if not self.value.strip():
            raise self.error(f"{what} must not be empty")
        return str(self.value)

    def integer(self, what: str) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(f"{what} must be a whole number, not {_kind(self.value)}")
        return int(self.value)

    def date_text(self, what: str) -> str:
        """A date as YYYY, YYYY-MM or YYYY-MM-DD text, whether or not YAML parsed it."""
        value = self.value
        if isinstance(value, dt.datetime):
            raise self.error(f"{what} must be a date, not a date and time")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:04d}"
        if isinstance(value, str):
            return value.strip()
        raise self.error(f"{what} must be a date (YYYY, YYYY-MM or YYYY-MM-DD), not {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value}"
    return f"'{value}'"
