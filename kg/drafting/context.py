"""What the event, figure and date rules share: the article's main attack, the words that refer to it, and who speaks.

Rules, each with the general pattern it covers:

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
- **quotations**: curly quotation marks pair “ with ”; straight ones pair in order; per line, so
  a quotation that spans two sentences ("...Soleimani.” “They detonated...”) is found whole.
- **voice** (who states a span of a sentence), first match wins:

  1. inside a quotation: the speaker the sentence names with a reporting verb outside the
     quotation, else the one agent the paragraph names (outside quotations) before the quotation
     opens, when that text introduces speech ("said", "wrote", "we read:", "statement", "claim");
  2. "according to X": the agent named right after it (a possessive "X’s claim" included);
     "according to" followed by anything else ("an unnamed source cited by...") is attributed to
     someone the drafter cannot name;
  3. a reporting verb ("said", "stated", "told", "reported", "claimed that", "put the death toll
     at"...) before the span: its subject, the agent named just before the verb, a generic source
     ("officials", "state media") as a new group, or for a participle ("saying") the sentence's
     subject; "reported by X", "given by X" name X; "are said to", "was reported" are hedges, not
     speakers;
  4. a closing attribution after the span (", officials said."): the agent in it;
  5. otherwise the article's own voice.

  A span attributed to someone the drafter cannot name is reported as such, so that callers draft
  nothing rather than credit the article.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from kg.drafting.analysis import LINK_CONFIDENCE, Analysis, Mention, Sentence, slug

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

#: reporting verbs; "claimed" only with a clause after it ("claimed that", "claimed its fighters")
REPORTING = re.compile(
    r"\b(?:said|says|say|saying|stated|states|stating|told|tells|telling|added|adds|"
    r"adding|confirmed|confirms|confirming|reported|reports|reporting|wrote|writes|writing|"
    r"alleged|alleges|alleging|estimated|estimates|insisted|insists)\b|\b(?:"
    r"(?:declared|declares|declaring|announced|announces|announcing)\s+(?=that\b|[:“\"])|"
    r"claim(?:ed|s|ing)?\s+(?:that|it|its|they|their|to\s+have)\b|"
    r"(?:put|puts|putting|gave|gives|giving|revised|raised|lowered|updated)\s+(?:the|a|its|their)\s+"
    r"(?:(?:death|casualty|injury)\s+)?(?:toll|figure|number))"
)
_PARTICIPLES = frozenset({"saying", "stating", "telling", "announcing", "adding", "confirming", "reporting", "writing"})
#: a reporting verb used as a hedge: "are said to have", "was reported", "is estimated"
_HEDGED_REPORTING = re.compile(r"\b(?:is|are|was|were|been|being|be)\s+(?:\w+ly\s+)?$")
#: a passive report naming its source: "the toll reported by X", "figures given by X"
_BY_AGENT = re.compile(r"\b(?:reported|given|provided|released|issued|published|announced)\s+by\s+")
_ACCORDING = re.compile(r"\b(?:[Aa]ccording\s+to|[Aa]s\s+per|[Cc]iting)\s+")
#: generic sources a text cites without naming (a new article-local group when the registry has no such name)
GENERIC_SOURCE = re.compile(
    r"\b(?P<src>(?:(?-i:[A-Z][a-z]+(?:ian|ean|ese|ish|i|an))\s+)?"
    r"(?:(?:local|provincial|health|security|government|state|official|emergency|medical|hospital|"
    r"police|news)\s+){0,2}(?:officials|authorities|media|television|TV|rescuers|medics|ministry|"
    r"emergency\s+services|police))$",
    re.IGNORECASE,
)
#: a sentence that reports a claim of responsibility: what it says of the attack may be the claim's
CLAIM_REPORT = re.compile(
    r"\b(?:claim(?:ed|s|ing)?|assert(?:ed|s|ing)?|took|takes|taking|accept(?:ed|s|ing)?)\s+"
    r"(?:(?:full|official|the)\s+)?(?:responsibility|credit)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:he|she|they|it|we|I)\s+$", re.IGNORECASE)
_SPEECH_INTRO = re.compile(
    r"\b(?:said|says|stated|wrote|writes|read|reads|added|declared|statement|claim|claimed|message|note|text|"
    r"video|post|posted|announced)\b|:\s*$",
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


def agents_in(analysis: Analysis, start: int, end: int) -> list[Mention]:
    """Mentions of agents (registry or new) inside [start, end), outside quotations."""
    return [
        m
        for m in distinct(analysis.mentions_in(start, end))
        if is_agent(m.types) and not in_quotation(analysis, m.start, m.end)
    ]


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


# ---------------------------------------------------------------- quotations


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


def _outside_quotations(analysis: Analysis, start: int, end: int) -> str:
    """The text of [start, end) with quotations blanked out (offsets kept)."""
    chars = list(analysis.text[start:end])
    for lo, hi in quotations(analysis):
        for i in range(max(lo, start), min(hi, end)):
            chars[i - start] = " "
    return "".join(chars)


# --------------------------------------------------------------------- voice


@dataclass(frozen=True)
class Voice:
    """Who states a span of the text.

    Attributes:
        attributed: False for the article's own voice.
        speaker: The agent it is attributed to (None in the article's own voice, or when the
            text attributes it to someone the drafter cannot name).
        cue: The words that attribute it ("according to", "said"), as written.
    """

    attributed: bool
    speaker: Mention | None = None
    cue: str = ""

    @property
    def unknown(self) -> bool:
        """Attributed to someone the drafter cannot name: draft nothing that needs the speaker."""
        return self.attributed and self.speaker is None


OWN_VOICE = Voice(False)


def voice_of(analysis: Analysis, sentence: Sentence, start: int, end: int) -> Voice:
    """Who states the span [start, end) of a sentence (see the module docstring)."""
    quotation = quotation_at(analysis, start, end)
    if quotation is not None:
        return _quotation_voice(analysis, sentence, quotation)
    plain = _outside_quotations(analysis, sentence.start, sentence.end)
    for finder in (_according_to, _reporting_before, _closing_attribution):
        voice = finder(analysis, sentence, plain, start, end)
        if voice is not None:
            return voice
    return OWN_VOICE


def _quotation_voice(analysis: Analysis, sentence: Sentence, quotation: tuple[int, int]) -> Voice:
    plain = _outside_quotations(analysis, sentence.start, sentence.end)
    for finder in (_according_to, _reporting_before, _closing_attribution, _reporting_after_quote):
        voice = finder(analysis, sentence, plain, quotation[0], quotation[1])
        if voice is not None and voice.speaker is not None:
            return voice
    lo, _ = paragraph(analysis, quotation[0])
    intro = _outside_quotations(analysis, lo, quotation[0])
    speech = list(_SPEECH_INTRO.finditer(intro))
    agents = {m.entity: m for m in agents_in(analysis, lo, quotation[0])}
    if speech and len(agents) == 1:
        return Voice(True, next(iter(agents.values())), speech[-1].group().strip())
    return Voice(True, None, "“")


def _according_to(analysis: Analysis, sentence: Sentence, plain: str, start: int, end: int) -> Voice | None:
    for match in _ACCORDING.finditer(plain):
        at = sentence.start + match.end()
        agents = [m for m in agents_in(analysis, at, sentence.end) if m.start - at <= 4]
        cue = match.group().strip()
        if agents and re.fullmatch(r"\s*(?:the\s+)?", analysis.text[at : agents[0].start]):
            return Voice(True, agents[0], cue)
        generic = GENERIC_SOURCE.search(plain[: _word_end(plain, match.end(), 3)].rstrip())
        if generic and generic.start() >= match.end() - 1:
            return Voice(True, _new_source(sentence.start + generic.start("src"), generic.group("src")), cue)
        return Voice(True, None, cue)
    return None


def _word_end(text: str, offset: int, words: int) -> int:
    match = re.match(rf"(?:\s*\S+){{0,{words}}}", text[offset:])
    return offset + (match.end() if match else 0)


def _new_source(start: int, text: str) -> Mention:
    """A generic source the registry does not name ("officials", "state media"), as a new article-local group."""
    return Mention(start, start + len(text), text, slug(text), False, "new", ("Group",), LINK_CONFIDENCE["new"])


def _reporting_before(analysis: Analysis, sentence: Sentence, plain: str, start: int, end: int) -> Voice | None:
    passive = [m for m in _BY_AGENT.finditer(plain) if sentence.start + m.start() < start]
    for match in reversed(list(REPORTING.finditer(plain))):
        verb_at = sentence.start + match.start()
        if verb_at >= start or any(p.start() == match.start() for p in passive):
            continue
        before = plain[: match.start()]
        single = " " not in match.group().strip()
        if _HEDGED_REPORTING.search(before) or (single and re.match(r"\s+to\b", plain[match.end() :])):
            continue  # "are said to have", "is estimated to"
        return _subject_voice(analysis, sentence, plain, match)
    if passive:  # "the death toll reported by ISIS": the agent named after "by"
        match = passive[-1]
        at = sentence.start + match.end()
        agents = [m for m in agents_in(analysis, at, sentence.end) if m.start - at <= 4]
        return Voice(True, agents[0] if agents else None, match.group().strip())
    return None


def _subject_voice(analysis: Analysis, sentence: Sentence, plain: str, verb: re.Match[str]) -> Voice:
    """The speaker of a reporting verb: the agent just before it, a generic source, or the sentence's subject."""
    cue = verb.group()
    verb_at = sentence.start + verb.start()
    before = plain[: verb.start()]
    agents = agents_in(analysis, sentence.start, verb_at)
    if agents:
        last = agents[-1]
        gap = analysis.text[last.end : verb_at]
        if re.fullmatch(
            r"(?:[’']s?)?\s*(?:(?:has|have|had|also|officially|later|then|reportedly|earlier|had)\s+)*", gap
        ):
            return Voice(True, last, cue)
        if re.fullmatch(r"[’']s?\s+(?:statement|claim|note|message|text|spokesman|spokesperson|video)\s*", gap):
            return Voice(True, last, cue)  # "ISIS’s statement said"
        if re.fullmatch(r"\s+(?:statement|claim|note|message|text|video)\s*", gap):
            return Voice(True, last, cue)  # "the Daesh statement said"
    generic = GENERIC_SOURCE.search(before.rstrip())
    if generic:
        return Voice(True, _new_source(sentence.start + generic.start("src"), generic.group("src")), cue)
    if _PRONOUN.search(before):
        return Voice(True, None, cue)
    if verb.group().split()[0].lower() in _PARTICIPLES and agents:
        subject = _sentence_subject(analysis, sentence, agents)
        if subject is not None:
            return Voice(True, subject, cue)
    return Voice(True, None, cue)


