"""Where the project's files are: ontology, corpus, shapes and queries.

In a source checkout they are the top-level folders of the repository; in an
installed wheel they are shipped as package data under ``kg/_data`` (see
``[tool.hatch.build.targets.wheel.force-include]`` in ``pyproject.toml``).
Every other module asks here instead of guessing paths.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder that holds ``ontology/``, ``corpus/``, ``shapes/`` and ``queries/``."""
    shipped = _PACKAGE / "_data"
    if (shipped / "ontology").is_dir():
        return shipped
    checkout = _PACKAGE.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(f"cannot find the project's data: neither {shipped} nor {checkout} holds ontology/")


def ontology_dir() -> Path:
    """The folder of the ontology's Turtle files."""
    return data_root() / "ontology"


def corpus_dir() -> Path:
    """The embedded default corpus (articles, metadata, annotations, registry)."""
    return data_root() / "corpus"


def shapes_dir() -> Path:
    """The folder of SHACL shapes."""
    return data_root() / "shapes"


def queries_dir() -> Path:
    """The folder of named SPARQL queries."""
    return data_root() / "queries"


def context_file() -> Path:
    """The published JSON-LD context, ``kg/context.jsonld`` (generated from the ontology by :mod:`kg.jsonld`)."""
    return _PACKAGE / "context.jsonld"
