"""Finding the dates a sentence gives, as written, and resolving them to ISO values only when the text allows.

:func:`dates_in` returns every date expression of a sentence as a :class:`FoundDate`: the words as
written (with the "on" or "in" that introduces them, as curators write them), their offsets, the
ISO value (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) when it can be resolved, and the event a
relative phrase counts from. A value is never guessed: where the anchor a phrase needs is missing,
the phrase is returned without a value. Every value agrees with its words by
:func:`kg.curation.dates.disagreements` (a value that would not is dropped).

Rules, each with the general pattern it covers:

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
- **relative to an event the phrase names**: "over 24 hours after the explosions", "two days after
  the attack", "the day after the bombings", "a week before the attack": the date the article
  gives for that event (the main attack, or a registry event named there) plus or minus whole days;
  hours count only in whole days, and only exactly or with "over"/"more than" ("nearly 24 hours" may
  be the same day: no value). ``relative_to`` names the event.
- **relative to the event just dated**: "the next day", "the following day", "a day later", "two
  days later": the event whose date is the last date given before the phrase, in the same or the
  previous sentence, when that date is one the article gives for an event.
- **anniversary**: "the fourth anniversary of Soleimani’s assassination", "on the anniversary of
  the attack": the event's date (day precision) plus the ordinal in years, or without an ordinal
  the latest anniversary on or before the publication date. The event is a registry event named
  there, or "X’s killing / assassination / death", "the killing of X" for a registry event whose
  names include X's name and such a word.
- The words as written of a relative phrase include the event's name ("over 24 hours after the
  explosions"), unless that name holds a year of its own ("on the third anniversary of the 2027
  strike"): they then stop before it ("on the third anniversary"), so that they name no year the
  date is not in.

The event dates these anchors need come from :func:`kg.drafting.events.event_dates` (the dates the
article states for the main attack and for earlier incidents); a caller may pass its own.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from kg.curation import dates as kgdates
from kg.drafting import context
from kg.drafting.analysis import Analysis, Mention, Sentence

MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_ABBR = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTH_ABBR["sept"] = 9
WEEKDAY_NAMES = {name.lower(): i for i, name in enumerate(calendar.day_name)}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}  # fmt: skip
SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "twenty-four": 24, "forty-eight": 48, "seventy-two": 72,
}  # fmt: skip

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

_UNITS = {"hour": 1 / 24, "hours": 1 / 24, "day": 1, "days": 1, "week": 7, "weeks": 7}
_NUMBER = r"(?i:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twenty-four|forty-eight|seventy-two)"
_EVENT_OFFSET = re.compile(
    rf"\b(?:(?P<q>[Oo]ver|[Mm]ore than|[Jj]ust over|[Nn]early|[Aa]lmost|[Aa]bout|[Aa]round|[Ss]ome|[Jj]ust|"
    rf"[Bb]arely|[Ll]ess than|[Aa]t least|[Aa]pproximately|[Rr]oughly)\s+)?(?P<n>{_NUMBER})\s+"
    rf"(?P<unit>hours?|days?|weeks?)\s+(?P<dir>after|before)\s+"
)
_DAY_AFTER = re.compile(r"\b(?:[Oo]n\s+)?(?:[Tt]he\s+)?(?P<unit>day|morning|evening|night)\s+(?P<dir>after|before)\s+")
_UNNAMED = re.compile(
    r"\b(?:(?:[Oo]n\s+)?[Tt]he\s+(?:following|next)\s+(?:day|morning|evening)|"
    rf"(?P<n>{_NUMBER})\s+(?P<unit>days?|weeks?)\s+later|[Tt]he\s+day\s+after)\b(?!\s+(?:the|this|that|[A-Z]))"
)
_ANNIVERSARY = re.compile(
    r"\b(?:[Oo]n\s+)?[Tt]he\s+(?:(?P<ord>" + "|".join(ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))\s+)?"
    r"(?:[a-z]+\s+)?anniversary\s+of\s+"
)
_KILLING_WORDS = ("killing", "assassination", "death", "murder")
#: qualifiers under which "N hours after" still fixes the day
_DAY_SAFE = {None, "over", "more than", "just over"}


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


def dates_in(analysis: Analysis, sentence: Sentence, anchors: Mapping[str, FoundDate] | None = None) -> list[FoundDate]:
    """The date expressions of a sentence, in text order, resolved where the text allows.

    Args:
        analysis: The article.
        sentence: One of its sentences.
        anchors: The date the article gives for each event (event id -> the date found for it),
            which relative phrases count from; by default :func:`kg.drafting.events.event_dates`.
            Pass ``{}`` to resolve only what needs no event.

    Returns:
        Every date expression, longest first where two overlap; ``value`` is None where no anchor
        allows a value.
    """
    if anchors is None:
        from kg.drafting import events  # events uses this module: imported here, when first needed

        anchors = events.event_dates(analysis)
    found = _absolute(analysis, sentence)
    found.extend(_relative(analysis, sentence, anchors))
    found = _longest(found)
    return [_checked(f) for f in found]


def _checked(found: FoundDate) -> FoundDate:
    """The date without its value when the value disagrees with the words (never expected; a safety net)."""
    if found.value is not None and kgdates.disagreements(found.value, found.text):
        return replace(found, value=None)
    return found


def _longest(found: list[FoundDate]) -> list[FoundDate]:
    kept: list[FoundDate] = []
    for item in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        if any(item.start < k.end and k.start < item.end for k in kept):
            continue
        kept.append(item)
    return sorted(kept, key=lambda f: f.start)


# ------------------------------------------------------------- absolute dates


def _absolute(analysis: Analysis, sentence: Sentence) -> list[FoundDate]:
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


# ------------------------------------------------------------- relative dates


def event_at(analysis: Analysis, sentence: Sentence, offset: int) -> tuple[str, int] | None:
    """The event the words at ``offset`` name, and where its name ends (see the module docstring).

    Args:
        analysis: The article.
        sentence: The sentence holding the words.
        offset: Where the event's name should start ("after |the explosions").

    Returns:
        (event id, end of its name), or None when the words name no event the drafter knows.
    """
    for ref in context.attack_refs(analysis, sentence):
        if offset <= ref.start <= offset + 4:
            return ref.entity, ref.end
    killing = re.match(rf"(?:the\s+)?(?:{'|'.join(_KILLING_WORDS)})\s+of\s+", analysis.text[offset:])
    for mention in context.distinct(analysis.mentions_in(offset, sentence.end)):
        lead = mention.start - offset
        if not mention.known or lead > (killing.end() + 20 if killing else 4):
            break
        if any(t in context.EVENT_CLASSES for t in mention.types) and lead <= 4:
            return mention.entity, mention.end
        if "Person" in mention.types:
            owned = re.match(rf"[’']s\s+(?:{'|'.join(_KILLING_WORDS)})\b", analysis.text[mention.end :])
            title = analysis.text[offset + killing.end() : mention.start] if killing else None
            if title is not None and re.fullmatch(r"(?:[A-Z][\w.]*\s+)?", title):  # "the killing of General X"
                return _killing_of(analysis, mention, mention.end)
            if owned and lead <= 4:
                return _killing_of(analysis, mention, mention.end + owned.end())
    return None


def _killing_of(analysis: Analysis, person: Mention, end: int) -> tuple[str, int] | None:
    """The registry event whose name is the killing of this person ("killing of Qasem Soleimani"), if one is."""
    family = {w for name in context.entity_names(analysis, person.entity) for w in name.split() if len(w) > 3}
    matches = []
    for slug in analysis.registry:
        if not any(t in context.EVENT_CLASSES for t in context.entity_types(analysis, slug)):
            continue
        for name in context.entity_names(analysis, slug):
            head = re.match(
                rf"(?:the\s+)?(?:{context.YEAR}\s+)?(?:{'|'.join(_KILLING_WORDS)})\s+of\s+(?P<who>.+)", name, re.I
            )
            if head and any(f.lower() in head.group("who").lower() for f in family):
                matches.append(slug)  # the killing is what the event is, not what it was for
                break
    return (matches[0], end) if len(matches) == 1 else None


def _relative(analysis: Analysis, sentence: Sentence, anchors: Mapping[str, FoundDate]) -> list[FoundDate]:
    found: list[FoundDate] = []
    text = sentence.text
    for match in _EVENT_OFFSET.finditer(text):
        days = _offset_days(match)
        found.extend(_counted(analysis, sentence, match, days, anchors))
    for match in _DAY_AFTER.finditer(text):
        days = 1 if match.group("dir") == "after" else -1
        found.extend(_counted(analysis, sentence, match, days, anchors))
    for match in _UNNAMED.finditer(text):
        found.extend(_unnamed(analysis, sentence, match, anchors))
    for match in _ANNIVERSARY.finditer(text):
        found.extend(_anniversary(analysis, sentence, match, anchors))
    return found


def _offset_days(match: re.Match[str]) -> int | None:
    """Whole days from "N hours/days/weeks after|before"; None when the words do not fix the day."""
    qualifier = (match.group("q") or "").lower() or None
    word = match.group("n").lower()
    number = int(word) if word.isdigit() else SMALL_NUMBERS.get(word)
    if number is None:
        return None
    unit = match.group("unit").lower()
    sign = 1 if match.group("dir") == "after" else -1
    if unit.startswith("hour"):
        if number % 24 or qualifier not in _DAY_SAFE or sign < 0:
            return None
        return number // 24
    if qualifier not in (None, "just"):
        return None
    return sign * number * int(_UNITS[unit])


def _counted(
    analysis: Analysis, sentence: Sentence, match: re.Match[str], days: int | None, anchors: Mapping[str, FoundDate]
) -> list[FoundDate]:
    named = event_at(analysis, sentence, sentence.start + match.end())
    if named is None:
        return []
    event, event_end = named
    start = sentence.start + match.start()
    end = _words_end(analysis, sentence.start + match.end(), event_end)
    found = FoundDate(
        analysis.text[start:end].rstrip(),
        start,
        start + len(analysis.text[start:end].rstrip()),
        "event-relative",
        relative_to=event,
    )
    anchor = anchors.get(event)
    if days is None or anchor is None or anchor.value is None or anchor.value.day is None:
        return [found]
    day = _as_date(anchor.value) + dt.timedelta(days=days)
    return [replace(found, value=kgdates.parse_iso(day.isoformat()))]


def _words_end(analysis: Analysis, event_start: int, event_end: int) -> int:
    """Where the words as written end: after the event's name, unless the name holds a year of its own
    ("two days after the 2027 strike" would name a year the date is not in): then before it."""
    if re.search(rf"\b{_YEAR}\b", analysis.text[event_start:event_end]):
        return event_start
    return event_end


def _as_date(value: kgdates.ResolvedDate) -> dt.date:
    assert value.month is not None and value.day is not None
    return dt.date(value.year, value.month, value.day)


def _unnamed(
    analysis: Analysis, sentence: Sentence, match: re.Match[str], anchors: Mapping[str, FoundDate]
) -> list[FoundDate]:
    start, end = sentence.start + match.start(), sentence.start + match.end()
    text = analysis.text[start:end]
    found = FoundDate(text, start, end, "event-relative")
    days = 1
    if match.group("n"):
        number = SMALL_NUMBERS.get(match.group("n").lower()) or (
            int(match.group("n")) if match.group("n").isdigit() else 0
        )
        days = number * int(_UNITS[match.group("unit").lower()])
    previous = _last_date_before(analysis, sentence, start)
    if previous is None:
        return [found]
    for event, anchor in anchors.items():
        if anchor.start == previous.start and anchor.value is not None and anchor.value.day is not None:
            day = _as_date(anchor.value) + dt.timedelta(days=days)
            return [replace(found, value=kgdates.parse_iso(day.isoformat()), relative_to=event)]
    return [found]


def _last_date_before(analysis: Analysis, sentence: Sentence, offset: int) -> FoundDate | None:
    """The last absolute date given before an offset, in its sentence or the one before."""
    index = analysis.sentences.index(sentence) if sentence in analysis.sentences else -1
    scope = [sentence] if index <= 0 else [analysis.sentences[index - 1], sentence]
    earlier = [f for s in scope for f in _absolute(analysis, s) if f.end <= offset]
    earlier = _longest(earlier)
    return earlier[-1] if earlier else None


def _anniversary(
    analysis: Analysis, sentence: Sentence, match: re.Match[str], anchors: Mapping[str, FoundDate]
) -> list[FoundDate]:
    named = event_at(analysis, sentence, sentence.start + match.end())
    if named is None:
        return []
    event, event_end = named
    start = sentence.start + match.start()
    end = _words_end(analysis, sentence.start + match.end(), event_end)
    text = re.sub(r"\s+of\s*$", "", analysis.text[start:end])
    found = FoundDate(text, start, start + len(text), "anniversary", relative_to=event)
    anchor = anchors.get(event)
    if anchor is None or anchor.value is None or anchor.value.day is None:
        return [found]
    base = _as_date(anchor.value)
    ordinal = match.group("ord")
    if ordinal:
        years = ORDINALS.get(ordinal.lower()) or int(re.match(r"\d+", ordinal).group())  # type: ignore[union-attr]
    elif analysis.published is not None:
        years = analysis.published.year - base.year
        if _replace_year(base, analysis.published.year) > analysis.published:
            years -= 1
    else:
        return [found]
    if years < 1:
        return [found]
    day = _replace_year(base, base.year + years)
    return [replace(found, value=kgdates.parse_iso(day.isoformat()))]


def _replace_year(date: dt.date, year: int) -> dt.date:
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February
        return date.replace(year=year, day=28)
