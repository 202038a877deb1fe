"""Dates as the articles give them, resolved to ISO dates and checked.

A curator writes a date as ``{date: 2024-01-04, as_written: "on Thursday"}``:
the ISO value (a day, a month or a year) and the article's own words. The
build checks that the words occur in the fact's quote and that they agree
with the value: a weekday named must be the weekday of the date, a month
named must be its month, a four-digit year its year, and a day number next to
a month name its day. Relative phrasings ("over 24 hours after the
explosions") name the event they count from with ``relative_to``. The graph
keeps both the value (typed xsd:date, xsd:gYearMonth or xsd:gYear) and the
words (``kgo:dateAsWritten``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from rdflib import Literal
from rdflib.namespace import XSD

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})


@dataclass(frozen=True)
class ResolvedDate:
    """An ISO date at day, month or year precision."""

    iso: str
    year: int
    month: int | None
    day: int | None

    def literal(self) -> Literal:
        if self.day is not None:
            return Literal(self.iso, datatype=XSD.date)
        if self.month is not None:
            return Literal(self.iso, datatype=XSD.gYearMonth)
        return Literal(self.iso, datatype=XSD.gYear)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 1, self.day or 1)


def parse_iso(text: str) -> ResolvedDate:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        raise ValueError(f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"'{text}' has no month {month}")
    if day is not None:
        assert month is not None
        dt.date(year, month, day)  # raises ValueError for 2024-02-30
    return ResolvedDate(text, year, month, day)


def disagreements(value: ResolvedDate, as_written: str) -> list[str]:
    """Ways in which the article's words contradict the ISO value (empty when they agree)."""
    problems = []
    words = as_written.lower()
    for name, weekday in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", words):
            if value.day is None or value.month is None:
                problems.append(f"'{as_written}' names a weekday but {value.iso} is not a full date")
            elif dt.date(value.year, value.month, value.day).weekday() != weekday:
                actual = calendar.day_name[dt.date(value.year, value.month, value.day).weekday()]
                problems.append(f"'{as_written}' says {name.title()} but {value.iso} is a {actual}")
    for match in re.finditer(r"\b([a-z]+)\.?\s+(\d{1,2})\b", words):
        month = MONTHS.get(match.group(1))
        if month is not None and value.day is not None and int(match.group(2)) != value.day:
            problems.append(f"'{as_written}' gives day {match.group(2)} but {value.iso} is day {value.day}")
    for name, month in MONTHS.items():
        if len(name) > 3 and re.search(rf"\b{name}\b", words) and value.month != month:
            problems.append(f"'{as_written}' names {name.title()} but {value.iso} is not in that month")
    for year in re.findall(r"\b(\d{4})\b", words):
        if int(year) != value.year:
            problems.append(f"'{as_written}' gives the year {year} but {value.iso} is in {value.year}")
    return problems
