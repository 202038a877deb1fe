"""bench/draft_eval.py: the comparison of a draft with a curated annotation, the traps, the registry reduction
of the leave-one-out runs, and the command line with a stand-in drafter.

Every input is written here (a made-up article, its annotation and a small registry), so the tests do not
depend on the shipped corpus, and no test runs ``kg draft``: the drafting call is swapped for a stand-in.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("draft_eval", REPO / "bench" / "draft_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


de = _load()

TEXT = """The Islamic State claimed responsibility for the attack.

Twin blasts in Kerman on Wednesday killed at least 84 people, officials said.
The Islamic State claimed responsibility for the attack.
Daesh said its fighters killed and wounded more than 300 people.
The Israeli military declined to comment.
Iran declared a day of mourning.
The attack recalled the 2022 shrine attack.
"""

REGISTRY_YAML = """
kerman-bombings: {type: Attack, label: 2024 Kerman bombings}
kerman: {type: City, label: Kerman, aliases: [Kerman], located_in: iran}
iran: {type: [State, Country], label: Iran, aliases: [Iran]}
islamic-state: {type: ArmedGroup, label: Islamic State, aliases: [Islamic State, Daesh], other_names: [ISIL]}
israeli-military: {type: MilitaryUnit, label: Israeli military, aliases: [Israeli military]}
shrine-attack-2022: {type: Attack, label: 2022 attack on a Shia shrine in Iran}
"""

CURATED = """
article: a1.txt
entities:
  - id: officials
    type: Group
    label: officials (unnamed)
    quote: "officials said"
facts:
  - id: death-toll
    quote: "killed at least 84 people, officials said"
    casualties: {type: killed, of: kerman-bombings, figure: "at least 84", given_by: officials}
  - id: attack-basics
    quote: "Twin blasts in Kerman on Wednesday"
    relations:
      - [kerman-bombings, occurredAt, kerman]
      - [kerman-bombings, occurredOn, {date: 2024-01-03, as_written: "on Wednesday"}]
  - id: isis-claim
    quote: "The Islamic State claimed responsibility for the attack."
    statement: {type: ClaimOfResponsibility, by: islamic-state, about: kerman-bombings, attributes_to: islamic-state}
  - id: daesh-account
    quote: "Daesh said its fighters killed and wounded more than 300 people."
    statement: {type: Account, by: islamic-state, about: kerman-bombings}
  - id: claimed-casualties
    quote: "killed and wounded more than 300 people"
    casualties: {type: killed_and_injured, of: kerman-bombings, figure: "more than 300", given_by: islamic-state}
  - id: no-comment
    quote: "The Israeli military declined to comment."
    statement: {type: RefusalToComment, by: israeli-military, about: kerman-bombings}
  - id: mourning
    quote: "Iran declared a day of mourning."
    response: {type: DayOfMourning, by: iran, in_response_to: kerman-bombings}
  - id: prior
    quote: "The attack recalled the 2022 shrine attack."
    relations:
      - [kerman-bombings, relatedIncident, shrine-attack-2022]
