"""The parts of an attack's dossier: sources, side-by-side answers, figures, timeline and disagreements.

:func:`kg.web.dossier.gather.gather` fills a :class:`Dossier` from the named queries' rows and
:mod:`kg.web.dossier.page` draws it. The dossier keeps the graph's distinctions: a refusal to comment is
a refusal, never a denial; a figure that counts the killed and the wounded together is marked as
combined, never split; a figure keeps its count as written and its qualifier (*at least*, *more than*,
*nearly*...); a date keeps its precision (``2020``, ``2020-01``, ``2020-01-03``) and the article's own
words for it where the graph has them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from kg.review.words import QUALIFIER_WORDS

#: the questions of the side-by-side table, in order (a row appears when some source answers it)
QUESTIONS = (
    "Claimed responsibility",
    "Named perpetrators",
    "Method",
    "Accused",
    "Denied",
    "Declined to comment",
    "Killed",
    "Injured",
    "Killed and wounded (combined)",
    "Date",
    "Place",
    "Target and occasion",
    "Condemned",
    "Vowed retaliation",
    "Responses",
)

#: how many characters of a source's title a heading or a chart label shows (:func:`short_title`)
TITLE_LENGTH = 90


# ------------------------------------------------------------------------ the parts


@dataclass(frozen=True)
class Source:
    """A source article: its IRI, title, outlet and publication date (None where the graph has none)."""

    iri: str
    title: str | None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None

    @property
    def name(self) -> str:
        """How the page names the source: its title and outlet (never its file stem, unless it has no title)."""
        title = self.title or f"untitled article ({self.iri.rsplit('/', 1)[-1]})"
        return f"{title} ({self.outlet})" if self.outlet else title


def short_title(title: str, limit: int = TITLE_LENGTH) -> str:
    """A title cut at a word before ``limit`` characters, with an ellipsis (the whole title when shorter)."""
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


@dataclass(frozen=True)
class Answer:
    """One source's answer to one question: what it says, the fact it rests on and the quote."""

    text: str
    fact: str
    quote: str | None = None
    hedge: str | None = None


@dataclass
class Row:
    """A row of the side-by-side table: a question and each source's answers (article IRI -> answers)."""

    question: str
    cells: dict[str, list[Answer]] = field(default_factory=dict)

    def add(self, article: str, answer: Answer) -> None:
        answers = self.cells.setdefault(article, [])
        if all((a.text, a.fact) != (answer.text, answer.fact) for a in answers):
            answers.append(answer)


@dataclass(frozen=True)
class Figure:
    """A reported casualty figure, as stated: never rounded, with its qualifier."""

    kind: str  # the local name of its class: DeathToll, InjuryFigure or CombinedCasualtyFigure
    figure: str  # as written ("more than 80")
    count: int
    qualifier: str  # the local name of the qualifier: exactly, atLeast, moreThan, nearly, approximately
    given_by: str | None
    given_by_label: str | None
    source: str  # the article
    report: str  # the figure's node
    quote: str | None = None
    hedge: str | None = None

    @property
    def combined(self) -> bool:
        """Whether the figure counts the killed and the wounded together."""
        return self.kind == "CombinedCasualtyFigure"

    @property
    def qualifier_words(self) -> str:
        return QUALIFIER_WORDS.get(self.qualifier, self.qualifier)


@dataclass(frozen=True)
class TimelineItem:
    """Something dated: an event or a statement, with the date as stored and, where the graph has
    them, the article's words for it."""

    date: str  # as stored: 2020, 2020-01, 2020-01-03 (or a date-time)
    label: str
    iri: str  # what the item links to
    kind: str  # "attack", "claim", "response", "prior incident", "article"
    as_written: tuple[str, ...] = ()
    quote: str | None = None
    article: str | None = None

    @property
    def precision(self) -> str:
        """``year``, ``month``, ``day`` or ``time``: how precise the stored date is."""
        core = self.date.lstrip("-")
        if "T" in core:
            return "time"
        return {1: "year", 2: "month"}.get(len(core.split("-")), "day")

    @property
    def earliest(self) -> datetime.date:
        """The earliest day the date could mean (``2020`` is 2020-01-01), for ordering dates of mixed precision."""
        return earliest_day(self.date)


@dataclass(frozen=True)
class Disagreement:
    """Two facts the sources give different answers with (source-disagreements), or two statements a
    source says are at odds (``kgo:contradicts``, from contradictions)."""

    question: str  # "death toll", "attack type", "date"... or "contradicts"
    fact1: str
    fact2: str
    answer1: str
    answer2: str
    article1: str | None
    article2: str | None


@dataclass
class Dossier:
    """What the sources say about one attack."""

    attack: str
    label: str | None
    sources: list[Source] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    undated: int = 0  # statements about the attack that no source dates

    def disputed(self) -> dict[str, list[Disagreement]]:
        """Each fact that is in a disagreement, with its disagreements."""
        found: dict[str, list[Disagreement]] = {}
        for d in self.disagreements:
            found.setdefault(d.fact1, []).append(d)
            found.setdefault(d.fact2, []).append(d)
        return found

    def source(self, iri: str) -> Source | None:
        return next((s for s in self.sources if s.iri == iri), None)

    def row(self, question: str) -> Row | None:
        return next((r for r in self.rows if r.question == question), None)


def earliest_day(date: str) -> datetime.date:
    """The first day a date of any precision could mean: ``2020`` -> 2020-01-01, ``2020-05`` -> 2020-05-01."""
    parts = date.lstrip("-").split("T")[0].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1][:2]) if len(parts) > 1 else 1
        day = int(parts[2][:2]) if len(parts) > 2 else 1
        return datetime.date(year, month, day)
    except (ValueError, IndexError):
        return datetime.date.max


def figures_of(dossier: Dossier, kind: str) -> list[Figure]:
    """The dossier's figures of one kind (DeathToll, InjuryFigure, CombinedCasualtyFigure), by count."""
    return sorted((f for f in dossier.figures if f.kind == kind), key=lambda f: (f.count, f.figure, f.source))
