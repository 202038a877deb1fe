"""JSON-LD that reads well: the published context, compaction and the framed view of each attack.

The context (``kg/context.jsonld``, shipped in the wheel and served by ``kg
serve`` at ``/context.jsonld``) is generated from the ontology by
:func:`build_context` and never edited by hand: every class, property and
named individual of ``kgo:`` gets its local name as key (``ClaimOfResponsibility``,
``statedBy``, ``atLeast``); object properties are ``"@type": "@id"`` (or
``"@vocab"`` where the value is itself an ontology term, so a qualifier reads
``"qualifier": "atLeast"``); datatype properties whose range is a fixed XSD
datatype other than ``xsd:string`` carry that datatype. A short table,
:data:`OUTSIDE_TERMS`, gives keys to the terms of other vocabularies the
graph uses (``label``, ``altLabel``, ``anchorOf``, ``wasDerivedFrom``...).
``id`` and ``type`` stand for ``@id`` and ``@type``. Regenerate the file with
``python -m kg.publishing.jsonld > kg/context.jsonld``; a test checks it is up to date.

:func:`compact` turns a dataset into a compacted JSON-LD document that keeps
its named graphs; :func:`frame_attacks` gives one tree per attack with its
claims of responsibility, accusations (and the denials that answer them),
denials, casualty figures, who said each, and the quote and article each
rests on. Both run pyld with :func:`refuse_remote`, a document loader that
never fetches anything: the context is always given inline.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg import resources
from kg.rdf import namespaces
from kg.rdf.namespaces import KGO, NIF, SCHEMA

JsonObject = dict[str, Any]

#: Keys for the terms of other vocabularies: key -> (IRI, coercion). The coercion is "@id",
#: "@vocab", an XSD datatype, "@en" (an English string), or None (left as the data has it).
OUTSIDE_TERMS: dict[str, tuple[URIRef, str | None]] = {
    "label": (RDFS.label, "@en"),
    "comment": (RDFS.comment, "@en"),
    "isDefinedBy": (RDFS.isDefinedBy, "@id"),
    "subClassOf": (RDFS.subClassOf, "@vocab"),
    "subPropertyOf": (RDFS.subPropertyOf, "@vocab"),
    "domain": (RDFS.domain, "@vocab"),
    "range": (RDFS.range, "@vocab"),
    "altLabel": (SKOS.altLabel, "@en"),
    "definition": (SKOS.definition, "@en"),
    "exactMatch": (SKOS.exactMatch, "@id"),
    "inScheme": (SKOS.inScheme, "@vocab"),
    "subject": (RDF.subject, "@id"),
    "predicate": (RDF.predicate, "@vocab"),
    "object": (RDF.object, None),
    "anchorOf": (NIF.anchorOf, None),
    "beginIndex": (NIF.beginIndex, str(XSD.nonNegativeInteger)),
    "endIndex": (NIF.endIndex, str(XSD.nonNegativeInteger)),
    "referenceContext": (NIF.referenceContext, "@id"),
    "isString": (NIF.isString, None),
    "wasDerivedFrom": (PROV.wasDerivedFrom, "@id"),
    "wasGeneratedBy": (PROV.wasGeneratedBy, "@id"),
    "wasAttributedTo": (PROV.wasAttributedTo, "@id"),
    "wasAssociatedWith": (PROV.wasAssociatedWith, "@id"),
    "hadPrimarySource": (PROV.hadPrimarySource, "@id"),
    "used": (PROV.used, "@id"),
    "description": (DCTERMS.description, "@en"),
    "topic": (DCTERMS.subject, "@id"),
    "created": (DCTERMS.created, None),
    "creator": (DCTERMS.creator, None),
    "license": (DCTERMS.license, "@id"),
    "identifier": (DCTERMS.identifier, None),
    "url": (SCHEMA.url, "@id"),
    "inLanguage": (SCHEMA.inLanguage, None),
    "datePublished": (SCHEMA.datePublished, str(XSD.date)),
    "publisher": (SCHEMA.publisher, "@id"),
    "imports": (OWL.imports, "@id"),
    "versionIRI": (OWL.versionIRI, "@id"),
    "versionInfo": (OWL.versionInfo, None),
    "disjointWith": (OWL.disjointWith, "@vocab"),
    "inverseOf": (OWL.inverseOf, "@vocab"),
    "propertyChainAxiom": (OWL.propertyChainAxiom, "@list"),
}

#: Keys that only the framed view uses: the reverse of a property, always a list.
FRAME_TERMS: JsonObject = {
    "statements": {"@reverse": "kgo:about", "@container": "@set"},
    "casualtyReports": {"@reverse": "kgo:casualtiesOf", "@container": "@set"},
    "answeredBy": {"@reverse": "kgo:answers", "@container": "@set"},
}

#: The properties whose values the framed view shows as the agent's name beside its IRI.
AGENT_PROPERTIES = (
    "statedBy",
    "accuses",
    "attributesTo",
    "deniesInvolvementOf",
    "givenBy",
    "threatens",
    "namesPerpetrator",
)


#: Object properties whose value is an ontology term though the ontology gives them no range that says so.
VALUE_IS_TERM = frozenset({KGO.attackTypeAsStated})


class RemoteContextRefused(ValueError):
    """A JSON-LD document asked for a remote document; nothing is ever fetched."""


def refuse_remote(url: str, options: Any = None) -> Any:
    """A pyld document loader that loads nothing: every context must be given inline."""
    raise RemoteContextRefused(f"refusing to load the remote JSON-LD document {url}: contexts are given inline")


def _local_name(term: URIRef) -> str:
    return str(term)[len(str(KGO)) :]


def build_context(ontology: Graph) -> JsonObject:
    """The JSON-LD context for the ontology: prefixes, then a key for every ``kgo:`` term and outside term.

    Args:
        ontology: The ontology graph (see :func:`kg.rdf.ontology.load_ontology`).

    Returns:
        The context object (the value of ``@context``), its keys in a fixed order.
    """
    context: JsonObject = {"@version": 1.1, "id": "@id", "type": "@type"}
    for prefix, ns in namespaces.PREFIXES.items():
        context[prefix] = str(ns)
    ours = sorted(
        {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KGO)) and s != KGO},
        key=lambda t: (_kind_order(ontology, t), _local_name(t)),
    )
    value_terms = {t for t in ours if (t, RDF.type, OWL.Class) in ontology or _is_individual(ontology, t)}
    for term in ours:
        context[_local_name(term)] = _definition(ontology, term, f"kgo:{_local_name(term)}", value_terms)
    for key, (iri, coercion) in OUTSIDE_TERMS.items():
        if key in context:
            raise ValueError(f"the key '{key}' of {iri} is also a term of the ontology")
        context[key] = _coerced(_compact_iri(iri), coercion)
    return context


def _kind_order(ontology: Graph, term: URIRef) -> int:
    if (term, RDF.type, OWL.Class) in ontology:
        return 0
    if (term, RDF.type, OWL.ObjectProperty) in ontology:
        return 1
    if (term, RDF.type, OWL.DatatypeProperty) in ontology:
        return 2
    return 3


def _is_individual(ontology: Graph, term: URIRef) -> bool:
    kinds = set(ontology.objects(term, RDF.type))
    return not kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}


def _definition(ontology: Graph, term: URIRef, iri: str, value_terms: set[URIRef]) -> str | JsonObject:
    if (term, RDF.type, OWL.ObjectProperty) in ontology:
        ranges = set(ontology.objects(term, RDFS.range))
        # a value that is itself an ontology term (a qualifier, a class) reads as its key
        by_vocab = term in VALUE_IS_TERM or ranges and all(_range_holds_terms(ontology, r, value_terms) for r in ranges)
        return {"@id": iri, "@type": "@vocab" if by_vocab else "@id"}
    if (term, RDF.type, OWL.DatatypeProperty) in ontology:
        datatypes = [r for r in ontology.objects(term, RDFS.range) if str(r).startswith(str(XSD))]
        if len(datatypes) == 1 and datatypes[0] != XSD.string:
            return {"@id": iri, "@type": f"xsd:{str(datatypes[0])[len(str(XSD)) :]}"}
    return iri


def _range_holds_terms(ontology: Graph, range_: object, value_terms: set[URIRef]) -> bool:
    if range_ in {OWL.Class, RDFS.Class}:
        return True
    if not isinstance(range_, URIRef):
        return False
    members = {s for s in ontology.subjects(RDF.type, range_) if isinstance(s, URIRef)}
    return bool(members) and members <= value_terms


def _compact_iri(iri: URIRef) -> str:
    return namespaces.curie(str(iri)) or str(iri)


def _coerced(iri: str, coercion: str | None) -> str | JsonObject:
    if coercion is None:
        return iri
    if coercion == "@en":
        return {"@id": iri, "@language": "en"}
    if coercion == "@list":
        return {"@id": iri, "@container": "@list", "@type": "@vocab"}
    if coercion.startswith(str(XSD)):
        return {"@id": iri, "@type": f"xsd:{coercion[len(str(XSD)) :]}"}
    return {"@id": iri, "@type": coercion}


def context_json(context: JsonObject) -> str:
    """A context as the text of ``kg/context.jsonld``: ``{"@context": ...}``, two-space indent, final newline."""
    return json.dumps({"@context": context}, indent=2, ensure_ascii=False) + "\n"


def generated_context() -> JsonObject:
    """The context generated from the project's ontology (what ``kg/context.jsonld`` must hold)."""
    from kg.rdf.ontology import load_ontology

    return build_context(load_ontology(resources.ontology_dir()))


