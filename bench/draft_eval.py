"""Measure how well ``kg draft`` proposes annotations: precision and recall, leave-one-out.

What it measures
----------------
For every curated article A of the corpus (``<stem>.txt`` with its ``.meta.yaml`` and ``.facts.yaml``):

1. **Leave A out.** A temporary corpus is written whose ``articles/`` holds every other article and
   whose registry (``entities.yaml``) lacks what only A introduced: an entity that no other article's
   annotation file references (in any slot of any fact or relation, or as its metadata publisher) and
   that is not the ``located_in`` of an entity kept (containment is followed, so a kept place keeps the
   places that contain it; any ``located_in`` naming a removed entity is dropped); and any alias that
   occurs, as a whole word and in the same case, in no other article's text. ``wikidata.tsv`` is copied.
2. **Draft A**: ``python -m kg draft A.txt --meta A.meta.yaml --corpus <that corpus> --out FILE``, one
   subprocess per article (run from the repository root, so the checkout's ``kg`` is used), on copies of
   A's text and metadata record in a scratch folder (``kg draft`` writes a draft record where ``--meta``
   points when there is none, and merges into an existing ``--out``: neither may touch the corpus), its
   wall time (``time.perf_counter``) and CPU time (user + system of the child, ``RUSAGE_CHILDREN``)
   reported as figures, never asserted on. Python's start-up and kg's imports are part of each call.
3. **Compare** the draft with A's curated annotation, unit by unit. A fact is split into comparison
   units of a *kind*: a statement (``statement:<Type>``), a casualty figure (``casualties:<type>``), a
   response (``response:<Type>``), one unit per relation (``prior-incident`` for ``relatedIncident``,
   ``date`` for a relation whose object is a date, ``relation:<property>`` otherwise) and a ``date`` unit
   for a statement's or response's ``date``. A drafted unit matches a curated one when both are of the
   same kind, a passage of the drafted quote overlaps a passage of the curated quote (character spans
   in the text, found with ``str.find`` and ``occurrence``), and their key slots agree:

   - statements: ``by`` shares at least one speaker; ``accuses``, ``attributes_to`` and
     ``denies_involvement_of`` share at least one entity when both give the slot (``about`` is ignored);
   - casualty figures: the same count, the same qualifier (both read from ``figure`` as the build reads
     it, unless ``count``/``qualifier`` are given) and the same ``of``;
   - prior incidents: the same earlier incident (the object); dates: the same ISO date;
   - responses: ``by`` shares at least one actor; other relations: the same subject and object.

   Matching is one-to-one (a maximum matching per article, larger overlaps tried first): a second draft
   of an already matched curated fact is a false draft ("duplicate"). An entity reference is compared
   through what it names: ``publisher`` is the same as the metadata's publisher; a drafted
   article-local entity names a registry entity when its label or an alias equals (ignoring case) the
   entity's label, an alias or another name (so an entity removed from the reduced registry and
   drafted as a local entity still matches), and names a curated article-local entity when their
   labels or aliases are equal or their quotes overlap.
4. **Entity-link accuracy.** In each matched pair, every drafted reference to an entity of the
   reduced registry is *correct* when the curated unit references the same entity in the same slot,
   *wrong* when the curated unit has it in another slot or has another entity in that slot, and
   *unconfirmed* (counted apart, not in the accuracy) when the curated unit leaves the slot empty and
   does not mention the entity. Accuracy = correct / (correct + wrong). Also given: the curated
   registry references of matched units the draft links (recall), and those it left as local entities.
5. **Trap errors**, counted apart and listed (a trap is also a false draft, except the last when matched):

   - ``refusal-as-denial``: an unmatched drafted Denial whose quote overlaps a curated RefusalToComment
     or contains "declined/refused to comment" or "no comment";
   - ``combined-as-killed``: an unmatched drafted ``killed`` figure overlapping a curated
     ``killed_and_injured`` figure with the same count;
   - ``qualifier-dropped``: an unmatched drafted figure read as *exactly* overlapping a curated figure
     with the same count and another qualifier ("at least 84" drafted as 84);
   - ``claim-as-article-voice``: a drafted unit in the article's own voice (a statement ``by:
     publisher``, a figure ``given_by: publisher``, or any relation) that is matched to a curated unit
     given by someone else, or is unmatched and overlaps a curated statement or figure of another
     speaker or giver but no curated unit of the article's own voice with the same body.

The report prints, per kind, per group (statements, casualty figures, prior incidents, dates,
responses, other relations) and overall (the five groups, not other relations): drafted, curated,
matched, precision, recall; the targets beside them (precision >= 0.9 and recall >= 0.7 on statements
and on casualty figures, entity-link accuracy >= 0.95, no trap error), marked met or not met; the
trap errors; the misses and false drafts (other relations only with ``--list-relations``); precision
by drafting rule; and per article the draft's CPU and wall seconds and the number of words.
``--articles DIR`` adds articles outside the corpus (``DIR`` or ``DIR/articles`` holds ``<stem>.txt``,
``<stem>.meta.yaml`` and a curated ``<stem>.facts.yaml``; ``DIR/entities.yaml`` may add registry
entries), drafted against the full corpus registry plus those entries, reported apart as "unseen
articles". Falling short of a target is reported, not a failure: the script exits 0 whenever it
compared at least ``--min-facts`` curated units (default 1), 1 when it compared fewer (for instance
because every draft call failed), and 2 on bad arguments or a corpus it cannot read. A draft keeps
its facts marked ``review: draft`` or ``accepted``; facts marked ``rejected`` are left out, and a curated
file counts only its accepted (or unmarked) facts.

How to run it
-------------
From the repository root, in the project's environment::

    python bench/draft_eval.py                                  # leave-one-out over corpus/
    python bench/draft_eval.py --json /tmp/draft-eval.json      # the same figures as JSON
    python bench/draft_eval.py --articles tests/fixtures/sixth-article --keep-drafts /tmp/drafts
    python bench/draft_eval.py --drafter curated                # sanity check: each curated file as its draft
    python bench/draft_eval.py --list-relations --timeout 120    # list other relations too; limit each call

``--drafter curated`` stands in each article's curated file for the draft, which must score 1.0 with
no trap; the drafting call is :func:`kg_draft`, and :func:`evaluate` takes any function of the same
shape, so tests and other drafters can be swapped in.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing
from kg.curation.figures import parse_figure  # noqa: E402  (the build's own reading of a figure)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "corpus"
PUBLISHER = "publisher"
DEFAULT_TIMEOUT = 600.0

#: (group, kind prefix): a kind belongs to the first group whose prefix it starts with
GROUPS: tuple[tuple[str, str], ...] = (
    ("statements", "statement:"),
    ("casualty figures", "casualties:"),
    ("prior incidents", "prior-incident"),
    ("dates", "date"),
    ("responses", "response:"),
    ("other relations", "relation:"),
)
#: the groups the overall figures cover (other relations are reported but not targeted)
OVERALL_GROUPS = ("statements", "casualty figures", "prior incidents", "dates", "responses")
#: group -> (minimum precision, minimum recall)
TARGETS: dict[str, tuple[float, float]] = {"statements": (0.9, 0.7), "casualty figures": (0.9, 0.7)}
LINK_ACCURACY_TARGET = 0.95
TRAP_TARGET = 0
TRAPS = ("refusal-as-denial", "combined-as-killed", "qualifier-dropped", "claim-as-article-voice")

#: statement slots whose values are entities
STATEMENT_ENTITY_SLOTS = (
    "by",
    "accuses",
    "denies_involvement_of",
    "threatens",
    "attributes_to",
    "names_perpetrator",
    "channel",
    "about",
)
#: statement slots compared only when both the draft and the curated statement give them
STATEMENT_OPTIONAL_SLOTS = ("accuses", "attributes_to", "denies_involvement_of")
#: keys whose values are text (or classes, numbers), never entity references
TEXT_KEYS = {
    "id",
    "quote",
    "occurrence",
    "note",
    "words",
    "hedge",
    "method_as_written",
    "title",
    "figure",
    "as_written",
    "text",
    "label",
    "aliases",
    "type",
    "attack_type",
    "count",
    "qualifier",
    "review",
    "drafted",
}
REFUSAL_CUES = re.compile(r"\b(?:declin\w*|refus\w*) to comment\b|\bno comment\b", re.IGNORECASE)

Span = tuple[int, int]

# ---------------------------------------------------------------------------------------------- YAML

_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML keeping every scalar a string (no YAML 1.1 surprises: ``no`` stays ``no``, dates stay text)."""
    return yaml.load(text, Loader=_Loader)


