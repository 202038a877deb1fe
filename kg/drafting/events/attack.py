"""Drafting what an article says about the attack itself: when and where, earlier incidents, responses.

:func:`extract` proposes facts in the curator's format (``corpus/README.md``). The main attack and
the words that refer to it come from :mod:`kg.drafting.context`; dates from
:mod:`kg.drafting.dates`; earlier incidents are drafted by :mod:`kg.drafting.events.incident_facts`
(found by :mod:`kg.drafting.events.incidents`), responses by :mod:`kg.drafting.events.responses`. The rules of
this module, each with the general pattern it covers:

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

Relations one sentence states with the same property are drafted as one fact (two incidents of one
sentence, two ``relatedIncident`` triples). :func:`event_dates` gives the dates the article states
for the main attack and for earlier incidents, which :mod:`kg.drafting.dates` counts relative
phrases from.
"""

from __future__ import annotations

import re

from kg.drafting import context
from kg.drafting.absolute_dates import FoundDate
from kg.drafting.analysis import Analysis, Mention, Sentence
from kg.drafting.dates import dates_in
from kg.drafting.events.incident_facts import draft_incidents
from kg.drafting.events.incidents import INCIDENT, incidents_in
from kg.drafting.events.places import place_after
from kg.drafting.events.responses import draft_responses
from kg.drafting.model import DraftFact
from kg.drafting.quotations import quotations
from kg.drafting.speakers.voice import REPORTING, voice_of

_DATE_BLOCK = re.compile(
    r"\b(?:statements?|claims?|claimed|claiming|said|says|saying|stated|released|published|posted|visits?|trips?|"
    r"funerals?|speech|announcement|announced|message|video|reports?|reported|interview|meeting|note|after|before|"
    r"since|until|later|following|during|when|while|ceremony|gathering|mourners|commemorat\w*|accus\w+|blamed|"
    r"denied|stating|telling|adding)\b",
    re.IGNORECASE,
)
#: words between an attack reference and a date that make the date another event's (or a speaker's)
_NOT_THE_ATTACK = (_DATE_BLOCK, INCIDENT, REPORTING)


def extract(analysis: Analysis) -> list[DraftFact]:
    """Draft the main attack's date and place, earlier incidents, and responses (see the module docstring)."""
    facts: list[DraftFact] = []
    facts.extend(_attack_places(analysis))
    facts.extend(_attack_dates(analysis))
    facts.extend(draft_incidents(analysis))
    facts.extend(draft_responses(analysis))
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
            if any(voice_of(analysis, sentence, x.start, x.end).attributed for x in (ref, date)):
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
            places = place_after(analysis, sentence, ref.end, refs)
            if places is None or voice_of(analysis, sentence, ref.start, places[-1].end).attributed:
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
    for lo, hi in quotations(analysis):
        if sentence.start <= lo < sentence.end and len(analysis.text[lo:hi].split()) >= 3:
            return True
    return False


def _strength(analysis: Analysis, ref: context.Reference) -> int:
    """How plainly words refer to the attack: its registry name (2), a plural description (1), a singular one (0)."""
    if any(m.known and m.start == ref.start and m.end == ref.end for m in analysis.mentions_in(ref.start, ref.end)):
        return 2
    return 1 if ref.text.endswith("s") else 0
