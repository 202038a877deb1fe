"""Drafting what an article says about the attack itself: when and where, earlier incidents, responses.

:func:`extract` proposes facts in the curator's format (``corpus/README.md``). The main attack and
the words that refer to it come from :mod:`kg.drafting.context`; dates from
:mod:`kg.drafting.dates`. Rules, each with the general pattern it covers:

- **attack-date** (``relations``: ``[attack, occurredOn, {date, as_written}]``): a sentence that
  refers to the main attack and gives a resolved date for it, in the article's own voice: the date
  follows the reference within 16 words ("the twin blasts that took place in Iran on Wednesday", "it
  occurred on the anniversary of...") or opens the sentence ("On January 3, 2024, two explosions...");
  nothing between them introduces another event or speech ("statement", "claim", "said", "visit",
  "funeral", "during", "after"...), and the date is of the main attack's year and not counted from the
  attack itself. A sentence that reports a claim of responsibility and quotes it ("X claimed the
  attack in Y: “...”") gives neither date nor place: its description stands with the claimant's
  words, as part of the claim.
- **attack-place** (``relations``: ``[attack, occurredAt, place]``): a reference to the main attack
  followed, in the same clause (no comma, at most 14 words), by "in", "at", "near", "inside" or
  "outside" and a registry place ("the explosions in Iran", "the twin blasts near the burial site
  of X in southern Iran"), in the article's own voice; "in Kerman, Iran" gives both places when the
  registry puts the first inside the second. A place stated in several sentences is drafted once,
  from the plainest reference (the attack's registry name, then a plural description, then the
  earliest).
- **incident** (prior incidents): an attack noun ("attack", "bombings", "blast", "explosion",
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
  ISIS-K"). Each incident is dated
  (``[incident, occurredOn, {date, as_written}]``), in the article's own voice only.
- **incident-place** (``[incident, occurredAt, place]``): a registry place after the incident's
  noun, as for the attack's place ("a drone strike at Baghdad International Airport").
- **related-incident** (``[main attack, relatedIncident, incident]``): only where the text ties
  the incident to the attack: a word of comparison or series in the sentence ("previously",
  "previous attacks", "such incidents", "similar", "not the first", "recalls"), or a next sentence in
  the same paragraph that compares ("in both cases", "similar to", "the same way") and refers to the
  main attack or the place in its name; that sentence is then the quote.
- **response** (``response``): an action in the article's own voice: "declared/announced a (national)
  day of mourning" (``DayOfMourning``), "cancelled/called off/scrapped a (planned) trip/visit to X"
  (``CancelledVisit``, ``destination`` the place named), "called for (mass) protests/rallies"
  (``ProtestCall``), "protested/rallied/took to the streets/staged a protest" (``Demonstration``).
  ``by`` is the agent named just before the verb, or a generic one there ("Iranian authorities",
  "officials") or a crowd ("thousands of people"), as a new group; no agent, no fact.
  ``in_response_to`` is the main attack only when the sentence says so: "after", "following", "in
  response to", "in the wake of", "over", "for" followed by a reference to the attack, or the action
  is for "the victims". An action reported by someone ("X reported that Y cancelled...") is not
  drafted.

Relations one sentence states with the same property are drafted as one fact (two incidents of one
sentence, two ``relatedIncident`` triples). :func:`event_dates` gives the dates the article states
for the main attack and for earlier incidents, which :mod:`kg.drafting.dates` counts relative
phrases from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.drafting import context
from kg.drafting.analysis import LINK_CONFIDENCE, Analysis, Mention, Sentence, slug
from kg.drafting.dates import FoundDate, dates_in
from kg.drafting.model import DraftFact, new_entities, reference

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
_INCIDENT = re.compile(
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
_TIE = re.compile(
    r"\b(?:previous(?:ly)?|earlier|prior|past|such|similar(?:ly)?|another|again|instances?|recall(?:s|ed|ing)?|"
    r"echo(?:es|ed|ing)?|reminiscent|resembl\w*|not\s+the\s+first|latest\s+in|series|both\s+cases|same\s+way|"
    r"comparable)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:both\s+cases|similar|same\s+way|same\s+method|resembl\w*|like\s+what|echo\w*)\b", re.IGNORECASE
)
_DATE_BLOCK = re.compile(
    r"\b(?:statements?|claims?|claimed|claiming|said|says|saying|stated|released|published|posted|visits?|trips?|"
    r"funerals?|speech|announcement|announced|message|video|reports?|reported|interview|meeting|note|after|before|"
    r"since|until|later|following|during|when|while|ceremony|gathering|mourners|commemorat\w*|accus\w+|blamed|"
    r"denied|stating|telling|adding)\b",
    re.IGNORECASE,
)
#: words between an attack reference and a date that make the date another event's (or a speaker's)
_NOT_THE_ATTACK = (_DATE_BLOCK, _INCIDENT, context.REPORTING)
_PLACE_GAP = re.compile(
    r"(?:\s+(?!(?:said|says|claimed|stated|who|whose|and|but|while|after|before|since|against|during|for|"
    r"to|of\s+the\s+victims)\b)[\w’'.-]+){0,14}?\s+(?P<prep>in|at|near|inside|outside)\s+"
    r"(?:(?:the|a|an|southern|northern|eastern|western|central|south-eastern|southeastern|south-western|"
    r"southwestern|north-eastern|northeastern|north-western|northwestern|city|town|province|of)\s+){0,4}$"
)
_MOURNING = re.compile(
    r"\b(?P<verb>declared|declares|declaring|announced|announces|announcing|proclaimed|proclaims|ordered|orders)\s+"
    r"(?P<object>(?:(?:a|an|one|two|three|five|seven|several)\s+)?(?:(?:national|public|official|general|"
    r"\w+-day)\s+)*(?:day|days|period)\s+of\s+(?:(?:national|public|official)\s+)?mourning)\b"
)
_CANCEL = re.compile(
    r"\b(?P<verb>cancell?ed|cancell?ing|cancels?|called\s+off|calling\s+off|calls\s+off|scrapped|scrapping|scraps)\s+"
    r"(?P<object>(?:(?:his|her|their|its|a|an|the)\s+)?(?:(?:planned|scheduled|upcoming|official|state|"
    r"long-planned|foreign|first|two-day|three-day)\s+)*(?:trip|visit|tour|travel|journey))\s+to\s+"
)
_PROTEST_CALL = re.compile(
    r"\b(?P<verb>called|calls|calling|urged|urges|urging)\s+(?:for|(?:on\s+)?\w+\s+to\s+(?:hold|stage|join|attend))\s+"
    r"(?P<object>(?:(?:mass|nationwide|public|national|large|street|more)\s+)*(?:protests?|demonstrations?|rallies|"
    r"rally|marches))\b"
)
_DEMONSTRATION = re.compile(
    r"\b(?P<verb>protested|demonstrated|rallied|marched|took\s+to\s+the\s+streets|staged\s+(?:a\s+|mass\s+)*"
    r"(?:protests?|demonstrations?|rallies|rally)|held\s+(?:a\s+|mass\s+)*(?:protests?|demonstrations?|rallies|rally))\b"
)
_CROWD = re.compile(
    r"(?P<subj>(?:[Tt]ens\s+of\s+thousands|[Tt]housands|[Hh]undreds|[Cc]rowds|[Pp]rotesters|[Dd]emonstrators|"
    r"[Mm]ourners|[Ii]ranians|[Rr]esidents|[Ss]tudents)(?:\s+of\s+(?:people|Iranians|mourners|protesters))?)\s+"
    r"(?:(?:have|had|also|then)\s+)*$"
)
_ACTOR_GAP = re.compile(
    r"(?:[’']s)?[\s,]*(?:(?:has|have|had|also|then|later|reportedly|officially|subsequently|quickly|immediately)\s+)*"
)
_ACTOR_TAIL = re.compile(r"(?:\s+(?:has|have|had|also|then|later|reportedly|officially|subsequently))*\s*$")
_RESPONSE_TIE = re.compile(
    r"\b(?:after|following|in\s+response\s+to|in\s+the\s+wake\s+of|in\s+reaction\s+to|over|for|because\s+of|"
    r"due\s+to|in\s+protest\s+(?:at|against|over))\s+",
    re.IGNORECASE,
)
_VICTIMS = re.compile(r"\b(?:of|for|to)\s+(?:the\s+)?(?:victims|those\s+killed|the\s+dead|martyrs)\b", re.IGNORECASE)


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


def extract(analysis: Analysis) -> list[DraftFact]:
    """Draft the main attack's date and place, earlier incidents, and responses (see the module docstring)."""
    facts: list[DraftFact] = []
    facts.extend(_attack_places(analysis))
    facts.extend(_attack_dates(analysis))
    facts.extend(_incidents(analysis))
    facts.extend(_responses(analysis))
    return _grouped(facts)


