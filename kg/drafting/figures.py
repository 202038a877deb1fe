"""Drafting casualty figures: how many were killed, injured, or killed and injured together, and who said so.

:func:`extract` proposes ``casualties`` facts in the curator's format (``corpus/README.md``). Rules,
each with the general pattern it covers:

- **figure**: a number (digits, "1,200", or a number word) with the qualifier written before it
  ("at least", "more than", "over", "nearly", "almost", "about", "around", "some", "a hundred",
  "more than a hundred"...). The figure is kept exactly as written, qualifier included, and only
  when :func:`kg.curation.figures.parse_figure` reads it; a qualifier the parser does not know ("up to", "as
  many as", "an estimated", "well over", "fewer than") drops the whole figure rather than lose it.
  Words that are not numbers ("dozens", "hundreds", "numerous") are never figures.
- **what it counts**, from the words around it:

  - *combined* (``killed_and_injured``): "killing and wounding 300", "killed or wounded 300", "300
    killed or wounded", "300 dead and injured", "300 casualties": one number for both, never a
    death toll;
  - *killed*: a verb of killing before it ("killed 103", "killing at least 84", "the deaths of 15",
    "the death toll rose to 95", "the toll was revised down to 81", "claimed the lives of 40"), or a
    word of death after it ("84 deaths", "84 fatalities", "84 dead", "84 people died", "84 people
    lost their lives", "claimed nearly 100 lives", "84 people were killed", "84 were confirmed
    dead");
  - *injured*: "injured 284", "wounding 284", "284 injuries", "284 others injured", "284 were
    wounded".

  A verb after the number counts only in the passive or with nothing after it ("84 were killed",
  "84 killed and 211 injured"), so that "two suicide bombers killed 84" does not make "two" a
  death toll. Where the words before and after disagree, nothing is drafted. Two figures of one
  sentence ("95 killed and 211 injured") are two facts.
- **of**: an earlier incident the sentence names before the figure, with its date (see
  :mod:`kg.drafting.events.incidents`: "an attack on a shrine in 2022, resulting in the deaths of 15
  people"); otherwise the main attack, when the sentence refers to it or describes it ("the
  explosions", "the massacre", "detonated their explosive belts"), or comes within three sentences
  after one that does, with no sentence between (nor itself) naming another event (a war, an
  offensive, a strike, an earlier attack): "The death toll rose to 95." Nothing else.
- **given_by**: who gives the figure (:func:`kg.drafting.speakers.voice.voice_of`): the agent of "according
  to X", of a reporting verb ("X said", "officials said", "X put the death toll at"), the speaker of
  the quotation that holds it; else ``publisher``. A figure attributed to someone the drafter cannot
  name is not drafted: it is never credited to the article.
- **hedge**: "is/are said to have", "reportedly", "allegedly", "is believed to have"... in the
  figure's clause before it, or between the number and its verb ("84 were reportedly killed").
- The same figure (kind, event, words and source) is drafted once, at its first occurrence; where
  the article gives it once with its source and once without (a headline restating the body), only
  the attributed statement is drafted, so that a source's figure is never credited to the article.
"""

from __future__ import annotations

import re

