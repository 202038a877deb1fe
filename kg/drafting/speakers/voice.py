"""Who states a span of a sentence: the article's own voice, or the speaker the sentence names.

:func:`voice_of` answers with a :class:`Voice`; the first rule that matches wins:

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
from dataclasses import dataclass

from kg.drafting.analysis import LINK_CONFIDENCE, Analysis, Mention, Sentence, slug
from kg.drafting.context import distinct, is_agent
from kg.drafting.quotations import in_quotation, outside_quotations, paragraph, quotation_at

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
_PRONOUN = re.compile(r"\b(?:he|she|they|it|we|I)\s+$", re.IGNORECASE)
_SPEECH_INTRO = re.compile(
    r"\b(?:said|says|stated|wrote|writes|read|reads|added|declared|statement|claim|claimed|message|note|text|"
    r"video|post|posted|announced)\b|:\s*$",
    re.IGNORECASE,
)


def agents_in(analysis: Analysis, start: int, end: int) -> list[Mention]:
    """Mentions of agents (registry or new) inside [start, end), outside quotations."""
    return [
        m
        for m in distinct(analysis.mentions_in(start, end))
        if is_agent(m.types) and not in_quotation(analysis, m.start, m.end)
    ]


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
    plain = outside_quotations(analysis, sentence.start, sentence.end)
    for finder in (_according_to, _reporting_before, _closing_attribution):
        voice = finder(analysis, sentence, plain, start, end)
        if voice is not None:
            return voice
    return OWN_VOICE


def _quotation_voice(analysis: Analysis, sentence: Sentence, quotation: tuple[int, int]) -> Voice:
    plain = outside_quotations(analysis, sentence.start, sentence.end)
    for finder in (_according_to, _reporting_before, _closing_attribution, _reporting_after_quote):
        voice = finder(analysis, sentence, plain, quotation[0], quotation[1])
        if voice is not None and voice.speaker is not None:
            return voice
    lo, _ = paragraph(analysis, quotation[0])
    intro = outside_quotations(analysis, lo, quotation[0])
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