def _grouped(facts: list[DraftFact]) -> list[DraftFact]:
    """One fact per passage and property: relations a sentence states with the same property are one fact,
    as curators write them ("Instances of such incidents encompass X in 2022 and Y in 2017": two
    relatedIncident triples, one quote), and as the writer keeps them (one candidate per passage and kind)."""
    kept: dict[tuple[int, str, str], DraftFact] = {}
    out: list[DraftFact] = []
    for fact in facts:
        if fact.kind != "relations":
            out.append(fact)
            continue
        key = (fact.start, fact.quote, ",".join(sorted({str(t[1]) for t in fact.body})))
        held = kept.get(key)
        if held is None:
            kept[key] = fact
            out.append(fact)
            continue
        held.body.extend(t for t in fact.body if t not in held.body)
        if fact.rule not in held.rule.split("+"):
            held.rule = f"{held.rule}+{fact.rule}"
        held.confidence = min(held.confidence, fact.confidence)
        held.new_entities.extend(m for m in fact.new_entities if m not in held.new_entities)
    return out


# ------------------------------------------------------------------- anchors


def event_dates(analysis: Analysis) -> dict[str, FoundDate]:
    """The date the article gives for each event it dates: earlier incidents, then the main attack."""
    return context.memo(analysis, "event-dates", lambda: _event_dates(analysis))


