"""A small registry and article builder for the drafting tests (fictional names, not the shipped corpus)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kg.curation.registry import Entity
from kg.drafting.analysis import Analysis, analyse
from kg.rdf import iris
from kg.rdf.namespaces import KGO


def _entity(slug: str, types: list[str], label: str, aliases: list[str] | None = None, **extra: object) -> Entity:
    return Entity(
        slug=slug,
        iri=iris.entity(slug),
        types=[KGO[t] for t in types],
        label=label,
        file=Path("entities.yaml"),
        line=1,
        aliases=aliases or [],
        **extra,  # type: ignore[arg-type]
    )


def registry() -> dict[str, Entity]:
    """A fictional registry: an attack in Riverton, earlier incidents, places, agents."""
    entities = [
        _entity("riverton-bombings", ["Attack"], "2030 Riverton bombings", ["twin blasts"]),
        _entity("stadium-attack-2025", ["Attack"], "2025 attack on the Riverton stadium"),
        _entity("harbour-strike-2027", ["Strike"], "2027 drone strike on Port Elm harbour"),
        _entity("market-bombings-2026", ["Bombing"], "2026 market bombings in Port Elm", ["twin bombings"]),
        _entity("ferry-attack-2027-a", ["Attack"], "one of the two 2027 ferry attacks in Veldoria"),
        _entity("ferry-attack-2027-b", ["Attack"], "the other of the two 2027 ferry attacks in Veldoria"),
        _entity("veldoria", ["State", "Country"], "Veldoria", ["Veldoria"]),
        _entity("norland", ["State", "Country"], "Norland", ["Norland"]),
        _entity("riverton", ["City"], "Riverton", ["Riverton"], located_in=[("veldoria", 1)]),
        _entity("anna-kovac", ["Person"], "Anna Kovac", ["Anna Kovac"]),
        _entity("omar-lind", ["Person"], "Omar Lind", ["Omar Lind", "Lind"]),
        _entity("lind-assassination-2028", ["Attack"], "2028 assassination of Omar Lind"),
        _entity("red-hand-front", ["ArmedGroup"], "Red Hand Front", ["Red Hand Front"]),
        _entity("veldorian-officials", ["Group"], "Veldorian officials", ["Veldorian officials"]),
        _entity("riverton-herald", ["MediaOutlet"], "Riverton Herald", ["Riverton Herald"]),
        _entity("veldorian-government", ["Government"], "Government of Veldoria", ["Veldorian government"]),
    ]
    return {e.slug: e for e in entities}


def article(text: str, published: dt.date | None = None) -> Analysis:
    """An article read against the fictional registry."""
    return analyse(text, registry(), published)
