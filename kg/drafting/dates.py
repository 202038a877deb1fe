"""Finding the dates a sentence gives, as written, and resolving them to ISO values only when the text allows.

:func:`dates_in` returns every date expression of a sentence as a
:class:`~kg.drafting.absolute_dates.FoundDate`: the words as written (with the "on" or "in" that introduces
them, as curators write them), their offsets, the ISO value (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) when it
can be resolved, and the event a relative phrase counts from. A value is never guessed: where the anchor a
phrase needs is missing, the phrase is returned without a value. Every value agrees with its words by
:func:`kg.curation.dates.disagreements` (a value that would not is dropped).

Rules for the phrases that count from an event, each with the general pattern it covers (the dates that
stand on their own or count from the publication date are found by :mod:`kg.drafting.absolute_dates`):

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

The event dates these anchors need come from :func:`kg.drafting.events.attack.event_dates` (the dates the
article states for the main attack and for earlier incidents); a caller may pass its own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace

from kg.curation import dates as kgdates
from kg.drafting import context
from kg.drafting.absolute_dates import FoundDate, absolute, longest
from kg.drafting.analysis import Analysis, Mention, Sentence

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}  # fmt: skip
SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "twenty-four": 24, "forty-eight": 48, "seventy-two": 72,
}  # fmt: skip

_YEAR = context.YEAR
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


def dates_in(analysis: Analysis, sentence: Sentence, anchors: Mapping[str, FoundDate] | None = None) -> list[FoundDate]:
    """The date expressions of a sentence, in text order, resolved where the text allows.

    Args:
        analysis: The article.
        sentence: One of its sentences.
        anchors: The date the article gives for each event (event id -> the date found for it),
            which relative phrases count from; by default :func:`kg.drafting.events.attack.event_dates`.
            Pass ``{}`` to resolve only what needs no event.

    Returns:
        Every date expression, longest first where two overlap; ``value`` is None where no anchor
        allows a value.
    """
    if anchors is None:
        from kg.drafting.events import attack as events  # events uses this module: imported here, when first needed

        anchors = events.event_dates(analysis)
    found = absolute(analysis, sentence)
    found.extend(_relative(analysis, sentence, anchors))
    found = longest(found)
    return [_checked(f) for f in found]


def _checked(found: FoundDate) -> FoundDate:
    """The date without its value when the value disagrees with the words (never expected; a safety net)."""
    if found.value is not None and kgdates.disagreements(found.value, found.text):
        return replace(found, value=None)
    return found


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
    phrase = _event_phrase(analysis, sentence, match)
    if phrase is None:
        return []
    event, start, end = phrase
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


def _event_phrase(analysis: Analysis, sentence: Sentence, match: re.Match[str]) -> tuple[str, int, int] | None:
    """The event a relative phrase names right after its words (``match``), and where its words as written
    start and end; None when the words after it name no event the drafter knows."""
    named = event_at(analysis, sentence, sentence.start + match.end())
    if named is None:
        return None
    event, event_end = named
    start = sentence.start + match.start()
    end = _words_end(analysis, sentence.start + match.end(), event_end)
    return event, start, end


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
    earlier = [f for s in scope for f in absolute(analysis, s) if f.end <= offset]
    earlier = longest(earlier)
    return earlier[-1] if earlier else None


def _anniversary(
    analysis: Analysis, sentence: Sentence, match: re.Match[str], anchors: Mapping[str, FoundDate]
) -> list[FoundDate]:
    phrase = _event_phrase(analysis, sentence, match)
    if phrase is None:
        return []
    event, start, end = phrase
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