from kg.curation.figures import QUALIFIER_PHRASES, parse_figure
from kg.drafting import context
from kg.drafting.analysis import Analysis, Mention, Sentence, slug
from kg.drafting.events.incidents import incidents_in
from kg.drafting.model import PUBLISHER, DraftFact, new_entities, reference
from kg.drafting.speakers.voice import voice_of

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousands dozens "
    "dozen scores"
).split()
_NUMBER = re.compile(
    r"(?<![\w.,-])(?P<n>\d{1,3}(?:,\d{3})+|\d+|(?:a|one)\s+(?:hundred|thousand)|a\s+dozen|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?![\w-]|[.,]\d)",
    re.IGNORECASE,
)
#: qualifiers kg.curation.figures does not read: a figure written with one is not drafted
UNSUPPORTED_QUALIFIERS = (
    "up to", "as many as", "as few as", "fewer than", "less than", "under", "below", "an estimated", "estimated",
    "a reported", "at most", "no fewer than", "no less than", "not more than", "in excess of", "only", "just",
    "more or less", "an additional", "another", "a further", "the", "nearly twice",
)  # fmt: skip
_QUALIFIER = re.compile(
    r"(?:\b(?P<lead>well|just|far|slightly|much|a\s+little|a\s+bit)\s+)?\b(?P<q>"
    + "|".join(
        re.escape(q).replace(r"\ ", r"\s+")
        for q in sorted({*QUALIFIER_PHRASES, *UNSUPPORTED_QUALIFIERS}, key=len, reverse=True)
    )
    + r")\s+$",
    re.IGNORECASE,
)
_LEFT_COMBINED = re.compile(
    r"\b(?:killing|killed|kills|kill|dead)\s+(?:and|or)\s+(?:wounding|wounded|injuring|injured|wounds|injures)\s+$|"
    r"\bcasualt(?:y|ies)(?:\s+toll)?\s+(?:of|at|to|rose\s+to|reached)\s+$",
    re.IGNORECASE,
)
_LEFT_KILLED = re.compile(
    r"\b(?:killed|killing|kills|kill|murdered|murdering|"
    r"(?:claimed|claiming|claims|took|taking|cost|costing)\s+the\s+lives\s+of|the\s+lives\s+of|deaths?\s+of|"
    r"(?:(?:death|fatality)\s+|(?:the|a)\s+)toll(?:\s+(?!(?:of\s+)?(?:injur|wound|casualt))[\w’'-]+){0,8}?\s+"
    r"(?:to|at|of|reached|reaching|hit|passed|topped|exceeded|is|was|stands|stood)|"
    r"number\s+of\s+(?:dead|deaths|fatalities|people\s+killed)\s+(?:rose\s+to|reached|stood\s+at|is|was|to))\s+$",
    re.IGNORECASE,
)
_LEFT_INJURED = re.compile(
    r"\b(?:injured|injuring|injures|injure|wounded|wounding|wounds|wound|hurt|hurting|"
    r"injury\s+toll\s+(?:of|at|to|rose\s+to)|"
    r"number\s+of\s+(?:injured|wounded|injuries)\s+(?:rose\s+to|reached|stood\s+at|is|was|to))\s+$",
    re.IGNORECASE,
)
_LIVES_VERB = re.compile(r"\b(?:claimed|claiming|claims|claim|cost|costing|took|taking|lost|losing)\s+(?:\S+\s+){0,2}$")
_AUX = frozenset(
    """were was are is have has had been being reportedly allegedly also all later now already officially
    reported confirmed feared believed""".split()
)
_STOP = frozenset("and or in on at of with from for to by as including among while who which that".split())
_CUES = {
    "killed": "killed", "dead": "killed", "died": "killed", "deaths": "killed",
    "fatalities": "killed", "lives": "killed", "injured": "injured", "wounded": "injured", "hurt": "injured",
    "injuries": "injured", "wounds": "injured", "casualties": "killed_and_injured",
}  # fmt: skip
_VERB_CUES = frozenset({"killed", "injured", "wounded", "hurt"})
_OBJECT_START = frozenset(
    "a an the at more nearly almost about around over some up approximately roughly close".split()
)
_HEDGE = re.compile(
    r"\b(?:(?:is|are|was|were|has\s+been|have\s+been)\s+(?:said|reported|believed|thought|estimated|feared|"
    r"understood|alleged|claimed)\s+to(?:\s+have(?:\s+been)?|\s+be)?|reportedly|allegedly|purportedly|apparently|"
    r"possibly|probably|may\s+have(?:\s+been)?|might\s+have(?:\s+been)?|could\s+have(?:\s+been)?)\b",
    re.IGNORECASE,
)
#: words of an attack's description: a sentence with one speaks of an attack even without naming it
_ATTACK_WORDS = re.compile(
    r"\b(?:detonat\w+|explosives?|explosive\s+(?:belts?|vests?)|bombers?|blew\s+(?:themselves|himself)\s+up|"
    r"gunmen|opened\s+fire)\b",
    re.IGNORECASE,
)
#: other events a casualty figure may count: a sentence with one is not tied to the attack by its neighbours
_OTHER_EVENT = re.compile(
    r"\b(?:war|wars|offensive|conflict|fighting|clashes|earthquake|floods?|crash|strikes?|airstrikes?|campaign|"
    r"bombardment|crackdown|protests|epidemic|pandemic|famine|siege|invasion|occupation)\b",
    re.IGNORECASE,
)
_PREFIX = {"killed": "death-toll", "injured": "injured", "killed_and_injured": "casualties"}