"""

REGISTRY = de.load_yaml(REGISTRY_YAML)


def annotation(source: str, *, draft: bool) -> Any:
    return de.parse_annotation(de.load_yaml(source), TEXT, "a1", draft=draft)


def compare(draft_source: str, known: Any = None) -> Any:
    """The draft written as draft_source compared with CURATED (drafted against the whole test registry)."""
    return de.compare(
        annotation(draft_source, draft=True),
        annotation(CURATED, draft=False),
        registry=REGISTRY,
        known=set(REGISTRY) if known is None else known,
    )


def perturbed(old: str, new: str) -> str:
    assert CURATED.count(old) == 1, old
    return CURATED.replace(old, new)


def traps(comparison: Any) -> list[str]:
    return [t.trap for t in comparison.traps]


# ------------------------------------------------------------------------------- matching


def test_the_curated_file_as_its_own_draft_matches_everything() -> None:
    comparison = compare(CURATED)
    section = de.summarise("self", [comparison])
    # 3 statements, 2 figures, 1 response, 1 prior incident, 1 date, 1 other relation
    assert len(comparison.curated) == 9
    assert (section.overall.drafted, section.overall.curated, section.overall.matched) == (8, 8, 8)
    for group in ("statements", "casualty figures", "prior incidents", "dates", "responses", "other relations"):
        counts = section.groups[group]
        assert counts.curated > 0, group
        assert counts.precision == counts.recall == 1.0, group
    assert comparison.misses == [] and comparison.false_drafts == []
    assert comparison.traps == []
    assert section.links.accuracy == 1.0 and section.links.wrong_slot == section.links.wrong_entity == 0
    assert all(row["met"] for row in section.targets())


def test_a_changed_speaker_is_one_miss_and_one_false_draft() -> None:
    comparison = compare(
        perturbed(
            "by: islamic-state, about: kerman-bombings, attributes_to",
            "by: iran, about: kerman-bombings, attributes_to",
        )
    )
    assert [(m.fact_id, m.kind) for m in comparison.misses] == [("isis-claim", "statement:ClaimOfResponsibility")]
    assert [(f.fact_id, f.kind) for f in comparison.false_drafts] == [("isis-claim", "statement:ClaimOfResponsibility")]
    assert "by" in comparison.false_drafts[0].why
    statements = de.summarise("t", [comparison]).groups["statements"]
    assert (statements.drafted, statements.curated, statements.matched) == (3, 3, 2)
    assert comparison.traps == []


def test_speakers_need_one_in_common_and_about_is_not_a_key_slot() -> None:
    draft = perturbed(
        "by: islamic-state, about: kerman-bombings, attributes_to",
        "by: [iran, islamic-state], about: shrine-attack-2022, attributes_to",
    )
    assert compare(draft).misses == []


def test_accuses_and_attributes_to_are_compared_only_when_both_give_them() -> None:
    assert compare(perturbed("attributes_to: islamic-state}", "}")).misses == []
    # the curated account names no one it attributes the attack to: the draft's attributes_to is not compared
    assert (
        compare(
            perturbed("type: Account, by: islamic-state,", "type: Account, attributes_to: iran, by: islamic-state,")
        ).misses
        == []
    )
    changed = compare(perturbed("attributes_to: islamic-state}", "attributes_to: iran}"))
    assert [m.fact_id for m in changed.misses] == ["isis-claim"]


def test_quotes_must_overlap_and_occurrence_picks_the_passage() -> None:
    assert de.quote_spans("a b a b", "a b", 2)[0] == [(4, 7)]
    assert de.quote_spans("a b a b", [{"text": "a b", "occurrence": 2}, "b a"])[0] == [(4, 7), (2, 5)]
    # the claim's sentence is printed twice; the curated quote is its first occurrence
    second = perturbed(
        'quote: "The Islamic State claimed responsibility for the attack."',
        'quote: "The Islamic State claimed responsibility for the attack."\n    occurrence: 2',
    )
    comparison = compare(second)
    assert [m.fact_id for m in comparison.misses] == ["isis-claim"]
    assert comparison.false_drafts[0].why == "no curated fact at this passage"


def test_a_second_draft_of_a_matched_fact_is_a_duplicate() -> None:
    draft = CURATED + (
        "  - id: isis-claim-again\n"
        '    quote: "The Islamic State claimed responsibility"\n'
        "    statement: {type: ClaimOfResponsibility, by: islamic-state}\n"
    )
    comparison = compare(draft)
    assert comparison.misses == []
    assert [(f.fact_id, f.why.split(":")[0]) for f in comparison.false_drafts] == [("isis-claim-again", "duplicate")]


def test_figures_compare_count_qualifier_and_event() -> None:
    assert de.read_figure("at least 84") == (84, "atLeast")
    assert de.read_figure("more than a hundred") == (100, "moreThan")
    assert de.read_figure("1,200") == (1200, "exactly")
    assert de.read_figure("dozens") == (None, None)
    comparison = compare(perturbed('figure: "at least 84", given_by: officials', 'figure: "84", qualifier: atLeast'))
    assert comparison.misses == []


def test_the_figure_reader_reads_as_the_build_does() -> None:
    from kg.curation.figures import parse_figure

    for figure in ("at least 84", "103", "nearly 100", "more than a hundred", "over 1,000", "about twenty", "some 50"):
        parsed = parse_figure(figure)
        assert de.read_figure(figure) == (parsed.count, parsed.qualifier), figure


def test_dates_compare_the_iso_date_and_prior_incidents_the_earlier_incident() -> None:
    comparison = compare(perturbed("{date: 2024-01-03,", "{date: 2024-01-04,"))
    assert [m.kind for m in comparison.misses] == ["date"]
    comparison = compare(perturbed("[kerman-bombings, relatedIncident", "[iran, relatedIncident"))
    assert comparison.misses == []  # the subject is not a key slot of a prior incident


# ------------------------------------------------------------------------------------ traps


def test_a_refusal_drafted_as_a_denial_is_a_trap() -> None:
    comparison = compare(perturbed("type: RefusalToComment", "type: Denial"))
    assert traps(comparison) == ["refusal-as-denial"]
    assert [f.kind for f in comparison.false_drafts] == ["statement:Denial"]


def test_a_figure_drafted_without_its_qualifier_is_a_trap() -> None:
    comparison = compare(perturbed('figure: "at least 84"', 'figure: "84"'))
    assert traps(comparison) == ["qualifier-dropped"]
    assert [m.fact_id for m in comparison.misses] == ["death-toll"]


def test_a_combined_figure_drafted_as_a_death_toll_is_a_trap() -> None:
    comparison = compare(perturbed("type: killed_and_injured", "type: killed"))
    assert traps(comparison) == ["combined-as-killed"]


def test_a_claimants_words_drafted_in_the_articles_voice_are_a_trap() -> None:
    as_relation = CURATED + (
        "  - id: isis-did-it\n"
        '    quote: "Daesh said its fighters killed"\n'
        "    relations:\n"
        "      - [kerman-bombings, carriedOutBy, islamic-state]\n"
    )
    assert traps(compare(as_relation)) == ["claim-as-article-voice"]
    # matched on count, qualifier and event, but given in the article's own voice
    as_own_figure = perturbed(
        'figure: "more than 300", given_by: islamic-state', 'figure: "more than 300", given_by: publisher'
    )
    comparison = compare(as_own_figure)
    assert comparison.misses == [] and traps(comparison) == ["claim-as-article-voice"]
    # a relation the article states itself, in the same sentence as someone's statement, is no trap
    own = CURATED + (
        "  - id: blasts-in-kerman\n"
        '    quote: "Twin blasts in Kerman on Wednesday killed at least 84 people"\n'
        "    relations:\n"
        "      - [kerman-bombings, target, kerman]\n"
    )
    assert traps(compare(own)) == []


# ----------------------------------------------------------------------------- entity links


def test_a_local_entity_named_like_a_removed_registry_entity_matches_it() -> None:
    draft = perturbed(
        "by: islamic-state, about: kerman-bombings, attributes_to: islamic-state}",
        "by: new-group, about: kerman-bombings, attributes_to: new-group}",
    ).replace(
        "facts:",
        '  - {id: new-group, type: ArmedGroup, label: daesh, quote: "Daesh", review: draft}\nfacts:',
    )
    comparison = compare(draft, known=set(REGISTRY) - {"islamic-state"})
    assert comparison.misses == [] and comparison.false_drafts == []
    assert comparison.new_entities == {"islamic-state": True}


def test_a_local_entity_matches_a_curated_local_entity_by_name_or_quote() -> None:
    curated = annotation(CURATED, draft=False)
    draft = annotation(
        """
