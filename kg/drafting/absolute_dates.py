"""Date expressions that stand on their own or count from the publication date, and the form every date takes.

Every date expression :func:`kg.drafting.dates.dates_in` finds is a :class:`FoundDate`; the rules here
resolve a date from its own words or from the publication date, the ones of :mod:`kg.drafting.dates` from
the date the article gives an event. Rules, each with the general pattern it covers:

- **ISO date**: "2024-01-04".
- **month and day, with or without weekday and year**: "January 3, 2024", "Jan. 3", "on Wednesday,
  January 3", "3 January 2024", "the 3rd of January". With a year it stands alone; without one, the
  year is the one that puts the day nearest the publication date (and, when a weekday is named,
  makes it that weekday); no publication date, no value.
- **month and year**: "January 2020", "in January 2020".
- **month alone**: "in March", "since December": the nearest such month to the publication date.
- **year**: "in 2020", "In 2023", "the 2017 attacks", "since 1979": a year from 1800 to 2099 that is
  not a count ("2000 people").
- **weekday**: "on Wednesday", "Thursday", "last Friday": the latest such day on or before the
  publication date ("last" excludes the day itself); "next Monday" and "this Monday" are left
  unresolved.
- **relative to publication**: "today", "tonight", "this morning", "yesterday", "this month",
  "earlier this month", "last month", "this year", "last year"; "last week" names no day, month or
  year and is left unresolved.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from kg.curation import dates as kgdates
from kg.drafting import context
from kg.drafting.analysis import Analysis, Sentence

MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_ABBR = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTH_ABBR["sept"] = 9
WEEKDAY_NAMES = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH_FULL = "|".join(calendar.month_name[1:])
_MONTH = rf"(?:{_MONTH_FULL}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
_WEEKDAY = "(?:" + "|".join(calendar.day_name) + ")"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = context.YEAR
_PREP = r"(?:(?P<prep>[Oo]n|[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Dd]uring|[Ff]rom|[Oo]f|[Bb]efore|[Aa]fter)\s+)?"
#: words after a four-digit number that make it a count, not a year
_COUNT_NOUNS = (
    r"people|persons|individuals|dead|killed|injured|wounded|deaths|injuries|casualties|troops|soldiers|"
    r"members|fighters|civilians|others|lives|victims|mourners|pilgrims|men|women|children|pounds|kg|km|meters|"
    r"metres|miles|dollars|euros|rials|times|votes"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")),
    (
        "month-day",
        re.compile(
            rf"\b{_PREP}(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<mon>{_MONTH})\.?\s+(?P<d>{_DAY})\b(?!:)(?!\s*(?:{_COUNT_NOUNS})\b)"
            rf"(?:,?\s+(?P<y>{_YEAR})\b)?"
        ),
    ),
    (
        "day-month",
        re.compile(
            rf"\b{_PREP}(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH})\b\.?"
            rf"(?:,?\s+(?P<y>{_YEAR})\b)?"
        ),
    ),
    ("month-year", re.compile(rf"\b{_PREP}(?P<mon>{_MONTH_FULL})\s+(?:of\s+)?(?P<y>{_YEAR})\b")),
    (
        "month",
        re.compile(
            rf"\b(?P<prep>[Ii]n|[Ss]ince|[Uu]ntil|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id-?)\s*(?P<mon>{_MONTH_FULL})\b(?!\s*\d)"
        ),
    ),
    (
        "year",
        re.compile(rf"(?<![\d,.$-]){_PREP}(?P<y>{_YEAR})\b(?![-–]\d|,\d|\.\d)(?P<count>\s*(?:{_COUNT_NOUNS})\b)?"),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]revious)\s+|(?P<prep>[Oo]n|[Ll]ate|[Ee]arly)\s+)?"
            rf"(?P<wd>{_WEEKDAY})(?:[’']s)?\b"
        ),
    ),
    (
        "publication",
        re.compile(
            r"\b(?P<rel>[Tt]oday|[Tt]onight|[Yy]esterday|[Tt]his (?:morning|afternoon|evening)|"
            r"(?:[Ee]arlier )?[Tt]his (?:month|year)|[Ll]ast (?:month|year|week))\b"
        ),
    ),
]


@dataclass(frozen=True)
class FoundDate:
    """A date expression of the text.

    Attributes:
        text: The words as written (``as_written``), with the "on"/"in" that introduces them.
        start: Offset of the words in the article.
        end: End offset (exclusive).
        kind: Which rule found it: ``iso``, ``month-day``, ``day-month``, ``month-year``, ``month``,
            ``year``, ``weekday``, ``publication``, ``event-relative``, ``anniversary``.
        value: The resolved date, or None where the text gives no anchor to resolve it.
        relative_to: The event the phrase counts from (relative and anniversary phrases).
        preposition: The word that introduces it ("on", "in", "since", ...), lower case, or "".
    """

    text: str
    start: int
    end: int
    kind: str
    value: kgdates.ResolvedDate | None = None
    relative_to: str | None = None
    preposition: str = ""

    @property
    def iso(self) -> str | None:
        return self.value.iso if self.value is not None else None

    def body(self) -> dict[str, Any]:
        """The date as the curator format writes it: ``{date, as_written[, relative_to]}``."""
        if self.value is None:
            raise ValueError(f"'{self.text}' has no resolved date")
        body: dict[str, Any] = {"date": self.value.iso, "as_written": self.text}
        if self.relative_to:
            body["relative_to"] = self.relative_to
        return body


def longest(found: list[FoundDate]) -> list[FoundDate]:
    kept: list[FoundDate] = []
    for item in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        if any(item.start < k.end and k.start < item.end for k in kept):
            continue
        kept.append(item)
    return sorted(kept, key=lambda f: f.start)


# ------------------------------------------------------------- absolute dates


def absolute(analysis: Analysis, sentence: Sentence) -> list[FoundDate]:
    found = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence.text):
            item = _resolve(analysis, sentence, kind, match)
            if item is not None:
                found.append(item)
    return found


def _span(sentence: Sentence, match: re.Match[str]) -> tuple[int, int, str]:
    """The words as written: from "on"/"in" when one introduces the date, else from the date itself."""
    groups = match.groupdict()
    prep = (groups.get("prep") or "").lower()
    lo = match.start() if prep in ("on", "in") else _first_group_start(match)
    hi = match.start("count") if groups.get("count") else match.end()
    text = sentence.text[lo:hi].rstrip(",. ")
    return sentence.start + lo, sentence.start + lo + len(text), text


def _first_group_start(match: re.Match[str]) -> int:
    starts = [match.start(name) for name, value in match.groupdict().items() if value is not None and name != "prep"]
    return min(starts, default=match.start())


def _resolve(analysis: Analysis, sentence: Sentence, kind: str, match: re.Match[str]) -> FoundDate | None:
    groups = match.groupdict()
    prep = (groups.get("prep") or "").lower()
    start, end, text = _span(sentence, match)
    found = FoundDate(text, start, end, kind, preposition=prep)
    published = analysis.published
    if kind == "iso":
        return replace(found, value=kgdates.parse_iso(match.group()))
    if kind in ("month-day", "day-month"):
        month = _month(groups["mon"])
        day = int(re.match(r"\d+", groups["d"]).group())  # type: ignore[union-attr]
        weekday = WEEKDAY_NAMES[groups["wd"].lower()] if groups.get("wd") else None
        if groups.get("y"):
            return replace(found, value=_day(int(groups["y"]), month, day, weekday))
        return replace(found, value=_nearest_day(published, month, day, weekday))
    if kind == "month-year":
        return replace(found, value=kgdates.parse_iso(f"{int(groups['y']):04d}-{_month(groups['mon']):02d}"))
    if kind == "month":
        if published is None:
            return found
        month = _month(groups["mon"])
        year = min(
            (published.year - 1, published.year, published.year + 1),
            key=lambda y: (abs((dt.date(y, month, 15) - published).days), -1 if y <= published.year else 1),
        )
        return replace(found, value=kgdates.parse_iso(f"{year:04d}-{month:02d}"))
    if kind == "year":
        if groups.get("count") and not prep:
            return None  # "2000 people": a count, not a year
        return replace(found, value=kgdates.parse_iso(groups["y"]))
    if kind == "weekday":
        rel = (groups.get("rel") or "").lower()
        if rel in ("next", "this") or published is None:
            return found
        weekday = WEEKDAY_NAMES[groups["wd"].lower()]
        back = (published.weekday() - weekday) % 7
        if rel in ("last", "previous") and back == 0:
            back = 7
        resolved = published - dt.timedelta(days=back)
        return replace(found, value=kgdates.parse_iso(resolved.isoformat()))
    if kind == "publication":
        if groups["rel"] in ("Today", "Tonight") and re.match(r"\s+[A-Z]", sentence.text[match.end() :]):
            return None  # "Today IT": a name
        return replace(found, value=_from_publication(published, groups["rel"].lower()))
    return None


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTH_NAMES.get(key) or MONTH_ABBR[key]


def _day(year: int, month: int, day: int, weekday: int | None) -> kgdates.ResolvedDate | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    if weekday is not None and date.weekday() != weekday:
        return None
    return kgdates.parse_iso(date.isoformat())


def _nearest_day(published: dt.date | None, month: int, day: int, weekday: int | None) -> kgdates.ResolvedDate | None:
    """The year that puts the day nearest the publication date (and on its weekday, when one is named)."""
    if published is None:
        return None
    options = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if weekday is None or date.weekday() == weekday:
            options.append(date)
    if not options:
        return None
    best = min(options, key=lambda d: (abs((d - published).days), d > published))
    if abs((best - published).days) > 183:
        return None
    return kgdates.parse_iso(best.isoformat())


def _from_publication(published: dt.date | None, phrase: str) -> kgdates.ResolvedDate | None:
    if published is None:
        return None
    if (
        phrase in ("today", "tonight")
        or phrase.startswith("this ")
        and phrase.split()[1] in ("morning", "afternoon", "evening")
    ):
        return kgdates.parse_iso(published.isoformat())
    if phrase == "yesterday":
        return kgdates.parse_iso((published - dt.timedelta(days=1)).isoformat())
    if phrase.endswith("this month"):
        return kgdates.parse_iso(f"{published.year:04d}-{published.month:02d}")
    if phrase == "last month":
        first = published.replace(day=1) - dt.timedelta(days=1)
        return kgdates.parse_iso(f"{first.year:04d}-{first.month:02d}")
    if phrase.endswith("this year"):
        return kgdates.parse_iso(f"{published.year:04d}")
    if phrase == "last year":
        return kgdates.parse_iso(f"{published.year - 1:04d}")
    return None  # "last week": no day, month or year
