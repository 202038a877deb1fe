"""Quotes as places in the article's text: where an item's quotes sit, and the quote of the passages the
curator selected, counted in code points here and in UTF-16 code units in the browser.
"""

from __future__ import annotations

from typing import Any

from kg.curation import quotes
from kg.review.files import ReviewError, shown


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
            raise ReviewError(400, f"the passage '{shown(quote)}' is not in the article")
        at = code_points(text, start) if isinstance(start, int) and not isinstance(start, bool) else None
        occurrence = starts.index(at) + 1 if at in starts else 1
        items.append((quote, occurrence))
    if len(items) == 1:
        quote, occurrence = items[0]
        return {"quote": quote, **({"occurrence": occurrence} if occurrence > 1 else {})}
    return {"quote": [q if n == 1 else {"text": q, "occurrence": n} for q, n in items]}


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