entities:
  - {id: other-words, type: Group, label: the officials who said it, quote: "people, officials"}
  - {id: same-label, type: Group, label: Officials (unnamed), quote: "Iran declared"}
  - {id: elsewhere, type: Group, label: mourners, quote: "a day of mourning"}
facts: []
""",
        draft=True,
    )
    resolver = de.Resolver(REGISTRY, None, curated.locals, draft.locals)
    assert "local:officials" in resolver.drafted("other-words")
    assert "local:officials" in resolver.drafted("same-label")
    assert "local:officials" not in resolver.drafted("elsewhere")
    assert resolver.curated("officials") == {"local:officials"}
    assert resolver.drafted("publisher") == resolver.curated("publisher") == {"publisher"}
    with_outlet = de.Resolver(REGISTRY, "today-it", curated.locals, draft.locals)
    assert with_outlet.drafted("today-it") & with_outlet.curated("publisher")


def test_entity_links_in_another_slot_or_with_another_entity_are_wrong() -> None:
    draft = perturbed(
        "statement: {type: ClaimOfResponsibility, by: islamic-state, about: kerman-bombings,",
        "statement: {type: ClaimOfResponsibility, by: islamic-state, about: islamic-state, channel: iran,",
    ).replace("in_response_to: kerman-bombings}", "in_response_to: shrine-attack-2022}")
    comparison = compare(draft)
    assert comparison.misses == []
    links = comparison.links
    assert (links.wrong_slot, links.wrong_entity, links.unconfirmed) == (1, 1, 1)
    assert links.correct + links.wrong_slot + links.wrong_entity == links.judged
    assert links.accuracy == pytest.approx(links.correct / links.judged)
    assert sorted(f.why.split(",")[0] for f in links.wrong) == [
        "islamic-state in about",
        "shrine-attack-2022 in in_response_to",
    ]


def test_only_entities_of_the_reduced_registry_are_judged() -> None:
    full = compare(CURATED).links
    reduced = compare(CURATED, known=set(REGISTRY) - {"kerman-bombings"}).links
    assert reduced.judged < full.judged and reduced.accuracy == 1.0


def test_unreadable_drafted_facts_are_listed_not_raised() -> None:
    draft = CURATED + "  - id: broken\n    quote: x\n    statement: {by: iran}\n  - just a string\n"
    comparison = compare(draft)
    assert sorted(f.fact_id for f in comparison.unreadable) == ["#10", "broken"]
    assert comparison.misses == []


def test_rejected_drafts_are_left_out() -> None:
    draft = perturbed("  - id: mourning\n", "  - id: mourning\n    review: rejected\n")
    assert [m.fact_id for m in compare(draft).misses] == ["mourning"]


# ----------------------------------------------------------------------- registry reduction


def test_the_registry_loses_what_only_the_left_out_article_introduced() -> None:
    registry = de.load_yaml(
        """
