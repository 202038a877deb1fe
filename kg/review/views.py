"""The JSON the review page reads of an article: each item and the metadata record as the page shows them,
where a problem of the curator check belongs, and what the page's forms offer.

An item is shown with its review state, its description in words (:mod:`kg.review.words`), where its quotes
sit in the text (in UTF-16 code units, as the browser counts) and its lines; the metadata record with its
fields said in words and the line of each key. The forms offer the registry's entities with their names, the
article-local entities, and the ontology's classes and properties by their labels.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.review import passages, words
from kg.review.document import AnnotationFile, Item
from kg.review.meta_record import META_FIELDS, MetaRecord

if TYPE_CHECKING:
    from kg.curation.registry import Entity


def item_key(item: Item) -> str:
    return f"{item.section}/{item.id}" if item.id is not None else f"{item.section}#{item.index}"


def item_at(annotation: AnnotationFile, line: int | None) -> Item | None:
    if line is None:
        return None
    for item in annotation.items:
        if item.first < line <= item.after:
            return item
    return None


def shown_path(path: Path, corpus: Path) -> str:
    try:
        return str(path.resolve().relative_to(corpus.resolve()))
    except ValueError:
        return str(path)


def item_view(item: Item, text: str, names: words.Names) -> dict[str, Any]:
    from kg.drafting.writer import plain

    data = plain(item.node) if isinstance(item.node, dict) else {}
    spans = passages.spans(text, item.node)
    return {
        "key": item_key(item),
        "section": item.section,
        "id": item.id,
        "index": item.index,
        "line": item.first + 1,
        "last_line": item.end,
        "review": item.review,
        "marked": isinstance(item.node, dict) and "review" in item.node,
        "kind": item.kind,
        "category": words.category(item.section, data),
        "description": words.in_words(item.section, data, names) if isinstance(item.node, dict) else "not a mapping",
        "spans": [[passages.code_units(text, s), passages.code_units(text, e)] for s, e in spans],
        "quote_found": bool(spans) or "quote" not in data,
        "data": data,
    }


def meta_view(meta: MetaRecord, text: str, names: words.Names) -> dict[str, Any]:
    from kg.drafting.writer import plain

    data = plain(meta.doc) if isinstance(meta.doc, dict) else {}
    lines = {}
    if meta.doc is not None:
        lines = {str(k): int(meta.doc.lc.key(k)[0]) + 1 for k in meta.doc}
    said = []
    for key in META_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            shown = value.get("value") or value.get("date") or names.entity(value.get("entity"))
            stated = "quote" in value or "as_written" in value
            said.append([key, f"{shown}" + (" (stated in the text)" if stated else " (from your record)")])
        else:
            said.append([key, str(value) + (" (stated in the text)" if key in ("title", "byline") else "")])
    return {
        "exists": meta.text is not None,
        "digest": meta.digest,
        "review": meta.review if meta.text is not None else "absent",
        "problem": meta.problem,
        "data": data,
        "said": said,
        "lines": lines,
        "review_line": meta.line,
    }


def form_options(
    vocabulary: Any,
    labels: tuple[dict[str, str], dict[str, str]],
    registry: dict[str, Entity],
    annotation: AnnotationFile,
    names: words.Names,
) -> dict[str, Any]:
    """What the page's forms offer: entities (the registry's and the article's own), classes and properties."""
    from kg.curation.annotation_reader import CASUALTY_TYPES
    from kg.curation.figures import QUALIFIERS
    from kg.curation.registry import ENTITY_ROOTS
    from kg.rdf.namespaces import KGO

    classes, properties = labels

    def under(*roots: str) -> list[list[str]]:
        found = sorted({c for r in roots for c in vocabulary.subclasses_of(KGO[r])})
        return [[c, classes.get(c, c)] for c in found]

    entities = [
        {
            "id": slug,
            "label": e.label,
            "names": [*e.aliases, *e.other_names],
            "types": [str(t).rpartition("#")[2] for t in e.types],
            "local": False,
        }
        for slug, e in sorted(registry.items())
    ]
    for item in annotation.items:
        if item.section == "entities" and item.id is not None:
            node = item.node
            entities.append(
                {
                    "id": item.id,
                    "label": str(node.get("label") or item.id),
                    "names": [str(a) for a in node.get("aliases") or []]
                    if isinstance(node.get("aliases"), list)
                    else [],
                    "types": [str(t) for t in words.as_list(node.get("type"))],
                    "local": True,
                }
            )
    entities.append({"id": "publisher", "label": names.entity("publisher"), "names": [], "types": [], "local": True})
    statements = [item.id for item in annotation.items if item.kind == "statement" and item.id is not None]
    return {
        "entities": entities,
        "statements": statements,
        "statement_types": under("Statement"),
        "attack_types": under("Attack"),
        "response_types": under("Response"),
        "entity_types": under(*ENTITY_ROOTS),
        "properties": [["a", "is a (class)"], *sorted([p, label] for p, label in properties.items())],
        "casualty_types": [[k, words.CASUALTY_WORDS[k]] for k in CASUALTY_TYPES],
        "qualifiers": [[q, words.QUALIFIER_WORDS[q]] for q in sorted(QUALIFIERS)],
        "categories": words.CATEGORIES,
    }