def _event_dates(analysis: Analysis) -> dict[str, FoundDate]:
    anchors: dict[str, FoundDate] = {}
    for sentence in analysis.sentences:
        for incident in incidents_in(analysis, sentence):
            for entity in incident.entities:
                if incident.date.value is not None and incident.date.value.day is not None:
                    anchors.setdefault(entity, incident.date)
    attack = context.main_attack(analysis)
    if attack is not None:
        for _, found, _ in _attack_date_candidates(analysis, dict(anchors)):
            anchors.setdefault(attack, found)
            break
    return anchors


# --------------------------------------------------------- the attack itself


def _attack_date_candidates(
    analysis: Analysis, anchors: dict[str, FoundDate]
) -> list[tuple[Sentence, FoundDate, context.Reference]]:
    attack = context.main_attack(analysis)
    year = context.main_year(analysis)
    found = []
    for sentence in analysis.sentences:
        refs = context.attack_refs(analysis, sentence)
        if not refs or _quotes_a_claim(analysis, sentence):
            continue
        for date in dates_in(analysis, sentence, anchors):
            if date.value is None or date.relative_to == attack or date.kind == "year" and date.preposition != "in":
                continue
            if year is not None and date.value.year != year:
                continue
            ref = _ref_for_date(analysis, sentence, refs, date)
            if ref is None:
                continue
            if any(context.voice_of(analysis, sentence, x.start, x.end).attributed for x in (ref, date)):
                continue
            found.append((sentence, date, ref))
    return found


def _ref_for_date(
    analysis: Analysis, sentence: Sentence, refs: list[context.Reference], date: FoundDate
) -> context.Reference | None:
    text = analysis.text
    before = [r for r in refs if r.end <= date.start]
    if before:
        ref = before[-1]
        gap = text[ref.end : date.start]
        if len(gap.split()) <= 16 and ";" not in gap and not any(p.search(gap) for p in _NOT_THE_ATTACK):
            return ref
    opening = re.match(r"\s*$", text[sentence.start : date.start]) and re.match(r",", text[date.end : date.end + 1])
    after = [r for r in refs if r.start >= date.end]
    if opening and after:
        gap = text[date.end : after[0].start]
        if len(gap.split()) <= 10 and not any(p.search(gap) for p in _NOT_THE_ATTACK):
            return after[0]
    return None