def extract(analysis: Analysis) -> list[DraftFact]:
    """Draft the casualty figures of an article (see the module docstring)."""
    found = [
        fact for index, sentence in enumerate(analysis.sentences) for fact in _in_sentence(analysis, index, sentence)
    ]
    attributed = {_figure_key(f) for f in found if f.body["given_by"] != PUBLISHER}
    facts: list[DraftFact] = []
    seen: set[tuple[str, ...]] = set()
    for fact in found:
        key = _figure_key(fact)
        if fact.body["given_by"] == PUBLISHER and key in attributed:
            continue  # a restatement without its source (a headline): the attributed statement stands
        if (*key, str(fact.body["given_by"])) in seen:
            continue
        seen.add((*key, str(fact.body["given_by"])))
        facts.append(fact)
    return facts


def _figure_key(fact: DraftFact) -> tuple[str, str, str]:
    return str(fact.body["type"]), str(fact.body["of"]), str(fact.body["figure"]).lower()


def _in_sentence(analysis: Analysis, index: int, sentence: Sentence) -> list[DraftFact]:
    facts = []
    for match in _NUMBER.finditer(sentence.text):
        figure = _figure(sentence, match)
        if figure is None:
            continue
        lo, hi = figure
        counted = _what_it_counts(sentence.text, lo, hi)
        if counted is None:
            continue
        kind, cue_end = counted
        start, end = sentence.start + lo, sentence.start + hi
        event = _event(analysis, index, sentence, start)
        if event is None:
            continue
        voice = voice_of(analysis, sentence, start, end)
        if voice.unknown:
            continue
        speaker: Mention | None = voice.speaker
        body: dict[str, object] = {
            "type": kind,
            "of": event[0],
            "figure": analysis.text[start:end],
            "given_by": reference(speaker),
        }
        hedge = _hedge(analysis, sentence, start, sentence.start + cue_end)
        if hedge:
            body["hedge"] = hedge
        confidence = 0.85 if body["given_by"] == PUBLISHER else (0.75 if speaker and speaker.known else 0.6)
        if hedge:
            confidence -= 0.05
        cue_lo = min(start, sentence.start + _cue_start(sentence.text, lo))
        facts.append(
            DraftFact(
                name=f"{_PREFIX[kind]}-{slug(str(body['figure']))}",
                kind="casualties",
                body=body,
                quote=sentence.text,
                start=sentence.start,
                rule=f"casualty-figure-{kind.replace('_', '-')}",
                cue=analysis.text[cue_lo : sentence.start + max(cue_end, hi)],
                confidence=round(confidence * event[1], 2),
                new_entities=new_entities(speaker, event[2]),
            )
        )
    return facts


def _figure(sentence: Sentence, match: re.Match[str]) -> tuple[int, int] | None:
    """The figure's span in the sentence, qualifier included; None when its qualifier cannot be read."""
    text = sentence.text
    lo = match.start()
    qualifier = _QUALIFIER.search(text[:lo])
    if qualifier is not None:
        words = re.sub(r"\s+", " ", qualifier.group("q").lower())
        if qualifier.group("lead") or words not in QUALIFIER_PHRASES:
            return None  # "well over", "up to", "an estimated": a qualifier kg.curation.figures cannot keep
        lo = qualifier.start("q")
    if re.match(r"\s+of\b", text[match.end() :]):
        return None  # "one of the worst", "two of its members"
    if re.fullmatch(r"1[89]\d\d|20\d\d", match.group()) and re.search(
        r"\b(?:in|since|until|during|by|from|of|before|after)\s+$", text[:lo], re.IGNORECASE
    ):
        return None  # "in 2000": a year
    try:
        parse_figure(text[lo : match.end()])
    except ValueError:
        return None
    return lo, match.end()


