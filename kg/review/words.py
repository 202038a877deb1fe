"""A fact said in words a researcher reads, from its YAML and the names of the registry and the ontology.

"Claim of responsibility by Islamic State for 2024 Kerman bombings, via Telegram, 2024-01-04, method: suicide
bombing" says what ``statement: {type: ClaimOfResponsibility, by: islamic-state, ...}`` says. Entities are
named by their label (the registry's, or the article-local entity's), classes and properties by their
``rdfs:label``, other facts by their id; a name the file does not resolve is shown as written, in quotes, so a
typo stands out. :func:`category` gives the kind of highlight the page draws for an item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kg.curation.figures import parse_figure

#: the kinds of highlight, by what a fact says (the page's legend and colours)
CATEGORIES = {
    "claim": "claim of responsibility",
    "accusation": "accusation",
    "denial": "denial",
    "refusal": "refusal to comment",
    "statement": "other statement",
    "figure": "casualty figure",
    "date": "date",
    "prior-incident": "prior incident",
    "relation": "plain fact",
    "response": "response",
    "entity": "new entity",
}
_STATEMENT_CATEGORIES = {
    "ClaimOfResponsibility": "claim",
    "Accusation": "accusation",
    "Denial": "denial",
    "RefusalToComment": "refusal",
}
QUALIFIER_WORDS = {
    "exactly": "exactly",
    "atLeast": "at least",
    "moreThan": "more than",
    "nearly": "nearly",
    "approximately": "approximately",
}
CASUALTY_WORDS = {"killed": "Death toll", "injured": "Injury figure", "killed_and_injured": "Killed and injured"}


@dataclass(frozen=True)
class Names:
    """How to name what a fact refers to.

    Attributes:
        entities: Entity id -> label (registry and article-local entities, and ``publisher``).
        classes: Class local name -> label (``SuicideBombing`` -> ``suicide bombing``).
        properties: Property local name -> label (``occurredAt`` -> ``occurred at``).
    """

    entities: Mapping[str, str]
    classes: Mapping[str, str]
    properties: Mapping[str, str]

    def entity(self, name: Any) -> str:
        if isinstance(name, str) and name in self.entities:
            return self.entities[name]
        return f"“{name}”"

    def cls(self, name: Any) -> str:
        if isinstance(name, str) and name in self.classes:
            return self.classes[name]
        return f"“{name}”"

    def prop(self, name: Any) -> str:
        if name == "a":
            return "is a"
        if isinstance(name, str) and name in self.properties:
            return self.properties[name]
        return f"“{name}”"


def as_list(value: Any) -> list[Any]:
    """A YAML value that may be one item or a list of them, as a list (none for a missing value)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date(value: Any) -> str:
    if isinstance(value, dict):
        date = value.get("date")
        written = value.get("as_written")
        shown = str(date) if date is not None else "a date"
        return f"{shown} (“{written}”)" if written else shown
    return str(value)


def category(section: str, item: Mapping[str, Any]) -> str:
    """The highlight kind of an item: claim, accusation, denial, refusal, figure, date, prior incident..."""
    if section == "entities":
        return "entity"
    statement = item.get("statement")
    if isinstance(statement, dict):
        return _STATEMENT_CATEGORIES.get(str(statement.get("type")), "statement")
    if "casualties" in item:
        return "figure"
    if "response" in item:
        return "response"
    relations = [r for r in as_list(item.get("relations")) if isinstance(r, list) and len(r) == 3]
    if any(r[1] == "relatedIncident" for r in relations):
        return "prior-incident"
    if any(isinstance(r[2], dict) and "date" in r[2] for r in relations):
        return "date"
    return "relation"


def in_words(section: str, item: Mapping[str, Any], names: Names) -> str:
    """An item said in words (see the module docstring)."""
    if section == "entities":
        kind = names.cls(item.get("type")) if not isinstance(item.get("type"), list) else "entity"
        label = item.get("label") or item.get("id")
        return f"New {kind} (this article only): “{label}”"
    for body, say in (("statement", _statement), ("casualties", _casualties), ("response", _response)):
        if isinstance(item.get(body), dict):
            return say(item[body], names)
    if isinstance(item.get("relations"), list):
        return _relations(item["relations"], names)
    return "A fact without a body (relations, statement, casualties or response)"


