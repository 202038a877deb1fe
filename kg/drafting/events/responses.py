"""Drafting responses to the attack: days of mourning, cancelled visits, calls to protest, demonstrations.

A ``response`` fact is an action in the article's own voice: "declared/announced a (national)
day of mourning" (``DayOfMourning``), "cancelled/called off/scrapped a (planned) trip/visit to X"
(``CancelledVisit``, ``destination`` the place named), "called for (mass) protests/rallies"
(``ProtestCall``), "protested/rallied/took to the streets/staged a protest" (``Demonstration``).
``by`` is the agent named just before the verb, or a generic one there ("Iranian authorities",
"officials") or a crowd ("thousands of people"), as a new group; no agent, no fact.
``in_response_to`` is the main attack only when the sentence says so: "after", "following", "in
response to", "in the wake of", "over", "for" followed by a reference to the attack, or the action
is for "the victims". An action reported by someone ("X reported that Y cancelled...") is not
drafted.
"""

from __future__ import annotations

import re

from kg.drafting import context
from kg.drafting.analysis import LINK_CONFIDENCE, Analysis, Mention, Sentence, slug
from kg.drafting.model import DraftFact, new_entities, reference
from kg.drafting.quotations import in_quotation
from kg.drafting.speakers.voice import GENERIC_SOURCE, agents_in, voice_of

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


def draft_responses(analysis: Analysis) -> list[DraftFact]:
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
    if in_quotation(analysis, verb_at, end) or voice_of(analysis, sentence, verb_at, end).attributed:
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
    agents = agents_in(analysis, sentence.start, verb_at)
    if agents:
        last = agents[-1]
        if _ACTOR_GAP.fullmatch(analysis.text[last.end : verb_at]):
            return last
    before = analysis.text[sentence.start : verb_at]
    generic = GENERIC_SOURCE.search(_ACTOR_TAIL.sub("", before))
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
