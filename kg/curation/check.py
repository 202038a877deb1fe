"""The curator's check: every rule the project has, each problem reported at the YAML that caused it.

A curator adds an article by writing YAML; whatever goes wrong must come back
to them as a line of that YAML, not as an IRI in a report. :func:`check_corpus`
builds a corpus in memory (:mod:`kg.pipeline.build` already refuses, at their lines,
quotes not in the text, unknown entities, classes and properties, values whose
type cannot fit, dates that disagree with their wording, names given to two
entities and aliases no article uses), reasons over it, and runs the SHACL
shapes and every quality check of ``queries/checks/`` (:mod:`kg.pipeline.validation`).
Each finding is then traced back to its origin: the build records the file
and line of every fact, assertion, quote and entity it mints, so a finding
about a node, or about a triple between two nodes that an assertion of an
article states, is reported at that assertion's line.

``kg check`` prints the problems and writes nothing; ``kg build`` runs the
same check and writes the dataset only when no error is found.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Dataset, URIRef
from rdflib.term import Node

from kg import resources
from kg.errors import BuildFailed
from kg.pipeline.build import BuildResult, as_dataset, build_dataset
from kg.pipeline.findings import Finding
from kg.pipeline.reasoning import INFERRED_GRAPH, infer, record_inferred_provenance
from kg.pipeline.validation import validate
from kg.rdf import iris
from kg.rdf.ntriples import Triple


@dataclass(frozen=True)
class Problem:
    """One problem, where the curator can fix it.

    Attributes:
        file: The file to edit (None when no file can be named).
        line: The line in it, where known.
        severity: ``error`` (the corpus may not be built) or ``warning``.
        message: What is wrong and how to fix it.
    """

    file: Path | None
    line: int | None
    severity: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else str(self.file or "corpus")
        return f"{where}: {self.message}"


@dataclass
class CheckOutcome:
    """What the check found, and the built (and reasoned) graphs when it could be built."""

    problems: list[Problem] = field(default_factory=list)
    build: BuildResult | None = None
    #: the named graphs as sets of triples, ``kgg:inferred`` included when reasoned
    graphs: dict[URIRef, set[Triple]] | None = None
    inferred: int | None = None
    _dataset: Dataset | None = field(default=None, repr=False)

    @property
    def dataset(self) -> Dataset | None:
        """The graphs as an rdflib Dataset (made on first use), or None when the corpus did not build."""
        if self.graphs is None:
            return None
        if self._dataset is None:
            self._dataset = as_dataset(self.graphs)
        return self._dataset

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def passes(self, strict: bool = False) -> bool:
        """No error, and with ``strict`` no warning either."""
        return not self.errors and not (strict and self.warnings)


def check_corpus(
    corpus: Path | None = None,
    build_time: dt.datetime | None = None,
    reason: bool = True,
    rules: bool = True,
) -> CheckOutcome:
    """Build a corpus in memory and run every rule on it.

    Args:
        corpus: A corpus folder (default: the embedded corpus).
        build_time: Passed to :func:`kg.pipeline.build.build_dataset`.
        reason: Put the OWL RL inferences into the returned dataset (``kgg:inferred``).
        rules: Run the shapes and the quality checks (they reason for themselves when ``reason`` is False).
            Without them only the build's own checks run.

    Returns:
        The problems, in file and line order, with the dataset (reasoned when asked) when it built.
    """
    try:
        built = build_dataset(corpus, build_time=build_time)
    except BuildFailed as failed:
        return CheckOutcome([Problem(e.file, e.line, "error", e.message) for e in failed.errors])
    graphs: dict[URIRef, set[Triple]] = dict(built.graphs)
    inferred = None
    if reason:
        inference = infer(graphs)
        inferred = len(inference.triples)
        graphs[INFERRED_GRAPH] = inference.triples
        provenance = graphs[iris.PROVENANCE_GRAPH] = set(graphs.get(iris.PROVENANCE_GRAPH, ()))
        record_inferred_provenance(provenance, list(graphs))
    outcome = CheckOutcome([], built, graphs, inferred)
    if rules:
        report = validate(built.dataset)  # what was asserted: validation never reads inferred triples
        locator = Locator(graphs, built.origins, corpus or resources.corpus_dir())
        outcome.problems = sorted(
            (locator.problem(f) for f in report.findings),
            key=lambda p: (p.severity != "error", str(p.file), p.line or 0, p.message),
        )
    return outcome


class Locator:
    """Finds the YAML behind a finding, from the origins the build recorded."""

    def __init__(
        self, graphs: Mapping[URIRef, Iterable[Triple]], origins: Mapping[URIRef, tuple[Path, int]], corpus: Path
    ) -> None:
        self.origins = origins
        self.corpus = corpus
        self.stating: dict[tuple[Node, Node], list[URIRef]] = defaultdict(list)
        subjects: dict[Node, set[Node]] = defaultdict(set)
        objects: dict[Node, set[Node]] = defaultdict(set)
        for triples in graphs.values():
            for s, p, o in triples:
                if p == RDF.subject:
                    subjects[s].add(o)
                elif p == RDF.object:
                    objects[s].add(o)
        for assertion, stated in subjects.items():
            for subject in stated:
                for obj in objects.get(assertion, ()):
                    if isinstance(assertion, URIRef):
                        self.stating[(subject, obj)].append(assertion)

    def origin(self, terms: tuple[Node, ...]) -> tuple[Path, int] | None:
        """The origin of the most specific of the terms, or of an assertion that links two of them."""
        for a in terms:
            for b in terms:
                for assertion in sorted(self.stating.get((a, b), [])):
                    if assertion in self.origins:
                        return self.origins[assertion]
        located = [t for t in terms if isinstance(t, URIRef) and t in self.origins]
        if not located:
            return None
        return self.origins[min(located, key=_specificity)]

    def problem(self, finding: Finding) -> Problem:
        where = self.origin(finding.terms)
        severity = "error" if finding.severity == "Violation" else "warning"
        about = finding.focus_label or finding.focus
        if finding.shape.startswith("checks/"):
            message = f"[{finding.shape}] {finding.message}"
        else:
            detail = ", ".join(
                x for x in (about, finding.path, f"value {finding.value}" if finding.value else None) if x
            )
            message = f"[{finding.shape}] {finding.message} ({detail})"
        if where is None:
            return Problem(self.corpus, None, severity, message)
        return Problem(where[0], where[1], severity, message)


def _specificity(term: URIRef) -> int:
    """Lower is more specific: a fact or assertion of an article, its quote, the article, a registry entity."""
    text = str(term)
    article_ns = iris.ARTICLE_NS
    if not text.startswith(article_ns):
        return 3
    tail = text[len(article_ns) :]
    if "/" not in tail:
        return 2  # the article itself: its metadata record
    return 1 if tail.endswith("/quote") else 0
