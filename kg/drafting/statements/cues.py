"""The cue words that make a clause a statement of some type, and the words that state a method of attack.

Each :class:`Cue` is one pattern of a rule (the rules, with the general pattern each covers, are listed in
:mod:`kg.drafting.statements.drafter`; a rule name is the ``drafted.rule`` of its facts). :data:`METHODS` are the
methods of attack a clause may state, as the ontology's attack classes, for method accounts and for the
method a claim states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from kg.drafting.statements.kinds import (
    ACCOUNT,
    ACCUSATION,
    ASSESSMENT,
    BLAME,
    CALL,
    CLAIM,
    CONDEMNATION,
    DENIAL,
    DESIGNATION,
    REFUSAL,
    VOW,
)

ICASE = re.IGNORECASE


@dataclass(frozen=True)
class Cue:
    """Words that make a clause a statement of some type.

    Attributes:
        rule: The rule's name (see :mod:`kg.drafting.statements.drafter`).
        kind: The statement type, or ``Blame`` (an accusation or an assessment, by who says it).
        pattern: The cue, matched on the sentence with its quotations blanked out; a group ``verb``
            marks the verb of an act cue when it does not start the match.
        act: The cue's verb is the speech act: its subject speaks. Otherwise a frame says who says
            it, or the article does.
        publisher: The article's own voice may say it.
        confidence: The rule's confidence with a plainly named speaker.
    """

    rule: str
    kind: str
    pattern: re.Pattern[str]
    act: bool
    publisher: bool = False
    confidence: float = 0.8


def _cue(rule: str, kind: str, pattern: str, act: bool, publisher: bool = False, confidence: float = 0.8) -> Cue:
    return Cue(rule, kind, re.compile(pattern, ICASE), act, publisher, confidence)


ATTACK_NOUN = r"(?:attacks?|bombings?|blasts?|explosions?|massacre|assaults?|incident|crime|strikes?)"

CUES: Final[tuple[Cue, ...]] = (
    # ---- claims
    _cue(
        "claim-of-responsibility",
        CLAIM,
        r"\b(?P<verb>claim(?:s|ed|ing)?|assert(?:s|ed|ing)?|accept(?:s|ed|ing)?|admit(?:s|ted|ting)?|"
        r"take[sn]?|took|taking)\s+(?:full\s+|sole\s+)?responsibility\b",
        act=True,
        confidence=0.9,
    ),
    _cue(
        "claim-of-responsibility", CLAIM, r"\b(?P<verb>take[sn]?|took|taking)\s+(?:full\s+)?credit\b", True, False, 0.9
    ),
    _cue(
        "claim-of-responsibility",
        CLAIM,
        rf"\b(?P<verb>claim(?:s|ed|ing)?)\s+(?:the\s+|this\s+|these\s+|both\s+)?(?:[\w’'-]+\s+){{0,2}}?{ATTACK_NOUN}\b",
        act=True,
        confidence=0.85,
    ),
    _cue(
        "claim-of-responsibility",
        CLAIM,
        r"\b(?P<verb>said|says|stated|announced|declared)\s+(?:that\s+)?(?:it|they)\s+(?:had\s+)?"
        r"(?:carried\s+out|was\s+behind|were\s+behind|perpetrated|conducted|staged)\b",
        act=True,
        confidence=0.85,
    ),
    # ---- refusals
    _cue(
        "refusal-to-comment",
        REFUSAL,
        r"\b(?P<verb>declin(?:ed|es|e|ing)|refus(?:ed|es|e|ing))\s+(?:to\s+)?(?:immediately\s+)?"
        r"(?:comment|respond\s+to\s+(?:a\s+)?requests?\s+for\s+comment)",
        act=True,
        confidence=0.9,
    ),
    _cue(
        "refusal-to-comment",
        REFUSAL,
        r"\b(?P<verb>did\s+not|didn[’']t|would\s+not|wouldn[’']t|will\s+not|won[’']t)\s+(?:immediately\s+)?"
        r"(?:comment|respond\s+to\s+(?:a\s+)?requests?\s+for\s+comment)\b",
        act=True,
        confidence=0.85,
    ),
    _cue(
        "refusal-to-comment",
        REFUSAL,
        r"\b(?P<verb>had|has|have|offered|gave)\s+no\s+(?:immediate\s+)?comment\b",
        True,
        False,
        0.85,
    ),
    # ---- denials
    _cue("denial", DENIAL, r"\b(?P<verb>den(?:ied|ies|y|ying))\b", act=True, confidence=0.85),
    _cue(
        "denial",
        DENIAL,
        r"\b(?P<verb>reject(?:ed|s|ing)?|dismiss(?:ed|es|ing)?|refut(?:ed|es|e|ing))\s+(?:the\s+|these\s+|those\s+|"
        r"such\s+|any\s+|all\s+)?(?:\w+\s+)?(?:accusations?|allegations?|claims?|charges?|reports?|suggestions?)\b",
        act=True,
        confidence=0.85,
    ),
    _cue(
        "no-involvement",
        DENIAL,
        r"\b(?:had|has|have|played|plays|play)\s+no\s+(?:role|part|involvement|hand)\b|\bthere\s+(?:was|is|had\s+been)"
        r"\s+no\s+role\s+for\b|\bno\s+(?:reason\s+to\s+believe|evidence|indication)\s+(?:that\s+)?(?P<x>[^,;]{1,80}?)"
        r"\s+(?:was|were|is|are|had\s+been)\s+involved\b|\b(?:was|were|is|are)\s+not\s+involved\b|"
        r"\bhad\s+nothing\s+to\s+do\s+with\b",
        act=False,
        confidence=0.75,
    ),
    # ---- accusations
    _cue("accusation", ACCUSATION, r"\b(?P<verb>accus(?:ed|es|e|ing))\b(?!\s+of\b)", act=True, confidence=0.85),
    _cue("accusation", ACCUSATION, r"\b(?P<verb>blam(?:ed|es|e|ing))\b", act=True, confidence=0.85),
    _cue(
        "accusation",
        ACCUSATION,
        r"\b(?P<verb>h[eo]ld|holds|holding)\s+(?P<obj>[^,;]{1,60}?)\s+responsible\b",
        True,
        False,
        0.85,
    ),
    _cue(
        "accusation", ACCUSATION, r"\b(?P<verb>point(?:ed|s|ing)?)\s+(?:the\s+|a\s+)?finger\s+at\b", True, False, 0.85
    ),
    _cue(
        "accusation",
        ACCUSATION,
        r"\baccusations?\s+(?:were|was|have\s+been|had\s+been)\s+(?:made|levell?ed|directed)\s+against\s+"
        r"(?P<obj>[^,;]{1,60}?)\s+by\s+",
        act=False,
        confidence=0.8,
    ),
    _cue(
        "blame",
        BLAME,
        r"\b(?P<verb>suggest(?:ed|s|ing)?|claim(?:ed|s)|insist(?:ed|s)|said|says|stated|believes?|believed)\s+"
        r"(?:that\s+)?(?P<obj>[^,;]{1,80}?)\s+(?:was|were|is|are|had\s+been|have\s+been)\s+"
        r"(?:involved|behind|responsible)\b",
        act=True,
        confidence=0.8,
    ),
    _cue("blame", BLAME, r"\b(?P<verb>attribut(?:ed|es|e|ing))\s+(?P<obj>[^,;]{1,60}?)\s+to\b", True, False, 0.75),
    _cue("blame", BLAME, r"\b(?:is|was|are|were)\s+behind\b", act=False, publisher=True, confidence=0.7),
    # ---- condemnations, vows, calls
    _cue(
        "condemnation",
        CONDEMNATION,
        r"\b(?P<verb>condemn(?:ed|s|ing)?|denounc(?:ed|es|e|ing)|deplor(?:ed|es|e|ing))\b",
        True,
        False,
        0.85,
    ),
    _cue(
        "condemnation",
        CONDEMNATION,
        r"\b(?P<verb>extend(?:ed|s)?|offer(?:ed|s)?|express(?:ed|es)?|sent|sends?|conveyed)\s+(?:\w+\s+){0,2}"
        r"condolences\b",
        act=True,
        confidence=0.8,
    ),
    _cue(
        "vow-of-retaliation",
        VOW,
        r"\b(?P<verb>vow(?:ed|s|ing)?|swore|swears?|sworn|pledg(?:ed|es|e|ing)|promis(?:ed|es|e|ing)|"
        r"threaten(?:ed|s|ing)?)\s+(?:to\s+)?(?:\w+\s+){0,2}?(?:revenge|retaliat\w*|aveng\w*|respon\w*|punish\w*|"
        r"hunt\w*|consequences)\b",
        act=True,
        confidence=0.85,
    ),
    _cue(
        "vow-of-retaliation",
        VOW,
        r"\b(?P<verb>warn(?:ed|s|ing)?)\b(?=[^;]{0,60}?\b(?:consequences|retaliat\w*|revenge|response|price|cost)\b)",
        act=True,
        confidence=0.8,
    ),
    _cue(
        "vow-of-retaliation",
        VOW,
        r"\b(?P<verb>issu(?:ed|es|e|ing))\s+(?:a\s+)?(?:\w+\s+)?(?:warning|caution|threat)\b",
        True,
        False,
        0.75,
    ),
    _cue(
        "vow-of-retaliation",
        VOW,
        r"\b(?P<verb>seek|seeks|sought|take|takes|took|exact(?:ed|s)?)\s+revenge\b",
        True,
        False,
        0.8,
    ),
    _cue(
        "retaliation-said",
        VOW,
        r"\b(?:strong|harsh|severe|crushing|decisive|firm|tough|painful)\s+(?:response|retaliation|revenge|reprisal)\b|"
        r"\bretaliation\s+(?:would|will|shall)\b|\bwill\s+(?:retaliate|avenge|pay\s+(?:a\s+)?(?:heavy\s+)?price)\b",
        act=False,
        confidence=0.75,
    ),
    _cue("call-to-action", CALL, r"\b(?P<verb>call(?:ed|s|ing)?)\s+on\b", True, False, 0.8),
    _cue("call-to-action", CALL, r"\b(?P<verb>urg(?:ed|es|e|ing))\b", True, False, 0.8),
    _cue("call-to-action", CALL, r"\b(?P<verb>appeal(?:ed|s)?)\s+to\s+[^,;]{1,60}?\s+to\b", True, False, 0.75),
    # ---- assessments
    _cue(
        "assessment",
        ASSESSMENT,
        r"\b(?:could|may|might)\s+(?:well\s+)?(?:have\s+)?(?:be|been)\s+(?:involved|behind|responsible|"
        r"(?:carried\s+out|perpetrated|orchestrated|staged|masterminded)\s+by)\b",
        act=False,
        publisher=True,
        confidence=0.8,
    ),
    _cue(
        "assessment",
        ASSESSMENT,
        r"\b(?:is|was|are|were|appears?|seems?)\s+(?:\w+\s+)?(?:consistent\s+with|(?:more\s+|very\s+much\s+)?in\s+line"
        r"\s+with)\b",
        act=False,
        publisher=True,
        confidence=0.75,
    ),
    _cue(
        "assessment",
        ASSESSMENT,
        r"\b(?:bore|bears?|bearing|had|has|carried|carries|carrying)\s+(?:all\s+)?(?:the\s+)?(?:hallmarks?|trademarks?"
        r"|signature|fingerprints)\b",
        act=False,
        publisher=True,
        confidence=0.8,
    ),
    _cue("assessment", ASSESSMENT, r"\bresembl(?:ed|es|e|ing)\b", act=False, publisher=True, confidence=0.7),
    _cue(
        "assessment",
        ASSESSMENT,
        r"\bsimilar\s+to\s+(?:those|that|the\s+ones?|what|previous|earlier|past)\b",
        act=False,
        publisher=True,
        confidence=0.7,
    ),
    _cue(
        "assessment",
        ASSESSMENT,
        r"\b(?P<hedge>likely|probably|possibly|presumably)\s+(?:the\s+work\s+of|carried\s+out\s+by|behind|responsible|"
        r"involved)\b",
        act=False,
        publisher=True,
        confidence=0.75,
    ),
    _cue(
        "assessment",
        ASSESSMENT,
        r"\b(?:perpetrators?|attackers?|bombers?|culprits?)\b[^,;]{0,40}?\b(?P<hedge>(?:may|might|could)\s+have\s+been)\b",
        act=False,
        publisher=True,
        confidence=0.75,
    ),
    _cue("assessment", ASSESSMENT, r"\b(?:a|the)\s+hypothesis\b", act=False, publisher=True, confidence=0.7),
    _cue(
        "superlative",
        ASSESSMENT,
        r"\b(?:one\s+of\s+)?(?:the|its|their)\s+(?:single\s+)?(?:deadliest|worst|bloodiest|most\s+lethal|"
        r"most\s+devastating)\b(?:\s+(?P<noun>[\w-]+))?[^;]{0,80}?\bsince\b",
        act=False,
        publisher=True,
        confidence=0.65,
    ),
    _cue(
        "assessment",
        ASSESSMENT,
        r"\b(?:diverg(?:ed|es|e|ing)|differ(?:ed|s)?|depart(?:ed|s)?|deviat(?:ed|es|e))\s+from\b|"
        r"\b(?:is|was|are|were)\s+(?:\w+\s+)?inconsistent\s+with\b",
        act=False,
        publisher=True,
        confidence=0.65,
    ),
    _cue(
        "judgement",
        ASSESSMENT,
        r"\b(?P<verb>criticis(?:ed|es|e|ing)|criticiz(?:ed|es|e|ing)|prais(?:ed|es|e|ing)|hail(?:ed|s)|"
        r"slamm(?:ed|s)|lambast(?:ed|s))\b",
        act=True,
        confidence=0.65,
    ),
    # ---- what is missing
    _cue(
        "absence",
        ASSESSMENT,
        r"\b(?:has|have)\s+(?:not\s+yet|yet\s+to)\s+(?:\w+\s+)?(?:commented|comment|respond(?:ed)?|reacted|react)\b|"
        r"\bno\s+(?:further\s+)?(?:evidence|details?|proof)\s+(?:was|were|has\s+been|had\s+been)\s+(?:provided|given|"
        r"offered|presented)\b|\bprovided\s+no\s+(?:further\s+)?(?:evidence|details?|proof)\b|"
        r"\bdid\s+not\s+(?:provide|give|offer|present)\s+(?:any\s+)?(?:further\s+)?(?:evidence|details?|proof)\b|"
        r"\bremains?\s+unclear\b|\bmore\s+(?:information|evidence|details)\s+(?:is|was|are|were)\s+(?:needed|"
        r"required)\b",
        act=False,
        publisher=True,
        confidence=0.6,
    ),
    # ---- designation
    _cue(
        "designation",
        DESIGNATION,
        r"\bdesignated\s+(?:as\s+)?(?:a|an)\s+(?:foreign\s+|global\s+|specially\s+designated\s+)?terrorist\s+"
        r"(?:organi[sz]ation|group|entity)\b",
        act=False,
        confidence=0.75,
    ),
    # ---- accounts
    _cue(
        "account",
        ACCOUNT,
        r"\b(?P<verb>air(?:ed|s)|broadcast|show(?:ed|s)|publish(?:ed|es)|releas(?:ed|es)|post(?:ed|s))\s+"
        r"(?:\w+\s+){0,2}?(?:footage|videos?|images|pictures|photos)\b",
        act=True,
        confidence=0.75,
    ),
    _cue(
        "account",
        ACCOUNT,
        r"\b(?:videos?|footage|images|pictures|photos)\b[^;.]{0,60}?\b(?:show(?:ed|s)?|depict(?:ed|s)?|captured)\b",
        act=False,
        publisher=True,
        confidence=0.6,
    ),
    _cue(
        "account-report",
        ACCOUNT,
        r"\b(?P<verb>describ(?:ed|es)|report(?:ed|s)|said|says|stated|told|announced|confirmed)\b",
        act=True,
        confidence=0.6,
    ),
)

#: methods of attack, as the ontology's attack classes
METHODS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (
        "SuicideBombing",
        re.compile(
            r"\bsuicide\s+(?:bomb(?:er|ers|ing|ings)?|vests?|belts?|attack(?:er|ers|s)?)\b|"
            r"\bblew\s+(?:himself|herself|themselves)\s+up\b|\bexplosive\s+(?:vests?|belts?|jackets?)\b|"
            r"\bexplosives?\s+(?:in|on)\s+(?:their|his|her)\s+(?:jackets?|vests?|belts?|bod(?:y|ies))\b",
            ICASE,
        ),
    ),
    (
        "RemoteDetonatedBombing",
        re.compile(
            r"\bremote(?:ly)?[-\s]?(?:controlled|detonated|triggered)\b|"
            r"\b(?:detonated|set\s+off|triggered|activated|exploded)\s+(?:remotely|by\s+remote(?:\s+control)?)\b|"
            r"\bremote\s+detonation\b|\bcar\s+bomb\b|"
            r"\b(?:bomb|explosives?|device)\s+(?:(?:was|were|had\s+been|has\s+been)\s+)?(?:\w+ly\s+)?(?:placed|planted|"
            r"hidden)\s+(?:inside|in|under)\s+(?:a|the)\s+(?:car|vehicle|truck|van|suitcase|bag)\b|"
            r"\b(?:planted|placed)\s+(?:bombs?|explosives?)\b|"
            r"\b(?:suitcases?|backpacks?|bags?)\s+(?:filled\s+with|containing|packed\s+with)\s+explosives\b",
            ICASE,
        ),
    ),
)
NEGATED_METHOD: Final = re.compile(
    r"\b(?:not|never|no|rather\s+than|instead\s+of|n[’']t)\b(?:\s+[\w’'-]+){0,3}\s*$", ICASE
)
