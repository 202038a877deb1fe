"""Finding a curator's verbatim quote in its article.

A quote must occur in the article text exactly, character for character.
Offsets are Unicode code points into the text as decoded from UTF-8, start
inclusive and end exclusive (as NIF and the Web Annotation
TextPositionSelector count). When a quote occurs more than once, the curator
picks which occurrence with ``occurrence: N`` (1 by default). When a quote
is not found, :func:`near_miss` looks for the same words with straight and
curly quotation marks, dashes and spaces folded, so the error can say what
differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


@dataclass(frozen=True)
class Span:
    """Where a quote sits in its article."""

    start: int
    end: int
    occurrences: int


class QuoteNotFound(ValueError):
    """The quote is not in the text, or not as often as asked."""


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of quote in text (overlapping ones included)."""
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def locate(text: str, quote: str, occurrence: int = 1) -> Span:
    """The span of the given occurrence of quote in text.

    Raises:
        QuoteNotFound: the quote is absent, or occurs fewer times than asked.
    """
    starts = occurrences(text, quote)
    if not starts:
        hint = near_miss(text, quote)
        raise QuoteNotFound("quote not found in the article text" + (f" ({hint})" if hint else ""))
    if occurrence < 1 or occurrence > len(starts):
        raise QuoteNotFound(f"occurrence {occurrence} asked, but the quote occurs {len(starts)} time(s) in the text")
    start = starts[occurrence - 1]
    return Span(start, start + len(quote), len(starts))


def _fold(s: str) -> str:
    return re.sub(r"\s+", " ", s.translate(_FOLD))


def near_miss(text: str, quote: str) -> str | None:
    """Say how the quote differs from a close passage of the text, if there is one."""
    folded_quote = _fold(quote)
    if folded_quote and folded_quote in _fold(text):
        return "it occurs with different quotation marks, dashes or spacing: copy it from the text"
    if quote.lower() in text.lower():
        return "it occurs with different upper/lower case"
    return None
