"""The partition of a dataset into units: which article owns each node, and the triples each article's unit holds.

A node is owned by article A when it is an IRI equal to ``kg.rdf.iris.article(A)`` or starting with
``kg.rdf.iris.article(A) + "/"``; every other node is shared. The unit of A is every triple whose subject A
owns; the shared unit every other (see :mod:`kg.pipeline.units.shacl`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import URIRef
from rdflib.term import Node

from kg.rdf import iris

Triple = tuple[Node, Node, Node]


class Partition:
    """Which article owns each node: the articles' IRIs and the IRIs under them; every other node is shared.

    Args:
        article_ids: The build's article ids (``BuildResult.articles[i].id``); none may be empty or hold
            a ``/``, which would make two articles own the same IRIs.
    """

    def __init__(self, article_ids: Iterable[str]) -> None:
        ids = frozenset(article_ids)
        bad = sorted(i for i in ids if not i or "/" in i)
        if bad:
            raise ValueError(f"article ids must be non-empty and hold no '/': {bad}")
        self.article_ids = ids

    def owner(self, node: Node) -> str | None:
        """The id of the article that owns the node, or None for a shared node."""
        if isinstance(node, URIRef) and node.startswith(iris.ARTICLE_NS):  # most nodes are shared: one test
            head = iris.article_of(node)
            if head in self.article_ids:
                return head
        return None

    def is_shared(self, node: Node) -> bool:
        """Whether no article owns the node."""
        return self.owner(node) is None

    def owned_by(self, article_id: str) -> Callable[[Node], bool]:
        """The test "does that article own this node", for :func:`kg.pipeline.units.shacl.unit_findings` and
        :meth:`kg.pipeline.units.context.ContextIndex.for_unit`."""
        if article_id not in self.article_ids:
            raise KeyError(f"no article {article_id!r} in the partition")
        return lambda node: self.owner(node) == article_id

    def units(self, triples: Iterable[Triple]) -> dict[str | None, list[Triple]]:
        """The triples split by the owner of their subject: one unit per article (maybe empty), None for the shared.

        Each triple is kept once, in the order first met.
        """
        units: dict[str | None, dict[Triple, None]] = {article: {} for article in sorted(self.article_ids)}
        units[None] = {}
        for triple in triples:
            units[self.owner(triple[0])][triple] = None
        return {owner: list(unit) for owner, unit in units.items()}


def article_ids_in(triples: Iterable[Triple]) -> set[str]:
    """The article ids a set of triples mentions: the first segment after ``kgd:article/`` of every IRI.

    For data that has no build (a test fixture): the partition that makes an article of every one.
    """
    found = set()
    for triple in triples:
        for node in triple:
            head = iris.article_of(node) if isinstance(node, URIRef) else None
            if head:
                found.add(head)
    return found