def published_context() -> JsonObject:
    """The shipped context, ``kg/context.jsonld`` (the value of its ``@context``)."""
    document = json.loads(resources.context_file().read_text(encoding="utf-8"))
    context: JsonObject = document["@context"]
    return context


# --------------------------------------------------------------------- documents


def _ordered(value: Any) -> Any:
    """Keys in a fixed, readable order: @context, id, type, label, then the rest sorted."""
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    if not isinstance(value, dict):
        return value
    first = ("@context", "id", "@id", "type", "@type", "label")
    keys = [k for k in first if k in value] + sorted(k for k in value if k not in first)
    return {k: value[k] if k == "@context" else _ordered(value[k]) for k in keys}


def dumps(document: JsonObject) -> bytes:
    """A JSON-LD document as deterministic UTF-8 text: readable key order, two-space indent."""
    return (json.dumps(_ordered(document), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def expanded_from_nquads(nquads: bytes) -> list[JsonObject]:
    """Expanded JSON-LD of sorted N-Quads (see :func:`kg.rdf.rdfio.to_nquads`), named graphs kept."""
    from pyld import jsonld

    expanded: list[JsonObject] = jsonld.from_rdf(
        nquads.decode("utf-8"), {"format": "application/n-quads", "useNativeTypes": False, "rdfDirection": None}
    )
    return expanded


def compact(nquads: bytes, context: JsonObject) -> JsonObject:
    """Compacted JSON-LD of a dataset given as N-Quads: its named graphs kept, the context inline.

    Args:
        nquads: The dataset as sorted N-Quads with canonical blank-node labels.
        context: The context to compact with (normally :func:`published_context`).
    """
    from pyld import jsonld

    compacted: JsonObject = jsonld.compact(
        expanded_from_nquads(nquads), {"@context": context}, {"documentLoader": refuse_remote, "graph": True}
    )
    return compacted


def attack_classes(ontology: Graph) -> list[str]:
    """Keys of kgo:Attack and of every class under it, sorted."""
    found = {KGO.Attack}
    todo = [KGO.Attack]
    while todo:
        for sub in ontology.subjects(RDFS.subClassOf, todo.pop()):
            if isinstance(sub, URIRef) and str(sub).startswith(str(KGO)) and sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(_local_name(c) for c in found)


def attack_frame(context: JsonObject, attack_types: Iterable[str], properties: Iterable[str] = ()) -> JsonObject:
    """The frame of the per-attack view (see :func:`frame_attacks`).

    Args:
        context: The context the frame is written in.
        attack_types: Keys of the attack classes.
        properties: IRIs of every property in the data: those the frame does not nest are
            shown as references (IRIs), never as embedded copies of other nodes.
    """
    iris = sorted(properties)

    def node(**pattern: Any) -> JsonObject:
        """A node pattern whose other properties show their values by reference."""
        given = {_expand(context, key) for key in pattern if not key.startswith("@")}
        return {**{iri: {"@embed": "@never"} for iri in iris if iri not in given}, **pattern}

    optional = {"@default": "@null"}  # matches with or without the property (defaults are omitted)
    named = {"@embed": "@always", "@explicit": True, "label": optional}
    quote = {"@embed": "@always", "@explicit": True, "anchorOf": optional, "beginIndex": optional, "endIndex": optional}
    article = {
        "@embed": "@always",
        "@explicit": True,
        "label": optional,
        "publisher": named,
        "byline": optional,
        "datePublished": optional,
        "url": optional,
        "inLanguage": optional,
    }
    statement: JsonObject = {
        "@embed": "@always",
        "evidence": quote,
        "source": article,
        "channel": named,
        **{key: named for key in AGENT_PROPERTIES},
    }
    return {
        "@context": {**context, **FRAME_TERMS},
        **node(
            type=sorted(attack_types),
            statements=node(
                **statement,
                type=["Accusation", "ClaimOfResponsibility", "Denial"],
                answeredBy=node(**statement, type=["Denial"]),
            ),
            casualtyReports=node(**statement),
            **{key: named for key in ("carriedOutBy", "authorisedBy", "killed", "target", "occurredAt")},
        ),
        "@embed": "@never",
    }


def _expand(context: JsonObject, key: str) -> str:
    definition = context.get(key, key)
    iri = definition["@id"] if isinstance(definition, dict) else str(definition)
    prefix, colon, local = iri.partition(":")
    namespace = context.get(prefix)
    return namespace + local if colon and isinstance(namespace, str) else iri


def _properties(expanded: list[JsonObject]) -> set[str]:
    found: set[str] = set()
    for node in expanded:
        found.update(k for k in node if not k.startswith("@"))
        found.update(_properties(node.get("@graph", [])))
    return found


def frame_attacks(nquads: bytes, context: JsonObject, attack_types: Iterable[str]) -> JsonObject:
    """One tree per attack: the framed view of ``kg export --frame attack``.

    Each attack (a node typed kgo:Attack or any subclass, as asserted) lists its
    ``statements`` (claims of responsibility, accusations with the denials that
    answer them, denials) and ``casualtyReports``, each with who gave it (as name and
    IRI), its words, its ``evidence`` quote (text and character offsets) and its
    ``source`` article (title, publisher, date, URL). Other nodes are given by IRI.

    Args:
        nquads: The graphs to frame, as N-Quads; their union is framed.
        context: The context (normally :func:`published_context`); the frame's own
            keys (``statements``, ``casualtyReports``, ``answeredBy``) are added to it.
        attack_types: Keys of the attack classes (see :func:`attack_classes`).
    """
    from pyld import jsonld

    expanded = expanded_from_nquads(nquads)
    frame = attack_frame(context, attack_types, _properties(expanded))
    framed: JsonObject = jsonld.frame(
        expanded,
        frame,
        {"documentLoader": refuse_remote, "omitGraph": False, "omitDefault": True, "pruneBlankNodeIdentifiers": True},
    )
    return framed


if __name__ == "__main__":
    sys.stdout.write(context_json(generated_context()))
