"""Drafting ``statement`` facts: who said what about the attack, typed by the words that say it.

:func:`extract` finds cue words in each sentence (outside quotations: quoted words are the speaker's
own and are kept in ``words``), asks :mod:`kg.drafting.speakers` who says them, and drafts one
statement per cue and speaker in the curator format (``corpus/README.md``). A cue whose speaker
cannot be resolved drafts nothing; the article's own voice (``publisher``) speaks only where nothing
in the sentence attributes the cue and only for types the article can state itself (assessments,
accounts, method accounts). Every draft is valid as written (``kg check`` accepts it once the curator
marks it accepted): a statement that would lack what its type requires is not drafted.

Rules, each with the general pattern it covers (a rule name is the ``drafted.rule`` of its facts):

- **claim-of-responsibility**: "X claimed/claims/asserted/accepted responsibility", "X took/takes
  credit", "X said it carried out / was behind": X claims, ``attributes_to`` X; a negated cue ("has not
  claimed") drafts nothing. The claim's ``channel`` is an outlet or channel named after "on", "via",
  "through", "in", "cited by" ("in a note published on social media", "on its Telegram channels") or
  the speaker's own media wing; ``title`` the quotation after "titled"/"entitled"; ``attack_type`` and
  ``method_as_written`` the method it states (see method-account); ``names_perpetrator`` persons named
  next to "bombers", "attackers", "perpetrators", "martyred brothers". A claim for an earlier incident
  ("has previously claimed responsibility for an attack on a shrine in 2022") is about that incident,
  proposed as a new article-local attack; a claim with nothing it can be about is not drafted.
- **claimant-statement**: what a claimant's statement says about the method ("according to an ISIS
  statement, two suicide bombers...", "X's media wing stating that two suicide bombers...") is part of
  its claim, not a separate account: drafted as the claim (README: a claim that states a method carries
  it). A hedging verb ("suggesting", "proposing") keeps it a method account.
- **one-claim-per-claimant**: an article reports one claim in several passages (headline, lead, body);
  the drafter proposes one fact per claimant and event, on the passage that states most of it (body
  before headline; channel, title and method; an explicit claim and a plainly named claimant first),
  since a fact here carries one passage.
- **refusal-to-comment**: "declined/refused to comment", "did not comment", "would not comment", "had no
  comment": always a RefusalToComment, never a denial (a denial cue in the same clause is dropped).
  "Has not yet commented", "has yet to respond" is the article noting a silence (absence, below).
- **denial**: "X denied any involvement/role/responsibility" (``denies_involvement_of`` X, or whoever
  "the involvement of Y" names), "X denied/rejected the accusation that Y (or "it": X) was responsible"
  (Y); "X rejected the accusations" (X, kept only when the article reports an accusation against X).
- **no-involvement**: "there was no role for Y", "X said it had no role", "no reason to believe Y was
  involved" (Y; the hedge kept). Never in the article's own voice.
- **denial of a report**: "X denied state media reports of a shooting" is about that report, not the
  attack: no ``denies_involvement_of``; it ``answers`` the account of the report (account-phrase, below),
  and is not drafted when the report has no named source.
- **accusation**: "X accused Y (of)", "X blamed Y (for)", "X blamed the attack on Y", "X held Y
  responsible", "X pointed the finger at Y", "accusations were made against Y by X": ``accuses`` Y; a
  passive without its agent ("X was accused of") drafts nothing.
- **blame** (an accusation or an assessment, by who says it): "X suggested/said/claimed that Y was/were
  involved/behind/responsible", "X attributed the attack to Y", "Y is behind the attack": by officials,
  states and bodies an Accusation (``accuses``), by the article, analysts, experts or research bodies an
  Assessment (``attributes_to``); "suggested" is kept as a hedge; a negated one ("no reason to believe
  Y was involved") is a denial, not a blame. An accused the registry does not name ("“terrorists”",
  "foreign mercenaries") is a new article-local group.
- **condemnation**: "X condemned/denounced/deplored" the attack, "X extended/offered condolences".
- **vow-of-retaliation**: "X vowed/swore/pledged revenge or to retaliate", "X warned (Y) of
  consequences", "X issued a warning", "seek/take revenge"; and said by someone: "a strong/harsh
  response/retaliation", "retaliation would be carried out", "will retaliate". ``threatens`` the agent
  warned ("warned Y", "a message/warning to Y").
- **call-to-action**: "X called on ... to", "X urged", "X appealed to ... to" ("called for" protests is
  a response, left to the response rules).
- **designation**: "Y, designated (as) a (foreign) terrorist organisation by X": by X, about Y.
- **assessment**: a judgement about who did it or what it was like: "Y could/may/might be involved/
  behind/responsible", "may have been carried out by Y" (``attributes_to`` Y), "is consistent with", "is
  (more) in line with", "bore the hallmarks/trademarks of Y", "resembled", "similar to those carried out
  by Y", "diverged from", "inconsistent with" (``attributes_to`` Y), "likely/probably behind", "the
  perpetrators may have been...", "a hypothesis (put forward by X) that Y was behind"; the judging words
  are the ``hedge``.
- **superlative**: "the deadliest/worst/bloodiest attack ... since 1979", "one of the worst attacks",
  "this attack stands as the deadliest ... since": an assessment about the attack (the year is the
  period compared with, not another incident).
- **judgement**: "X criticized/praised/hailed ...": an assessment by X.
- **absence**: what is missing: "no further evidence was provided", "did not provide further details",
  "remain unclear", "has yet to respond", "has not yet commented": an Assessment, the article's unless
  attributed.
- **method-account**: how the attack was carried out: "suicide bomber(s)/vest(s)/belt(s)", "blew
  themselves up", "explosive vests/belts" (SuicideBombing); "detonated remotely", "remote(ly)
  detonated/controlled", "remote detonation", "car bomb", "a bomb (was) placed inside a car", "backpacks
  filled with explosives" (RemoteDetonatedBombing); a method negated ("not caused by", "rather than")
  is left out of ``attack_type``. Its hedges are its speaker's own ("the former suggesting ...").
- **account**: a description without claiming, blaming or judging: "X aired/broadcast footage",
  "footage aired by X showed", "videos of ... show/depicted" (the article's), and "X
  described/reported/said/stated ..." about the attack when no other cue in the clause applies and the
  clause gives no casualty figure (figures are left to the figure rules, with who gave them).
- **account-phrase**: a report named as a noun phrase: "X reports of ...", "the death toll/figures/
  information/accounts reported/provided by X", "X's figures": by X, the quote is that phrase.

Fields: ``about`` is the registry event the clause names, or the article's main attack
(:func:`kg.drafting.context.main_attack`) when the clause refers to it ("the attack", "the
explosions"; without a main attack in the registry, such words still count as referring to an attack).
A speech act that must say what it is about (a refusal, a denial, a vow without ``threatens``) and
names nothing is about the main attack, unless its clause marks another incident ("previous", "past");
with no main attack it is not drafted. ``hedge`` keeps the hedging words as written ("said to",
"reportedly", "alleged", "suggested", "could", "likely", "possibly", "may have"...). ``words`` are the
quotations in the quote, for a speaker other than the article. The quote is the clause that states
the fact (a sentence cut at "; ", at ", while/whereas/but", before a verb phrase or a new subject
joined by "and", and, for the article's own voice, before a participial clause), widened to the words
that attribute it (not to a subject shared with an earlier clause); every text field lies inside it.
Confidence is the rule's, times the speaker's (lower for a pronoun, a description or a new name).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from kg.drafting.analysis import LINK_CONFIDENCE, Analysis, Mention, Sentence, slug
from kg.drafting.context import attack_refs, main_attack
from kg.drafting.model import PUBLISHER, DraftFact, new_entities
from kg.drafting.speakers import (
    UNRESOLVED,
    VERBS,
    Attribution,
    Reader,
    agent_after,
    is_analyst,
    source_kind,
    speaker,
)

# ------------------------------------------------------------------ types

CLAIM = "ClaimOfResponsibility"
ACCUSATION = "Accusation"
DENIAL = "Denial"
REFUSAL = "RefusalToComment"
CONDEMNATION = "Condemnation"
VOW = "VowOfRetaliation"
ASSESSMENT = "Assessment"
CALL = "CallToAction"
METHOD = "MethodAccount"
ACCOUNT = "Account"
DESIGNATION = "Designation"
#: Accusation or Assessment, by who says it
BLAME = "Blame"

NAME_PREFIX: Final = {
    CLAIM: "claim",
    ACCUSATION: "accusation",
    DENIAL: "denial",
    REFUSAL: "no-comment",
    CONDEMNATION: "condemnation",
    VOW: "vow",
    ASSESSMENT: "assessment",
    CALL: "call",
    METHOD: "method",
    ACCOUNT: "account",
    DESIGNATION: "designation",
}
#: types whose quotations are the speaker's own words
WORDS_TYPES: Final = frozenset({CLAIM, ACCUSATION, DENIAL, CONDEMNATION, VOW, ASSESSMENT, CALL, REFUSAL, METHOD})

_I = re.IGNORECASE


@dataclass(frozen=True)
class Cue:
    """Words that make a clause a statement of some type.

    Attributes:
        rule: The rule's name (see the module docstring).
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
    return Cue(rule, kind, re.compile(pattern, _I), act, publisher, confidence)


