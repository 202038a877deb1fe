"""The patterns of attribution: reporting verbs, "according to", passive agents, hedges, clause starts, name parts.

With them, the scans over a sentence's text that use them: back from a verb over auxiliaries and control
verbs to its subject, the last match of a pattern, and where a noun phrase ends.
"""

from __future__ import annotations

import re
from typing import Final

# ------------------------------------------------------------------ patterns

_REPORTING_WORDS = (
    r"said|says|stated|told|tells|announced|announces|added|adds|warned|warns|emphasi[sz]ed|emphasi[sz]es|"
    r"stressed|stresses|mentioned|noted|pointed\s+out|points\s+out|argued|argues|believes?|believed|"
    r"suggested|suggests|speculated|reported|insisted|insists|asserted|asserts|alleged|alleges|described|"
    r"describes|characteri[sz]ed|characteri[sz]es|wrote|writes|explained|explains|declared|declares|"
    r"confirmed|confirms|considers|considered|estimated|cautioned|maintained|maintains|contended|indicated|"
    r"revealed|acknowledged|thinks|proposed|identified|identifies|read|"
    r"claim(?:ed|s)?(?=\s+(?:that|it|its|they|their)\b)"
)
_PARTICIPLE_WORDS = (
    r"saying|stating|adding|claiming|warning|suggesting|proposing|noting|arguing|alleging|insisting|"
    r"explaining|reporting|describing|announcing|asserting|emphasi[sz]ing|declaring|confirming|writing"
)
REPORTING: Final = re.compile(
    rf"\b(?:{_REPORTING_WORDS}|{_PARTICIPLE_WORDS})\b(?!\s+(?:full\s+|sole\s+)?(?:responsibility|credit)\b)",
    re.IGNORECASE,
)
#: a reporting word used as an adjective ("the reported death toll", "an alleged plot") frames nothing
ADJECTIVAL: Final = re.compile(r"\b(?:the|a|an|its|their|his|her|this|these|those)\s+$", re.IGNORECASE)
PARTICIPLE: Final = re.compile(rf"(?:{_PARTICIPLE_WORDS})", re.IGNORECASE)
ACCORDING: Final = re.compile(r"\b(?:according\s+to|as\s+per|citing)\s+", re.IGNORECASE)
#: "put forward by X": a participle of speech with its agent
BY_AGENT: Final = re.compile(
    r"\b(?:put\s+forward|suggested|proposed|advanced|voiced|raised|floated|reported|claimed|stated|made|"
    r"cited|quoted|given|expressed|issued|released|published|posted|aired|broadcast|shown)\s+by\s+",
    re.IGNORECASE,
)
#: an attribution to someone unnamed: "as was thought", "it is believed", "have been attributed to"
AGENTLESS: Final = re.compile(
    r"\b(?:is|are|was|were|been|being)\s+(?:widely\s+|also\s+|generally\s+)?"
    r"(?:thought|believed|suspected|reported|rumou?red|alleged|attributed|linked|blamed|claimed|understood|"
    r"said|considered|expected|feared)\b(?!\s+(?:to\b|by\b))",
    re.IGNORECASE,
)
HEDGE_PASSIVE: Final = re.compile(r"\b(?:is|are|was|were|been|being|be)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
#: words the subject search skips between a subject and its verb
_SKIP: Final = re.compile(
    r"(?:\b(?:has|have|had|was|were|is|are|been|being|be|will|would|shall|should|can|could|may|might|must|did|"
    r"does|do|also|then|now|already|still|again|later|earlier|first|once|not|never|soon|since|just|even|"
    r"often|always|long|too|yet|in\s+turn|\w+ly)|n[’']t)\s*$",
    re.IGNORECASE,
)
_CONTROL: Final = re.compile(
    r"(?:\b(?:quick|swift|expected|determined|ready|set|keen|eager|due|able|unable|first|prepared|willing)\s+to"
    r"|\b(?:expressed|expresses|expressing|reaffirmed|reaffirms|stated|declared|announced|signalled|signaled)\s+"
    r"(?:its|his|her|their)\s+(?:determination|intention|resolve|readiness|commitment|desire|will)\s+to"
    r"|\b(?:vowed|vows|promised|promises|pledged|pledges|threatened|threatens|decided|decides|wants|wanted|"
    r"intends|intended|plans|planned|sought|seeks|tried|tries|continued|continues|moved|hastened|rushed|"
    r"appeared|appears|seemed|seems|went\s+on|refused|declined)\s+to)\s*$",
    re.IGNORECASE,
)
#: verbs that may head an earlier coordinated clause: "X denied ... and stated"
VERBS: Final = re.compile(
    rf"\b(?:{_REPORTING_WORDS}|{_PARTICIPLE_WORDS}|"
    r"claimed|asserted|accepted|took|takes|accused|accuses|blamed|blames|held|holds|denied|denies|rejected|"
    r"rejects|dismissed|condemned|condemns|denounced|denounces|deplored|vowed|vows|swore|pledged|promised|"
    r"threatened|issued|issues|expressed|expresses|attributed|attributes|extended|offered|called|calls|urged|"
    r"urges|declined|refused|aired|broadcast|released|published|posted|designated|cancelled|canceled|"
    r"declared|launched|retaliated|ordered|sent|gave|made)\b",
    re.IGNORECASE,
)
#: where a subject's clause starts (quotations are blanked to \x01 before this is applied)
CLAUSE_START: Final = re.compile(
    r"[;:()\x01—–]|,\s+and\b|,\s+but\b"
    r"|\b(?:that|which|who|whom|whose|while|whereas|because|although|though|if|when|where|what|whether|"
    r"so|once|unless|until)\b"
    r"|(?<!such\s)(?<!known\s)(?<!also\s)\bas\b(?!\s+per\b)",
    re.IGNORECASE,
)
#: words that end a noun phrase's head and start what follows it ("commander | in Kerman")
POSTMOD: Final = re.compile(
    r"\s(?:in|at|of|for|from|on|with|within|inside|near|cited|quoted|based|close|familiar|who|which|that|"
    r"released|published|issued|posted|carried|aired|broadcast|seen|obtained)\b",
    re.IGNORECASE,
)
LEADING: Final = re.compile(
    r"^(?:(?:and|but|or|with|by|as|so|then|also|yet|however|meanwhile|moreover|furthermore|additionally|"
    r"initially|later|earlier|now|instead|still|thus)\b[\s,]*)+",
    re.IGNORECASE,
)
WORD: Final = re.compile(r"[\w’'.\-]+")
#: "X, also known as Y": the text's own alias for a name
ALSO_KNOWN: Final = re.compile(
    r",?\s*(?:also\s+known\s+as|a\.k\.a\.?|better\s+known\s+as|also\s+called|known\s+locally\s+as)\s+"
    r"(?:the\s+)?(?P<alias>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})"
)
POSSESSIVE_END: Final = re.compile(r"[’']s?$")
#: the rest of a hyphenated name after a linked part ("-Khorasan" of "ISIS-Khorasan")
HYPHENATED: Final = re.compile(r"(?:-[A-Z][\w’']*)+")
#: a word that may continue a name: capitalised, or a particle ("al-Ansari", "bin", "ibn")
NAME_TOKEN: Final = re.compile(r"(?:[A-Z][\w’'.-]*|(?:al|el|bin|ibn|abu|de|van|von)(?:-[A-Z][\w’'-]*)?)$")
POSSESSIVE: Final = re.compile(r"^(?:[’']s?)(?=\s|$)")
#: a quotation long enough to be someone's words (not a scare-quoted term)
SPEECH_WORDS = 3

# ------------------------------------------------------------------ scans


def skip_back(plain: str, i: int) -> int:
    """Move left from a verb over auxiliaries, adverbs and control verbs ("has categorically", "was quick to")."""
    while True:
        before = plain[:i]
        stripped = before.rstrip()
        for pattern in (_SKIP, _CONTROL):
            match = pattern.search(stripped)
            if match and match.group().strip():
                i = match.start()
                break
        else:
            return len(stripped)


def last(pattern: re.Pattern[str], text: str, exclude_participles: bool = False) -> int | None:
    found = None
    for match in pattern.finditer(text):
        if exclude_participles and PARTICIPLE.fullmatch(match.group()):
            continue
        found = match.start()
    return found


def phrase_end(plain: str, start: int, stop_that: bool = False) -> int:
    """Where a noun phrase starting at ``start`` ends: the next comma, clause break, verb or the sentence's end."""
    stop = r"[,;:()\x01—–]" + (r"|\s(?:that|who|which|while|and\s+(?:said|stated|added))\b" if stop_that else "")
    match = re.compile(stop).search(plain, start)
    end = match.start() if match else len(plain.rstrip(" .!?"))
    verb = _NEXT_CLAUSE.search(plain, start, end)
    return verb.start() if verb else end


#: a clause that follows a noun phrase: "(He) was", "had", "said"
_NEXT_CLAUSE: Final = re.compile(
    r"\s+(?:[A-Z][a-z]*\s+)?(?:was|were|is|are|has|have|had|will|would|said|says|stated)\b"
)
