"""Merging a new draft into an annotation already begun, or writing it into a new one.

Drafted facts and entities are written in the curator format with two more keys:
``review: draft`` (the one line a curator changes to ``accepted``, or to
``rejected`` to keep a proposal from coming back) and ``drafted: {rule, cue,
confidence}`` (what produced it). The file is written with ruamel.yaml's
round-trip mode, so that merging into a file the curator has edited keeps their
comments, order and layout as far as ruamel can.

Merging never changes or drops anything already in the file: an accepted,
edited, rejected or still-draft fact stays as it is, and a new candidate is
added only when the file has nothing like it, that is no fact drafted by the
same rule from the same passage (whatever the curator changed in it since) and
no fact of the same kind and type, by or about the same entity, whose quote
overlaps the candidate's.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from kg.curation import quotes
from kg.drafting.analysis import Mention, slug
from kg.drafting.model import DraftFact
from kg.drafting.writer import RESERVED, base_yaml, tree
from kg.errors import InputError

#: body keys whose values may name other drafted facts
STATEMENT_REFERENCES = ("answers", "contradicts", "stated_in", "about")


@dataclass
class Merged:
    """The text of the annotation file, and what the draft added to it."""

    text: str
    added_facts: int
    added_entities: int
    kept: int


def _drafted(rule: str, cue: str, confidence: float) -> CommentedMap:
    node = CommentedMap()
    node["rule"] = rule
    node["cue"] = DoubleQuotedScalarString(cue)
    node["confidence"] = round(confidence, 2)
    node.fa.set_flow_style()
    return node


def _quote_and_occurrence(node: CommentedMap, text: str, quote: str, start: int) -> None:
    node["quote"] = DoubleQuotedScalarString(quote)
    occurrence = quotes.occurrences(text, quote).index(start) + 1
    if occurrence > 1:
        node["occurrence"] = occurrence


def fact_node(fact: DraftFact, fact_id: str, text: str) -> CommentedMap:
    """One drafted fact in the curator format, marked as a draft."""
    node = CommentedMap()
    node["id"] = fact_id
    node["review"] = "draft"
    node["drafted"] = _drafted(fact.rule, fact.cue, fact.confidence)
    _quote_and_occurrence(node, text, fact.quote, fact.start)
    if fact.kind == "relations":
        relations = CommentedSeq()
        for triple in fact.body:
            relations.append(tree("relation", list(triple), flow=True))
        node["relations"] = relations
    else:
        node[fact.kind] = tree(fact.kind, fact.body)
    return node


def entity_node(mention: Mention, text: str) -> CommentedMap:
    """A new name, proposed as an article-local entity (the curator may move it to the registry)."""
    node = CommentedMap()
    node["id"] = mention.entity
    node["review"] = "draft"
    node["drafted"] = _drafted("new-name", mention.text, mention.confidence)
    node["type"] = mention.types[0] if mention.types else "Agent"
    node["label"] = DoubleQuotedScalarString(mention.text)
    _quote_and_occurrence(node, text, mention.text, mention.start)
    return node


def _span(text: str, node: Any) -> list[tuple[int, int]]:
    """The spans of a fact's quote (or quotes) in the text; none when a quote is not found."""
    quote = node.get("quote") if isinstance(node, dict) else None
    items = quote if isinstance(quote, list) else [quote]
    spans = []
    for item in items:
        occurrence = node.get("occurrence", 1) if isinstance(node, dict) else 1
        if isinstance(item, dict):
            occurrence, item = item.get("occurrence", 1), item.get("text")
        if not isinstance(item, str):
            continue
        starts = quotes.occurrences(text, item)
        if isinstance(occurrence, int) and 0 < occurrence <= len(starts):
            spans.append((starts[occurrence - 1], starts[occurrence - 1] + len(item)))
    return spans


def _names(value: Any) -> frozenset[str]:
    items = value if isinstance(value, list) else [value]
    return frozenset(str(v) for v in items if isinstance(v, str))


def _signature(kind: str, body: Any) -> tuple[str, str, frozenset[str]]:
    """A fact's kind, type and who it is about or by: what two facts of one passage must share to be alike."""
    if kind == "relations":
        triples = [r for r in body if isinstance(r, (list, tuple)) and len(r) == 3] if isinstance(body, list) else []
        props = ",".join(sorted({str(r[1]) for r in triples}))
        return "relations", props, frozenset(str(r[0]) for r in triples)
    if not isinstance(body, dict):
        return kind, "", frozenset()
    who = _names(body.get("by")) | _names(body.get("given_by"))
    if kind == "casualties":
        who |= _names(body.get("figure"))
    return kind, str(body.get("type", "")), who


