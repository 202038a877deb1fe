"""Reading the curator's YAML files with line numbers for every error.

The corpus is hand-written YAML (article metadata, annotations, the entity
registry). ruamel.yaml's round-trip loader keeps the line of every mapping
key and list item, so a problem deep in a file is reported at its own line.
:class:`Node` wraps a loaded value with the file and line it came from and
offers typed accessors that raise :class:`~kg.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kg.errors import InputError


def load_yaml(path: Path) -> Node:
    """Parse a YAML file into a :class:`Node`, or raise InputError with the parser's line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from exc
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(path, line, f"malformed YAML: {problem}") from exc
    except YAMLError as exc:
        raise InputError(path, None, f"malformed YAML: {exc}") from exc
    if data is None:
        raise InputError(path, None, "the file is empty")
    return Node(data, path, 1)


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
        if isinstance(self.value, CommentedMap):
            try:
                return int(self.value.lc.key(key)[0]) + 1
            except (KeyError, TypeError):
                pass
        return self.line

    # --------------------------------------------------------------- lists

    def seq(self, what: str) -> list[Node]:
        """The items of a list; a single scalar counts as a list of one."""
        if isinstance(self.value, list):
            out = []
            for i, item in enumerate(self.value):
                line = self.line
                if isinstance(self.value, CommentedSeq):
                    try:
                        line = int(self.value.lc.item(i)[0]) + 1
                    except (KeyError, TypeError):
                        pass
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
