"""Shared fixtures: the embedded corpus built (and reasoned, and written) once per session, the frozen
corpus the query cases run on, and scratch corpora.

The embedded corpus (``corpus/``) grows whenever a curator adds an article, so tests that pin answers
(the named-query cases) run on ``tests/fixtures/corpus/``, a frozen copy of the five Kerman articles;
the tests of the embedded corpus check what holds whatever articles it has.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import TypeVar

import pytest
import stores
from rdflib import Dataset

from kg import resources
from kg.pipeline.build import BuildResult, build_dataset
from kg.pipeline.reasoning import Inference, with_inferences
from kg.rdf.namespaces import sparql_prologue

REPO = Path(__file__).resolve().parent.parent
#: a frozen copy of the five Kerman articles, their registry and Wikidata list (tests/fixtures/README.md)
FROZEN_CORPUS = REPO / "tests" / "fixtures" / "corpus"
#: a sixth article written for the tests, with the registry entries it needs
SIXTH_ARTICLE = REPO / "tests" / "fixtures" / "sixth-article"
#: the reference pages the README links to, one per task
DOCS = REPO / "docs"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: The project's CI runs with shared/ beside the clone; a fork's CI (GitHub) has none and says so.
SHARED = REPO.parent / "shared"
SHARED_REQUIRED = IN_CI and os.environ.get("KG_SHARED_OPTIONAL", "").lower() not in {"1", "true", "yes"}


Running = TypeVar("Running")


def started(stack: ExitStack, server: AbstractContextManager[Running]) -> Running:
    """A store server (``tests/stores.py``) started, to stop when the stack closes; a skip that says what to
    install when its command is missing, but a failure in CI, which must run every store test."""
    try:
        return stack.enter_context(server)
    except stores.StoreMissing as missing:
        if IN_CI:
            pytest.fail(f"CI must run the store tests: {missing}")
        pytest.skip(str(missing))
    except stores.StoreFailed as failed:
        pytest.fail(str(failed))


def run_kg(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str | None] | None = None,
    stdin: str | None = None,
    timeout: float = 600,
    **popen: object,
) -> subprocess.CompletedProcess[str]:
    """``python -m kg ARGS`` in a new process, as a user runs it; its output as text.

    ``env`` adds variables to this process's environment (a value of None removes one); ``timeout`` fails
    the test (TimeoutExpired) rather than letting it hang; ``popen`` passes on to :func:`subprocess.run`.
    """
    environment = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        input=stdin,
        timeout=timeout,
        **popen,
    )


def shared_dir() -> Path:
    """The shared/ folder beside the checkout; skips the test when absent, but fails in the project's CI."""
    if not SHARED.is_dir():
        if SHARED_REQUIRED:
            pytest.fail(f"CI must have shared/ beside the clone: {SHARED} is missing")
        pytest.skip("shared/ is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep kg query's store cache and the default build folder inside the test session, never in the
    user's home or the checkout: every command that reads the build folder reads this one."""
    folder = tmp_path_factory.mktemp("kg-cache")
    os.environ["KG_CACHE_DIR"] = str(folder)
    os.environ["KG_BUILD_DIR"] = str(tmp_path_factory.mktemp("kg-build"))
    return folder


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The embedded corpus, built once for the whole session."""
    return build_dataset()


@pytest.fixture(scope="session")
def dataset(built: BuildResult) -> Dataset:
    return built.dataset


@pytest.fixture(scope="session")
def reasoning(built: BuildResult) -> tuple[Dataset, Inference]:
    """The embedded corpus with its OWL RL inferences (kgg:inferred), reasoned once for the session."""
    return with_inferences(built.dataset)


@pytest.fixture(scope="session")
def reasoned(reasoning: tuple[Dataset, Inference]) -> Dataset:
    return reasoning[0]


@pytest.fixture(scope="session")
def build_dir(private_cache: Path) -> Path:
    """The build folder of the embedded corpus ('kg build' with no --out: $KG_BUILD_DIR), built once for the
    session; kg query, serve, export, publish and validate read it."""
    from kg.cli import main

    assert main(["build"]) == 0
    return Path(os.environ["KG_BUILD_DIR"])


@pytest.fixture(scope="session")
def frozen() -> Dataset:
    """The frozen five-article corpus with its inferences: the data of the named-query cases."""
    return with_inferences(build_dataset(FROZEN_CORPUS).dataset)[0]


@pytest.fixture(scope="session")
def synthetic_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus of 12 articles shaped like the real one, with other names, numbers and dates
    (``bench/synthetic.py``): for tests that must not depend on the real corpus's particulars."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("synthetic") / "corpus"
    subprocess.run([sys.executable, str(REPO / "bench" / "synthetic.py"), "12", str(folder)], check=True)
    return folder


@pytest.fixture(scope="session")
def synthetic(synthetic_corpus: Path) -> Dataset:
    """The synthetic corpus built, with its inferences."""
    return with_inferences(build_dataset(synthetic_corpus).dataset)[0]


@pytest.fixture(scope="session")
def frozen_file(frozen: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The frozen corpus written as kg build writes it (TriG): for tests that mutate known nodes of the five."""
    from kg.rdf import rdfio

    folder = tmp_path_factory.mktemp("frozen")
    return rdfio.write_outputs(folder, {rdfio.TRIG: rdfio.to_trig(frozen)})[0]


def with_sixth_article(corpus: Path) -> Path:
    """Add the sixth test article (its three files and its registry entries) to a corpus folder."""
    for path in sorted((SIXTH_ARTICLE / "articles").iterdir()):
        shutil.copyfile(path, corpus / "articles" / path.name)
    extra = (SIXTH_ARTICLE / "entities.yaml").read_text(encoding="utf-8")
    with (corpus / "entities.yaml").open("a", encoding="utf-8") as registry:
        registry.write("\n" + extra)
    return corpus


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A scratch copy of the embedded corpus that a test may break."""
    target = tmp_path / "corpus"
    shutil.copytree(resources.corpus_dir(), target)
    return target


def select(dataset: Dataset, query: str, **bindings: object) -> list[tuple[object, ...]]:
    """Run a SELECT with the project's prefixes over the union of all graphs."""
    result = dataset.query(sparql_prologue() + query, initBindings=bindings or None)
    return [tuple(row) for row in result]


def select_str(dataset: Dataset, query: str) -> set[tuple[str, ...]]:
    """A SELECT's rows as tuples of strings (None for unbound), as a set."""
    return {tuple(None if v is None else str(v) for v in row) for row in select(dataset, query)}
