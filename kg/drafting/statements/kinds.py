"""The statement types the drafter proposes, and the word each gives a drafted fact's name.

Each constant is a statement class of the ontology (a statement's ``type`` in the curator format,
``corpus/README.md``), but ``Blame``: a cue that makes an accusation or an assessment, by who says it
(:mod:`kg.drafting.statements.builders` settles which).
"""

from __future__ import annotations

from typing import Final

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
