"""Earlier incidents a sentence names with their dates, and the registry events they are.

An incident is an attack noun ("attack", "bombings", "blast", "explosion",
"strike", "airstrike", "shooting", "massacre"...) dated to a year before the main attack's: by a
year before the noun ("the 2017 attacks"), the first date after it in the same clause ("an attack
on a shrine in 2022", "a US airstrike ... on January 3, 2020"), or a date that opens the sentence
("In 2023, there were two attacks..."). Superlatives ("the worst attacks since 1979") are not
incidents. The incident is the registry event named in the phrase when its label agrees with the
year, else the registry attacks whose names hold the year and whose class fits the noun (a strike
noun wants a strike), best by the share of their label's words the phrase and its sentence use (a
label sharing no word but the year does not match); a tie is kept only for a counted plural whose
count is the number tied ("two attacks"); otherwise a new article-local event of the noun's class
is proposed, named by the phrase ("a bombing at a mosque in 2019", "two attacks in Iran by
ISIS-K").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.drafting import context
from kg.drafting.absolute_dates import FoundDate
from kg.drafting.analysis import LINK_CONFIDENCE, Analysis, Mention, Sentence, slug
from kg.drafting.dates import dates_in

_MODIFIERS = frozenset(
    """drone air missile suicide terrorist twin simultaneous deadly tragic bomb car coordinated major horrific
    devastating bloody massive double dual triple rocket mortar gun knife armed militant""".split()
)
_DETERMINER_WORDS = frozenset("the a an two three four both its their this that these those twin".split())
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}
#: words that end a noun phrase going back from its noun
_NOT_MODIFIERS = frozenset(
    """in on at of by for to with from into and or but was were is are be been has have had that which who
    there it they he she we as after before since than""".split()
)
INCIDENT = re.compile(
    r"\b(?P<noun>attacks?|bombings?|blasts?|explosions?|assaults?|strikes?|airstrikes?|air\s+strikes?|shootings?|"
    r"massacres?|assassinations?|drones?)\b"
)
#: the prepositional phrases after an incident's noun that describe it ("in Iran by ISIS-K", "on a ferry")
_PHRASE_AFTER = re.compile(
    r"(?:\s+(?:in|at|on|near|against|by|targeting|outside|inside)"
    r"(?:\s+(?!(?:was|were|is|are|had|has|have|and|or|but|which|that|who|when|while|as|in|at|on|by)\b)"
    r"(?![a-z]+ed\b)[\w’'.-]+){1,4})*"
)
_SUPERLATIVE = re.compile(r"\b(?:worst|deadliest|bloodiest|biggest|largest|most\s+\w+)\s+(?:\w+\s+)?$")
_NOUN_CLASS = (
    (re.compile(r"drones?(?:\s+strikes?)?$"), "DroneStrike"),
    (re.compile(r"missile\s+strikes?$"), "MissileStrike"),
    (re.compile(r"(?:air\s*strikes?|airstrikes?)$"), "AirStrike"),
    (re.compile(r"strikes?$"), "Strike"),
    (re.compile(r"(?:bombings?|blasts?)$"), "Bombing"),
    (re.compile(r"shootings?$"), "ArmedAssault"),
)


@dataclass
class Incident:
    """An earlier incident a sentence names with its date.

    Attributes:
        start: Where the incident's words start.
        end: Where they end (the date included when it follows the noun).
        text: The words.
        noun: The attack noun as written.
        date: Its date as the sentence gives it (resolved).
        noun_end: Where the attack noun ends.
        entities: The registry events it names (two for "two attacks" matching two), or empty.
        new: The new article-local event proposed when no registry event matches.
    """

    start: int
    end: int
    text: str
    noun: str
    date: FoundDate
    noun_end: int = 0
    entities: list[str] = field(default_factory=list)
    new: Mention | None = None

    @property
    def ids(self) -> list[str]:
        return self.entities if self.entities else ([self.new.entity] if self.new else [])


def incidents_in(analysis: Analysis, sentence: Sentence) -> list[Incident]:
    """The earlier incidents a sentence names with their dates (see the module docstring)."""
    return context.memo(analysis, f"incidents-{sentence.start}", lambda: _incidents_in(analysis, sentence))


def _incidents_in(analysis: Analysis, sentence: Sentence) -> list[Incident]:
    year = context.main_year(analysis)
    if year is None:
        return []
    dates = [d for d in dates_in(analysis, sentence, {}) if d.value is not None and d.kind != "publication"]
    text = sentence.text
    found: list[Incident] = []
    nouns = list(INCIDENT.finditer(text))
    for index, match in enumerate(nouns):
        np_start = _np_start(text, match.start())
        left = text[:np_start]
        if _SUPERLATIVE.search(text[: match.start()]) or re.search(r"\bone\s+of\s+(?:the\s+)?$", left):
            continue
        if match.group("noun").lower().startswith("drone") and not re.search(r"\bby\s+$", left):
            continue  # "killed by a U.S. drone in 2020": a drone as the means is a drone strike
        date = _incident_date(analysis, sentence, dates, np_start, match, nouns[index + 1 :])
        if date is None or date.value is None or date.value.year >= year:
            continue
        start = sentence.start + np_start
        end = max(sentence.start + match.end(), date.end if date.start > sentence.start + match.end() else 0)
        if end == sentence.start + match.end():  # "two attacks in Iran by ISIS-K": the phrase after the noun
            end += _PHRASE_AFTER.match(text, match.end()).end() - match.end()  # type: ignore[union-attr]
        words = analysis.text[start:end]
        incident = Incident(start, end, words, match.group("noun"), date, sentence.start + match.end())
        incident.entities = _registry_incidents(analysis, sentence, incident)
        if not incident.entities:
            incident.new = _new_incident(analysis, incident)
        found.append(incident)
    return found


def _np_start(text: str, noun_start: int) -> int:
    """Where the noun phrase of an attack noun starts: back over determiners, counts, years and modifiers.

    Any word counts as a modifier between a determiner or count and the noun ("two ferry attacks", "a
    suicide bombing"), unless it is a function word or a verb of being; without a determiner, only known
    modifiers and capitalised words do ("U.S. airstrike").
    """
    tokens = list(re.finditer(r"[\w.’'-]+", text[:noun_start]))
    window = tokens[-4:]
    for i in range(len(window) - 1, -1, -1):
        lower = window[i].group().lower()
        if (
            lower in _NOT_MODIFIERS
            or text[window[i].end() : (window[i + 1].start() if i + 1 < len(window) else noun_start)].strip()
        ):
            break
        if lower in _DETERMINER_WORDS or lower in _COUNTS:
            return window[i].start()
    start = noun_start
    for token in reversed(tokens[-5:]):
        word = token.group()
        lower = word.lower()
        between = text[token.end() : start]
        if between.strip():
            break
        if lower in _DETERMINER_WORDS or lower in _MODIFIERS or lower in _COUNTS or re.fullmatch(context.YEAR, word):
            start = token.start()
            if lower in ("the", "a", "an", "its", "their", "this", "that", "these", "those"):
                break
            continue
        if word[0].isupper() and lower not in ("in", "on", "the"):
            start = token.start()  # "U.S.", "Israeli", "ISIS"
            continue
        break
    return start


def _incident_date(
    analysis: Analysis,
    sentence: Sentence,
    dates: list[FoundDate],
    np_start: int,
    noun: re.Match[str],
    later_nouns: list[re.Match[str]],
) -> FoundDate | None:
    base = sentence.start
    for date in dates:  # "the 2017 attacks"
        if base + np_start <= date.start and date.end <= base + noun.start():
            return date
    limit = base + later_nouns[0].start() if later_nouns else sentence.end
    for date in dates:  # "an attack on a shrine in 2022"
        if date.start < base + noun.end() or date.start >= limit:
            continue
        gap = analysis.text[base + noun.end() : date.start]
        if re.search(r"[,;:—()]|\b(?:since|until|after|before|began|when|from)\b", gap) or len(gap.split()) > 14:
            break
        if date.preposition not in ("", "in", "on", "of", "during"):
            break
        return date
    for date in dates:  # "In 2023, there were two attacks"
        opening = analysis.text[sentence.start : date.start].strip() == ""
        if opening and date.preposition in ("in", "on") and date.end <= base + np_start:
            return date
    return None


def _words(text: str) -> set[str]:
    text = text.lower().replace("shi’ite", "shia").replace("shi'ite", "shia").replace("shiite", "shia")
    text = re.sub(r"air\s*strikes?", "strike", text)
    words = set()
    for word in re.findall(r"[a-z0-9][a-z0-9.’'-]*", text):
        word = word.strip(".’'-")
        word = {"u.s": "us", "u.s.": "us"}.get(word, word)
        if word in _STOP or len(word) < 2:
            continue
        for suffix in ("ings", "ing", "s", "ed"):
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        words.add(word)
    return words


_STOP = frozenset(
    """the a an of in on at to for and or by with from its their his her this that these those was were is are
    be been has have had not one other identified further who which""".split()
)


def _registry_incidents(analysis: Analysis, sentence: Sentence, incident: Incident) -> list[str]:
    """The registry events an incident's words name (see the module docstring); empty when none does."""
    attack = context.main_attack(analysis)
    assert incident.date.value is not None
    year = str(incident.date.value.year)
    named = [
        m
        for m in context.distinct(analysis.mentions_in(incident.start, incident.end))
        if m.known and context.is_attack(m.types) and m.entity != attack
    ]
    for mention in named:
        label_years = re.findall(rf"\b{context.YEAR}\b", analysis.registry[mention.entity].label)
        if not label_years or year in label_years:
            return [mention.entity]
    wanted = _noun_class(incident.noun)
    strike_noun = wanted in context.STRIKE_CLASSES
    scored: list[tuple[float, str]] = []
    clause = _words(analysis.text[incident.start : _clause_end(analysis, sentence, incident.end)])
    context_words = _words(sentence.text)
    for slug_, entity in analysis.registry.items():
        if slug_ == attack:
            continue
        types = context.entity_types(analysis, slug_)
        if not context.is_attack(types):
            continue
        names = " ".join([entity.label, *entity.aliases, *entity.other_names])
        if not re.search(rf"\b{year}\b", names):
            continue
        is_strike = any(t in context.STRIKE_CLASSES for t in types)
        if strike_noun != is_strike and incident.noun.lower() not in ("attack", "attacks", "assassination"):
            continue
        label = _words(entity.label) - {year}
        if not label:
            continue
        note = _words(entity.note or "")
        score = (len(label & clause) + 0.5 * len(label & context_words) + 0.25 * len(note & clause)) / len(label)
        scored.append((score, slug_))
    best = max((s for s, _ in scored), default=0.0)
    if best <= 0:
        return []  # the year alone does not identify an incident
    tied = [slug_ for s, slug_ in scored if s == best]
    if len(tied) == 1:
        return tied
    count = _count(analysis.text[incident.start : incident.end])
    return sorted(tied) if count == len(tied) else []


def _clause_end(analysis: Analysis, sentence: Sentence, offset: int) -> int:
    stop = re.search(r"[;,.]", analysis.text[offset : sentence.end])
    return offset + stop.start() if stop else sentence.end


def _count(words: str) -> int:
    for word in re.findall(r"[a-z]+", words.lower()):
        if word in _COUNTS:
            return _COUNTS[word]
    return 1


def _noun_class(noun: str) -> str:
    lower = noun.lower()
    for pattern, cls in _NOUN_CLASS:
        if pattern.search(lower):
            return cls
    return "Attack"


def _new_incident(analysis: Analysis, incident: Incident) -> Mention:
    """A new article-local event for an incident no registry event matches."""
    text = incident.text
    lead = re.match(r"(?:the|a|an|its|their)\s+", text, re.IGNORECASE)
    start = incident.start + (lead.end() if lead else 0)
    words = analysis.text[start : incident.end]
    before = analysis.text[max(0, incident.start - 40) : incident.start]
    kind = _noun_class(incident.noun)
    if re.search(r"\b(?:drone)\s*$", before):
        kind = "DroneStrike"
    return Mention(start, incident.end, words, slug(words), False, "new", (kind,), LINK_CONFIDENCE["new"])
