"""The curator's YAML reader: values, the line of every key and item, and clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.curation.yamlsrc import load_yaml
from kg.errors import InputError

DOC = """\
id: fact-1
quote:
  - first part
  - second part
answer: no
time: 10:30
count: 84
zero: 0o17
share: 0.5
when: 2024-01-03
flag: true
nothing:
nested:
  inner: value
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_follow_the_yaml_1_2_core_schema(tmp_path: Path) -> None:
    root = load_yaml(write(tmp_path, DOC))
    value = root.value
    assert value["answer"] == "no"  # YAML 1.1 would say False
    assert value["time"] == "10:30"  # YAML 1.1 would say 630
    assert value["count"] == 84 and value["zero"] == 15 and value["share"] == 0.5
    assert value["when"] == dt.date(2024, 1, 3)
    assert value["flag"] is True and value["nothing"] is None
    assert [n.value for n in root.require("quote", "a fact").seq("quote")] == ["first part", "second part"]


def test_keys_and_items_keep_their_lines(tmp_path: Path) -> None:
    root = load_yaml(write(tmp_path, DOC))
    assert root.require("id", "a fact").line == 1
    assert [n.line for n in root.require("quote", "a fact").seq("quote")] == [3, 4]
    assert root.require("nested", "a fact").require("inner", "nested").line == 14
    with pytest.raises(InputError) as raised:
        root.require("nested", "a fact").require("inner", "nested").integer("inner")
    assert raised.value.line == 14 and "must be a whole number" in str(raised.value)


def test_duplicate_key_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id: a\nquote: x\nid: b\n")
    with pytest.raises(InputError) as raised:
        load_yaml(path)
    assert raised.value.line == 3
    assert "duplicate key 'id' (first given at line 1)" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: a\nquote: [unclosed\n", 3, "malformed YAML"),
        ("", None, "the file is empty"),
        ("# only a comment\n", None, "the file is empty"),
        ("a: 1\n---\nb: 2\n", 2, "malformed YAML"),
        ("a: !!python/name:os.system x\n", 1, "unsupported YAML tag"),
        ("? [a, b]\n: c\n", 1, "a mapping key must be a plain value"),
    ],
)
def test_bad_yaml_is_reported_with_file_and_line(tmp_path: Path, text: str, line: int | None, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as raised:
        load_yaml(path)
    assert raised.value.file == path
    assert raised.value.line == line
    assert message in str(raised.value)


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_bytes(b"id: \xff\n")
    with pytest.raises(InputError, match="not valid UTF-8"):
        load_yaml(path)
