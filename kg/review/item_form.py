"""An item as the page's forms send it (JSON), checked by :func:`clean_item` to be one the annotation format
can hold before any edit is made; the metadata record's fields are checked value by value the same way.
"""

from __future__ import annotations

from typing import Any

from kg.curation.annotation_reader import (
    CASUALTY_KEYS,
    DATE_KEYS,
    FACT_KEYS,
    LOCAL_ENTITY_KEYS,
    RESPONSE_KEYS,
    REVIEW_STATES,
    STATEMENT_KEYS,
)
from kg.curation.yamlsrc import CONTROL_CHARACTERS
from kg.review.files import ReviewError, shown

#: the two lists of an annotation file, in the order the page shows them
SECTIONS = ("entities", "facts")
#: the keys a fact's body may have, by body
BODY_KEYS = {
    "statement": STATEMENT_KEYS,
    "casualties": CASUALTY_KEYS,
    "response": RESPONSE_KEYS,
}
MAX_TEXT = 20_000  # characters in any one value sent by the page
MAX_DEPTH = 6


def clean_item(section: str, data: Any) -> dict[str, Any]:
    """An item as the page sent it (JSON), checked to be one the annotation format can hold.

    The check is of form only (known keys, plain values, no control characters); whether the item is right
    is for the curator check to say, at its line.

    Raises:
        ReviewError: 400, naming what is wrong.
    """
    if section not in SECTIONS:
        raise ReviewError(404, f"an annotation file has entities and facts, not '{shown(section)}'")
    if not isinstance(data, dict):
        raise ReviewError(400, "an item is a mapping of keys to values")
    allowed = LOCAL_ENTITY_KEYS if section == "entities" else FACT_KEYS
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ReviewError(
            400, f"unknown key '{shown(unknown[0])}' in {noun(section)}: allowed {', '.join(sorted(allowed))}"
        )
    for body, keys in BODY_KEYS.items():
        value = data.get(body)
        if isinstance(value, dict):
            extra = sorted(str(k) for k in value if k not in keys)
            if extra:
                raise ReviewError(
                    400, f"unknown key '{shown(extra[0])}' in a {body} body: allowed {', '.join(sorted(keys))}"
                )
    review = data.get("review")
    if review is not None and review not in REVIEW_STATES:
        raise ReviewError(400, f"a review state is one of {', '.join(REVIEW_STATES)}")
    cleaned = {str(k): clean_value(v, str(k), 0) for k, v in data.items()}
    return {k: v for k, v in cleaned.items() if v is not None}


def clean_value(value: Any, key: str, depth: int) -> Any:
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
        items = [clean_value(v, key, depth + 1) for v in value]
        items = [v for v in items if v is not None]
        return items or None
    if isinstance(value, dict):
        mapping = {str(k): clean_value(v, str(k), depth + 1) for k, v in value.items()}
        if key in ("date", "date_published"):
            unknown = sorted(k for k in mapping if k not in DATE_KEYS | {"quote", "occurrence"})
            if unknown:
                raise ReviewError(400, f"unknown key '{shown(unknown[0])}' in a date")
        mapping = {k: v for k, v in mapping.items() if v is not None}
        return mapping or None
    raise ReviewError(400, f"'{key}' has a value the annotation format cannot hold")


def noun(section: str) -> str:
    return "entity" if section == "entities" else "fact"
