"""The words and classes the speaker rules read noun phrases with: agent classes, anaphors, source nouns, titles."""

from __future__ import annotations

from typing import Final

from kg.drafting.analysis import Mention
from kg.drafting.context import AGENT_CLASSES

# ------------------------------------------------------------------ classes

AGENT_TYPES: Final = AGENT_CLASSES  # the ontology's agent classes, listed once in kg.drafting.context
ORGANISATION_TYPES: Final = AGENT_TYPES - {"Agent", "Person"}
CHANNEL_TYPES: Final = frozenset({"Channel", "MediaOutlet"})

#: what a definite description or pronoun may refer back to
ANAPHORS: Final[dict[str, frozenset[str]]] = {
    "he": frozenset({"Person"}),
    "she": frozenset({"Person"}),
    "it": ORGANISATION_TYPES,
    "group": frozenset({"ArmedGroup", "Group"}),
    "militants": frozenset({"ArmedGroup", "Group"}),
    "organisation": frozenset({"ArmedGroup", "Group", "Organisation", "InternationalBody"}),
    "organization": frozenset({"ArmedGroup", "Group", "Organisation", "InternationalBody"}),
    "movement": frozenset({"ArmedGroup", "Group"}),
    "network": frozenset({"ArmedGroup", "Group"}),
    "country": frozenset({"State"}),
    "nation": frozenset({"State"}),
    "government": frozenset({"Government"}),
    "regime": frozenset({"Government", "State"}),
    "administration": frozenset({"Government"}),
    "military": frozenset({"MilitaryUnit"}),
    "army": frozenset({"MilitaryUnit"}),
    "ministry": frozenset({"GovernmentBody"}),
    "council": frozenset({"InternationalBody", "GovernmentBody"}),
    "outlet": frozenset({"MediaOutlet"}),
    "broadcaster": frozenset({"MediaOutlet"}),
    "newspaper": frozenset({"MediaOutlet"}),
    "agency": frozenset({"MediaOutlet", "GovernmentBody"}),
    "minister": frozenset({"Person"}),
    "president": frozenset({"Person"}),
    "spokesman": frozenset({"Person"}),
    "spokeswoman": frozenset({"Person"}),
    "spokesperson": frozenset({"Person"}),
    "commander": frozenset({"Person"}),
    "leader": frozenset({"Person"}),
}

#: head nouns of a description that names a speaker the text does not name, and the class of a new one
SOURCE_NOUNS: Final[dict[str, str]] = {
    **{
        w: "Person"
        for w in """source official spokesman spokeswoman spokesperson analyst expert observer diplomat witness
        commander minister officer researcher specialist professor lawmaker aide adviser advisor envoy
        ambassador president leader chief head director governor mayor""".split()
    },
    **{
        w: "Group"
        for w in """sources officials analysts experts observers diplomats witnesses commanders ministers officers
        researchers specialists authorities critics lawmakers commentators scholars residents survivors
        investigators militants leaders""".split()
    },
    **{
        w: "MediaOutlet"
        for w in "outlet agency newspaper broadcaster daily website network channel television tv".split()
    },
    "military": "MilitaryUnit",
    "army": "MilitaryUnit",
    "forces": "MilitaryUnit",
    "government": "Government",
    "ministry": "GovernmentBody",
    "media": "Group",
}
#: nouns for what a speaker issued: "X's statement" is said by X
STATEMENT_NOUNS: Final = frozenset(
    "statement statements claim claims note message communique communiqué text video announcement post letter "
    "audio recording declaration".split()
)
#: nouns for a speaker's own outlet: "X's media wing" speaks for X
WING_NOUNS: Final = frozenset(
    {"media wing", "media arm", "propaganda arm", "news agency", "mouthpiece", "media outlet"}
)
#: analysts' nouns: their judgements are assessments, not accusations
ANALYST_NOUNS: Final = frozenset(
    """analyst analysts expert experts observer observers researcher researchers specialist specialists
    scholar scholars commentator commentators professor academic academics""".split()
)


def source_kind(noun: str) -> str | None:
    """The class of a new entity a description headed by ``noun`` names: a person, or for a plural a group."""
    noun = noun.lower()
    if noun in SOURCE_NOUNS:
        return SOURCE_NOUNS[noun]
    for singular in (noun[:-1], noun[:-2], noun[:-3] + "man" if noun.endswith("men") else ""):
        if singular in SOURCE_NOUNS:
            return "Group"  # "advisers", "spokesmen", "outlets": several of them
    return None


# ------------------------------------------------------------------ determiners, names and titles

DEFINITE = frozenset({"the", "this", "that", "these", "those"})
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you"})
CALENDAR: Final = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december""".split()
)
#: honorifics belong to a name as written ("Ayatollah Khamenei"); offices do not ("Supreme Leader", "President")
HONORIFICS: Final = frozenset(
    "ayatollah sheikh shaikh imam mullah hojatoleslam sayyed sayyid rabbi mr mr. mrs mrs. ms ms. dr dr.".split()
)
TITLE_WORDS: Final = frozenset(
    """president vice minister general commander ayatollah leader spokesman spokeswoman spokesperson chief head
    deputy secretary sheikh director governor mayor ambassador envoy""".split()
)

# ------------------------------------------------------------------ mentions


def is_agent(mention: Mention) -> bool:
    return bool(set(mention.types) & AGENT_TYPES)


def is_place(mention: Mention) -> bool:
    return bool(set(mention.types) & {"Place", "Country", "Region", "City", "Site"}) and not is_agent(mention)