def _sentence_subject(analysis: Analysis, sentence: Sentence, agents: list[Mention]) -> Mention | None:
    """The agent that opens the sentence (after an opening phrase ending in a comma), if one does."""
    text = sentence.text
    opener = re.match(
        r"(?:(?:In|On|At|After|Before|During|Meanwhile|However|Initially|Later|Earlier)\b[^,]*,\s*)?", text
    )
    offset = sentence.start + (opener.end() if opener else 0)
    first = agents[0]
    lead = analysis.text[offset : first.start]
    if not re.fullmatch(r"(?:(?:The|the|An?|an?)\s+)?(?:[A-Z][\w.’'-]*\s+){0,3}", lead):
        return None
    after = analysis.text[first.end : first.end + 3]
    if re.match(r"[’']s\s", after):
        following = [m for m in agents if m.start > first.end and m.start - first.end <= 4]
        return following[0] if following else None
    return first


def _closing_attribution(analysis: Analysis, sentence: Sentence, plain: str, start: int, end: int) -> Voice | None:
    tail = plain[end - sentence.start :]
    match = re.search(
        r",\s*(?P<a>[^,;]{1,60}?)\s+(?P<v>said|says|reported|reports|told\s+\w+|added|confirmed|stated)\s*[.,;]?\s*$"
        r"|,\s*(?P<v2>said|says|reported|according\s+to)\s+(?P<a2>[^,;]{1,60}?)\s*[.;]?\s*$",
        tail,
    )
    if match is None:
        return None
    name = "a" if match.group("a") is not None else "a2"
    lo = end + match.start(name)
    hi = end + match.end(name)
    agents = agents_in(analysis, lo, hi)
    cue = (match.group("v") or match.group("v2") or "").strip()
    if agents:
        return Voice(True, agents[-1], cue)
    generic = GENERIC_SOURCE.search(analysis.text[lo:hi].rstrip())
    if generic:
        return Voice(True, _new_source(lo + generic.start("src"), generic.group("src")), cue)
    return Voice(True, None, cue)


def _reporting_after_quote(analysis: Analysis, sentence: Sentence, plain: str, start: int, end: int) -> Voice | None:
    """“...,” X said / “...,” said X: the speaker named right after the quotation closes."""
    tail = plain[end - sentence.start :]
    match = re.match(
        r"\s*(?P<a>[^,;.]{1,60}?)\s+(?:said|says|wrote|writes|added|stated)\b|\s*(?:said|wrote|added)\s+", tail
    )
    if match is None:
        return None
    agents = agents_in(analysis, end, end + match.end() + 40)  # "said X": X may run past the match
    return Voice(True, agents[0], "said") if agents else None


def clause_start(sentence: Sentence, offset: int) -> int:
    """Where the clause holding an offset starts: after the last clause break before it."""
    left = sentence.text[: offset - sentence.start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(left)]
    return sentence.start + (breaks[-1] if breaks else 0)