def _attack_dates(analysis: Analysis) -> list[DraftFact]:
    attack = context.main_attack(analysis)
    if attack is None:
        return []
    anchors = {k: v for k, v in event_dates(analysis).items() if k != attack}
    facts: list[DraftFact] = []
    seen: set[tuple[str, str]] = set()
    for sentence, date, ref in _attack_date_candidates(analysis, anchors):
        key = (date.value.iso if date.value else "", date.text)
        if key in seen:
            continue
        seen.add(key)
        confidence = 0.75 if date.kind in ("iso", "month-day", "day-month", "month-year", "year") else 0.65
        facts.append(
            DraftFact(
                name="attack-date",
                kind="relations",
                body=[[attack, "occurredOn", date.body()]],
                quote=sentence.text,
                start=sentence.start,
                rule="attack-date",
                cue=analysis.text[min(ref.start, date.start) : max(ref.end, date.end)],
                confidence=confidence,
            )
        )
    return facts


def _attack_places(analysis: Analysis) -> list[DraftFact]:
    attack = context.main_attack(analysis)
    if attack is None:
        return []
    found: list[tuple[int, int, Sentence, context.Reference, list[Mention]]] = []
    for sentence in analysis.sentences:
        if _quotes_a_claim(analysis, sentence):
            continue
        refs = context.attack_refs(analysis, sentence)
        for ref in refs:
            places = _place_after(analysis, sentence, ref.end, refs)
            if places is None or context.voice_of(analysis, sentence, ref.start, places[-1].end).attributed:
                continue
            found.append((_strength(analysis, ref), ref.start, sentence, ref, places))
    facts: list[DraftFact] = []
    seen: set[str] = set()
    for _, _, sentence, ref, places in sorted(found, key=lambda f: (-f[0], f[1])):
        triples = [[attack, "occurredAt", p.entity] for p in places if p.entity not in seen]
        seen.update(p.entity for p in places)
        if triples:
            facts.append(
                DraftFact(
                    name=f"attack-place-{places[0].entity}",
                    kind="relations",
                    body=triples,
                    quote=sentence.text,
                    start=sentence.start,
                    rule="attack-place",
                    cue=analysis.text[ref.start : places[-1].end],
                    confidence=0.7,
                )
            )
    return sorted(facts, key=lambda f: f.start)


def _quotes_a_claim(analysis: Analysis, sentence: Sentence) -> bool:
    """Whether a sentence reports a claim of responsibility and quotes it ("X claimed the attack in Y: “...”"):
    its description of the attack stands with the claimant's words, as part of the claim."""
    if not context.CLAIM_REPORT.search(sentence.text):
        return False
    for lo, hi in context.quotations(analysis):
        if sentence.start <= lo < sentence.end and len(analysis.text[lo:hi].split()) >= 3:
            return True
    return False


def _strength(analysis: Analysis, ref: context.Reference) -> int:
    """How plainly words refer to the attack: its registry name (2), a plural description (1), a singular one (0)."""
    if any(m.known and m.start == ref.start and m.end == ref.end for m in analysis.mentions_in(ref.start, ref.end)):
        return 2
    return 1 if ref.text.endswith("s") else 0


def _place_after(
    analysis: Analysis, sentence: Sentence, offset: int, refs: list[context.Reference]
) -> list[Mention] | None:
    """The registry place an event's words are placed at ("the explosions in Iran"), and the one that holds it."""
    places = [m for m in context.distinct(analysis.mentions_in(sentence.start, sentence.end)) if m.known]
    places = [m for m in places if context.is_place(m.types)]
    for place in places:
        if place.start <= offset:
            continue
        gap = analysis.text[offset : place.start]
        if re.search(r"[,;:—()“”\"]", gap) or not _PLACE_GAP.fullmatch(gap):
            continue
        if any(r.start >= offset and r.end <= place.start for r in refs) or _INCIDENT.search(gap):
            return None  # the place belongs to a nearer event
        outer = _containing(analysis, place, places)
        return [place] if outer is None else [place, outer]
    return None