only-a: {type: Person, label: Only A, aliases: [Only A]}
shared: {type: Group, label: Shared, aliases: [Shared Name, Odd Spelling]}
outlet: {type: MediaOutlet, label: Outlet}
city: {type: City, label: City, located_in: country}
country: {type: Country, label: Country}
unused: {type: Person, label: Unused}
"""
    )
    article_a = de.load_yaml(
        """
facts:
  - id: f
    quote: q
    statement: {type: Assessment, by: only-a, about: shared, date: {date: 2024, as_written: x, relative_to: country}}
"""
    )
    article_b = de.load_yaml(
        """
facts:
  - id: g
    quote: q
    relations:
      - [shared, basedIn, city]
      - [shared, a, Group]
"""
    )
    meta_b = de.load_yaml("publisher: {entity: outlet}")
    assert {"only-a", "shared", "country"} <= de.referenced_ids(article_a)
    texts_of_others = ["Shared Name met someone else.", "An Odd Spellingly long word."]
    reduction = de.reduce_registry(registry, de.referenced_ids(article_b, meta_b), texts_of_others)
    # only-a: only A references it; unused: nobody does; shared (B) and outlet (B's publisher) stay;
    # country stays because city, which B references, is located in it
    assert reduction.removed_entities == ["only-a", "unused"]
    assert list(reduction.registry) == ["shared", "outlet", "city", "country"]
    assert reduction.registry["shared"]["aliases"] == ["Shared Name"]
    assert reduction.removed_aliases == [("shared", "Odd Spelling")]
    assert reduction.registry["city"]["located_in"] == "country"


def test_located_in_naming_a_removed_entity_is_dropped() -> None:
    registry = de.load_yaml("a: {type: City, label: A, located_in: [b, c]}\nb: {type: Country, label: B}\n")
    reduction = de.reduce_registry(registry, {"a"}, [])
    assert reduction.registry["a"]["located_in"] == ["b"]


# ----------------------------------------------------------------------------- command line


def _corpus(root: Path) -> Path:
    """A corpus of two articles: a1 (the test article) and a2, which mentions Iran and the Islamic State."""
    articles = root / "articles"
    articles.mkdir(parents=True)
    (root / "entities.yaml").write_text(REGISTRY_YAML, encoding="utf-8")
    (root / "wikidata.tsv").write_text("# label\tqid\tnote\n", encoding="utf-8")
    (articles / "a1.txt").write_text(TEXT, encoding="utf-8")
    (articles / "a1.meta.yaml").write_text("file: a1.txt\n", encoding="utf-8")
    (articles / "a1.facts.yaml").write_text(CURATED, encoding="utf-8")
    text2 = "Iran blamed the Islamic State for the attack in Kerman.\n"
    facts2 = """
article: a2.txt
facts:
  - id: blame
    quote: "Iran blamed the Islamic State for the attack"
    statement: {type: Accusation, by: iran, accuses: islamic-state, about: kerman-bombings}
  - id: where
    quote: "the attack in Kerman"
    relations:
      - [kerman-bombings, occurredAt, kerman]
