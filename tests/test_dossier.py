"""The dossier of an attack (kg.web.dossier.gather, kg.web.dossier.page) on the session's build of the embedded corpus.

The corpus grows, so every expectation is read from the graph through the named queries themselves: the
dossier must show exactly what they answer, in the right row, with the right quote.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from conftest import with_sixth_article

from kg.sparql import querying
from kg.sparql.engine import OxigraphEngine, open_engine
from kg.web.dossier import chart as dossierchart
from kg.web.dossier import gather as dossier
from kg.web.dossier import page as dossierpage
from kg.web.dossier.parts import Answer, Dossier, TimelineItem

ATTACK = "https://w3id.org/kerman-kg/id/kerman-bombings"


@pytest.fixture(scope="module")
def engine(build_dir: Path) -> OxigraphEngine:
    return open_engine(build=build_dir)[0]


@pytest.fixture(scope="module")
def gathered(engine: OxigraphEngine) -> Dossier:
    return dossier.gather(engine, ATTACK)


@pytest.fixture(scope="module")
def html(gathered: Dossier) -> str:
    return dossierpage.dossier_section(gathered)


def rows(engine: OxigraphEngine, name: str, **params: str) -> list[dict[str, str | None]]:
    result, _ = querying.run(engine, name, params)
    return [
        {v: (None if t is None else str(t)) for v, t in zip(result.variables, row, strict=True)} for row in result.rows
    ]


def answers(d: Dossier, question: str) -> dict[str, list[Answer]]:
    """The answers of one row by fact IRI (an empty dict when no source answers the question)."""
    row = d.row(question)
    found: dict[str, list[Answer]] = {}
    for cell in row.cells.values() if row else ():
        for a in cell:
            found.setdefault(a.fact, []).append(a)
    return found


def test_only_attacks_get_a_dossier(engine: OxigraphEngine) -> None:
    assert dossier.is_attack(engine, ATTACK)
    assert not dossier.is_attack(engine, "https://w3id.org/kerman-kg/id/iran")
    assert dossierpage.section_for(engine, "https://w3id.org/kerman-kg/id/iran") == ""
    assert dossierpage.export(engine, "https://w3id.org/kerman-kg/id/iran", "dossier.csv") is None


def test_every_article_about_the_attack_is_a_column_named_by_title(engine: OxigraphEngine, gathered: Dossier) -> None:
    about = {r["article"] for r in rows(engine, "casualty-figures", attack=ATTACK)}
    about |= {r["article"] for r in rows(engine, "event-details", event=ATTACK)}
    titles = {r["article"]: r["title"] for r in rows(engine, "articles")}
    assert about and about <= {s.iri for s in gathered.sources}
    for source in gathered.sources:
        assert source.title == titles[source.iri]
        assert source.title and source.name.startswith(source.title)
        assert source.iri.rsplit("/", 1)[-1] not in source.name  # never named by file stem


def test_every_casualty_figure_is_charted_as_stated(engine: OxigraphEngine, gathered: Dossier) -> None:
    svg = dossierchart.chart_svg(gathered, standalone=True)
    figures = rows(engine, "casualty-figures", attack=ATTACK)
    assert figures and len(gathered.figures) == len(figures)
    for r in figures:
        assert r["report"] and r["qualifier"] and r["figure"]
        qualifier = r["qualifier"].rsplit("#", 1)[-1]
        mark = re.search(
            rf'<g class="figure" data-report="{re.escape(r["report"])}" data-kind="(\w+)" '
            rf'data-qualifier="{qualifier}" data-count="{r["count"]}"><title>([^<]*)</title>',
            svg,
        )
        assert mark, r["report"]
        assert mark.group(1) == r["kind"].rsplit("#", 1)[-1]
        assert mark.group(2).startswith(r["figure"])  # as written: "more than 80", never rounded
    assert 'role="img"' in svg and "<desc" in svg and "<title" in svg


def test_a_combined_figure_is_marked_and_kept_apart(gathered: Dossier) -> None:
    combined = [f for f in gathered.figures if f.combined]
    killed = answers(gathered, "Killed")
    together = answers(gathered, "Killed and wounded (combined)")
    for f in combined:
        assert f.report in together and f.report not in killed
        assert "counted together" in together[f.report][0].text
    svg = dossierchart.chart_svg(gathered)
    if combined:
        assert re.search(r'<g class="chart-row" data-kind="CombinedCasualtyFigure">.*combined', svg)


def test_a_refusal_to_comment_is_never_a_denial(engine: OxigraphEngine, gathered: Dossier) -> None:
    refusals = {r["refusal"] for r in rows(engine, "refusals-to-comment")}
    shown = answers(gathered, "Declined to comment")
    assert not refusals & set(answers(gathered, "Denied"))
    assert set(shown) <= refusals
    for fact, found in shown.items():
        assert all("declined to comment" in a.text and "denied" not in a.text for a in found), fact


def test_each_answer_carries_the_quote_of_the_graph(engine: OxigraphEngine, gathered: Dossier) -> None:
    quotes = {r["report"]: r["quote"] for r in rows(engine, "casualty-figures", attack=ATTACK)}
    for question in ("Killed", "Injured", "Killed and wounded (combined)"):
        for fact, found in answers(gathered, question).items():
            assert {a.quote for a in found} == {quotes[fact]}
    claims = {(r["claim"], r["quote"]) for r in rows(engine, "claims-of-responsibility", attack=ATTACK)}
    for fact, found in answers(gathered, "Claimed responsibility").items():
        assert {(fact, a.quote) for a in found} <= claims


def test_the_timeline_is_in_date_order_with_the_prior_incidents(engine: OxigraphEngine, gathered: Dossier) -> None:
    days = [t.earliest for t in gathered.timeline]
    assert days == sorted(days)
    incidents = {r["incident"] for r in rows(engine, "prior-incidents", attack=ATTACK) if r["date"]}
    assert incidents <= {t.iri for t in gathered.timeline}
    written = {r["dateAsWritten"] for r in rows(engine, "event-details", event=ATTACK) if r["dateAsWritten"]}
    attack_items = [t for t in gathered.timeline if t.iri == ATTACK]
    assert written <= {w for t in attack_items for w in t.as_written}


def test_every_event_the_articles_date_is_on_the_timeline_at_its_most_precise_date(
    engine: OxigraphEngine, gathered: Dossier
) -> None:
    """Background the articles give (an earlier killing, dated 2020 by some and 2020-01-03 by others) is there too,
    once per date of the highest precision, with the articles' wordings of every date that fits it."""
    found = rows(engine, "dated-events", attack=ATTACK)
    assert found, "the articles date no event, so nothing is compared"
    for event in {str(r["event"]) for r in found}:
        dates = {str(r["date"]) for r in found if r["event"] == event}
        precision = max(map(len, dates))
        items = {t.date: t for t in gathered.timeline if t.iri == event}
        assert set(items) == {d for d in dates if len(d) == precision}, event
        for date, item in items.items():
            fitting = {r["dateAsWritten"] for r in found if r["event"] == event and date.startswith(str(r["date"]))}
            assert set(item.as_written) == fitting - {None}, (event, date)


def test_dates_of_mixed_precision_sort_by_their_earliest_day() -> None:
    items = [
        TimelineItem("2020-01-03", "day", "urn:x:a", "attack"),
        TimelineItem("2020", "year", "urn:x:b", "attack"),
        TimelineItem("2019-12", "month", "urn:x:c", "attack"),
    ]
    assert [t.precision for t in sorted(items, key=lambda t: t.earliest)] == ["month", "year", "day"]


def test_disagreements_are_marked_in_the_table(engine: OxigraphEngine, gathered: Dossier, html: str) -> None:
    tolls = {r["fact1"] for r in rows(engine, "source-disagreements", event=ATTACK) if r["question"] == "death toll"}
    for fact in tolls:
        assert re.search(rf'<li class="answer disputed" data-fact="{re.escape(fact)}">', html), fact


def test_the_section_is_accessible_and_needs_no_inline_script_or_style(gathered: Dossier, html: str) -> None:
    assert html.count('<th scope="col"') == len(gathered.sources) + 1
    assert html.count('<th scope="row"') == len(gathered.rows)
    assert "<script" not in html and " style=" not in html and "<style" not in html
    assert "<details>" in html and "<h2" in html and "<h3" in html


def test_the_table_as_csv(gathered: Dossier) -> None:
    table = list(csv.reader(io.StringIO(dossierpage.table_csv(gathered))))
    assert table[0] == ["question", *(s.name for s in gathered.sources)]
    assert [r[0] for r in table[1:]] == [r.question for r in gathered.rows]


def test_a_sixth_article_adds_a_column(corpus_copy: Path, tmp_path: Path, gathered: Dossier) -> None:
    from kg.cli import main

    with_sixth_article(corpus_copy)
    out = tmp_path / "build"
    assert main(["build", "--corpus", str(corpus_copy), "--out", str(out)]) == 0
    more = dossier.gather(open_engine(build=out)[0], ATTACK)
    assert len(more.sources) == len(gathered.sources) + 1
    added = next(s for s in more.sources if s.iri.endswith("/900_test_wire"))
    assert added.title and added.outlet  # the outlet from the curator's record
    assert f'title="{added.title}"' in dossierpage.dossier_section(more)