def load_yaml_file(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"))


def as_list(value: Any) -> list[Any]:
    """A slot's values: one value or a list of them; nothing for an absent or empty slot."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def as_str_list(value: Any) -> list[str]:
    return [v for v in as_list(value) if isinstance(v, str) and v]


# ------------------------------------------------------------------------------------------ figures


def read_figure(figure: str) -> tuple[int | None, str | None]:
    """(count, qualifier) of a figure as written, as the build reads it (kg.curation.figures), else (None, None)."""
    try:
        parsed = parse_figure(figure.strip())
    except ValueError:
        return None, None
    return parsed.count, parsed.qualifier


# ------------------------------------------------------------------------------------------- quotes


def find_occurrence(text: str, quote: str, occurrence: int) -> Span | None:
    """The span of the occurrence-th occurrence (1-based, overlapping ones counted) of quote, or None."""
    if not quote or occurrence < 1:
        return None
    at = text.find(quote)
    seen = 1
    while at != -1 and seen < occurrence:
        at = text.find(quote, at + 1)
        seen += 1
    return None if at == -1 else (at, at + len(quote))


def quote_spans(text: str, quote: Any, occurrence: Any = None) -> tuple[list[Span], list[str], list[str]]:
    """(spans found, passages, passages not found) of a quote: a string or a list of strings or {text, occurrence}."""
    spans: list[Span] = []
    passages: list[str] = []
    missing: list[str] = []
    default = _int(occurrence, 1)
    for item in as_list(quote):
        if isinstance(item, dict):
            passage, which = item.get("text"), _int(item.get("occurrence"), 1)
        else:
            passage, which = item, default
        if not isinstance(passage, str):
            continue
        passages.append(passage)
        span = find_occurrence(text, passage, which)
        if span is None:
            missing.append(passage)
        else:
            spans.append(span)
    return spans, passages, missing


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


def overlap(a: Iterable[Span], b: Iterable[Span]) -> int:
    """Characters shared by two sets of spans (0 when they do not overlap)."""
    b = list(b)
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


# ---------------------------------------------------------------------------------- the registry


@dataclass
class Reduction:
    """The registry an article is drafted against, and what was taken out of it."""

    registry: dict[str, Any]
    removed_entities: list[str]
    removed_aliases: list[tuple[str, str]]


def referenced_ids(facts: Any, meta: Any = None) -> set[str]:
    """Every string in an entity position of an annotation file (any slot of any fact or relation, date
    ``relative_to``) and the metadata's publisher. Class names, property names and statement ids come
    along; callers keep the ones that are registry ids."""
    found: set[str] = set()

    def walk(value: Any, key: str | None) -> None:
        if key in TEXT_KEYS:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            found.add(value)

    if isinstance(facts, dict):
        walk(facts.get("facts"), None)
        walk(facts.get("entities"), None)
    if isinstance(meta, dict) and isinstance(meta.get("publisher"), dict):
        publisher = meta["publisher"].get("entity")
        if isinstance(publisher, str):
            found.add(publisher)
    return found


def alias_in(alias: str, texts: Iterable[str]) -> bool:
    """Whether alias occurs in one of the texts as a whole word, same case (the build's alias rule)."""
    pattern = re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)")
    return any(pattern.search(text) for text in texts)


def reduce_registry(registry: Mapping[str, Any], other_references: set[str], other_texts: Sequence[str]) -> Reduction:
    """The registry without what only the left-out article introduced.

    An entity is kept when another article references it (``other_references``), or when a kept entity is
    ``located_in`` it; ``located_in`` entries naming removed entities are dropped. An alias is kept when it
    occurs, as a whole word and in the same case, in one of ``other_texts``.
    """
    kept = {eid for eid in registry if eid in other_references}
    frontier = list(kept)
    while frontier:
        record = registry.get(frontier.pop())
        for place in as_str_list(record.get("located_in") if isinstance(record, dict) else None):
            if place in registry and place not in kept:
                kept.add(place)
                frontier.append(place)
    reduced: dict[str, Any] = {}
    removed_aliases: list[tuple[str, str]] = []
    for eid, record in registry.items():
        if eid not in kept:
            continue
        if not isinstance(record, dict):
            reduced[eid] = record
            continue
        entry = dict(record)
        if "aliases" in entry:
            aliases = as_str_list(entry["aliases"])
            keep = [a for a in aliases if alias_in(a, other_texts)]
            removed_aliases.extend((eid, a) for a in aliases if a not in keep)
            if keep:
                entry["aliases"] = keep
            else:
                del entry["aliases"]
        if "located_in" in entry:
            places = [p for p in as_str_list(entry["located_in"]) if p in kept]
            if not places:
                del entry["located_in"]
            else:
                entry["located_in"] = places[0] if isinstance(entry["located_in"], str) else places
        reduced[eid] = entry
    removed = [eid for eid in registry if eid not in kept]
    return Reduction(reduced, removed, removed_aliases)


def entity_names(record: Any) -> set[str]:
    """A registry or local entity's names, case-folded: label, aliases, other names."""
    if not isinstance(record, dict):
        return set()
    names = (
        as_str_list(record.get("label")) + as_str_list(record.get("aliases")) + as_str_list(record.get("other_names"))
    )
    return {n.strip().casefold() for n in names if n.strip()}


# ----------------------------------------------------------------------------- comparison units


@dataclass
class Unit:
    """One comparison unit: a statement, a casualty figure, a response, one relation, or a date."""

    article: str
    fact_id: str
    kind: str
    body: str  # relations, statement, casualties, response
    spans: list[Span]
    passages: list[str]
    #: entity key slots that must share an entity
    required: dict[str, list[str]] = field(default_factory=dict)
    #: entity key slots compared only when both units give them
    optional: dict[str, list[str]] = field(default_factory=dict)
    #: literal key slots compared for equality (count, qualifier, date, class, literal)
    values: dict[str, Any] = field(default_factory=dict)
    #: every entity reference: (slot, id)
    refs: list[tuple[str, str]] = field(default_factory=list)
    #: who says it: a statement's by, a figure's given_by (empty for relations, responses, dates)
    speakers: list[str] = field(default_factory=list)
    #: a date unit taken from a statement or response
    derived: bool = False
    rule: str | None = None
    cue: str | None = None
    confidence: float | None = None

    @property
    def group(self) -> str:
        return group_of(self.kind)

    @property
    def quote(self) -> str:
        return self.passages[0] if self.passages else ""

    def slots(self) -> str:
        """The key slots, for a report line."""
        parts = [f"{k}={'+'.join(v)}" for k, v in self.required.items()]
        parts += [f"{k}={'+'.join(v)}" for k, v in self.optional.items() if v]
        parts += [f"{k}={v}" for k, v in self.values.items()]
        return " ".join(parts)


@dataclass
class LocalEntity:
    id: str
    label: str
    names: set[str]
    spans: list[Span]


@dataclass
class Annotation:
    """A parsed annotation file (curated or drafted)."""

    article: str
    units: list[Unit]
    locals: dict[str, LocalEntity]
    #: facts that could not be read: (fact id, why)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    #: passages of quotes not found in the text: (fact id, passage)
    quotes_not_found: list[tuple[str, str]] = field(default_factory=list)
    #: facts left out because of their review state
    skipped: int = 0


def group_of(kind: str) -> str:
    for group, prefix in GROUPS:
        if kind == prefix or (prefix.endswith(":") and kind.startswith(prefix)):
            return group
    return "other"


def parse_annotation(data: Any, text: str, article: str, *, draft: bool) -> Annotation:
    """Split an annotation file into comparison units.

    A draft keeps facts marked ``review: draft`` or ``accepted`` (or unmarked) and drops ``rejected`` ones;
    a curated file keeps only accepted or unmarked facts. A fact that cannot be read is listed, not raised.
    """
    root = data if isinstance(data, dict) else {}
    annotation = Annotation(article, [], {})
    excluded = {"rejected"} if draft else {"draft", "rejected"}
    for n, node in enumerate(as_list(root.get("entities")), start=1):
        if not isinstance(node, dict) or not isinstance(node.get("id"), str):
            annotation.unreadable.append((f"entity #{n}", "an article-local entity needs an id"))
            continue
        if node.get("review") in excluded:
            continue
        spans, _, _ = quote_spans(text, node.get("quote"), node.get("occurrence"))
        label: str = node["label"] if isinstance(node.get("label"), str) else ""
        annotation.locals[node["id"]] = LocalEntity(node["id"], label, entity_names(node), spans)
    for n, node in enumerate(as_list(root.get("facts")), start=1):
        fact_id: str = node["id"] if isinstance(node, dict) and isinstance(node.get("id"), str) else f"#{n}"
        if not isinstance(node, dict):
            annotation.unreadable.append((fact_id, "a fact is a mapping"))
            continue
        if node.get("review") in excluded:
            annotation.skipped += 1
            continue
        try:
            units = _fact_units(node, fact_id, text, article)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            annotation.unreadable.append((fact_id, str(exc) or type(exc).__name__))
            continue
        annotation.units.extend(units)
        if units:
            annotation.quotes_not_found.extend((fact_id, p) for p in _missing_passages(node, text))
    return annotation


def _missing_passages(node: dict[str, Any], text: str) -> list[str]:
    return quote_spans(text, node.get("quote"), node.get("occurrence"))[2]


def _fact_units(node: dict[str, Any], fact_id: str, text: str, article: str) -> list[Unit]:
    bodies = [b for b in ("relations", "statement", "casualties", "response") if node.get(b) is not None]
    if len(bodies) != 1:
        raise ValueError(f"a fact has exactly one of relations, statement, casualties, response (it has {bodies})")
    body_name = bodies[0]
    body = node[body_name]
    spans, passages, _ = quote_spans(text, node.get("quote"), node.get("occurrence"))
    drafted: dict[str, Any] = node["drafted"] if isinstance(node.get("drafted"), dict) else {}
    confidence: float | None
    try:
        confidence = float(drafted["confidence"]) if drafted.get("confidence") not in (None, "") else None
    except (TypeError, ValueError):
        confidence = None

    def unit(kind: str, **kwargs: Any) -> Unit:
        return Unit(
            article,
            fact_id,
            kind,
            body_name,
            spans,
            passages,
            rule=drafted.get("rule") if isinstance(drafted.get("rule"), str) else None,
            cue=drafted.get("cue") if isinstance(drafted.get("cue"), str) else None,
            confidence=confidence,
            **kwargs,
        )

    units: list[Unit] = []
    if body_name == "relations":
        for triple in as_list(body):
            if not isinstance(triple, list) or len(triple) != 3:
                raise ValueError("a relation is [subject, property, object]")
            subject, prop, obj = triple
            if not isinstance(subject, str) or not isinstance(prop, str):
                raise ValueError("a relation's subject and property are names")
            if isinstance(obj, dict) and "date" in obj:
                refs = [("subject", subject)] + [("relative_to", r) for r in as_str_list(obj.get("relative_to"))]
                units.append(unit("date", values={"date": str(obj["date"])}, refs=refs))
            elif prop == "relatedIncident":
                units.append(
                    unit(
                        "prior-incident",
                        required={"incident": [str(obj)]},
                        refs=[("subject", subject), ("object", str(obj))],
                    )
                )
            elif prop == "a":
                units.append(
                    unit(
                        "relation:a",
                        required={"subject": [subject]},
                        values={"class": str(obj)},
                        refs=[("subject", subject)],
                    )
                )
            elif isinstance(obj, dict):
                literal = str(obj.get("text", "")).strip().casefold()
                units.append(
                    unit(
                        f"relation:{prop}",
                        required={"subject": [subject]},
                        values={"literal": literal},
                        refs=[("subject", subject)],
                    )
                )
            else:
                units.append(
                    unit(
                        f"relation:{prop}",
                        required={"subject": [subject], "object": [str(obj)]},
                        refs=[("subject", subject), ("object", str(obj))],
                    )
                )
        return units
    if not isinstance(body, dict):
        raise ValueError(f"{body_name} is a mapping")
    kind_type = body.get("type")
    if not isinstance(kind_type, str) or not kind_type:
        raise ValueError(f"the {body_name} has no type")
    if body_name == "statement":
        refs = [(slot, v) for slot in STATEMENT_ENTITY_SLOTS for v in as_str_list(body.get(slot))]
        units.append(
            unit(
                f"statement:{kind_type}",
                required={"by": as_str_list(body.get("by"))},
                optional={slot: as_str_list(body.get(slot)) for slot in STATEMENT_OPTIONAL_SLOTS},
                refs=refs,
                speakers=as_str_list(body.get("by")),
            )
        )
    elif body_name == "casualties":
        count, qualifier = read_figure(body["figure"]) if isinstance(body.get("figure"), str) else (None, None)
        if body.get("count") not in (None, ""):
            count = _int(body.get("count"), -1)
        if isinstance(body.get("qualifier"), str) and body["qualifier"]:
            qualifier = body["qualifier"]
        refs = [(slot, v) for slot in ("of", "given_by") for v in as_str_list(body.get(slot))]
        units.append(
            unit(
                f"casualties:{kind_type}",
                required={"of": as_str_list(body.get("of"))},
                values={"count": count, "qualifier": qualifier},
                refs=refs,
                speakers=as_str_list(body.get("given_by")),
            )
        )
    else:
        refs = [(slot, v) for slot in ("by", "in_response_to", "destination") for v in as_str_list(body.get(slot))]
        units.append(unit(f"response:{kind_type}", required={"by": as_str_list(body.get("by"))}, refs=refs))
    date = body.get("date")
    if isinstance(date, dict) and date.get("date") not in (None, ""):
        refs = [("relative_to", r) for r in as_str_list(date.get("relative_to"))]
        units.append(unit("date", values={"date": str(date["date"])}, refs=refs, derived=True))
    return units


# --------------------------------------------------------------------------------- what refs name


class Resolver:
    """What an entity reference names, on either side, as a set of keys: two references name the same
    thing when their sets intersect."""

    def __init__(
        self,
        registry: Mapping[str, Any],
        publisher: str | None,
        curated_locals: Mapping[str, LocalEntity],
        drafted_locals: Mapping[str, LocalEntity],
    ) -> None:
        self.publisher = publisher
        self.curated_locals = curated_locals
        self.drafted_locals = drafted_locals
        self.publisher_keys = frozenset({PUBLISHER} | ({publisher} if publisher else set()))
        by_name: dict[str, set[str]] = {}
        for eid, record in registry.items():
            for name in entity_names(record):
                by_name.setdefault(name, set()).add(eid)
        self._drafted_local: dict[str, frozenset[str]] = {}
        for lid, local in drafted_locals.items():
            keys = {f"draft:{lid}"}
            for name in local.names:
                keys |= by_name.get(name, set())
            for cid, cur in curated_locals.items():
                if local.names & cur.names or overlap(local.spans, cur.spans):
                    keys.add(f"local:{cid}")
            if keys & self.publisher_keys:
                keys |= self.publisher_keys
            self._drafted_local[lid] = frozenset(keys)

    def curated(self, ref: str) -> frozenset[str]:
        if ref in self.publisher_keys:
            return self.publisher_keys
        if ref in self.curated_locals:
            return frozenset({f"local:{ref}"})
        return frozenset({ref})

    def drafted(self, ref: str) -> frozenset[str]:
        if ref in self._drafted_local:
            return self._drafted_local[ref]
        if ref in self.publisher_keys:
            return self.publisher_keys
        return frozenset({ref})

    def curated_all(self, refs: Iterable[str]) -> frozenset[str]:
        return frozenset().union(*(self.curated(r) for r in refs))

    def drafted_all(self, refs: Iterable[str]) -> frozenset[str]:
        return frozenset().union(*(self.drafted(r) for r in refs))

    def drafted_is_publisher(self, refs: Iterable[str]) -> bool:
        return PUBLISHER in self.drafted_all(refs)

    def curated_is_publisher(self, refs: Iterable[str]) -> bool:
        return PUBLISHER in self.curated_all(refs)


def slot_differences(d: Unit, c: Unit, resolver: Resolver) -> list[str]:
    """The key slots on which a drafted and a curated unit of the same kind disagree (empty: they agree)."""
    problems = []
    for slot in sorted(set(d.required) | set(c.required)):
        if not resolver.drafted_all(d.required.get(slot, [])) & resolver.curated_all(c.required.get(slot, [])):
            problems.append(slot)
    for slot in sorted(set(d.optional) | set(c.optional)):
        d_refs, c_refs = d.optional.get(slot, []), c.optional.get(slot, [])
        if d_refs and c_refs and not resolver.drafted_all(d_refs) & resolver.curated_all(c_refs):
            problems.append(slot)
    for slot in sorted(set(d.values) | set(c.values)):
        d_value, c_value = d.values.get(slot), c.values.get(slot)
        if d_value is None or d_value != c_value:
            problems.append(slot)
    return problems


def units_match(d: Unit, c: Unit, resolver: Resolver) -> bool:
    """Same kind, overlapping quotes, agreeing key slots."""
    return d.kind == c.kind and overlap(d.spans, c.spans) > 0 and not slot_differences(d, c, resolver)


def maximum_matching(edges: Mapping[int, Sequence[int]]) -> dict[int, int]:
    """A maximum one-to-one matching (drafted index -> curated index); each candidate list in preference order."""
    owner: dict[int, int] = {}

    def augment(d: int, seen: set[int]) -> bool:
        for c in edges.get(d, ()):
            if c in seen:
                continue
            seen.add(c)
            if c not in owner or augment(owner[c], seen):
                owner[c] = d
                return True
        return False

    for d in sorted(edges):
        augment(d, set())
    return {d: c for c, d in owner.items()}


# ------------------------------------------------------------------------------------ comparing


@dataclass
class Finding:
    """A miss, a false draft, a trap or a link, for the report."""

    article: str
    kind: str
    fact_id: str
    quote: str
    slots: str
    why: str = ""
    trap: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class LinkStats:
    correct: int = 0
    wrong_slot: int = 0
    wrong_entity: int = 0
    unconfirmed: int = 0
    #: curated references to entities of the reduced registry, in matched units
    curated: int = 0
    #: of those, linked by the draft in the same slot
    linked: int = 0
    #: of those, drafted as an article-local entity instead
    left_local: int = 0
    wrong: list[Finding] = field(default_factory=list)

    @property
    def judged(self) -> int:
        return self.correct + self.wrong_slot + self.wrong_entity

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.judged if self.judged else None

    def add(self, other: LinkStats) -> None:
        for name in ("correct", "wrong_slot", "wrong_entity", "unconfirmed", "curated", "linked", "left_local"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wrong.extend(other.wrong)

    def as_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "wrong_slot": self.wrong_slot,
            "wrong_entity": self.wrong_entity,
            "judged": self.judged,
            "accuracy": self.accuracy,
            "unconfirmed": self.unconfirmed,
            "curated_links": self.curated,
            "curated_links_linked": self.linked,
            "curated_links_left_local": self.left_local,
            "wrong": [f.as_dict() for f in self.wrong],
        }


@dataclass
class Comparison:
    """A draft compared with its curated annotation."""

    article: str
    drafted: list[Unit]
    curated: list[Unit]
    pairs: dict[int, int]
    misses: list[Finding]
    false_drafts: list[Finding]
    traps: list[Finding]
    links: LinkStats
    unreadable: list[Finding]
    #: registry entities the reduced registry lacks but the curated annotation uses: id -> drafted as a local entity
    new_entities: dict[str, bool] = field(default_factory=dict)


def finding(unit: Unit, why: str = "", trap: str | None = None) -> Finding:
    return Finding(unit.article, unit.kind, unit.fact_id, shorten(unit.quote), unit.slots(), why, trap)


def compare(
    draft: Annotation,
    curated: Annotation,
    *,
    registry: Mapping[str, Any],
    known: set[str] | Mapping[str, Any],
    publisher: str | None = None,
) -> Comparison:
    """Compare a draft with the curated annotation of the same article.

    ``registry`` is the full registry (the names drafted local entities are matched by), ``known`` the ids of
    the registry the draft was made against (the reduced one), ``publisher`` the metadata's publisher entity.
    """
    resolver = Resolver(registry, publisher, curated.locals, draft.locals)
    known_ids = set(known)
    ds, cs = draft.units, curated.units
    edges: dict[int, list[int]] = {}
    for i, d in enumerate(ds):
        candidates = [(overlap(d.spans, c.spans), j) for j, c in enumerate(cs) if units_match(d, c, resolver)]
        if candidates:
            edges[i] = [j for _, j in sorted(candidates, key=lambda x: (-x[0], x[1]))]
    pairs = maximum_matching(edges)
    matched_curated = {c: d for d, c in pairs.items()}

    false_drafts = [finding(d, _why_false(i, d, cs, edges, resolver)) for i, d in enumerate(ds) if i not in pairs]
    misses = [finding(c, _why_missed(c, ds, pairs, resolver)) for j, c in enumerate(cs) if j not in matched_curated]
    traps = find_traps(ds, cs, pairs, resolver)
    links = link_stats(ds, cs, pairs, resolver, known_ids)
    unreadable = [Finding(draft.article, "unreadable", fid, "", "", why) for fid, why in draft.unreadable]
    new_entities: dict[str, bool] = {}
    used = {ref for c in cs for _, ref in c.refs if ref in registry and ref not in known_ids}
    for eid in sorted(used):
        names = entity_names(registry[eid])
        new_entities[eid] = any(local.names & names for local in draft.locals.values())
    return Comparison(draft.article, ds, cs, pairs, misses, false_drafts, traps, links, unreadable, new_entities)


def _why_false(i: int, d: Unit, cs: Sequence[Unit], edges: Mapping[int, Sequence[int]], r: Resolver) -> str:
    """Why a drafted unit matched nothing, for the list of false drafts."""
    if not d.spans:
        return "quote not in the article text"
    if edges.get(i):
        return (
            "duplicate: its curated fact " + ", ".join(cs[j].fact_id for j in edges[i]) + " is matched to another draft"
        )
    same = [c for c in cs if c.kind == d.kind and overlap(d.spans, c.spans)]
    if same:
        return "; ".join(
            f"differs from {c.fact_id} on {', '.join(slot_differences(d, c, r))} (curated: {c.slots()})"
            for c in same[:2]
        )
    other = [c for c in cs if overlap(d.spans, c.spans)]
    if other:
        return "kind differs: the passage is " + ", ".join(f"{c.kind} ({c.fact_id})" for c in other[:3])
    return "no curated fact at this passage"


def _why_missed(c: Unit, ds: Sequence[Unit], pairs: Mapping[int, int], r: Resolver) -> str:
    """Why a curated unit was not matched, for the list of misses."""
    same = [d for i, d in enumerate(ds) if i not in pairs and d.kind == c.kind and overlap(d.spans, c.spans)]
    if same:
        return "; ".join(
            f"drafted as {d.fact_id} with another {', '.join(slot_differences(d, c, r))} ({d.slots()})"
            for d in same[:2]
        )
    other = [d for i, d in enumerate(ds) if overlap(d.spans, c.spans) and d.kind != c.kind]
    if other:
        return "drafted as " + ", ".join(f"{d.kind} ({d.fact_id})" for d in other[:3])
    return "not drafted"


def find_traps(ds: Sequence[Unit], cs: Sequence[Unit], pairs: Mapping[int, int], r: Resolver) -> list[Finding]:
    """The trap errors of a draft (see the module docstring)."""
    traps: list[Finding] = []
    for i, d in enumerate(ds):
        matched = pairs.get(i)
        near = [c for c in cs if overlap(d.spans, c.spans)]
        if matched is None and d.kind == "statement:Denial":
            refusal = [c for c in near if c.kind == "statement:RefusalToComment"]
            cue = any(REFUSAL_CUES.search(p) for p in d.passages)
            if refusal or cue:
                why = f"overlaps RefusalToComment {refusal[0].fact_id}" if refusal else "its quote declines to comment"
                traps.append(finding(d, why, "refusal-as-denial"))
        if matched is None and d.kind.startswith("casualties:"):
            count, qualifier = d.values.get("count"), d.values.get("qualifier")
            if d.kind == "casualties:killed":
                combined = [
                    c for c in near if c.kind == "casualties:killed_and_injured" and c.values.get("count") == count
                ]
                if combined:
                    traps.append(
                        finding(d, f"combined figure {combined[0].fact_id} drafted as killed", "combined-as-killed")
                    )
            if qualifier == "exactly":
                qualified = [
                    c
                    for c in near
                    if c.kind.startswith("casualties:")
                    and c.values.get("count") == count
                    and c.values.get("qualifier") not in (None, "exactly")
                ]
                if qualified:
                    c = qualified[0]
                    traps.append(finding(d, f"{c.fact_id} is {c.values.get('qualifier')} {count}", "qualifier-dropped"))
        voice = _article_voice(d, r, drafted=True)
        if voice is None:
            continue
        if matched is not None:
            c = cs[matched]
            if _article_voice(c, r, drafted=False) is None and c.speakers:
                traps.append(finding(d, f"{c.fact_id} is given by {'+'.join(c.speakers)}", "claim-as-article-voice"))
            continue
        others = [
            c
            for c in near
            if c.body in ("statement", "casualties")
            and not c.derived
            and c.speakers
            and _article_voice(c, r, drafted=False) is None
        ]
        own = [c for c in near if c.body == voice and _article_voice(c, r, drafted=False) == voice]
        if others and not own:
            c = others[0]
            traps.append(finding(d, f"overlaps {c.fact_id}, said by {'+'.join(c.speakers)}", "claim-as-article-voice"))
    return traps


def _article_voice(u: Unit, r: Resolver, *, drafted: bool) -> str | None:
    """The body of a unit stated in the article's own voice (a relation, a statement by the publisher, a
    figure given by the publisher), or None. A statement's date unit is not checked on its own."""
    if u.body == "relations":
        return "relations"
    if u.derived or u.body not in ("statement", "casualties"):
        return None
    is_publisher = r.drafted_is_publisher(u.speakers) if drafted else r.curated_is_publisher(u.speakers)
    return u.body if is_publisher else None


def link_stats(
    ds: Sequence[Unit], cs: Sequence[Unit], pairs: Mapping[int, int], r: Resolver, known: set[str]
) -> LinkStats:
    """Entity-link accuracy over the matched pairs (see the module docstring)."""
    stats = LinkStats()
    for i, j in sorted(pairs.items()):
        d, c = ds[i], cs[j]
        by_slot: dict[str, frozenset[str]] = {}
        for slot, ref in c.refs:
            by_slot[slot] = by_slot.get(slot, frozenset()) | r.curated(ref)
        everywhere = frozenset().union(*by_slot.values())
        for slot, ref in d.refs:
            if ref in r.drafted_locals or ref not in known:
                continue
            if ref in by_slot.get(slot, frozenset()):
                stats.correct += 1
            elif ref in everywhere:
                stats.wrong_slot += 1
                stats.wrong.append(finding(d, f"{ref} in {slot}, curated {c.fact_id} has it in another slot"))
            elif by_slot.get(slot):
                stats.wrong_entity += 1
                stats.wrong.append(
                    finding(d, f"{ref} in {slot}, curated {c.fact_id} has {'+'.join(sorted(by_slot[slot]))}")
                )
            else:
                stats.unconfirmed += 1
        drafted_by_slot: dict[str, frozenset[str]] = {}
        for slot, ref in d.refs:
            drafted_by_slot[slot] = drafted_by_slot.get(slot, frozenset()) | r.drafted(ref)
        for slot, ref in c.refs:
            if ref in r.curated_locals or ref not in known:
                continue
            stats.curated += 1
            if any(ref == dref and dslot == slot for dslot, dref in d.refs):
                stats.linked += 1
            elif ref in drafted_by_slot.get(slot, frozenset()):
                stats.left_local += 1
    return stats


def shorten(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ------------------------------------------------------------------------------------ drafting


@dataclass(frozen=True)
class DraftJob:
    """One call of the drafter, on copies in a scratch folder (the drafter never sees the corpus's own files).

    Attributes:
        text: A copy of the article's text, under its own name (``<stem>.txt``).
        meta: A copy of its metadata record; when the article has none, a path that does not exist (where
            ``kg draft`` writes the draft record it proposes, so that nothing is written beside the original).
        corpus: The corpus to link against (the reduced one, or the full one for unseen articles).
        out: Where to write the draft; it does not exist before the call.
        curated: The curated annotation, for stand-in drafters such as :func:`curated_as_draft` only.
    """

    text: Path
    meta: Path
    corpus: Path
    out: Path
    curated: Path | None = None


@dataclass
class DraftRun:
    ok: bool
    wall_s: float = 0.0
    cpu_s: float = 0.0
    error: str | None = None


Drafter = Callable[[DraftJob], DraftRun]


def kg_draft(job: DraftJob, timeout: float = DEFAULT_TIMEOUT) -> DraftRun:
    """Run ``python -m kg draft`` on one article in a subprocess, timing its wall and CPU seconds."""
    command = [sys.executable, "-m", "kg", "draft", str(job.text), "--meta", str(job.meta)]
    command += ["--corpus", str(job.corpus), "--out", str(job.out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    error: str | None = None
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            tail = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()][-1:]
            error = f"kg draft exited {done.returncode}: " + shorten(" ".join(tail) or "(no message)", 300)
    except subprocess.TimeoutExpired:
        error = f"kg draft ran longer than {timeout:g} s"
    except OSError as exc:
        error = f"cannot run kg draft: {exc}"
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if error is None and not job.out.is_file():
        error = "kg draft wrote no output file"
    return DraftRun(error is None, wall, cpu, error)


def curated_as_draft(job: DraftJob) -> DraftRun:
    """A stand-in drafter: the article's curated annotation as its draft (a sanity check: it must score 1.0)."""
    start, cpu = time.perf_counter(), time.process_time()
    if job.curated is None:
        return DraftRun(False, error="no curated file to stand in for the draft")
    try:
        shutil.copyfile(job.curated, job.out)
    except OSError as exc:
        return DraftRun(False, error=f"no curated file to stand in for the draft: {exc}")
    return DraftRun(True, time.perf_counter() - start, time.process_time() - cpu)


DRAFTERS: dict[str, Drafter] = {"kg": kg_draft, "curated": curated_as_draft}


# ------------------------------------------------------------------------------- the corpus side


@dataclass(frozen=True)
class ArticleFiles:
    stem: str
    text: Path
    meta: Path | None
    facts: Path


def find_articles(folder: Path) -> list[ArticleFiles]:
    """The curated articles of a folder (``<stem>.txt`` with ``<stem>.facts.yaml``), in name order."""
    found = []
    for text in sorted(folder.glob("*.txt")):
        stem = text.name[: -len(".txt")]
        facts = folder / f"{stem}.facts.yaml"
        meta = folder / f"{stem}.meta.yaml"
        if facts.is_file():
            found.append(ArticleFiles(stem, text, meta if meta.is_file() else None, facts))
    return found


def write_corpus(target: Path, registry: Mapping[str, Any], wikidata: Path, articles: Iterable[ArticleFiles]) -> None:
    """A corpus folder: the registry given, the Wikidata list, and copies of the articles' files."""
    (target / "articles").mkdir(parents=True)
    header = "# Registry written by bench/draft_eval.py for one drafting run.\n"
    body = yaml.safe_dump(dict(registry), sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    (target / "entities.yaml").write_text(header + body, encoding="utf-8")
    if wikidata.is_file():
        shutil.copyfile(wikidata, target / "wikidata.tsv")
    else:
        (target / "wikidata.tsv").write_text("# label\tqid\tnote\n", encoding="utf-8")
    for article in articles:
        for path in (article.text, article.meta, article.facts):
            if path is not None:
                shutil.copyfile(path, target / "articles" / path.name)


def publisher_of(meta: Any) -> str | None:
    if isinstance(meta, dict) and isinstance(meta.get("publisher"), dict):
        entity = meta["publisher"].get("entity")
        return entity if isinstance(entity, str) else None
    return None


@dataclass
class ArticleResult:
    stem: str
    section: str  # leave-one-out | unseen
    words: int
    run: DraftRun
    comparison: Comparison | None = None
    removed_entities: list[str] = field(default_factory=list)
    removed_aliases: list[tuple[str, str]] = field(default_factory=list)
    curated_quotes_not_found: list[tuple[str, str]] = field(default_factory=list)
    drafted_quotes_not_found: list[tuple[str, str]] = field(default_factory=list)

    @property
    def compared(self) -> int:
        return len(self.comparison.curated) if self.comparison else 0


def evaluate_article(
    article: ArticleFiles,
    section: str,
    *,
    registry_for_names: Mapping[str, Any],
    reduction: Reduction,
    corpus_dir: Path,
    scratch: Path,
    drafter: Drafter,
    keep_drafts: Path | None = None,
) -> ArticleResult:
    """Draft one article against corpus_dir (from copies in the new folder scratch) and compare the draft with
    its curated file; with keep_drafts, the draft is copied there as ``<stem>.draft.yaml``."""
    text = article.text.read_text(encoding="utf-8")
    meta = load_yaml_file(article.meta) if article.meta is not None else None
    result = ArticleResult(
        article.stem,
        section,
        len(text.split()),
        DraftRun(False),
        removed_entities=reduction.removed_entities,
        removed_aliases=reduction.removed_aliases,
    )
    scratch.mkdir(parents=True)
    text_copy = scratch / article.text.name
    shutil.copyfile(article.text, text_copy)
    meta_copy = scratch / f"{article.stem}.meta.yaml"
    if article.meta is not None:
        shutil.copyfile(article.meta, meta_copy)
    out = scratch / f"{article.stem}.draft.yaml"
    result.run = drafter(DraftJob(text_copy, meta_copy, corpus_dir, out, article.facts))
    if keep_drafts is not None and out.is_file():
        shutil.copyfile(out, keep_drafts / out.name)
    if not result.run.ok:
        return result
    try:
        drafted_data = load_yaml_file(out)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        result.run = DraftRun(False, result.run.wall_s, result.run.cpu_s, f"draft is not readable YAML: {exc}")
        return result
    curated = parse_annotation(load_yaml_file(article.facts), text, article.stem, draft=False)
    draft = parse_annotation(drafted_data, text, article.stem, draft=True)
    result.curated_quotes_not_found = curated.quotes_not_found
    result.drafted_quotes_not_found = draft.quotes_not_found
    result.comparison = compare(
        draft,
        curated,
        registry=registry_for_names,
        known=set(reduction.registry),
        publisher=publisher_of(meta),
    )
    return result


def evaluate(
    corpus: Path,
    extra_dirs: Sequence[Path] = (),
    drafter: Drafter = kg_draft,
    keep_drafts: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[ArticleResult]:
    """Leave-one-out over the corpus's curated articles, then the unseen articles of extra_dirs."""
    articles = find_articles(corpus / "articles")
    registry = load_yaml_file(corpus / "entities.yaml") or {}
    if not isinstance(registry, dict):
        raise ValueError(f"{corpus / 'entities.yaml'} is not a mapping of entities")
    wikidata = corpus / "wikidata.tsv"
    texts = {a.stem: a.text.read_text(encoding="utf-8") for a in articles}
    references = {
        a.stem: referenced_ids(load_yaml_file(a.facts), load_yaml_file(a.meta) if a.meta else None) for a in articles
    }
    results: list[ArticleResult] = []
    if keep_drafts is not None:
        keep_drafts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="draft-eval-") as tmp:
        work = Path(tmp)
        for article in articles:
            if progress:
                progress(f"drafting {article.stem} (leave-one-out)")
            others = [a for a in articles if a.stem != article.stem]
            reduction = reduce_registry(
                registry, set().union(*(references[a.stem] for a in others)), [texts[a.stem] for a in others]
            )
            corpus_dir = work / f"corpus-without-{article.stem}"
            write_corpus(corpus_dir, reduction.registry, wikidata, others)
            results.append(
                evaluate_article(
                    article,
                    "leave-one-out",
                    registry_for_names=registry,
                    reduction=reduction,
                    corpus_dir=corpus_dir,
                    scratch=work / f"{len(results):03d}-{article.stem}",
                    drafter=drafter,
                    keep_drafts=keep_drafts,
                )
            )
            shutil.rmtree(corpus_dir, ignore_errors=True)
        for n, folder in enumerate(extra_dirs, start=1):
            inner = folder / "articles"
            unseen = find_articles(inner if inner.is_dir() else folder)
            extra = load_yaml_file(folder / "entities.yaml") if (folder / "entities.yaml").is_file() else {}
            full = {**registry, **(extra if isinstance(extra, dict) else {})}
            corpus_dir = work / f"corpus-for-unseen-{n}"
            write_corpus(corpus_dir, full, wikidata, articles)
            for article in unseen:
                if progress:
                    progress(f"drafting {article.stem} (unseen, {folder})")
                results.append(
                    evaluate_article(
                        article,
                        "unseen",
                        registry_for_names=full,
                        reduction=Reduction(full, [], []),
                        corpus_dir=corpus_dir,
                        scratch=work / f"{len(results):03d}-{article.stem}",
                        drafter=drafter,
                        keep_drafts=keep_drafts,
                    )
                )
    return results


# --------------------------------------------------------------------------------- the report


@dataclass
class Counts:
    drafted: int = 0
    curated: int = 0
    matched: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.drafted if self.drafted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.curated if self.curated else None

    def add(self, other: Counts) -> None:
        self.drafted += other.drafted
        self.curated += other.curated
        self.matched += other.matched

    def as_dict(self) -> dict[str, Any]:
        return {
            "drafted": self.drafted,
            "curated": self.curated,
            "matched": self.matched,
            "precision": self.precision,
            "recall": self.recall,
        }


@dataclass
class Section:
    """The figures of a set of compared articles."""

    name: str
    kinds: dict[str, Counts]
    groups: dict[str, Counts]
    overall: Counts
    links: LinkStats
    traps: list[Finding]
    misses: list[Finding]
    false_drafts: list[Finding]
    unreadable: list[Finding]
    rules: dict[str, Counts]
    new_entities: dict[str, int]
    compared: int

    def targets(self) -> list[dict[str, Any]]:
        """Each target with its figure and whether it is met (a figure that cannot be computed is not met)."""
        rows: list[dict[str, Any]] = []
        for group, (min_p, min_r) in TARGETS.items():
            counts = self.groups.get(group, Counts())
            rows.append(_target(f"{group} precision", counts.precision, min_p, ">="))
            rows.append(_target(f"{group} recall", counts.recall, min_r, ">="))
        rows.append(_target("entity-link accuracy", self.links.accuracy, LINK_ACCURACY_TARGET, ">="))
        rows.append(_target("trap errors", len(self.traps), TRAP_TARGET, "<="))
        return rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "compared_curated_units": self.compared,
            "kinds": {k: v.as_dict() for k, v in sorted(self.kinds.items())},
            "groups": {k: v.as_dict() for k, v in self.groups.items()},
            "overall": self.overall.as_dict(),
            "entity_links": self.links.as_dict(),
            "trap_errors": len(self.traps),
            "traps": [t.as_dict() for t in self.traps],
            "targets": self.targets(),
            "misses": [m.as_dict() for m in self.misses],
            "false_drafts": [f.as_dict() for f in self.false_drafts],
            "unreadable_drafted_facts": [f.as_dict() for f in self.unreadable],
            "by_rule": {k: v.as_dict() for k, v in sorted(self.rules.items())},
            "new_entities": self.new_entities,
        }


def _target(name: str, value: float | None, bound: float, op: str) -> dict[str, Any]:
    met = value is not None and (value >= bound if op == ">=" else value <= bound)
    return {"target": name, "value": value, "bound": f"{op} {bound:g}", "met": met}


def summarise(name: str, comparisons: Sequence[Comparison]) -> Section:
    """Add up the comparisons of several articles."""
    kinds: dict[str, Counts] = {}
    rules: dict[str, Counts] = {}
    links = LinkStats()
    traps: list[Finding] = []
    misses: list[Finding] = []
    false_drafts: list[Finding] = []
    unreadable: list[Finding] = []
    new_entities = {"used_by_curated": 0, "drafted_as_local": 0}
    for comparison in comparisons:
        matched_drafts = set(comparison.pairs)
        for i, d in enumerate(comparison.drafted):
            kinds.setdefault(d.kind, Counts()).drafted += 1
            rule = rules.setdefault(d.rule or "(no rule)", Counts())
            rule.drafted += 1
            if i in matched_drafts:
                kinds[d.kind].matched += 1
                rule.matched += 1
        for c in comparison.curated:
            kinds.setdefault(c.kind, Counts()).curated += 1
        links.add(comparison.links)
        traps.extend(comparison.traps)
        misses.extend(comparison.misses)
        false_drafts.extend(comparison.false_drafts)
        unreadable.extend(comparison.unreadable)
        new_entities["used_by_curated"] += len(comparison.new_entities)
        new_entities["drafted_as_local"] += sum(comparison.new_entities.values())
    groups = {group: Counts() for group, _ in GROUPS}
    for kind, counts in kinds.items():
        groups.setdefault(group_of(kind), Counts()).add(counts)
    overall = Counts()
    for group in OVERALL_GROUPS:
        overall.add(groups[group])
    compared = sum(len(c.curated) for c in comparisons)
    return Section(
        name, kinds, groups, overall, links, traps, misses, false_drafts, unreadable, rules, new_entities, compared
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _counts_row(label: str, counts: Counts, note: str = "") -> str:
    return (
        f"  {label:<34}{counts.drafted:>8}{counts.curated:>8}{counts.matched:>8}"
        f"{_fmt(counts.precision):>10}{_fmt(counts.recall):>8}  {note}"
    ).rstrip()


def _target_note(group: str, counts: Counts) -> str:
    if group not in TARGETS:
        return ""
    min_p, min_r = TARGETS[group]
    p = counts.precision is not None and counts.precision >= min_p
    r = counts.recall is not None and counts.recall >= min_r
    return f"target P>={min_p:g} {'met' if p else 'NOT met'}, R>={min_r:g} {'met' if r else 'NOT met'}"


def _is_relation(kind: str) -> bool:
    return group_of(kind) == "other relations"


def format_section(section: Section, list_relations: bool = False) -> list[str]:
    lines = [f"== {section.name}: {section.compared} curated unit(s) compared", ""]
    header = f"  {'kind':<34}{'drafted':>8}{'curated':>8}{'matched':>8}{'precision':>10}{'recall':>8}"
    lines += [header]
    for group, _ in GROUPS:
        kinds = sorted(k for k in section.kinds if group_of(k) == group)
        for kind in kinds:
            lines.append(_counts_row(kind, section.kinds[kind]))
    others = sorted(k for k in section.kinds if group_of(k) == "other")
    for kind in others:
        lines.append(_counts_row(kind, section.kinds[kind]))
    lines += ["", f"  {'group':<34}{'drafted':>8}{'curated':>8}{'matched':>8}{'precision':>10}{'recall':>8}"]
    for group, _ in GROUPS:
        note = _target_note(group, section.groups[group]) or (
            "(not in the targets)" if group == "other relations" else ""
        )
        lines.append(_counts_row(group, section.groups[group], note))
    lines.append(_counts_row("overall (all but other relations)", section.overall))
    links = section.links
    link_note = f"target >={LINK_ACCURACY_TARGET:g} " + (
        "met" if links.accuracy is not None and links.accuracy >= LINK_ACCURACY_TARGET else "NOT met"
    )
    link_recall = _fmt(links.linked / links.curated if links.curated else None)
    lines += [
        "",
        f"  entity links (matched units, reduced registry): accuracy {_fmt(links.accuracy)}  {link_note}",
        f"    {links.judged} judged: {links.correct} correct, {links.wrong_slot} in another slot, "
        f"{links.wrong_entity} another entity in the slot; {links.unconfirmed} unconfirmed (slot left empty by the "
        "curator, not judged)",
        f"    curated links of matched units: {links.curated}, linked by the draft {links.linked} "
        f"(recall {link_recall}), drafted as local entities instead {links.left_local}",
        f"  registry entities new to the drafter (removed from its registry) used by the curated files: "
        f"{section.new_entities['used_by_curated']}, drafted as local entities with a matching name: "
        f"{section.new_entities['drafted_as_local']}",
    ]
    trap_note = f"target {TRAP_TARGET} " + ("met" if len(section.traps) <= TRAP_TARGET else "NOT met")
    by_trap = ", ".join(f"{t} {sum(1 for f in section.traps if f.trap == t)}" for t in TRAPS)
    lines += ["", f"  trap errors: {len(section.traps)}  {trap_note}  ({by_trap})"]
    for trap in section.traps:
        lines.append(
            f'    {trap.trap}: {trap.article} {trap.fact_id} [{trap.kind}] "{trap.quote}" {trap.slots}; {trap.why}'
        )
    lines += ["", "  targets:"]
    for row in section.targets():
        value = row["value"]
        value_text = _fmt(value) if not isinstance(value, int) else str(value)
        lines.append(f"    {row['target']:<30}{value_text:>6}  {row['bound']:<8}{'met' if row['met'] else 'NOT met'}")
    for title, findings in (("misses", section.misses), ("false drafts", section.false_drafts)):
        shown = [f for f in findings if list_relations or not _is_relation(f.kind)]
        hidden = len(findings) - len(shown)
        suffix = f" ({hidden} of other relations not listed: --list-relations)" if hidden else ""
        lines += ["", f"  {title}: {len(findings)}{suffix}"]
        for f in shown:
            lines.append(f'    {f.article} {f.fact_id} [{f.kind}] "{f.quote}" {f.slots}')
            if f.why:
                lines.append(f"      {f.why}")
    if links.wrong:
        lines += ["", f"  wrong entity links: {len(links.wrong)}"]
        for f in links.wrong:
            lines.append(f"    {f.article} {f.fact_id} [{f.kind}] {f.why}")
    if section.unreadable:
        lines += ["", f"  unreadable drafted facts: {len(section.unreadable)}"]
        for f in section.unreadable:
            lines.append(f"    {f.article} {f.fact_id}: {f.why}")
    if section.rules:
        lines += ["", f"  {'by drafting rule':<34}{'drafted':>8}{'matched':>8}{'precision':>10}"]
        for rule, counts in sorted(section.rules.items()):
            lines.append(f"  {rule:<34}{counts.drafted:>8}{counts.matched:>8}{_fmt(counts.precision):>10}")
    return lines


def format_articles(results: Sequence[ArticleResult]) -> list[str]:
    lines = [
        "== draft calls",
        f"  {'article':<28}{'set':<15}{'words':>7}{'cpu s':>8}{'wall s':>8}  status",
    ]
    for r in results:
        status = "ok" if r.run.ok else f"FAILED: {r.run.error}"
        if r.run.ok and r.comparison is not None:
            status += f" ({len(r.comparison.drafted)} drafted, {len(r.comparison.curated)} curated units)"
        if r.removed_entities or r.removed_aliases:
            status += f"; registry without {len(r.removed_entities)} entities, {len(r.removed_aliases)} aliases"
        lines.append(f"  {r.stem:<28}{r.section:<15}{r.words:>7}{r.run.cpu_s:>8.2f}{r.run.wall_s:>8.2f}  {status}")
        for fid, passage in r.curated_quotes_not_found:
            lines.append(f'    curated {fid}: quote not in the text: "{shorten(passage)}"')
        if r.drafted_quotes_not_found:
            lines.append(f"    {len(r.drafted_quotes_not_found)} drafted quote passage(s) not in the text")
    done = [r for r in results if r.run.ok]
    if done:
        words = sum(r.words for r in done)
        cpu = sum(r.run.cpu_s for r in done)
        wall = sum(r.run.wall_s for r in done)
        rate = f"{words / cpu:.0f} words per CPU second" if cpu > 0 else "words per CPU second n/a"
        lines.append(f"  {'total of the drafts made':<43}{words:>7}{cpu:>8.2f}{wall:>8.2f}  {rate}")
    return lines


def report(results: Sequence[ArticleResult], list_relations: bool = False) -> tuple[list[str], dict[str, Any]]:
    """The printed report and its JSON form."""
    lines = format_articles(results)
    data: dict[str, Any] = {
        "articles": [
            {
                "stem": r.stem,
                "set": r.section,
                "words": r.words,
                "ok": r.run.ok,
                "error": r.run.error,
                "cpu_s": r.run.cpu_s,
                "wall_s": r.run.wall_s,
                "drafted_units": len(r.comparison.drafted) if r.comparison else None,
                "curated_units": len(r.comparison.curated) if r.comparison else None,
                "removed_entities": r.removed_entities,
                "removed_aliases": [list(a) for a in r.removed_aliases],
                "drafted_quotes_not_found": [list(q) for q in r.drafted_quotes_not_found],
                "curated_quotes_not_found": [list(q) for q in r.curated_quotes_not_found],
            }
            for r in results
        ],
        "sections": {},
    }
    for key, title in (("leave-one-out", "leave-one-out over the corpus"), ("unseen", "unseen articles")):
        chosen = [r for r in results if r.section == key]
        if not chosen:
            continue
        section = summarise(title, [r.comparison for r in chosen if r.comparison is not None])
        lines += [""] + format_section(section, list_relations)
        data["sections"][key] = section.as_dict()
    data["compared_curated_units"] = sum(r.compared for r in results)
    return lines, data


# ---------------------------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python bench/draft_eval.py",
        description="Precision and recall of kg draft, leave-one-out over the curated articles of a corpus.",
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: corpus/)")
    parser.add_argument(
        "--articles",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also evaluate the curated articles of DIR (or DIR/articles), not in the corpus; DIR/entities.yaml "
        "may add registry entries (repeatable)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON to FILE")
    parser.add_argument(
        "--min-facts",
        type=int,
        default=1,
        metavar="N",
        help="exit 1 when fewer than N curated units were compared (default 1)",
    )
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per kg draft call")
    parser.add_argument(
        "--no-speed",
        dest="speed",
        action="store_false",
        help="skip the speed figures (drafting a 1,000-word text in-process beside spaCy's reading of it)",
    )
    parser.add_argument("--keep-drafts", type=Path, metavar="DIR", help="write each draft to DIR/<stem>.draft.yaml")
    parser.add_argument(
        "--list-relations", action="store_true", help="also list misses and false drafts of other relations"
    )
    parser.add_argument(
        "--drafter",
        choices=sorted(DRAFTERS),
        default="kg",
        help="kg: python -m kg draft (default); curated: each article's curated file as its draft (a sanity check)",
    )
    return parser


def main(argv: Sequence[str] | None = None, drafter: Drafter | None = None) -> int:
    args = _parser().parse_args(argv)
    corpus: Path = args.corpus
    for needed in (corpus / "entities.yaml", corpus / "articles"):
        if not needed.exists():
            print(f"draft_eval: {needed} is missing: --corpus must be a corpus folder", file=sys.stderr)
            return 2
    for folder in args.articles:
        if not folder.is_dir():
            print(f"draft_eval: --articles {folder} is not a folder", file=sys.stderr)
            return 2
    if drafter is None:
        chosen = DRAFTERS[args.drafter]
        if chosen is kg_draft:
            timeout = args.timeout

            def chosen_with_timeout(job: DraftJob) -> DraftRun:
                return kg_draft(job, timeout)

            chosen = chosen_with_timeout
        drafter = chosen
    try:
        results = evaluate(
            corpus,
            args.articles,
            drafter,
            args.keep_drafts,
            progress=lambda message: print(message, file=sys.stderr),
        )
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        print(f"draft_eval: cannot read the corpus or an article: {exc}", file=sys.stderr)
        return 2
    lines, data = report(results, args.list_relations)
    if args.speed and drafter is not curated_as_draft:
        speed_lines, data["speed"] = speed(corpus)
        lines += ["", *speed_lines]
    print("\n".join(lines))
    if args.json is not None:
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    compared = data["compared_curated_units"]
    if compared < args.min_facts:
        print(
            f"draft_eval: {compared} curated unit(s) compared, fewer than --min-facts {args.min_facts}: "
            "nothing was evaluated (did every draft call fail?)",
            file=sys.stderr,
        )
        return 1
    return 0


# -------------------------------------------------------------------------------------------- speed


def speed(corpus: Path, words: int = 1000, repeat: int = 5) -> tuple[list[str], dict[str, Any]]:
    """CPU time to draft a text of at least ``words`` words in this process, beside reading it with spaCy alone.

    The text is the corpus's articles joined until it has that many words; the registry is the corpus's.
    The reference is spaCy's blank pipeline (tokenizer and sentencizer) on the same text, the floor of any
    drafting; the start-up of a ``kg draft`` process (imports, the registry) is timed once, apart.
    """
    from kg.drafting.analysis import _nlp, analyse
    from kg.drafting.draft import extractors, load_corpus_registry

    started = time.process_time()
    registry = load_corpus_registry(corpus)
    nlp = _nlp()
    rules = extractors()
    startup = time.process_time() - started
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "articles").glob("*.txt"))]
    text = ""
    for article in texts * (1 + words // max(1, sum(len(t.split()) for t in texts))):
        text += article + "\n\n"
        if len(text.split()) >= words:
            break
    n_words = len(text.split())

    def best(step: Callable[[], object]) -> float:
        times = []
        for _ in range(repeat):
            begin = time.process_time()
            step()
            times.append(time.process_time() - begin)
        return min(times)

    def draft_once() -> object:
        analysis = analyse(text, registry)
        return [fact for rule in rules for fact in rule(analysis)]

    drafting = best(draft_once)
    reading = best(lambda: [list(nlp(line).sents) for line in text.splitlines() if line.strip()])
    lines = [
        f"== speed: drafting {n_words} words (corpus articles joined), best of {repeat}, CPU seconds",
        f"  kg draft, in this process             {drafting:8.3f}",
        f"  spaCy tokenizer + sentencizer alone   {reading:8.3f}   (reference)",
        f"  ratio drafting / reading              {drafting / max(reading, 1e-9):8.1f}",
        f"  start-up (imports, registry), once    {startup:8.3f}",
        f"  a {n_words}-word draft from the command line: about {startup + drafting:.2f} s of CPU (target: under 2 s)",
    ]
    data = {"words": n_words, "draft_cpu_s": drafting, "spacy_cpu_s": reading, "startup_cpu_s": startup}
    return lines, data


if __name__ == "__main__":
    sys.exit(main())