"""
    (articles / "a2.txt").write_text(text2, encoding="utf-8")
    (articles / "a2.meta.yaml").write_text("file: a2.txt\n", encoding="utf-8")
    (articles / "a2.facts.yaml").write_text(facts2, encoding="utf-8")
    return root


def test_leave_one_out_drafts_each_article_against_the_others(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    seen: dict[str, tuple[list[str], list[str]]] = {}

    def stand_in(job: Any) -> Any:
        registry = de.load_yaml_file(job.corpus / "entities.yaml")
        seen[job.text.name] = (sorted(registry), sorted(p.name for p in (job.corpus / "articles").iterdir()))
        assert job.meta.is_file() and job.text.parent != corpus / "articles"
        return de.curated_as_draft(job)

    out = tmp_path / "figures.json"
    assert de.main(["--corpus", str(corpus), "--json", str(out)], drafter=stand_in) == 0
    registry_for_a1, articles_for_a1 = seen["a1.txt"]
    assert not any(name.startswith("a1.") for name in articles_for_a1)
    # a2 mentions neither Israel's military nor the 2022 shrine attack
    assert "israeli-military" not in registry_for_a1 and "shrine-attack-2022" not in registry_for_a1
    assert {"iran", "islamic-state", "kerman", "kerman-bombings"} <= set(registry_for_a1)
    data = json.loads(out.read_text(encoding="utf-8"))
    section = data["sections"]["leave-one-out"]
    assert section["overall"]["precision"] == section["overall"]["recall"] == 1.0
    assert section["trap_errors"] == 0
    assert {a["stem"]: a["ok"] for a in data["articles"]} == {"a1": True, "a2": True}
    assert sorted(p.name for p in (corpus / "articles").iterdir()) == sorted(
        f"{s}.{e}" for s in ("a1", "a2") for e in ("txt", "meta.yaml", "facts.yaml")
    )


def test_unseen_articles_are_drafted_against_the_whole_registry(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    unseen = tmp_path / "unseen"
    unseen.mkdir()
    shutil.move(corpus / "articles" / "a1.txt", unseen / "a1.txt")
    shutil.move(corpus / "articles" / "a1.meta.yaml", unseen / "a1.meta.yaml")
    shutil.move(corpus / "articles" / "a1.facts.yaml", unseen / "a1.facts.yaml")
    (unseen / "entities.yaml").write_text("new-outlet: {type: MediaOutlet, label: New Outlet}\n", encoding="utf-8")
    registries: dict[str, list[str]] = {}

    def stand_in(job: Any) -> Any:
        registries[job.text.name] = sorted(de.load_yaml_file(job.corpus / "entities.yaml"))
        return de.curated_as_draft(job)

    out = tmp_path / "figures.json"
    assert de.main(["--corpus", str(corpus), "--articles", str(unseen), "--json", str(out)], drafter=stand_in) == 0
    assert {"israeli-military", "new-outlet"} <= set(registries["a1.txt"])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["sections"]) == {"leave-one-out", "unseen"}
    assert data["sections"]["unseen"]["compared_curated_units"] == 9


def test_the_script_fails_when_it_compared_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _corpus(tmp_path / "corpus")

    def broken(job: Any) -> Any:
        return de.DraftRun(False, error="no drafter")

    assert de.main(["--corpus", str(corpus)], drafter=broken) == 1
    assert "FAILED: no drafter" in capsys.readouterr().out
    assert de.main(["--corpus", str(corpus), "--min-facts", "1000"], drafter=de.curated_as_draft) == 1
    assert de.main(["--corpus", str(corpus), "--min-facts", "11"], drafter=de.curated_as_draft) == 0
    assert de.main(["--corpus", str(tmp_path / "missing")], drafter=de.curated_as_draft) == 2


def test_falling_short_of_the_targets_is_reported_not_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path / "corpus")

    def refusal_as_denial(job: Any) -> Any:
        source = job.curated.read_text(encoding="utf-8").replace("type: RefusalToComment", "type: Denial")
        job.out.write_text(source, encoding="utf-8")
        return de.DraftRun(True)

    assert de.main(["--corpus", str(corpus)], drafter=refusal_as_denial) == 0
    printed = capsys.readouterr().out
    assert "trap errors: 1  target 0 NOT met" in printed
    assert "refusal-as-denial: a1 no-comment" in printed
