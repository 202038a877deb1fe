"""kerman-kg: a source-grounded knowledge graph of what news reporting says about an attack.

The Python API in one line::

    import kg
    dataset = kg.load()          # an rdflib Dataset: one named graph per article, plus
                                 # the registry, background links, ontology and provenance
    dataset = kg.load(reason=True)   # plus the OWL 2 RL entailments in kgg:inferred

``kg.load(path)`` reads a built TriG or N-Quads file instead. All access goes
through rdflib's Dataset/store interface.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

try:
    __version__ = version("kerman-kg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from rdflib import Dataset


def load(path: str | Path | None = None, corpus: str | Path | None = None, reason: bool = False) -> Dataset:
    """Return the knowledge graph as an rdflib Dataset.

    Args:
        path: A built dataset file (``.trig`` or ``.nq``) to read. When omitted, the
            dataset is built in memory from the corpus.
        corpus: A corpus folder to build from (default: the embedded corpus).
        reason: Add (or recompute) the OWL 2 RL entailments in the graph ``kgg:inferred``.

    Raises:
        kg.errors.BuildFailed: the corpus has input errors.
    """
    if path is not None:
        from kg.rdf.rdfio import load_dataset

        dataset = load_dataset(Path(path))
    else:
        from kg.pipeline.build import build_dataset

        dataset = build_dataset(Path(corpus) if corpus is not None else None).dataset
    if reason:
        from kg.pipeline.reasoning import with_inferences

        dataset = with_inferences(dataset)[0]
    return dataset


def query(  # type: ignore[no-untyped-def]
    name_or_sparql: str, data: str | Path | None = None, limit: int | None = None, offset: int = 0, **params: str
):
    """Run a named query (or any SPARQL) and return its rows (a page with limit and offset); see
    :func:`kg.sparql.querying.query`."""
    from kg.sparql.querying import query as run_query

    return run_query(name_or_sparql, data, None, limit, offset, **params)


__all__ = ["__version__", "load", "query"]