def _containing(analysis: Analysis, place: Mention, places: list[Mention]) -> Mention | None:
    """ "Kerman, Iran": the place named right after a comma, when the registry puts the first inside it."""
    for other in places:
        if other.start > place.end and re.fullmatch(r",\s*", analysis.text[place.end : other.start]):
            if other.entity in _located_in(analysis, place.entity):
                return other
    return None


def _located_in(analysis: Analysis, entity: str) -> set[str]:
    found: set[str] = set()
    todo = [entity]
    while todo:
        current = analysis.registry.get(todo.pop())
        if current is None:
            continue
        for outer, _line in current.located_in:
            if outer not in found:
                found.add(outer)
                todo.append(outer)
    return found


# ---------------------------------------------------------- earlier incidents


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
    nouns = list(_INCIDENT.finditer(text))
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


def _incidents(analysis: Analysis) -> list[DraftFact]:
    attack = context.main_attack(analysis)
    facts: list[DraftFact] = []
    dated: set[tuple[str, str, str]] = set()
    related: set[str] = set()
    for index, sentence in enumerate(analysis.sentences):
        for incident in incidents_in(analysis, sentence):
            if context.voice_of(analysis, sentence, incident.start, incident.end).attributed:
                continue
            confidence = 0.7 if incident.entities else 0.55
            for entity in incident.ids:
                key = (entity, incident.date.iso or "", incident.date.text)
                if key in dated:
                    continue
                dated.add(key)
                facts.append(
                    DraftFact(
                        name=f"{entity}-date",
                        kind="relations",
                        body=[[entity, "occurredOn", incident.date.body()]],
                        quote=sentence.text,
                        start=sentence.start,
                        rule="incident-date",
                        cue=incident.text,
                        confidence=confidence,
                        new_entities=new_entities(incident.new),
                    )
                )
            place = _place_after(analysis, sentence, incident.noun_end, [])
            if place is not None:
                for entity in incident.ids:
                    triples = [[entity, "occurredAt", p.entity] for p in place]
                    key = (entity, "place", ",".join(p.entity for p in place))
                    if key in dated:
                        continue
                    dated.add(key)
                    facts.append(
                        DraftFact(
                            name=f"{entity}-place",
                            kind="relations",
                            body=triples,
                            quote=sentence.text,
                            start=sentence.start,
                            rule="incident-place",
                            cue=analysis.text[incident.start : place[-1].end],
                            confidence=round(confidence - 0.05, 2),
                            new_entities=new_entities(incident.new),
                        )
                    )
            if attack is None:
                continue
            tie = _tie(analysis, index, incident)
            if tie is None:
                continue
            tie_sentence, cue = tie
            for entity in incident.ids:
                if entity in related:
                    continue
                related.add(entity)
                facts.append(
                    DraftFact(
                        name=f"related-{entity}",
                        kind="relations",
                        body=[[attack, "relatedIncident", entity]],
                        quote=tie_sentence.text,
                        start=tie_sentence.start,
                        rule="related-incident",
                        cue=cue,
                        confidence=round(confidence - 0.05, 2),
                        new_entities=new_entities(incident.new),
                    )
                )
    return facts


def _tie(analysis: Analysis, index: int, incident: Incident) -> tuple[Sentence, str] | None:
    """The sentence that ties an incident to the main attack, and the words that do (see the module docstring)."""
    sentence = analysis.sentences[index]
    outside = analysis.text[sentence.start : incident.start] + " " + analysis.text[incident.end : sentence.end]
    match = _TIE.search(outside)
    if match:
        return sentence, match.group()
    if index + 1 >= len(analysis.sentences):
        return None
    following = analysis.sentences[index + 1]
    if context.paragraph(analysis, following.start) != context.paragraph(analysis, sentence.start):
        return None
    compare = _COMPARE.search(following.text)
    if compare is None:
        return None
    if context.attack_refs(analysis, following) or _names_attack_place(analysis, following):
        return following, compare.group()
    return None


def _names_attack_place(analysis: Analysis, sentence: Sentence) -> bool:
    """Whether a sentence names a city or site that the main attack's registry label names ("Kerman")."""
    attack = context.main_attack(analysis)
    if attack is None or attack not in analysis.registry:
        return False
    label = analysis.registry[attack].label
    for mention in analysis.mentions_in(sentence.start, sentence.end):
        if mention.known and any(t in ("City", "Site") for t in mention.types):
            if re.search(rf"\b{re.escape(mention.text)}\b", label):
                return True
    return False