def _statement(body: Mapping[str, Any], names: Names) -> str:
    kind = _capital(names.cls(body.get("type"))) if body.get("type") else "Statement"
    parts = [f"{kind} by {_join([names.entity(b) for b in as_list(body.get('by'))]) or 'nobody named'}"]
    about = as_list(body.get("about"))
    if about:
        word = "for" if body.get("type") == "ClaimOfResponsibility" else "about"
        parts[0] += f" {word} {_join([names.entity(a) for a in about])}"
    phrases: list[tuple[str, Callable[[Any], str]]] = [
        ("accuses", lambda v: f"accusing {v}"),
        ("denies_involvement_of", lambda v: f"denying the involvement of {v}"),
        ("threatens", lambda v: f"threatening {v}"),
        ("attributes_to", lambda v: f"attributing it to {v}"),
        ("names_perpetrator", lambda v: f"naming {v} as perpetrator"),
    ]
    for key, phrase in phrases:
        values = as_list(body.get(key))
        if values:
            parts.append(phrase(_join([names.entity(v) for v in values])))
    if body.get("channel"):
        parts.append(f"via {_join([names.entity(c) for c in as_list(body.get('channel'))])}")
    if body.get("date"):
        parts.append(_date(body["date"]))
    if body.get("attack_type") or body.get("method_as_written"):
        method = names.cls(body["attack_type"]) if body.get("attack_type") else ""
        written = "; ".join(f"“{w}”" for w in as_list(body.get("method_as_written")))
        parts.append("method: " + " ".join(x for x in (method, f"({written})" if method and written else written) if x))
    for key, label in (("title", "titled"), ("hedge", "hedged"), ("words", "in its words")):
        values = as_list(body.get(key))
        if values:
            parts.append(f"{label} " + ", ".join(f"“{v}”" for v in values))
    for key, label in (("answers", "answering"), ("contradicts", "contradicting")):
        values = as_list(body.get(key))
        if values:
            parts.append(f"{label} " + _join([f"fact {v}" for v in values]))
    return ", ".join(parts)


def _casualties(body: Mapping[str, Any], names: Names) -> str:
    kind = CASUALTY_WORDS.get(str(body.get("type")), "Casualty figure")
    figure = body.get("figure")
    count, qualifier = body.get("count"), body.get("qualifier")
    if isinstance(figure, str) and (count is None or qualifier is None):
        try:
            parsed = parse_figure(figure)
            count = parsed.count if count is None else count
            qualifier = parsed.qualifier if qualifier is None else qualifier
        except ValueError:
            pass
    text = f"{kind}" + (f" of {names.entity(body['of'])}" if body.get("of") else "") + f": “{figure}”"
    if count is not None:
        text += f" ({QUALIFIER_WORDS.get(str(qualifier), str(qualifier or 'exactly'))} {count})"
    if body.get("given_by"):
        text += f", given by {names.entity(body['given_by'])}"
    if body.get("stated_in"):
        text += f", in fact {body['stated_in']}"
    if body.get("hedge"):
        text += f", hedged “{body['hedge']}”"
    return text


def _response(body: Mapping[str, Any], names: Names) -> str:
    kind = _capital(names.cls(body.get("type"))) if body.get("type") else "Response"
    text = f"{kind} by {_join([names.entity(b) for b in as_list(body.get('by'))]) or 'nobody named'}"
    if body.get("in_response_to"):
        text += f", in response to {names.entity(body['in_response_to'])}"
    if body.get("destination"):
        text += f", to {names.entity(body['destination'])}"
    if body.get("date"):
        text += f", {_date(body['date'])}"
    return text


def _relations(relations: list[Any], names: Names) -> str:
    said = []
    for triple in relations:
        if not isinstance(triple, list) or len(triple) != 3:
            said.append(f"“{triple}” (not a [subject, property, object] triple)")
            continue
        subject, prop, obj = triple
        if prop == "a":
            said.append(f"{names.entity(subject)} is a {names.cls(obj)}")
        elif isinstance(obj, dict) and "date" in obj:
            said.append(f"{names.entity(subject)} {names.prop(prop)} {_date(obj)}")
        elif isinstance(obj, dict) and "text" in obj:
            said.append(f"{names.entity(subject)} {names.prop(prop)} “{obj['text']}”")
        else:
            said.append(f"{names.entity(subject)} {names.prop(prop)} {names.entity(obj)}")
    return _capital("; ".join(said)) if said else "No relation"