def _what_it_counts(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """(kind, end of the words that say so) for the figure at [lo, hi), or None."""
    left = text[:lo]
    if _LEFT_COMBINED.search(left):
        left_kind: str | None = "killed_and_injured"
    elif _LEFT_KILLED.search(left):
        left_kind = "killed"
    elif _LEFT_INJURED.search(left):
        left_kind = "injured"
    else:
        left_kind = None
    right = _right_cue(text, lo, hi)
    if right is not None and left_kind is not None and right[0] != left_kind:
        return None
    if right is not None:
        return right
    return (left_kind, hi) if left_kind else None


def _right_cue(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """What the words after a figure say it counts ("84 people were killed"), and where they end; or None."""
    tokens = list(re.finditer(r"[\w’'-]+|[^\w\s]", text[hi : hi + 120]))
    words = [t.group().lower() for t in tokens]
    i = nouns = 0
    while i < len(words) and nouns < 2 and words[i].isalpha() and words[i] not in _AUX and words[i] not in _STOP:
        if words[i] in _CUES or words[i] in ("lost", "lose"):
            break
        nouns += 1
        i += 1
    aux = False
    while i < len(words) and words[i] in _AUX:
        aux = True
        i += 1
    if i + 2 < len(words) and words[i] in ("lost", "lose") and words[i + 1 : i + 3] == ["their", "lives"]:
        return "killed", hi + tokens[i + 2].end()  # "84 people lost their lives"
    if i >= len(words) or words[i] not in _CUES:
        return None
    cue = words[i]
    kind = _CUES[cue]
    end = hi + tokens[i].end()
    rest = words[i + 1 : i + 3]
    if cue in ("killed", "dead", "deaths") and len(rest) == 2 and rest[0] in ("and", "or"):
        if rest[1] in ("wounded", "injured", "injuries", "hurt"):
            return "killed_and_injured", hi + tokens[i + 2].end()
    if cue == "lives" and not _LIVES_VERB.search(text[:lo]):
        return None
    if cue in _VERB_CUES and not aux:
        following = words[i + 1] if i + 1 < len(words) else "."
        if following in _OBJECT_START or following.isdigit() or following in _NUMBER_WORDS:
            return None  # "two bombers killed 84": the number is the killers, not the dead
        if nouns and following.isalpha() and following not in _STOP and following not in ("and", "or"):
            return None
    return kind, end


def _cue_start(text: str, lo: int) -> int:
    """Where the words before a figure that say what it counts start (the figure itself when none do)."""
    left = text[:lo]
    for pattern in (_LEFT_COMBINED, _LEFT_KILLED, _LEFT_INJURED):
        match = pattern.search(left)
        if match:
            return match.start()
    return lo


def _event(analysis: Analysis, index: int, sentence: Sentence, start: int) -> tuple[str, float, Mention | None] | None:
    """The event a figure counts, how sure the tie is, and the new event it names if any (see the module docstring)."""
    before = [i for i in incidents_in(analysis, sentence) if i.end <= start]
    if before:
        ids = before[-1].ids
        return (ids[0], 0.9, before[-1].new) if len(ids) == 1 else None
    attack = context.main_attack(analysis)
    if attack is None:
        return None
    if context.attack_refs(analysis, sentence) or _ATTACK_WORDS.search(sentence.text):
        return attack, 1.0, None
    if _names_other_event(analysis, sentence, attack):
        return None
    for previous in reversed(analysis.sentences[max(0, index - 3) : index]):
        if _names_other_event(analysis, previous, attack):
            return None
        if context.attack_refs(analysis, previous) or _ATTACK_WORDS.search(previous.text):
            return attack, 0.9, None
    return None


def _names_other_event(analysis: Analysis, sentence: Sentence, attack: str) -> bool:
    """Whether a sentence speaks of an event other than the main attack (a war, a strike, an earlier attack)."""
    if _OTHER_EVENT.search(sentence.text) or incidents_in(analysis, sentence):
        return True
    return any(
        m.known and context.is_attack(m.types) and m.entity != attack
        for m in analysis.mentions_in(sentence.start, sentence.end)
    )


def _hedge(analysis: Analysis, sentence: Sentence, start: int, cue_end: int) -> str | None:
    """The hedge on a figure: in its clause before it, or between it and the words that say what it counts."""
    clause = context.clause_start(sentence, start)
    spans = [(clause, start), (start, max(cue_end, start))]
    for lo, hi in spans:
        matches = list(_HEDGE.finditer(analysis.text, lo, hi))
        if matches:
            return matches[-1].group()
    return None