# ------------------------------------------------------------------ responses


def _responses(analysis: Analysis) -> list[DraftFact]:
    facts: list[DraftFact] = []
    for sentence in analysis.sentences:
        for kind, pattern in (
            ("DayOfMourning", _MOURNING),
            ("CancelledVisit", _CANCEL),
            ("ProtestCall", _PROTEST_CALL),
            ("Demonstration", _DEMONSTRATION),
        ):
            for match in pattern.finditer(sentence.text):
                fact = _response(analysis, sentence, kind, match)
                if fact is not None:
                    facts.append(fact)
    return facts


def _response(analysis: Analysis, sentence: Sentence, kind: str, match: re.Match[str]) -> DraftFact | None:
    verb_at = sentence.start + match.start("verb")
    end = sentence.start + match.end()
    if context.in_quotation(analysis, verb_at, end) or context.voice_of(analysis, sentence, verb_at, end).attributed:
        return None
    actor = _actor(analysis, sentence, verb_at)
    if actor is None:
        return None
    body: dict[str, object] = {"type": kind, "by": reference(actor)}
    mentions: list[Mention | None] = [actor]
    cue_end = end
    if kind == "CancelledVisit":
        destination = _destination(analysis, sentence, end)
        if destination is None:
            return None
        mentions.append(destination)
        cue_end = destination.end
    tie = _response_tie(analysis, sentence)
    attack = context.main_attack(analysis)
    if tie and attack is not None:
        body["in_response_to"] = attack
    if kind == "CancelledVisit":
        body["destination"] = reference(mentions[-1])
    confidence = 0.75 if actor.known else 0.55
    return DraftFact(
        name=f"{slug(kind)}-{actor.entity}",
        kind="response",
        body=body,
        quote=sentence.text,
        start=sentence.start,
        rule=f"response-{slug(kind)}",
        cue=analysis.text[actor.start if actor.start < verb_at else verb_at : cue_end],
        confidence=confidence,
        new_entities=new_entities(*mentions),
    )


def _actor(analysis: Analysis, sentence: Sentence, verb_at: int) -> Mention | None:
    """The agent named just before a verb (titles and "has", "also"... may stand between), or a crowd."""
    agents = context.agents_in(analysis, sentence.start, verb_at)
    if agents:
        last = agents[-1]
        if _ACTOR_GAP.fullmatch(analysis.text[last.end : verb_at]):
            return last
    before = analysis.text[sentence.start : verb_at]
    generic = context.GENERIC_SOURCE.search(_ACTOR_TAIL.sub("", before))
    if generic:
        start = sentence.start + generic.start("src")
        text = generic.group("src")
        return Mention(start, start + len(text), text, slug(text), False, "new", ("Group",), LINK_CONFIDENCE["new"])
    crowd = _CROWD.search(before)
    if crowd:
        start = sentence.start + crowd.start("subj")
        text = crowd.group("subj")
        return Mention(start, start + len(text), text, slug(text), False, "new", ("Group",), LINK_CONFIDENCE["new"])
    return None


def _destination(analysis: Analysis, sentence: Sentence, offset: int) -> Mention | None:
    for mention in context.distinct(analysis.mentions_in(offset, sentence.end)):
        if not re.fullmatch(r"(?:(?:the|neighbouring|neighboring)\s+)?", analysis.text[offset : mention.start]):
            return None
        if mention.known and context.is_place(mention.types):
            return mention
        if not mention.known:
            return Mention(
                mention.start, mention.end, mention.text, mention.entity, False, "new", ("Place",), mention.confidence
            )
        return None
    return None


def _response_tie(analysis: Analysis, sentence: Sentence) -> bool:
    """Whether a sentence says its action answers the main attack (see the module docstring)."""
    refs = context.attack_refs(analysis, sentence)
    for match in _RESPONSE_TIE.finditer(sentence.text):
        at = sentence.start + match.end()
        if any(0 <= r.start - at <= 4 for r in refs):
            return True
    return bool(_VICTIMS.search(sentence.text))