def _node_signature(node: Any) -> tuple[str, str, frozenset[str]]:
    for kind in ("statement", "casualties", "response", "relations"):
        if node.get(kind) is not None:
            return _signature(kind, node.get(kind))
    return "", "", frozenset()


def alike(fact: DraftFact, node: Any, text: str) -> bool:
    """Whether a file's fact is this candidate (see the module docstring)."""
    if not isinstance(node, dict):
        return False
    kind, type_, who = _signature(fact.kind, fact.body)
    other_kind, other_type, other_who = _node_signature(node)
    drafted = node.get("drafted")
    if isinstance(drafted, dict) and drafted.get("rule") == fact.rule and node.get("quote") == fact.quote:
        return not who or not other_who or bool(who & other_who)  # proposed before, whatever was edited since
    if (kind, type_) != (other_kind, other_type) or (who and other_who and not who & other_who):
        return False
    span = (fact.start, fact.start + len(fact.quote))
    return any(s < span[1] and span[0] < e for s, e in _span(text, node))


def merge(path: Path | None, text: str, article_file: str, facts: list[DraftFact], header: str) -> Merged:
    """The annotation file with the new candidates added (a new file when ``path`` is None or absent).

    Raises:
        InputError: the existing file is not YAML, or not an annotation file.
    """
    yaml = base_yaml()
    if path is not None and path.exists():
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"))
        except (YAMLError, UnicodeDecodeError) as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", None)
            raise InputError(path, line + 1 if line is not None else None, f"not an annotation file: {exc}") from exc
        if not isinstance(doc, dict):
            raise InputError(path, None, "not an annotation file: it is not a mapping")
    else:
        doc = CommentedMap()
        doc["article"] = article_file
        doc.yaml_set_start_comment(header)
    entities = doc.get("entities")
    facts_seq = doc.get("facts")
    if facts_seq is None:
        facts_seq = doc["facts"] = CommentedSeq()
    if not isinstance(facts_seq, list) or (entities is not None and not isinstance(entities, list)):
        raise InputError(path or Path(article_file), None, "not an annotation file: entities and facts must be lists")
    used = {str(n.get("id")) for n in [*facts_seq, *(entities or [])] if isinstance(n, dict)} | RESERVED
    used |= {m.entity for fact in facts for m in fact.new_entities}  # a fact never takes a new entity's id
    kept = len(facts_seq)
    before = list(facts_seq)  # candidates are compared with what the file had, not with each other
    added_facts = 0
    new_entities: dict[str, Mention] = {}
    ids: dict[str, str] = {}  # a drafted fact's name -> the id it has in the file
    added: list[tuple[DraftFact, CommentedMap]] = []
    for fact in sorted(facts, key=lambda f: f.start):
        there = next((node for node in before if alike(fact, node, text)), None)
        if there is not None:
            ids.setdefault(fact.name, str(there.get("id")))
            continue
        fact_id = _unique(slug(fact.name), used)
        ids.setdefault(fact.name, fact_id)
        node = fact_node(fact, fact_id, text)
        facts_seq.append(node)
        added.append((fact, node))
        _blank_line_before(facts_seq, len(facts_seq) - 1)
        added_facts += 1
        for mention in fact.new_entities:
            new_entities.setdefault(mention.entity, mention)
    for fact, node in added:  # statement references name drafted facts: point them at their ids
        body = node.get(fact.kind)
        if isinstance(body, dict):
            for key in STATEMENT_REFERENCES:
                if isinstance(body.get(key), str) and body[key] in ids:
                    body[key] = ids[body[key]]
                elif isinstance(body.get(key), list):
                    body[key] = tree(key, [ids.get(v, v) if isinstance(v, str) else v for v in body[key]])
    added_entities = 0
    missing = [m for e, m in new_entities.items() if e not in {str(n.get("id")) for n in entities or []}]
    if missing:
        if entities is None:
            entities = CommentedSeq()
            doc.insert(list(doc.keys()).index("facts"), "entities", entities)
        for mention in sorted(missing, key=lambda m: m.start):
            entities.append(entity_node(mention, text))
            added_entities += 1

    out = io.StringIO()
    yaml.dump(doc, out)
    # one blank line before the file's two lists, as curators lay them out (ruamel keeps a blank line with
    # the key before it, so a list inserted in between would otherwise move it)
    laid_out = re.sub(r"\n+(entities:|facts:)", r"\n\n\1", out.getvalue())
    return Merged(laid_out, added_facts, added_entities, kept)


def _blank_line_before(seq: Any, index: int) -> None:
    """A blank line before a list item, as curators space their facts (the first item needs none)."""
    if index > 0:
        seq.yaml_set_comment_before_after_key(index, before="\n")


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 1
    while candidate in used or candidate.startswith("meta-"):
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate
