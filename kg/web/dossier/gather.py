"""What the sources say about one attack, gathered from the named queries.

An attack's page on ``kg serve`` opens with a dossier (:mod:`kg.web.dossier.page` draws it): the
accounts of every source article side by side, the reported casualty figures, a timeline and the
places where the sources disagree. :func:`gather` assembles it from the rows of the named queries
of ``queries/`` (``kg.sparql.querying.run``), never from SPARQL of its own, so it works on any engine that
answers them (the embedded Oxigraph store of a build, or a remote store through
:class:`kg.stores.endpoint.RemoteEngine`) and shows exactly the facts a researcher gets from those queries.

The dossier keeps the graph's distinctions (see :mod:`kg.web.dossier.parts`, which holds its parts). Only
the ASK of :func:`is_attack`, which decides whether a page gets a dossier at all, is written here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from kg.rdf import iris
from kg.sparql import querying, querylib
from kg.sparql.engine import Engine
from kg.web.dossier.parts import QUESTIONS, Answer, Disagreement, Dossier, Figure, Row, Source, TimelineItem

KGO = iris.ONTOLOGY_NS

#: whether a node is an attack: of class kgo:Attack or a subclass, walked from the constant class (the
#: portable form of queries/README.md), so that it holds with or without the inferred graph
IS_ATTACK = """PREFIX kgo: <https://w3id.org/kerman-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK {
  ?attack a ?kind .
  { SELECT DISTINCT (IRI(STR(?class)) AS ?kind) WHERE { ?class rdfs:subClassOf* kgo:Attack } }
}"""


# ---------------------------------------------------------------------- gathering


def is_attack(engine: Engine, iri: str) -> bool:
    """Whether the node is an attack (kgo:Attack or a subclass): the nodes whose page gets a dossier."""
    return bool(engine.query(IS_ATTACK, {"attack": URIRef(iri)}).boolean)


class _Library:
    """The named queries, read once for a dossier (kg.sparql.querylib reads every .rq file on each lookup)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.queries = querylib.library()

    def rows(self, name: str, params: dict[str, str] | None = None) -> list[dict[str, Node | None]]:
        """A named query's rows as dicts by column, run as kg.sparql.querying.run runs it."""
        named = self.queries[name]
        bindings, _ = querying.bind(self.engine, named, params or {})
        result = self.engine.query(named.text, bindings)
        return [dict(zip(result.variables, row, strict=True)) for row in result.rows]


def _s(term: Node | None) -> str | None:
    return None if term is None else str(term)


def _local(term: Node | None) -> str:
    text = str(term or "")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _label(row: dict[str, Node | None], node: str, fallback: str = "") -> str:
    return _s(row.get(node + "Label")) or (_local(row.get(node)) if row.get(node) is not None else fallback)


def gather(engine: Engine, attack: str) -> Dossier:
    """The dossier of one attack, from the named queries' rows.

    Args:
        engine: Any engine that answers the named queries (kg.sparql.engine.Engine).
        attack: The attack's IRI.

    Returns:
        The sources that say something about the attack (one column each), the side-by-side rows, the
        casualty figures, the dated items in date order and the disagreements among the facts shown.
    """
    params = {"attack": attack}
    _rows = _Library(engine).rows
    details = _rows("event-details", {"event": attack})
    dossier = Dossier(attack=attack, label=None)
    rows = {q: Row(q) for q in QUESTIONS}
    events = {attack} | {str(r["value"]) for r in details if _s(r["property"]) == KGO + "hasSubEvent"}

    # claims of responsibility: one answer per claim, its channel, title and date; the method goes to Method
    timeline: dict[tuple[str, str], dict[str, Any]] = {}

    def dated(date: str, iri: str, label: str, kind: str, row: dict[str, Node | None], written: str | None) -> None:
        item = timeline.setdefault(
            (date, iri),
            {
                "label": label,
                "kind": kind,
                "written": [],
                "quote": _s(row.get("quote")),
                "article": _s(row.get("article")),
            },
        )
        if written and written not in item["written"]:
            item["written"].append(written)

    for r in _rows("claims-of-responsibility", params):
        parts = [_label(r, "claimant")]
        if r["channel"] is not None:
            parts.append(f"via {_label(r, 'channel')}")
        if r["title"] is not None:
            parts.append(f"in a statement titled “{r['title']}”")
        if r["date"] is not None:
            when = f"on {r['date']}" + (f" (“{r['dateAsWritten']}”)" if r["dateAsWritten"] is not None else "")
            parts.append(when)
            dated(
                str(r["date"]),
                str(r["claim"]),
                f"{_label(r, 'claimant')} claims responsibility",
                "claim",
                r,
                _s(r["dateAsWritten"]),
            )
        rows["Claimed responsibility"].add(str(r["article"]), Answer(", ".join(parts), str(r["claim"]), _s(r["quote"])))

    for r in _rows("claimed-perpetrators", params):
        rows["Named perpetrators"].add(
            str(r["article"]),
            Answer(
                f"{_label(r, 'perpetrator')} (named by {_label(r, 'statedBy')})", str(r["statement"]), _s(r["quote"])
            ),
        )

    for r in _rows("method-accounts", params):
        method = _label(r, "attackType", "method")
        text = method + (f": “{r['methodAsWritten']}”" if r["methodAsWritten"] is not None else "")
        text += f", according to {_label(r, 'proposer')}"
        if r["about"] is not None and str(r["about"]) != attack:
            text += f" (of the {_label(r, 'about')})"
        rows["Method"].add(str(r["article"]), Answer(text, str(r["account"]), _s(r["quote"]), _s(r["hedge"])))

    accusations: dict[str, dict[str, Any]] = {}
    for r in _rows("accusations"):
        if _s(r["about"]) in events:
            _group(accusations, r, "accusation", ("accuser", "accused"))
    for fact, g in accusations.items():
        text = f"{_names(g['accuser'])} accused {_names(g['accused'])}"
        rows["Accused"].add(g["article"], Answer(text, fact, g["quote"], g["hedge"]))

    denials: dict[str, dict[str, Any]] = {}
    for r in _rows("denials"):
        if _s(r["about"]) in events or _s(r["answers"]) in accusations:
            _group(denials, r, "denial", ("denier", "deniedInvolvementOf"))
    for fact, g in denials.items():
        denied = _names(g["deniedInvolvementOf"])
        text = f"{_names(g['denier'])} denied " + (f"the involvement of {denied}" if denied else "the report")
        rows["Denied"].add(g["article"], Answer(text, fact, g["quote"], g["hedge"]))

    for r in _rows("refusals-to-comment"):
        if _s(r["about"]) not in events and _s(r["answers"]) not in accusations:
            continue
        text = f"{_label(r, 'refuser')} declined to comment"
        if r["answers"] is not None and r["answersSpeaker"] is not None:
            text += f" on the accusation by {_label(r, 'answersSpeaker')}"
        rows["Declined to comment"].add(str(r["article"]), Answer(text, str(r["refusal"]), _s(r["quote"])))

    figure_rows = {
        "DeathToll": "Killed",
        "InjuryFigure": "Injured",
        "CombinedCasualtyFigure": "Killed and wounded (combined)",
    }
    for r in _rows("casualty-figures", params):
        figure = Figure(
            kind=_local(r["kind"]),
            figure=str(r["figure"]),
            count=int(str(r["count"])),
            qualifier=_local(r["qualifier"]),
            given_by=_s(r["givenBy"]),
            given_by_label=_s(r["givenByLabel"]),
            source=str(r["article"]),
            report=str(r["report"]),
            quote=_s(r["quote"]),
            hedge=_s(r["hedge"]),
        )
        dossier.figures.append(figure)
        text = figure.figure + (f", given by {figure.given_by_label}" if figure.given_by_label else "")
        if figure.combined:
            text += " (killed and wounded counted together)"
        rows[figure_rows.get(figure.kind, "Killed")].add(
            figure.source, Answer(text, figure.report, figure.quote, figure.hedge)
        )

    for r in details:
        prop = _s(r["property"])
        article = str(r["article"])
        fact = f"{attack}#{_local(r['property'])}-{_local(r['value'])}"
        if prop == KGO + "occurredOn":
            written = _s(r["dateAsWritten"])
            text = str(r["value"]) + (f" (“{written}”)" if written else "")
            rows["Date"].add(article, Answer(text, fact, _s(r["quote"])))
            dated(str(r["value"]), attack, "the attack", "attack", r, written)
        elif prop == KGO + "occurredAt":
            rows["Place"].add(article, Answer(_label(r, "value"), fact, _s(r["quote"])))
        elif prop == KGO + "target":
            rows["Target and occasion"].add(article, Answer(_label(r, "value"), fact, _s(r["quote"])))

    undated = 0
    for r in _rows("condemnations", params):
        undated += 1
        text = f"{_label(r, 'by')}" + (f": “{r['words']}”" if r["words"] is not None else "")
        rows["Condemned"].add(str(r["article"]), Answer(text, str(r["condemnation"]), _s(r["quote"])))
    for r in _rows("vows-of-retaliation", params):
        undated += 1
        text = _label(r, "by") + (f", threatening {_label(r, 'threatens')}" if r["threatens"] is not None else "")
        rows["Vowed retaliation"].add(str(r["article"]), Answer(text, str(r["vow"]), _s(r["quote"])))
    for r in _rows("responses", params):
        text = f"{_words(_local(r['kind']))} by {_label(r, 'by')}"
        if r["destination"] is not None:
            text += f" ({_label(r, 'destination')})"
        rows["Responses"].add(str(r["article"]), Answer(text, str(r["response"]), _s(r["quote"])))
        if r["date"] is not None:
            dated(str(r["date"]), str(r["response"]), text, "response", r, _s(r["dateAsWritten"]))
        else:
            undated += 1
    undated += sum(len(a) for q in ("Accused", "Denied", "Declined to comment") for a in rows[q].cells.values())
    dossier.undated = undated

    # every event the attack's articles date: the attack, the incidents tied to it, the background they give.
    # An event dated by several articles at different precisions (2020, 2020-01-03) is shown at its most
    # precise dates, with every wording that fits them; two different dates of that precision stay two items
    prior = {str(r["incident"]) for r in _rows("prior-incidents", params)}
    by_event: dict[str, list[dict[str, Node | None]]] = {}
    for r in _rows("dated-events", params):
        by_event.setdefault(str(r["event"]), []).append(r)
    for event, found in by_event.items():
        precision = max(len(str(r["date"])) for r in found)
        exact = sorted({str(r["date"]) for r in found if len(str(r["date"])) == precision})
        kind = "attack" if event in events else "prior incident" if event in prior else "background"
        for day in exact:
            fitting = [r for r in found if day.startswith(str(r["date"]))]
            first = next(r for r in fitting if str(r["date"]) == day)
            label = "the attack" if event == attack else _label(first, "event")
            dated(day, event, label, kind, first, _s(first["dateAsWritten"]))
            for r in fitting:
                dated(day, event, label, kind, r, _s(r["dateAsWritten"]))

    dossier.rows = [row for row in rows.values() if row.cells]
    facts = {a.fact for row in dossier.rows for answers in row.cells.values() for a in answers}
    mentioned = {article for row in dossier.rows for article in row.cells}

    # the sources: every article that answers a question, in the order of the articles query
    records = {
        (str(r["article"]), str(r["field"])): r["value"]
        for r in _rows("article-metadata")
        if str(r["article"]) in mentioned and str(r["field"]) in ("publisher", "url")
    }
    labels: dict[str, str] | None = None
    articles = _rows("articles")
    for r in articles:
        article = str(r["article"])
        if article not in mentioned:
            continue
        outlet = _s(r["publisherLabel"])
        if outlet is None and (article, "publisher") in records:
            if labels is None:
                labels = {str(e): n for e, n in engine.labels()}
            publisher = str(records[(article, "publisher")])
            outlet = labels.get(publisher, _local(URIRef(publisher)))
        date = _s(r["datePublished"])
        dossier.sources.append(Source(article, _s(r["title"]), outlet, date, _s(records.get((article, "url")))))
        if date is not None:
            dated(date, article, f"published: {_s(r['title']) or _local(r['article'])}", "article", {}, None)

    dossier.timeline = sorted(
        (
            TimelineItem(
                date=date,
                label=item["label"],
                iri=iri,
                kind=item["kind"],
                as_written=tuple(item["written"]),
                quote=item["quote"],
                article=item["article"],
            )
            for (date, iri), item in timeline.items()
        ),
        key=lambda t: (t.earliest, len(t.date), t.label, t.iri),
    )

    for r in _rows("source-disagreements", {"event": attack}):
        d = Disagreement(
            str(r["question"]),
            str(r["fact1"]),
            str(r["fact2"]),
            str(r["answer1"]),
            str(r["answer2"]),
            _s(r["article1"]),
            _s(r["article2"]),
        )
        dossier.label = dossier.label or _s(r["eventLabel"])
        if d.fact1 in facts or d.fact2 in facts:
            dossier.disagreements.append(d)
    for r in _rows("contradictions"):
        if str(r["statement1"]) in facts or str(r["statement2"]) in facts:
            dossier.disagreements.append(
                Disagreement(
                    "contradicts",
                    str(r["statement1"]),
                    str(r["statement2"]),
                    f"{_label(r, 'speaker1')} ({_local(r['kind1'])})",
                    f"{_label(r, 'speaker2')} ({_local(r['kind2'])})",
                    _s(r["article1"]),
                    _s(r["article2"]),
                )
            )
    _unstem(dossier, {str(r["article"]): _s(r["title"]) for r in articles})
    return dossier


STEM = re.compile(r"\barticle ([0-9A-Za-z]+_[0-9a-f]+)\b")


def _unstem(dossier: Dossier, titles: dict[str, str | None]) -> None:
    """Name articles by title, never by file stem, in the labels the graph gives its unnamed speakers
    ("unnamed publisher of article 001_159c...": "of this article" in that article's column, else its title)."""

    def named(text: str, here: str | None) -> str:
        def title(match: re.Match[str]) -> str:
            iri = iris.ARTICLE_NS + match.group(1)
            if iri == here:
                return "this article"
            found = titles.get(iri)
            return f"“{found}”" if found else match.group(0)

        return STEM.sub(title, text)

    for row in dossier.rows:
        for article, answers in row.cells.items():
            answers[:] = [dataclasses.replace(a, text=named(a.text, article)) for a in answers]
    dossier.figures = [
        dataclasses.replace(f, given_by_label=named(f.given_by_label, f.source)) if f.given_by_label else f
        for f in dossier.figures
    ]
    dossier.disagreements = [
        dataclasses.replace(d, answer1=named(d.answer1, d.article1), answer2=named(d.answer2, d.article2))
        for d in dossier.disagreements
    ]


def _group(groups: dict[str, dict[str, Any]], row: dict[str, Node | None], key: str, roles: Sequence[str]) -> None:
    """Gather the rows of one statement (one per speaker and agent named) into one: its article, first quote
    and hedge, and the labels of each role in the order met."""
    group = groups.setdefault(
        str(row[key]),
        {"article": str(row["article"]), "quote": _s(row["quote"]), "hedge": _s(row["hedge"])} | {r: [] for r in roles},
    )
    for role in roles:
        if row[role] is not None and (name := _label(row, role)) not in group[role]:
            group[role].append(name)


def _names(names: Sequence[str]) -> str:
    """Names joined for a sentence: "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def _words(local_name: str) -> str:
    """A class's local name as words: DayOfMourning -> day of mourning."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", local_name).lower()
