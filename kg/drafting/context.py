"""What the event, figure and date rules share: the ontology's classes, the main attack and the words naming it.

Who states a passage is :mod:`kg.drafting.speakers.voice`; the article's quotations and paragraphs are
:mod:`kg.drafting.quotations`. Rules, each with the general pattern it covers:

- **main attack**: the registry event of an attack class (:data:`ATTACK_CLASSES`) the article names
  most, by a score: each name of it counts 1, or 0.5 for a lower-case description the registry lists
  as an alias ("twin bombings", which many attacks could bear), and only when no year other than the
  attack's own goes with it ("twin bombings in 2017", "the 2017 attacks": a year in the two words
  before or the eight after, in the same clause, or a date opening the sentence, names an earlier
  attack); each mention of a city or site its label names counts 1 ("2024 Kerman bombings" in an
  article that says "Kerman"), so that an article that only ever says "the explosions" still has
  one; an attack whose label year is more than a year before the publication date scores a quarter
  (it is the article's background). Ties go to an attack the article names (or names the place of)
  over one it only describes, then to the latest year, then to the earliest mention. No registry
  attack, no main attack.
- **main year**: the four-digit year in the main attack's label, else the year of publication.
- **attack reference**: a name of the main attack, or a definite description of it: a determiner
  ("the", "this", "these", "two", "twin", "dual", "both"), up to two modifiers and an attack noun
  ("attack", "bombings", "blasts", "explosions", "massacre", "assault"); not when a word marks
  another incident ("previous", "past", "such", "similar", "other", "worst", an ordinal such as
  "first" which picks out one explosion), nor when a year other than the main year goes with it
  (as for the main attack), nor when it names a place the main attack's label does not ("the Tehran
  attacks" in an article on Kerman).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from kg.drafting.analysis import Analysis, Mention, Sentence

#: attack classes of the ontology (events.ttl): kgo:Attack and its subclasses
ATTACK_CLASSES = frozenset(
    {
        "Attack",
        "Bombing",
        "SuicideBombing",
        "RemoteDetonatedBombing",
        "ArmedAssault",
        "Strike",
        "AirStrike",
        "DroneStrike",
        "MissileStrike",
        "RetaliatoryStrike",
    }
)
STRIKE_CLASSES = frozenset({"Strike", "AirStrike", "DroneStrike", "MissileStrike", "RetaliatoryStrike"})
EVENT_CLASSES = ATTACK_CLASSES | {"Event", "Explosion", "Commemoration", "Response"}
#: agent classes of the ontology (actors.ttl): kgo:Agent and its subclasses
AGENT_CLASSES = frozenset(
    {
        "Agent",
        "Person",
        "Group",
        "Organisation",
        "State",
        "Government",
        "GovernmentBody",
        "MilitaryUnit",
        "ArmedGroup",
        "MediaOutlet",
        "InternationalBody",
        "ResearchInstitution",
    }
)
#: place classes of the ontology (places.ttl)
PLACE_CLASSES = frozenset({"Place", "Country", "Region", "City", "Site"})

YEAR = r"(?:1[89]\d\d|20\d\d)"
ATTACK_NOUN = r"(?:attacks?|bombings?|blasts?|explosions?|massacre|assaults?)"
#: words that make an attack noun another incident, or one explosion of several
OTHER_INCIDENT = frozenset(
    """previous past earlier prior other such similar another occasional multiple many several some recent
    worst deadliest bloodiest biggest largest first second third initial latter former last those""".split()
)
_DETERMINERS = (
    r"(?:[Tt]he|[Tt]his|[Tt]hese|[Tt]hose|[Tt]wo|[Tt]win|[Dd]ual|[Bb]oth|[Yy]esterday[’']s|[Ww]ednesday[’']s)"
)
_REFERENCE = re.compile(
    rf"\b{_DETERMINERS}\s+(?:(?P<mods>(?:[\w’'-]+\s+){{0,2}}?)){ATTACK_NOUN}\b",
)
_CLAUSE_BREAK = re.compile(r"[;:,—()]|\s(?:and|but|while|whereas)\s")

#: a sentence that reports a claim of responsibility: what it says of the attack may be the claim's
CLAIM_REPORT = re.compile(
    r"\b(?:claim(?:ed|s|ing)?|assert(?:ed|s|ing)?|took|takes|taking|accept(?:ed|s|ing)?)\s+"
    r"(?:(?:full|official|the)\s+)?(?:responsibility|credit)\b",
    re.IGNORECASE,
)

_T = TypeVar("_T")
_MEMO: dict[tuple[int, str], tuple[weakref.ref[Analysis], Any]] = {}


def memo(analysis: Analysis, key: str, compute: Callable[[], _T]) -> _T:
    """A value computed once per analysis (an analysis is not hashable, so it is keyed by identity).

    Args:
        analysis: The article.
        key: What is computed (with any argument it depends on, e.g. a sentence's offset).
        compute: Computes it.

    Returns:
        The value, computed on the first call for this analysis and key.
    """
    # what an analysis holds may be changed after it is made (a test sets its publication date): key on it too
    slot = (id(analysis), f"{key}|{analysis.published}|{len(analysis.mentions)}|{len(analysis.text)}")
    held = _MEMO.get(slot)
    if held is not None and held[0]() is analysis:
        return held[1]  # type: ignore[no-any-return]
    value = compute()

    def forget(_ref: weakref.ref[Analysis], memos: dict[Any, Any] = _MEMO) -> None:
        memos.pop(slot, None)  # the dict is bound here: at exit, module globals may already be gone

    _MEMO[slot] = (weakref.ref(analysis, forget), value)
    return value


# ------------------------------------------------------------------ entities


def is_attack(types: Iterable[str]) -> bool:
    return any(t in ATTACK_CLASSES for t in types)


def is_agent(types: Iterable[str]) -> bool:
    return any(t in AGENT_CLASSES for t in types)


def is_place(types: Iterable[str]) -> bool:
    return any(t in PLACE_CLASSES for t in types)


def entity_types(analysis: Analysis, entity: str) -> tuple[str, ...]:
    """Local names of a registry entity's classes (empty when it is not in the registry)."""
    found = analysis.registry.get(entity)
    if found is None:
        return ()
    return tuple(str(t).rsplit("#", 1)[-1] for t in found.types)


def entity_names(analysis: Analysis, entity: str) -> list[str]:
    """Label, aliases and other names of a registry entity."""
    found = analysis.registry.get(entity)
    if found is None:
        return []
    return [found.label, *found.aliases, *found.other_names]


def distinct(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per span: a registry link wins over a new name found at the same place."""
    best: dict[tuple[int, int], Mention] = {}
    for mention in mentions:
        held = best.get((mention.start, mention.end))
        if held is None or (mention.known and not held.known):
            best[(mention.start, mention.end)] = mention
    return sorted(best.values(), key=lambda m: m.start)


# --------------------------------------------------------------- main attack


def _label_year(analysis: Analysis, entity: str) -> int | None:
    found = analysis.registry.get(entity)
    if found is None:
        return None
    match = re.search(rf"\b({YEAR})\b", found.label)
    return int(match.group(1)) if match else None


def main_attack(analysis: Analysis) -> str | None:
    """The registry attack the article is about (see the module docstring), or None."""
    return memo(analysis, "main-attack", lambda: _main_attack(analysis))


def _main_attack(analysis: Analysis) -> str | None:
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    named: set[str] = set()  # attacks the article names, or names the place of: not only describes
    for mention in distinct(analysis.mentions):
        if not mention.known or not is_attack(mention.types):
            continue
        own = _label_year(analysis, mention.entity)
        if _years_near(analysis, mention.start, mention.end) - ({own} if own else set()):
            continue  # "twin bombings in 2017": named with another year
        generic = mention.how != "label" and _generic_name(analysis, mention)
        scores[mention.entity] = scores.get(mention.entity, 0) + (0.5 if generic else 1)
        first.setdefault(mention.entity, mention.start)
        if not generic:
            named.add(mention.entity)
    places = [m for m in distinct(analysis.mentions) if m.known and any(t in ("City", "Site") for t in m.types)]
    for entity in analysis.registry:
        if not is_attack(entity_types(analysis, entity)):
            continue
        label = analysis.registry[entity].label
        for place in places:
            if re.search(rf"\b{re.escape(place.text)}\b", label):
                scores[entity] = scores.get(entity, 0) + 1
                first.setdefault(entity, place.start)
                named.add(entity)
    if not scores:
        return None
    if analysis.published is not None:
        for entity in scores:
            year = _label_year(analysis, entity)
            if year is not None and year < analysis.published.year - 1:
                scores[entity] *= 0.25  # an attack of years before the article is its background
    # ties: an attack named (or whose place is) over one only described, then the latest, then the earliest named
    return max(scores, key=lambda e: (scores[e], e in named, _label_year(analysis, e) or 0, -first.get(e, 0)))


def _generic_name(analysis: Analysis, mention: Mention) -> bool:
    """Whether a registry name is a lower-case description ("twin bombings"), which many attacks could bear."""
    for name in entity_names(analysis, mention.entity):
        if name.lower() == mention.text.lower():
            return name == name.lower()
    return mention.text == mention.text.lower()


def main_year(analysis: Analysis) -> int | None:
    """The year of the main attack: from its registry label, else the year of publication."""
    attack = main_attack(analysis)
    year = _label_year(analysis, attack) if attack else None
    if year is None and analysis.published is not None:
        year = analysis.published.year
    return year


def _clause_around(analysis: Analysis, start: int, end: int) -> str:
    """The text of the clause around [start, end): up to the nearest clause break on each side."""
    sentence = _sentence_of(analysis, start)
    left = sentence.text[: start - sentence.start]
    right = sentence.text[end - sentence.start :]
    breaks = [m.end() for m in re.finditer(r"[;:,—()]", left)]
    lo = breaks[-1] if breaks else 0
    stop = re.search(r"[;:,—()]|\s(?:and|but|while)\s", right)
    hi = stop.start() if stop else len(right)
    return left[lo:] + sentence.text[start - sentence.start : end - sentence.start] + right[:hi]


def _sentence_of(analysis: Analysis, offset: int) -> Sentence:
    try:
        return analysis.sentence_at(offset)
    except ValueError:
        line_start = analysis.text.rfind("\n", 0, offset) + 1
        line_end = analysis.text.find("\n", offset)
        line_end = len(analysis.text) if line_end < 0 else line_end
        return Sentence(line_start, line_end, analysis.text[line_start:line_end])


@dataclass(frozen=True)
class Reference:
    """Words of a sentence that refer to the main attack."""

    start: int
    end: int
    text: str
    entity: str


def attack_refs(analysis: Analysis, sentence: Sentence) -> list[Reference]:
    """The references to the main attack in a sentence, in text order (see the module docstring)."""
    attack = main_attack(analysis)
    if attack is None:
        return []
    year = main_year(analysis)
    found: list[Reference] = []
    for mention in distinct(analysis.mentions_in(sentence.start, sentence.end)):
        if mention.known and mention.entity == attack and _current(analysis, mention.start, mention.end, year):
            found.append(Reference(mention.start, mention.end, mention.text, attack))
    for match in _REFERENCE.finditer(sentence.text):
        start, end = sentence.start + match.start(), sentence.start + match.end()
        mods = {w.lower() for w in re.findall(r"[\w’'-]+", match.group("mods") or "")}
        if mods & OTHER_INCIDENT or re.search(rf"\b{YEAR}\b", match.group("mods") or ""):
            continue
        if _elsewhere(analysis, attack, start, end) or not _current(analysis, start, end, year):
            continue
        if any(r.start <= start < r.end or start <= r.start < end for r in found):
            continue
        found.append(Reference(start, end, analysis.text[start:end], attack))
    return sorted(found, key=lambda r: r.start)


def _elsewhere(analysis: Analysis, attack: str, start: int, end: int) -> bool:
    """Whether a description names a place the main attack's label does not ("the Tehran attacks")."""
    label = analysis.registry[attack].label if attack in analysis.registry else ""
    for mention in analysis.mentions_in(start, end):
        if mention.known and is_place(mention.types) and not re.search(rf"\b{re.escape(mention.text)}\b", label):
            return True
    return False


def _current(analysis: Analysis, start: int, end: int, year: int | None) -> bool:
    """Whether no year other than the main attack's goes with a reference (see :func:`_years_near`)."""
    return not (_years_near(analysis, start, end) - ({year} if year else set()))


def _years_near(analysis: Analysis, start: int, end: int) -> set[int]:
    """The years that go with an event's words: in the two words before them or the eight after (in the same
    clause, up to another event's noun), or in a date that opens the sentence ("In 2023, there were...")."""
    clause = _clause_around(analysis, start, end)
    at = clause.find(analysis.text[start:end])
    before = " ".join(clause[:at].split()[-2:])
    after = re.split(rf"\b{ATTACK_NOUN}\b|\bstrikes?\b", clause[at + (end - start) :])[0]
    after = " ".join(after.split()[:8])
    opening = re.match(
        rf"\s*(?:In|On|By|During|Since)\s+(?:\w+\s+)?(?:\d{{1,2}},?\s+)?({YEAR})\b", _sentence_of(analysis, start).text
    )
    years = {int(y) for y in re.findall(rf"\b({YEAR})\b", f"{before} | {after}")}
    return years | ({int(opening.group(1))} if opening else set())


def clause_start(sentence: Sentence, offset: int) -> int:
    """Where the clause holding an offset starts: after the last clause break before it."""
    left = sentence.text[: offset - sentence.start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(left)]
    return sentence.start + (breaks[-1] if breaks else 0)
