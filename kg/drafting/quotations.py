"""The article's quotations and paragraphs: where quoted words start and end, and the line holding an offset.

Curly quotation marks pair “ with ”; straight ones pair in order; per line, so a quotation that
spans two sentences ("...Soleimani.” “They detonated...”) is found whole. A paragraph is a line.
"""

from __future__ import annotations

import re

from kg.drafting.analysis import Analysis
from kg.drafting.context import memo


def quotations(analysis: Analysis) -> list[tuple[int, int]]:
    """Spans of the quotations in the text, quotation marks included, line by line."""
    return memo(analysis, "quotations", lambda: _quotations(analysis.text))


def _quotations(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        straight: int | None = None
        for i, char in enumerate(line.group(), start=line.start()):
            if char == "“" and opened is None:
                opened = i
            elif char == "”" and opened is not None:
                spans.append((opened, i + 1))
                opened = None
            elif char == '"':
                if straight is None:
                    straight = i
                else:
                    spans.append((straight, i + 1))
                    straight = None
        for left in (opened, straight):
            if left is not None:
                spans.append((left, line.end()))
    return sorted(spans)


def quotation_at(analysis: Analysis, start: int, end: int) -> tuple[int, int] | None:
    """The quotation that holds [start, end), if any."""
    for lo, hi in quotations(analysis):
        if lo < start and end <= hi:
            return (lo, hi)
    return None


def in_quotation(analysis: Analysis, start: int, end: int) -> bool:
    return quotation_at(analysis, start, end) is not None


def paragraph(analysis: Analysis, offset: int) -> tuple[int, int]:
    """The line (paragraph) that holds an offset."""
    lo = analysis.text.rfind("\n", 0, offset) + 1
    hi = analysis.text.find("\n", offset)
    return lo, len(analysis.text) if hi < 0 else hi


def outside_quotations(analysis: Analysis, start: int, end: int) -> str:
    """The text of [start, end) with quotations blanked out (offsets kept)."""
    chars = list(analysis.text[start:end])
    for lo, hi in quotations(analysis):
        for i in range(max(lo, start), min(hi, end)):
            chars[i - start] = " "
    return "".join(chars)