_ATTACK_NOUN = r"(?:attacks?|bombings?|blasts?|explosions?|massacre|assaults?|incident|crime|strikes?)"

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
        rf"\b(?P<verb>claim(?:s|ed|ing)?)\s+(?:the\s+|this\s+|these\s+|both\s+)?(?:[\w’'-]+\s+){{0,2}}?{_ATTACK_NOUN}\b",
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
            _I,
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
            _I,
        ),
    ),
)
_NEGATED_METHOD: Final = re.compile(
    r"\b(?:not|never|no|rather\s+than|instead\s+of|n[’']t)\b(?:\s+[\w’'-]+){0,3}\s*$", _I
)
_NEGATED: Final = re.compile(r"\b(?:not|never|no|yet\s+to|n[’']t|without)\b(?:\s+\w+){0,2}\s*$", _I)
_NP_LEAD: Final = re.compile(
    r"(?:\b(?:a|an|the|two|three|four|five|several|multiple|its|their|his|her|one|both|\d+)\s+)*$", _I
)
HEDGES: Final = re.compile(
    r"\b(?:said\s+to(?:\s+have)?|reportedly|allegedly|alleged|suggested|suggesting|speculated|"
    r"could(?:\s+have)?(?:\s+be(?:en)?)?|may\s+have(?:\s+been)?|might\s+have(?:\s+been)?|likely|possibly|"
    r"probably|apparently|purportedly|presumably|believed\s+to|thought\s+to|appears?\s+to|seem(?:s|ed)?\s+to|"
    r"no\s+reason\s+to\s+believe|proposing)\b",
    _I,
)
#: cues whose own words are a hedge
_HEDGING_RULES: Final = frozenset({"assessment"})
_OTHER_EVENT: Final = re.compile(r"\b(?:previously|previous|past|earlier|prior|formerly|before\s+that)\b", _I)
#: "X said it ...": a pronoun right after the speaker's reporting verb is the speaker
_SPEAKER_PRONOUN: Final = re.compile(
    r"\b(?:said|says|stated|states|added|insisted|insists|maintained|maintains|declared|claimed|claims)\s+"
    r"(?:that\s+)?(?P<pronoun>it|he|she|they|its|his|her|their)\b(?:\s+\w+)?\s*$",
    _I,
)
_DEFINITE_ATTACK: Final = re.compile(
    rf"\b(?:the|this|these|those|twin|dual)\s+(?:[\w-]+\s+)?{_ATTACK_NOUN}\b(?!\s+(?:in|of)\s+(?:1[89]|20)\d\d)", _I
)
#: a casualty figure ("at least 40 people were killed", "killing 84"): left to the figure rules
_CASUALTY: Final = re.compile(
    r"\b(?:\d[\d,]*|dozens|hundreds|scores|a\s+hundred)\s+(?:[\w-]+\s+){0,2}(?:people|persons|dead|deaths|lives|"
    r"killed|injured|wounded|victims|civilians|casualties|fatalities|injuries)\b|"
    r"\b(?:killed|killing|kills|injuring|wounding|injured|wounded|claimed)\s+(?:at\s+least\s+|more\s+than\s+|"
    r"nearly\s+|about\s+|some\s+|over\s+)?(?:\d|dozens|hundreds|scores)",
    _I,
)
EVENT_TYPES: Final = frozenset(
    {"Attack", "Bombing", "SuicideBombing", "RemoteDetonatedBombing", "ArmedAssault", "Event"}
)
#: words that end a generic source's description on the left ("denied | state media reports")
_STOPS: Final = frozenset(
    "the a an this that these those its their his her of by from and or denied rejected dismissed cited quoted "
    "citing according to in on".split()
)
_YEAR: Final = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
#: "and reports of ...": a noun, not a coordinated verb
REPORTING_NOUN: Final = re.compile(r"(?:reports?|claims?|statements?)\s+(?:of|by|from|that)\b", _I)
_CLAUSE_BREAK: Final = re.compile(r";\s+|,\s+(?=(?:while|whereas|but|although|though)\b)", _I)
#: a participial clause after a comma ("..., marking the deadliest attack"): the article's words, not the subject's
_PARTICIPIAL_BREAK: Final = re.compile(r",\s+(?=(?!including\b|according\b)[a-z]+ing\b)")
#: "state media reports of a shooting": the source's name stands right before it
_SOURCE_REPORTS: Final = re.compile(r"\s+reports?\s+(?:of|that|on)\b", _I)
#: "the death toll reported by X", "the information provided by X", "the reported death toll by X"
_REPORTED_BY: Final = re.compile(
    r"\b(?:the\s+)?(?:reported\s+)?(?:death\s+toll|toll|casualty\s+figures?|figures?|information|accounts?|"
    r"reports?|details)\s+(?:(?:reported|provided|given|released|published|issued)\s+)?by\s+",
    _I,
)
#: "Iranian officials' figures", "the ministry's own toll": the source's name stands right before it
_SOURCE_FIGURES: Final = re.compile(
    r"[’']s?\s+(?:own\s+)?(?:death\s+toll|toll|tally|casualty\s+figures?|figures?|estimates?|count|reports?|"
    r"accounts?)\b",
    _I,
)
_PERPETRATOR_BEFORE: Final = re.compile(
    r"\b(?:bombers?|attackers?|perpetrators?|assailants?|gunm[ae]n|martyrs?|brothers?)\s*,?\s*(?:named\s+|were\s+)?$",
    _I,
)
_PERPETRATOR_AFTER: Final = re.compile(r"^\s*,?\s*(?:as\s+the\s+(?:bombers?|attackers?|perpetrators?))", _I)


# ------------------------------------------------------------------ candidates


@dataclass
class _Candidate:
    """A statement found in one clause, before conflicts are settled and claims merged."""

    kind: str
    rule: str
    cue: str
    cue_start: int
    sentence: Sentence
    attribution: Attribution
    start: int
    end: int
    confidence: float
    body: dict[str, Any] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    heading: bool = False
    other_event: bool = False
    clause: tuple[int, int] = (0, 0)
    #: the fact's name, when another fact refers to it (a report a denial answers)
    name: str | None = None
    #: a rejection of "the accusations": kept only if the article reports an accusation against the speaker
    rejects_accusation: bool = False

    @property
    def by(self) -> tuple[str, ...]:
        """The speakers' ids (``publisher`` for the article's own voice)."""
        return tuple(m.entity for m in self.attribution.speakers) or (PUBLISHER,)

    def fields(self) -> int:
        """How many of a claim's details the candidate gives (to choose a claim's passage)."""
        return sum(
            1
            for key in ("channel", "title", "attack_type", "method_as_written", "names_perpetrator")
            if key in self.body
        )


