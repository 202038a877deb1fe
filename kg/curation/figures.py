"""Reading a casualty figure as written into its qualifier and number.

"at least 84" is qualifier *at least* and number "84"; "nearly 100" is
*nearly* and "100"; "more than a hundred" is *more than* and "a hundred"
(count 100); a bare "103" is *exactly*. The number is never rounded: the
count is the number written. A figure the parser cannot read gets an error
asking the curator to give ``count`` and ``qualifier`` explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: qualifier phrase (lower case) -> local name of the FigureQualifier individual
QUALIFIER_PHRASES = {
    "at least": "atLeast",
    "more than": "moreThan",
    "over": "moreThan",
    "upwards of": "moreThan",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "about": "approximately",
    "around": "approximately",
    "approximately": "approximately",
    "roughly": "approximately",
    "some": "approximately",
}
QUALIFIERS = {"exactly", "atLeast", "moreThan", "nearly", "approximately"}

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "a hundred": 100, "one hundred": 100, "a thousand": 1000, "one thousand": 1000,
}  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """A figure split into its parts."""

    as_written: str
    number_as_written: str
    count: int
    qualifier: str


def parse_figure(as_written: str) -> Figure:
    """Split a figure as written; ValueError when it cannot be read."""
    text = as_written.strip()
    qualifier = "exactly"
    rest = text
    for phrase in sorted(QUALIFIER_PHRASES, key=len, reverse=True):
        if text.lower().startswith(phrase + " "):
            qualifier = QUALIFIER_PHRASES[phrase]
            rest = text[len(phrase) :].strip()
            break
    if re.fullmatch(r"\d{1,3}(,\d{3})*|\d+", rest):
        return Figure(as_written, rest, int(rest.replace(",", "")), qualifier)
    if rest.lower() in _WORD_NUMBERS:
        return Figure(as_written, rest, _WORD_NUMBERS[rest.lower()], qualifier)
    raise ValueError(
        f"cannot read the figure '{as_written}'; write it as the article does "
        "(e.g. 'at least 84') or give 'count' and 'qualifier' explicitly"
    )