class _Drafter:
    """Drafts the statements of one article."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.reader = Reader.of(analysis)
        self.text = analysis.text
        self.plain = self.reader.plain
        self.attack = main_attack(analysis)
        first = re.search(r"\S", self.text)
        self.first_line = self.text.find("\n", first.start()) if first else 0
        #: each type's builder: fills the body from the clause, or says the cue drafts nothing (False)
        self._builders: dict[str, Callable[[_Candidate, re.Match[str]], bool]] = {
            CLAIM: self._claim,
            REFUSAL: self._refusal,
            DENIAL: self._denial,
            ACCUSATION: self._accusation,
            BLAME: self._blame,
            CONDEMNATION: self._condemnation,
            VOW: self._vow,
            CALL: self._call,
            ASSESSMENT: self._assessment,
            ACCOUNT: self._account,
            DESIGNATION: self._designation,
        }

    # ------------------------------------------------------------- driver

    def run(self) -> list[DraftFact]:
        """Every statement of the article, in text order."""
        candidates: list[_Candidate] = []
        for sentence in self.analysis.sentences:
            found = []
            for cue in CUES:
                for match in cue.pattern.finditer(self.plain, sentence.start, sentence.end):
                    candidate = self._candidate(sentence, cue, match)
                    if candidate is not None:
                        found.append(candidate)
            found.extend(self._report_phrases(sentence))
            candidates.extend(self._resolve(found, self._method_candidates(sentence)))
        candidates = self._answered(self._repeated(self._claims(candidates)))
        return [self._fact(c) for c in sorted(candidates, key=lambda c: (c.start, c.kind))]

    def _repeated(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """One statement said again in the next sentence of the paragraph ("accusations were made against Israel by
        Raisi. He held Israel responsible ...": same type, speaker and target) is one fact, quoted across both."""
        kept: list[_Candidate] = []
        for c in sorted(candidates, key=lambda c: c.start):
            target = _target(c)
            previous = self.reader.previous_sentence(c.sentence)
            twin = next(
                (
                    k
                    for k in reversed(kept)
                    if target
                    and k.kind == c.kind
                    and k.by == c.by
                    and _target(k) == target
                    and previous is not None
                    and k.sentence.start == previous.start
                ),
                None,
            )
            if twin is None:
                kept.append(c)
                continue
            _absorb(twin, c)
        return kept

    def _answered(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """Denials that answer something drafted: a report's account, an accusation against the speaker."""
        names = {c.name for c in candidates if c.name}
        accused = [(c.start, c.body.get("accuses")) for c in candidates if c.kind == ACCUSATION]
        kept = []
        for c in candidates:
            if c.kind == DENIAL and "answers" in c.body and c.body["answers"] not in names:
                continue
            if c.rejects_accusation:
                denied = set(_many(c.body.get("denies_involvement_of", [])))
                if not any(start < c.start and denied & set(_many(who or [])) for start, who in accused):
                    continue
            kept.append(c)
        return kept

    # ------------------------------------------------------------- one cue

    def _candidate(self, sentence: Sentence, cue: Cue, match: re.Match[str]) -> _Candidate | None:
        """The statement one cue makes, with its speaker and body; None when it drafts nothing."""
        verb = match.start("verb") if "verb" in cue.pattern.groupindex and match.start("verb") >= 0 else match.start()
        if cue.kind in (CLAIM, CONDEMNATION, VOW, CALL, ACCUSATION, DENIAL) and cue.act:
            if _NEGATED.search(self.plain[sentence.start : verb]):
                return None  # "has not claimed responsibility", "did not condemn"
        if (
            cue.kind == ACCUSATION
            and cue.act
            and re.search(r"\b(?:was|were|is|are|been|being)\s+$", self.plain[sentence.start : verb])
        ):
            return None  # "was accused of": the accused is the subject; its accuser is said elsewhere, if at all
        if cue.rule == "accusation" and not cue.act:
            attribution = agent_after(self.analysis, sentence, match.end())
            attribution = _with_words(attribution, self.text, match.start(), attribution.end)
        elif cue.kind == DESIGNATION:
            attribution = self._designator(sentence, match)
        else:
            attribution = speaker(self.analysis, sentence, verb, match.end(), act=cue.act, publisher=cue.publisher)
        if not attribution.resolved:
            return None
        if attribution.publisher and not cue.publisher:
            return None
        kind = cue.kind
        clause = self._clause(sentence, match.start(), narrow=attribution.publisher)
        start, end = self._span(clause, attribution)
        candidate = _Candidate(
            kind,
            cue.rule,
            self.text[match.start() : match.end()],
            match.start(),
            sentence,
            attribution,
            start,
            end,
            cue.confidence * attribution.confidence,
            heading=self._heading(sentence),
            clause=clause,
        )
        candidate.mentions.extend(attribution.speakers)
        return candidate if self._builders[kind](candidate, match) else None

    def _designator(self, sentence: Sentence, match: re.Match[str]) -> Attribution:
        """Who designates: the agent after "by"."""
        by = re.match(r"\s+by\s+", self.plain[match.end() : sentence.end])
        if by is None:
            return UNRESOLVED
        found = agent_after(self.analysis, sentence, match.end() + by.end())
        return _with_words(found, self.text, match.start(), found.end)

    # ------------------------------------------------------------- type builders

    def _claim(self, c: _Candidate, match: re.Match[str]) -> bool:
        """claim-of-responsibility: what the claim is about, and its details."""
        if c.attribution.publisher:
            return False
        c.other_event = self._other_event(c, match)
        refs = self._about(c)
        if c.other_event:
            refs = [r for r in refs if r != self.attack]
        if refs:
            c.body["about"] = _one(refs)
        elif self.attack and not c.other_event:
            c.body["about"] = self.attack
        elif c.other_event:
            incident = self._incident(c, match)
            if incident is not None:
                c.body["about"] = incident.entity
                c.mentions.append(incident)
        if "about" not in c.body:
            return False  # a claim must say what it claims
        self._claim_fields(c)
        return True

    def _incident(self, c: _Candidate, match: re.Match[str]) -> Mention | None:
        """An earlier incident a claim is for, as a new article-local attack: "for an attack on a shrine in 2022"."""
        found = re.match(r"\s+(?:for|of)\s+(?:(?:an?|the)\s+)?", self.plain[match.end() : c.clause[1]], _I)
        if found is None:
            return None
        start = match.end() + found.end()
        stop = re.compile(r"[,;:\x01]|\s(?:that|which|who|resulting|killing|leaving)\b").search(
            self.plain, start, c.clause[1]
        )
        end = stop.start() if stop else c.clause[1]
        while end > start and self.text[end - 1] in " .":
            end -= 1
        text = self.text[start:end]
        if not re.match(rf"(?:[\w’'-]+\s+){{0,2}}{_ATTACK_NOUN}\b", text, _I) or len(text.split()) > 14:
            return None
        return Mention(start, end, text, slug(text), False, "new", ("Attack",), LINK_CONFIDENCE["new"])

    def _other_event(self, c: _Candidate, match: re.Match[str]) -> bool:
        """Whether a claim is of an earlier incident: "has previously claimed ... an attack ... in 2022".

        Only what the claim is for counts (its object, up to the next comma), and a reference to the main
        attack there ("for the twin blasts") settles it.
        """
        stop = re.compile(r"[,;:]").search(self.plain, match.end(), c.clause[1])
        obj_end = stop.start() if stop else c.clause[1]
        refs = attack_refs(self.analysis, c.sentence)
        if any(match.end() <= r.start and r.end <= obj_end for r in refs):
            return False
        obj = self.plain[match.end() : obj_end]
        before = self.plain[c.clause[0] : match.start()]
        years = {int(y) for y in _YEAR.findall(obj)}
        main_year = self._main_year()
        return bool(_OTHER_EVENT.search(before + " " + obj)) or bool(main_year and years - {main_year})

    def _claim_fields(self, c: _Candidate) -> None:
        """A claim's channel, attributes_to, title, method and named perpetrators."""
        channel = c.attribution.channel or self._channel(c)
        if channel is not None:
            c.body["channel"] = channel.entity
            c.mentions.append(channel)
        c.body["attributes_to"] = _one(list(c.by))
        title = self._title(c.start, c.end)
        if title:
            c.body["title"] = title
        self._method(c)
        names = self._perpetrators(c)
        if names:
            c.body["names_perpetrator"] = _one([m.entity for m in names])
            c.mentions.extend(names)

    def _refusal(self, c: _Candidate, match: re.Match[str]) -> bool:
        """refusal-to-comment: never the article's, always about something."""
        if c.attribution.publisher:
            return False
        return self._about_or_main(c)

    def _denial(self, c: _Candidate, match: re.Match[str]) -> bool:
        """denial, no-involvement, denial of a report: whose involvement is denied, or which report."""
        if c.attribution.publisher:
            return False
        verb_end = match.end("verb") if "verb" in match.re.groupindex and match.group("verb") else match.end()
        after = self.plain[verb_end : c.clause[1]]
        speakers = list(c.attribution.speakers)
        if c.rule == "no-involvement":
            denied = self._predicate_agents(c, match)
            if not denied:
                return False
            self._set(c, "denies_involvement_of", denied)
        elif re.match(r"\s+(?:\w+\s+){0,3}?reports?\b", after, _I):
            # a denial of a report is about the report, not the attack: it answers the account drafted for it
            report = re.match(r"\s+(?:\S+\s+){0,3}?(?=reports?\b)", after, _I)
            assert report is not None
            source = self._report_source(verb_end + report.end())
            if source is None:
                return False  # a report from no one the text names: nothing to answer
            c.body["answers"] = _report_name(source)
            return True
        elif involvement := re.match(
            r"\s+(?:any|all|its|their|his|her)?\s*(?P<adj>[A-Z][\w-]*\s+)?(?:involvement|role|responsibility|links?|"
            r"part|participation|connection)\b",
            after,
        ):
            named = re.match(
                r"\s+(?:any\s+)?(?:involvement|role|part|participation)\s+(?:of|by)\s+([^,;]{1,60})", after, _I
            )
            others = self.reader.mentions_in(verb_end, verb_end + (named.end() if named else 0))
            denied = [m for m in others if _agent(m)] if named else self._self_reference(c, "it") or speakers
            if involvement.group("adj"):
                # "denied any American involvement": the state the adjective names (Israel -> Israeli, America ->
                # American), else no one this drafter can name
                at = verb_end + involvement.start("adj")
                state = self.reader.demonym(involvement.group("adj").strip(), at)
                denied = [state] if state is not None else []
            if not denied:
                return False
            self._set(c, "denies_involvement_of", denied)
        else:
            that = re.match(
                r"\s+(?:the\s+|these\s+|any\s+)?(?:\w+\s+)?(?:accusations?|allegations?|claims?|"
                r"charges?|suggestions?)?\s*that\s+(?P<x>[^,;]{1,80}?)\s+(?:was|were|is|are|had\s+been)\s+"
                r"(?:responsible|involved|behind)\b",
                after,
                _I,
            )
            if that:
                lo = verb_end + that.start("x")
                denied = [m for m in self.reader.mentions_in(lo, lo + len(that.group("x"))) if _agent(m)]
                if not denied and re.fullmatch(r"(?:it|they|he|she)", that.group("x").strip(), _I):
                    denied = self._self_reference(c, that.group("x").strip())  # "the accusation that it was involved"
                if not denied:
                    return False
                self._set(c, "denies_involvement_of", denied)
            elif re.match(
                r"\s+(?:the\s+|these\s+|those\s+|such\s+|any\s+|all\s+)?(?:\w+\s+)?(?:accusations?|allegations?|"
                r"charges?)\b",
                after,
                _I,
            ):
                # "rejected the accusations": of the speaker's involvement, if the article reports one against it
                denied = self._self_reference(c, "it") or speakers
                self._set(c, "denies_involvement_of", denied)
                c.rejects_accusation = True
            else:
                return False  # "denied entry", "denied it": not a denial this drafter can read
        return self._about_or_main(c)

    def _accusation(self, c: _Candidate, match: re.Match[str]) -> bool:
        """accusation: whom it blames (after the verb, after "on" in "blamed the attack on", after "at")."""
        if c.attribution.publisher:
            return False
        if "obj" in match.re.groupindex and match.group("obj"):
            lo, hi = match.start("obj"), match.end("obj")
        elif re.search(r"finger\s+at$", match.group(), _I):
            lo, hi = match.end(), c.clause[1]
        else:
            lo = match.end()
            stop = re.compile(r"\s(?:of|for|over|in|on|after|with|that|as)\b|[,;:\x01]").search(
                self.plain, lo, c.clause[1]
            )
            hi = stop.start() if stop else c.clause[1]
            on = re.match(r"\s+on\s+", self.plain[hi : c.clause[1]]) if stop else None
            if on and (self._about_span(lo, hi) or not _agents(self.reader, lo, hi)):
                # "blamed the attack on X": the accused follows "on"
                lo = hi + on.end()
                after = re.compile(r"[,;:]|\s(?:for|over|after|while|and\s+(?:said|added))\b").search(
                    self.plain, lo, c.clause[1]
                )
                hi = after.start() if after else c.clause[1]
            elif stop and self.plain[stop.start()] == "," and _agents(self.reader, lo, hi) == []:
                # "accused its archenemies, Israel and the United States, of ...": the apposition names them
                close = re.compile(r",\s(?:of|for)\b").search(self.plain, stop.end(), c.clause[1])
                hi = close.start() if close else hi
        accused = [m for m in _agents(self.reader, lo, hi) if m.entity not in c.by] or self._unnamed(lo, hi)
        if not accused:
            return False
        self._set(c, "accuses", accused)
        self._set_about(c)
        return True

    def _about_span(self, lo: int, hi: int) -> bool:
        """Whether [lo, hi) names an attack ("the attack", "the market bombing")."""
        if any(set(m.types) & EVENT_TYPES for m in self.reader.mentions_in(lo, hi)):
            return True
        return bool(_DEFINITE_ATTACK.search(self.plain, lo, hi))

    def _unnamed(self, lo: int, hi: int) -> list[Mention]:
        """A short description of an agent the registry does not name ("“terrorists”", "militants"), as a new
        article-local group: an accusation must name whom it blames."""
        text = self.text[lo:hi]
        inner = re.fullmatch(
            r"\s*(?:the\s+|some\s+|unnamed\s+)?[“\"]?(?P<np>[a-z][\w\s-]{1,40}?)[”\"]?[\s.]*", text, _I
        )
        if inner is None or len(inner.group("np").split()) > 4:
            return []
        np = inner.group("np")
        if not re.search(r"(?:ists|ants|ers|ors|ies|groups?|cells?|elements|forces|militias?|networks?)$", np, _I):
            return []
        start = lo + inner.start("np")
        return [Mention(start, start + len(np), np, slug(np), False, "new", ("Group",), LINK_CONFIDENCE["new"])]

    def _blame(self, c: _Candidate, match: re.Match[str]) -> bool:
        """blame: an accusation by officials and states, an assessment by the article and analysts."""
        if re.search(r"\b(?:no|not|never|nothing|n[’']t)\b", match.group(), _I):
            return False  # "stated that it had no reason to believe X was involved" is a denial, not a blame
        if c.rule == "blame" and "obj" in match.re.groupindex and match.group("obj") is not None:
            if re.search(r"to$", match.group(), _I):
                lo = match.end()
                stop = re.compile(r"[,;:]|\s(?:and|while|but)\s").search(self.plain, lo, c.clause[1])
                hi = stop.start() if stop else c.clause[1]
            else:
                lo, hi = match.start("obj"), match.end("obj")
            if re.search(r"\b(?:been|was|were|is|are)\s+$", self.plain[c.sentence.start : match.start()], _I):
                return False  # "have been attributed to": agentless
            targets = [m for m in _agents(self.reader, lo, hi) if m.entity not in c.by] or self._unnamed(lo, hi)
        else:
            targets = self._predicate_agents(c, match)
        if not targets:
            return False
        if c.attribution.publisher or any(is_analyst(self.analysis, m) for m in c.attribution.speakers):
            c.kind = ASSESSMENT
            self._set(c, "attributes_to", targets)
        else:
            c.kind = ACCUSATION
            self._set(c, "accuses", targets)
        if re.match(r"suggest", match.group(), _I):
            self._hedge(c, extra=[(match.start(), match.start() + len(match.group().split()[0]))])
        self._set_about(c)
        return True

    def _condemnation(self, c: _Candidate, match: re.Match[str]) -> bool:
        """condemnation: of the attack (a clause that refers to one)."""
        if c.attribution.publisher:
            return False
        self._set_about(c)
        return bool(c.body.get("about")) or bool(self._event_mentions(c)) or self._refers_to_attack(c)

    def _vow(self, c: _Candidate, match: re.Match[str]) -> bool:
        """vow-of-retaliation: whom it threatens, or what it avenges."""
        if c.attribution.publisher:
            return False
        threatened: list[Mention] = []
        for pattern in (
            r"\b(?:warn(?:ed|s|ing)?|threaten(?:ed|s|ing)?)\s+",
            r"\b(?:warning|caution|message|threat)\s+to\s+",
        ):
            for hit in re.finditer(pattern, self.text[c.start : c.end], _I):
                at = c.start + hit.end()
                nxt = [m for m in self.reader.mentions if m.start >= at and _agent(m)]
                if nxt and re.fullmatch(r"(?:the\s+)?", self.text[at : nxt[0].start], _I):
                    threatened.append(nxt[0])
        threatened = [m for m in threatened if m.entity not in c.by]
        if threatened:
            self._set(c, "threatens", threatened)
            self._set_about(c)
            return True
        return self._about_or_main(c)  # a vow must say what it avenges or whom it threatens

    def _call(self, c: _Candidate, match: re.Match[str]) -> bool:
        """call-to-action: not "called for" (a response), with its channel."""
        if c.attribution.publisher:
            return False
        if re.match(r"call", match.group(), _I) and re.match(r"\s*for\b", self.plain[match.end() : match.end() + 5]):
            return False
        channel = self._channel(c)
        if channel is not None:
            c.body["channel"] = channel.entity
            c.mentions.append(channel)
        return True

    def _assessment(self, c: _Candidate, match: re.Match[str]) -> bool:
        """assessment, superlative, judgement, absence: who it says may be behind it, and its hedge."""
        words = match.group().lower()
        if c.rule == "superlative":
            # "the deadliest attack since 1979", "This attack stands as the deadliest ... since": a
            # comparison with a period, about the attack the clause speaks of
            noun = (match.group("noun") or "").lower()
            subject = re.search(
                rf"\b(?:this|the)\s+(?:[\w-]+\s+)?{_ATTACK_NOUN}\b", self.plain[c.clause[0] : match.start()], _I
            )
            if not (re.fullmatch(_ATTACK_NOUN, noun) or subject):
                return False
            if self.attack:
                c.body["about"] = self.attack
            return True
        if c.rule == "judgement":
            if c.attribution.publisher:
                return False
            self._set_about(c)
            return True
        if c.rule == "assessment" and re.match(r"(?:could|may|might|likely|probably|possibly|presumably)", words):
            targets = self._predicate_agents(c, match)
            if re.search(r"\b(?:the\s+work\s+of|by)$", words):
                targets = _agents(self.reader, match.end(), c.clause[1])
        elif c.rule == "assessment" and re.search(r"perpetrators?|attackers?|bombers?|culprits?", words):
            targets = [m for m in _agents(self.reader, match.end(), c.clause[1])]
        elif c.rule == "assessment" and not re.search(
            r"deadliest|worst|bloodiest|lethal|devastating|hypothesis", words
        ):
            targets = _agents(self.reader, match.end(), c.clause[1])
        else:
            targets = []
        if c.rule == "assessment" and re.search(r"hypothesis", words):
            that = re.search(
                r"\bthat\s+(?P<x>[^,;]{1,60}?)\s+(?:was|were|is|are)\s+behind\b", self.plain[c.start : c.end]
            )
            if that:
                targets = _agents(self.reader, c.start + that.start("x"), c.start + that.end("x"))
        targets = [m for m in targets if m.entity not in c.by]
        if targets:
            self._set(c, "attributes_to", targets)
        if c.rule == "assessment":
            part = "hedge" if "hedge" in match.re.groupindex and match.group("hedge") else 0
            self._hedge(c, extra=[(match.start(part), match.end(part))])
        self._set_about(c)
        if c.rule == "absence":
            return True
        return bool(c.body.get("about") or targets or self._refers_to_attack(c))

    def _account(self, c: _Candidate, match: re.Match[str]) -> bool:
        """account: the fallback reporting verb only about the attack and without a casualty figure."""
        if c.rule == "account-report":
            if c.attribution.publisher or not self._refers_to_attack(c):
                return False
            if _CASUALTY.search(self.plain, c.clause[0], c.clause[1]):
                return False  # a casualty figure: the figure rules draft it, with who gave it
        self._set_about(c)
        return True

    def _designation(self, c: _Candidate, match: re.Match[str]) -> bool:
        """designation: about the organisation named right before "designated"."""
        before = [m for m in _agents(self.reader, c.clause[0], match.start()) if m.entity not in c.by]
        if not before:
            return False
        gap = self.plain[before[-1].end : match.start()]
        if not re.fullmatch(r"\s*,?\s*(?:which\s+was\s+|which\s+is\s+|was\s+|is\s+)?", gap):
            return False
        c.body["about"] = before[-1].entity
        c.mentions.append(before[-1])
        c.start, c.end = self._trim(before[-1].start, max(match.end(), c.attribution.end))
        return True

    # ------------------------------------------------------------- method accounts

    def _methods(self, sentence: Sentence) -> Iterable[tuple[str, re.Match[str]]]:
        """The method cues of a sentence (outside quotations), with their attack class."""
        for attack_type, pattern in METHODS:
            for match in pattern.finditer(self.plain, sentence.start, sentence.end):
                yield attack_type, match

    def _method_candidates(self, sentence: Sentence) -> list[_Candidate]:
        """method-account: one per method stated outside quotations whose speaker is resolved."""
        found: list[_Candidate] = []
        for attack_type, match in self._methods(sentence):
            if _NEGATED_METHOD.search(self.plain[sentence.start : match.start()][-60:]):
                continue
            attribution = speaker(self.analysis, sentence, match.start(), match.end(), publisher=True)
            if not attribution.resolved:
                continue
            clause = self._clause(sentence, match.start(), narrow=attribution.publisher)
            start, end = self._span(clause, attribution)
            c = _Candidate(
                METHOD,
                "method-account",
                match.group(),
                match.start(),
                sentence,
                attribution,
                start,
                end,
                0.75 * attribution.confidence,
                heading=self._heading(sentence),
                clause=clause,
            )
            c.mentions.extend(attribution.speakers)
            c.body["attack_type"] = attack_type
            c.body["method_as_written"] = self._method_words(c, match.start(), end)
            if attribution.channel is not None:
                c.body["channel"] = attribution.channel.entity
                c.mentions.append(attribution.channel)
            self._set_about(c)
            # the speaker's own words: from its attribution to the end of the method ("the former suggesting suicide
            # bombers", not "... and the latter proposing"), or the method's clause in the article's own voice
            method_end = self.text.find(c.body["method_as_written"], c.start) + len(c.body["method_as_written"])
            if attribution.start >= 0:
                own = [(min(attribution.start, match.start()), max(attribution.end, method_end))]
            else:
                own = [clause]
            self._hedge(c, within=own)
            found.append(c)
        return found

    def _method(self, c: _Candidate) -> None:
        """attack_type and method_as_written of a claim: the non-negated methods in its quote, quotations
        included (they are the claimant's own words)."""
        text = self.text
        kinds: list[str] = []
        first: re.Match[str] | None = None
        for attack_type, pattern in METHODS:
            for match in pattern.finditer(text, c.start, c.end):
                if _NEGATED_METHOD.search(text[c.start : match.start()][-60:]):
                    continue
                kinds.append(attack_type)
                if first is None or match.start() < first.start():
                    first = match
        if len(set(kinds)) == 1:
            c.body["attack_type"] = kinds[0]
        if first is not None:
            quote = next(((lo, hi) for lo, hi in self.reader.quotes if lo < first.start() < hi), None)
            end = min(c.end, quote[1] - 1) if quote else c.end
            c.body["method_as_written"] = self._method_words(c, first.start(), end)

    def _method_words(self, c: _Candidate, cue_start: int, end: int) -> str:
        """The method as written: from the noun phrase of the cue to the end of its clause."""
        lead = _NP_LEAD.search(self.text[max(c.start, cue_start - 40) : cue_start])
        lo = cue_start - (len(lead.group()) if lead else 0)
        clause_end = min(end, c.clause[1])
        other = re.compile(r",?\s+(?:and|while|whereas|but)\s+(?:the\s+|a\s+|an\s+)?\w+\s+\w+ing\b", _I)
        stop = other.search(self.plain, cue_start, clause_end)
        hi = stop.start() if stop else clause_end
        if c.attribution.start > cue_start:
            hi = min(hi, c.attribution.start)  # "... a car bomb, according to State TV"
        return self.text[lo:hi].rstrip(' ,.;:“”"')

    # ------------------------------------------------------------- noun-phrase accounts

    def _report_phrases(self, sentence: Sentence) -> list[_Candidate]:
        """ "state media reports of X", "the death toll reported by X": an account by X, quoted as that phrase."""
        found = []
        for match in _SOURCE_REPORTS.finditer(self.plain, sentence.start, sentence.end):
            source = self._report_source(match.start() + len(match.group()) - len(match.group().lstrip()))
            if source is None:
                continue
            clause = self._clause(sentence, match.start())
            start, end = self._trim(source.start, clause[1])
            found.append(self._phrase_candidate(sentence, source, match, start, end, clause))
        for match in _SOURCE_FIGURES.finditer(self.plain, sentence.start, sentence.end):
            owners = [m for m in self.reader.mentions if m.end == match.start() and _agent(m)]
            if not owners:
                continue
            clause = self._clause(sentence, match.start())
            start, end = self._trim(owners[0].start, match.end())
            found.append(self._phrase_candidate(sentence, owners[0], match, start, end, clause))
        for match in _REPORTED_BY.finditer(self.plain, sentence.start, sentence.end):
            nxt = [m for m in self.reader.mentions if m.start >= match.end() and _agent(m)]
            if not nxt or not re.fullmatch(r"(?:the\s+)?", self.text[match.end() : nxt[0].start], _I):
                continue
            clause = self._clause(sentence, match.start())
            start, end = self._trim(match.start(), nxt[0].end)
            found.append(self._phrase_candidate(sentence, nxt[0], match, start, end, clause))
        return found

    def _report_source(self, at: int) -> Mention | None:
        """Who the "reports" at ``at`` are by: the name right before it ("State TV reports"), or a generic source
        ("state media reports", "local officials' reports") as a new article-local group."""
        before = self.plain[max(0, at - 60) : at]
        named = [m for m in self.reader.mentions if m.end <= at and _agent(m) and not self.plain[m.end : at].strip()]
        if named:
            return named[-1]
        words = list(re.finditer(r"[\w’'-]+", before))
        if not words or not source_kind(words[-1].group()) or not before.endswith(words[-1].group() + " "):
            return None
        lo = words[-1].start()
        for word in reversed(words[:-1]):
            token = word.group()
            if token.lower() in _STOPS or VERBS.fullmatch(token) or not before[word.end() : lo].isspace():
                break
            lo = word.start()
        start = at - len(before) + lo
        end = at - len(before) + words[-1].end()
        text = self.text[start:end]
        kind = source_kind(words[-1].group()) or "Group"
        return Mention(start, end, text, slug(text), False, "new", (kind,), LINK_CONFIDENCE["new"])

    def _phrase_candidate(
        self, sentence: Sentence, source: Mention, match: re.Match[str], start: int, end: int, clause: tuple[int, int]
    ) -> _Candidate:
        """account-phrase: an account by ``source``, quoted as the phrase [start, end), named so that a denial
        can answer it."""
        attribution = Attribution((source,), source.text, source.start, "report-phrase", 0.9)
        c = _Candidate(
            ACCOUNT,
            "account-phrase",
            self.text[match.start() : match.end()].strip() or source.text,
            match.start(),
            sentence,
            attribution,
            start,
            end,
            0.6 * (1.0 if source.known else 0.8),
            heading=self._heading(sentence),
            clause=clause,
        )
        c.mentions.append(source)
        c.name = _report_name(source)
        self._set_about(c)
        return c

    # ------------------------------------------------------------- settling

    def _resolve(self, found: list[_Candidate], methods: list[_Candidate]) -> list[_Candidate]:
        """One sentence's candidates with its method accounts: conflicts settled, duplicates merged."""
        kept = list(found)
        # a refusal to comment is never a denial
        refusals = {c.clause for c in kept if c.kind == REFUSAL}
        kept = [c for c in kept if not (c.kind == DENIAL and c.clause in refusals)]
        # a claim carries the method its claimant states in the same clause
        claims = {(c.clause, c.by) for c in kept if c.kind == CLAIM}
        methods = [m for m in methods if (m.clause, m.by) not in claims]
        kept.extend(methods)
        # the fallback account only where nothing else is said in the clause
        busy = {c.clause for c in kept if c.rule not in ("account-report", "account-phrase")}
        kept = [c for c in kept if not (c.rule == "account-report" and c.clause in busy)]
        # one fact per type and speaker in a sentence: the fullest
        kept = self._apart(kept)
        best: dict[tuple[int, str, tuple[str, ...]], _Candidate] = {}
        for c in kept:
            key = (
                c.sentence.start if c.kind != ACCOUNT else c.start,
                c.kind + (c.rule if c.kind == DENIAL else ""),
                c.by,
            )
            held = best.get(key)
            if held is None:
                best[key] = c
                continue
            _absorb(held, c)
        return list(best.values())

    def _apart(self, found: list[_Candidate]) -> list[_Candidate]:
        """Two statements of one type in a sentence by different speakers ("with the former suggesting suicide
        bombers and the latter proposing a remote detonation"): each quote stops where the other's speaker is
        named, when every field of the first lies before that point."""
        ordered = sorted(found, key=lambda c: c.cue_start)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.kind != a.kind or b.by == a.by or not (a.start < b.end and b.start < a.end):
                    continue
                cut = b.attribution.start
                if cut < 0 or cut <= a.cue_start or cut > b.cue_start:
                    continue
                if any(self.text.find(v, a.start) + len(v) > cut for v in _texts(a.body)) or a.attribution.end > cut:
                    continue
                head = re.sub(r"[\s,;]*(?:\band|\bwhile|\bbut|\bwith)?\s*$", "", self.text[a.start : cut])
                a.end = a.start + len(head)
                b.start = max(b.start, cut)
        return found

    def _claims(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """Claimants' method statements become their claims; one claim per claimant and event."""
        claimants = {c.by for c in candidates if c.kind == CLAIM and not c.other_event}
        out: list[_Candidate] = []
        for c in candidates:
            if c.kind == METHOD and c.by in claimants and self._states_claim(c) and self.attack:
                c.kind = CLAIM
                c.rule = "claimant-statement"
                c.confidence = 0.75 * c.attribution.confidence
                c.body = {}
                if self.attack:
                    c.body["about"] = self.attack
                self._claim_fields(c)
                self._hedge(c)
            out.append(c)
        groups: dict[tuple[tuple[str, ...], str], list[_Candidate]] = {}
        rest = []
        for c in out:
            if c.kind != CLAIM:
                rest.append(c)
                continue
            key = (c.by, str(c.body.get("about")) if not c.other_event else f"other:{c.start}")
            groups.setdefault(key, []).append(c)
        for group in groups.values():
            best = max(
                group,
                key=lambda c: (
                    not c.heading,
                    c.fields() + (c.rule == "claim-of-responsibility"),
                    c.confidence,
                    -c.start,
                ),
            )
            rest.append(best)
        return rest

    def _states_claim(self, c: _Candidate) -> bool:
        """Whether a claimant's method is given as what its statement says (not as a hedged account)."""
        words = c.attribution.words.lower()
        return not re.search(r"\b(?:suggest\w*|propos\w*|believ\w*|think\w*|speculat\w*)\b", words)

    # ------------------------------------------------------------- fields

    def _set(self, c: _Candidate, key: str, mentions: list[Mention]) -> None:
        """Set a body key to these agents (one id, or a list), remembering new ones to declare."""
        unique: list[Mention] = []
        for mention in mentions:
            if all(mention.entity != other.entity for other in unique):
                unique.append(mention)
        if unique:
            c.body[key] = _one([m.entity for m in unique])
            c.mentions.extend(unique)

    def _about_or_main(self, c: _Candidate) -> bool:
        """``about`` for a speech act that must have one (a refusal, a denial, a vow): what the clause names, else
        the article's main attack, unless the clause marks another incident. False when there is none."""
        self._set_about(c)
        if "about" not in c.body and self.attack and not _OTHER_EVENT.search(self.plain, c.clause[0], c.clause[1]):
            c.body["about"] = self.attack
        return "about" in c.body

    def _set_about(self, c: _Candidate) -> None:
        """Set ``about`` to what the quote refers to, if anything."""
        refs = self._about(c)
        if refs:
            c.body["about"] = _one(refs)

    def _about(self, c: _Candidate) -> list[str]:
        """The events the quote refers to: registry events it names, or the main attack by description."""
        events = [m.entity for m in self._event_mentions(c)]
        if events:
            return list(dict.fromkeys(events))
        if self._refers_to_attack(c) and self.attack:
            return [self.attack]
        return []

    def _event_mentions(self, c: _Candidate) -> list[Mention]:
        """Registry events named in the quote."""
        return [
            m
            for m in self.reader.mentions_in(c.start, c.end)
            if m.known and set(m.types) & {"Attack", "Bombing", "SuicideBombing", "RemoteDetonatedBombing", "Event"}
        ]

    def _refers_to_attack(self, c: _Candidate) -> bool:
        """Whether the quote refers to the attack: to the main attack, or, when the registry has none, by a
        definite description ("the attack", "the explosions")."""
        if self.attack is not None:
            return any(c.start <= r.start and r.end <= c.end for r in attack_refs(self.analysis, c.sentence))
        return bool(_DEFINITE_ATTACK.search(self.plain, c.start, c.end))

    def _main_year(self) -> int | None:
        """The year of the main attack (its label's), else of publication."""
        if self.attack is None:
            return self.analysis.published.year if self.analysis.published else None
        entity = self.analysis.registry.get(self.attack)
        year = _YEAR.search(entity.label) if entity is not None else None
        if year:
            return int(year.group())
        return self.analysis.published.year if self.analysis.published else None

    def _channel(self, c: _Candidate) -> Mention | None:
        """An outlet or channel named after "on", "via", "through", "in" or "by" in the quote."""
        for mention in self.reader.mentions_in(c.start, c.end):
            if not {"Channel", "MediaOutlet"} & set(mention.types) or mention.entity in c.by:
                continue
            before = self.text[max(c.start, mention.start - 30) : mention.start]
            if re.search(
                r"\b(?:on|via|through|in|over|by)\s+(?:(?:its|his|her|their|the|a|an)\s+)?(?:[\w-]+\s+)?$", before, _I
            ):
                return mention
        return None

    def _title(self, start: int, end: int) -> str | None:
        """The quotation after "titled", "entitled" or "headlined" in [start, end), without its closing punctuation."""
        for match in re.finditer(r"\b(?:titled|entitled|headlined)\s*,?\s*", self.text[start:end], _I):
            at = start + match.end()
            for lo, hi in self.reader.quotes:
                if lo == at and hi <= end:
                    return self.text[lo + 1 : hi - 1].strip().rstrip(",.;:").strip()
        return None

    def _words(self, c: _Candidate) -> list[str]:
        """The quotations inside the quote (the title aside): the speaker's own words."""
        words = []
        title = self._title(c.start, c.end)
        for lo, hi in self.reader.quotes:
            if c.start <= lo and hi <= c.end:
                inner = self.text[lo + 1 : hi - 1].strip().rstrip(",").strip()
                if inner and inner != title:
                    words.append(inner)
        return words

    def _hedge(
        self, c: _Candidate, extra: Iterable[tuple[int, int]] = (), within: list[tuple[int, int]] | None = None
    ) -> None:
        """Set ``hedge`` to the hedging words in the quote (outside quotations) and the cue's own hedge (``extra``),
        only those inside ``within`` when given; a hedge inside a longer one is left out."""
        spans = [(m.start(), m.end()) for m in HEDGES.finditer(self.plain, c.start, c.end)]
        if within is not None:
            spans = [(a, b) for a, b in spans if any(lo <= a and b <= hi for lo, hi in within)]
        spans += [(a, b) for a, b in extra if c.start <= a and b <= c.end]
        spans = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
        hedges = list(dict.fromkeys(self.text[a:b] for a, b in sorted(set(spans))))
        if c.kind == CLAIM and "hedge" in c.body:
            hedges = list(dict.fromkeys([*_many(c.body["hedge"]), *hedges]))
        if hedges:
            c.body["hedge"] = _one(hedges)

    def _perpetrators(self, c: _Candidate) -> list[Mention]:
        """Persons named next to "bombers", "attackers", "martyred brothers", or "as the perpetrators"."""
        named: list[Mention] = []
        people = [m for m in self.analysis.mentions if c.start <= m.start and m.end <= c.end and "Person" in m.types]
        for mention in sorted(people, key=lambda m: m.start):
            before = self.text[max(c.start, mention.start - 40) : mention.start]
            after = self.text[mention.end : c.end]
            if _PERPETRATOR_BEFORE.search(before) or _PERPETRATOR_AFTER.match(after):
                named.append(mention)
            elif named and re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", self.text[named[-1].end : mention.start]):
                named.append(mention)
        return named

    def _predicate_agents(self, c: _Candidate, match: re.Match[str]) -> list[Mention]:
        """The agents a predicate is said of: "Y could be involved", "Y was behind", "no role for Y"."""
        if "x" in match.re.groupindex and match.group("x"):
            return _agents(self.reader, match.start("x"), match.end("x"))
        if re.search(r"\brole\s+for$", match.group(), _I):
            stop = re.compile(r"[,;:\x01]|\s(?:in|on|at|over)\s").search(self.plain, match.end(), c.clause[1])
            return _agents(self.reader, match.end(), stop.start() if stop else c.clause[1])
        left = self.plain[c.clause[0] : match.start()]
        hi = len(left)
        # "ISIS-K, located in neighbouring Afghanistan, could be involved": step over the apposition
        apposition = re.search(r",\s*[a-z][^,]*,\s*$", left)
        if apposition:
            hi = apposition.start()
        opener = [m.end() for m in re.finditer(r"\b(?:that|whether|if)\b|[,;:]", left[:hi], _I)]
        lo = c.clause[0] + (opener[-1] if opener else 0)
        subject = [m for m in _agents(self.reader, lo, c.clause[0] + hi) if m.entity not in c.by]
        pronoun = _SPEAKER_PRONOUN.search(left[:hi])
        if not subject and c.attribution.speakers and pronoun:
            return self._self_reference(c, pronoun.group("pronoun"))  # "X said it had no role": the speaker itself
        # an apposition after the subject ("ISIS-K, located in Afghanistan, could be") is not the subject
        if len(subject) > 1:
            first = subject[0]
            tail = self.plain[first.end : match.start()]
            if re.match(r"\s*,", tail):
                subject = [first]
        return subject

    def _self_reference(self, c: _Candidate, pronoun: str) -> list[Mention]:
        """Whom a pronoun in the speaker's own clause means: "it" an organisation (the speaker, or the one its
        description names: "a spokesman for the government ... that it was involved"), "he"/"she" a person,
        "they" the speakers; nothing when none agrees."""
        word = pronoun.lower()
        speakers = list(c.attribution.speakers)
        if word in ("he", "she", "his", "her"):
            return [m for m in speakers if "Person" in m.types]
        if word in ("they", "their"):
            return speakers
        organisations = [m for m in speakers if "Person" not in m.types]
        if organisations:
            return organisations
        if c.attribution.start >= 0:
            lo, hi = c.attribution.start, c.attribution.end
            inner = [self.reader.complete(m, lo, hi) for m in _agents(self.reader, lo, hi)]
            return [m for m in inner if "Person" not in m.types][-1:]
        return []

    # ------------------------------------------------------------- spans

    def _clause(self, sentence: Sentence, offset: int, narrow: bool = False) -> tuple[int, int]:
        """The clause of a sentence that holds an offset.

        Clauses are cut at "; ", at ", while/whereas/but/although" and before a verb phrase joined by
        "and" ("X denied ... and stated ..."); ``narrow`` also cuts before a participial clause after a
        comma ("..., marking the deadliest attack"), for what the article says in its own voice.
        """
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(self.plain, sentence.start, sentence.end)]
        for match in re.finditer(r",?\s+and\s+(?:\w+ly\s+)?(?=\w)", self.plain[sentence.start : sentence.end]):
            at = sentence.start + match.end()
            verb = VERBS.match(self.plain, at)
            if verb and not REPORTING_NOUN.match(self.plain, at):
                breaks.append((sentence.start + match.start(), at))
        for match in re.finditer(r",\s+and\s+", self.plain[sentence.start : sentence.end]):
            at = sentence.start + match.end()
            if VERBS.search(self.plain, at, min(sentence.end, at + 60)) and not VERBS.match(self.plain, at):
                head = self.plain[at : VERBS.search(self.plain, at, min(sentence.end, at + 60)).start()]  # type: ignore[union-attr]
                if len(head.split()) <= 5 and (head[:1].isupper() or re.match(r"(?:he|she|it|they)\b", head)):
                    breaks.append((sentence.start + match.start(), at))
        if narrow:
            breaks += [
                (m.start(), m.end()) for m in _PARTICIPIAL_BREAK.finditer(self.plain, sentence.start, sentence.end)
            ]
        lo, hi = sentence.start, sentence.end
        for start, end in sorted(breaks):
            if end <= offset:
                lo = max(lo, end)
            elif start >= offset:
                hi = min(hi, start)
        return lo, hi

    def _span(self, clause: tuple[int, int], attribution: Attribution) -> tuple[int, int]:
        """The quote: the clause, widened to the words that attribute it (not to a subject shared with an
        earlier clause, which the body names anyway)."""
        start, end = clause
        if attribution.start >= 0 and "shared-subject" not in attribution.rule:
            start, end = min(start, attribution.start), max(end, attribution.end)
        return self._trim(start, end)

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """A span without surrounding spaces and trailing commas, semicolons or colons."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and (self.text[end - 1].isspace() or self.text[end - 1] in ",;:"):
            end -= 1
        return start, end

    def _heading(self, sentence: Sentence) -> bool:
        """A title or standfirst: the text's first line, or a one-sentence line without a final full stop."""
        lo = self.text.rfind("\n", 0, sentence.start) + 1
        hi = self.text.find("\n", sentence.start)
        hi = len(self.text) if hi < 0 else hi
        line = self.text[lo:hi].strip()
        if sentence.start < self.first_line or self.first_line < 0:
            return True
        return line == sentence.text and not re.search(r"[.!?][”\"’)]*$", line)

    # ------------------------------------------------------------- output

    def _fact(self, c: _Candidate) -> DraftFact:
        """The candidate as a drafted fact in the curator format."""
        body: dict[str, Any] = {"type": c.kind, "by": _one(list(c.by))}
        words = self._words(c) if c.kind in WORDS_TYPES and not c.attribution.publisher else []
        for key in (
            "about",
            "channel",
            "accuses",
            "denies_involvement_of",
            "threatens",
            "attributes_to",
            "names_perpetrator",
            "attack_type",
            "method_as_written",
            "title",
            "hedge",
        ):
            if key in c.body and c.body[key] not in (None, [], ""):
                body[key] = c.body[key]
        if words:
            body["words"] = _one(words)
        if c.kind in (ASSESSMENT, ACCUSATION, VOW, DENIAL, CLAIM) and "hedge" not in body:
            self._hedge(c)
            if "hedge" in c.body:
                body["hedge"] = c.body["hedge"]
        if "answers" in c.body:
            body["answers"] = c.body["answers"]
        quote = self.text[c.start : c.end]
        prefix = NAME_PREFIX.get(c.kind, "statement")
        name = c.name or f"{prefix}-{body['by'] if isinstance(body['by'], str) else body['by'][0]}"
        return DraftFact(
            name=name,
            kind="statement",
            body=_ordered(body),
            quote=quote,
            start=c.start,
            rule=c.rule,
            cue=c.cue,
            confidence=round(max(0.05, min(1.0, c.confidence)), 2),
            new_entities=_unique_new(new_entities(*c.mentions)),
        )


# ------------------------------------------------------------------ helpers

_ORDER: Final = (
    "type",
    "by",
    "about",
    "channel",
    "accuses",
    "denies_involvement_of",
    "threatens",
    "attributes_to",
    "names_perpetrator",
    "attack_type",
    "method_as_written",
    "words",
    "title",
    "hedge",
    "answers",
)


def _ordered(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in _ORDER if key in body}


def _one(values: list[str]) -> Any:
    values = list(dict.fromkeys(values))
    return values[0] if len(values) == 1 else values


def _many(value: Any) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


def _agent(mention: Mention) -> bool:
    from kg.drafting.speakers import AGENT_TYPES

    return bool(set(mention.types) & AGENT_TYPES)


def _agents(reader: Reader, start: int, end: int) -> list[Mention]:
    """The agents named in [start, end); an owner named in the possessive before another agent ("the Islamic
    State's Afghan branch, ISIS-K") is that agent's modifier, not named for itself (a branch is never widened
    to the whole group)."""
    found = [reader.hyphenated(m) for m in reader.mentions_in(start, end) if _agent(m)]
    return [
        m
        for i, m in enumerate(found)
        if not (re.match(r"[’']s?\b", reader.text[m.end : m.end + 3]) and any(_agent(o) for o in found[i + 1 :]))
    ]


def _with_words(attribution: Attribution, text: str, start: int, end: int) -> Attribution:
    if not attribution.resolved or end < start:
        return attribution
    from dataclasses import replace

    return replace(attribution, words=text[start:end], start=start)


def _absorb(held: _Candidate, other: _Candidate) -> None:
    """Merge a second cue of the same type and speaker into the first (its fields and hedges)."""
    for key, value in other.body.items():
        if key not in held.body:
            held.body[key] = value
        elif key in ("attributes_to", "accuses", "hedge", "threatens", "denies_involvement_of"):
            held.body[key] = _one([*_many(held.body[key]), *_many(value)])
    held.start, held.end = min(held.start, other.start), max(held.end, other.end)
    held.mentions.extend(other.mentions)
    held.confidence = max(held.confidence, other.confidence)


def _texts(body: dict[str, Any]) -> list[str]:
    """The text fields of a body (each must lie in the quote)."""
    return [v for key in ("words", "hedge", "method_as_written", "title") for v in _many(body.get(key, []))]


def _target(c: _Candidate) -> frozenset[str]:
    """Whom a statement is about, for telling two statements of one type and speaker apart."""
    keys = ("accuses", "attributes_to", "denies_involvement_of", "threatens")
    return frozenset(v for key in keys for v in _many(c.body.get(key, [])))


def _report_name(source: Mention) -> str:
    """The name of the account of a report by ``source`` (unique in the article: it holds the source's offset)."""
    return f"report-by-{source.entity}-{source.start}"


def _unique_new(mentions: list[Mention]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    for mention in mentions:
        seen.setdefault(mention.entity, mention)
    return list(seen.values())


def extract(analysis: Analysis) -> list[DraftFact]:
    """Draft the article's statements (see the module docstring for the rules).

    Args:
        analysis: The article, read by :func:`kg.drafting.analysis.analyse`.

    Returns:
        The drafted ``statement`` facts, in text order.
    """
    return _Drafter(analysis).run()
