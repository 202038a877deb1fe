"""Drafting statements and finding their speakers, on sentences written for these tests.

The registry below is fictional (an attack at a market in Zenda, the states Ruritania and Borduria,
a few people, outlets and channels) and the sentences are written for the tests, so nothing here
depends on the shipped corpus. Every test also checks what every draft must satisfy: its quote is the
article's text at its offset, and every text field lies inside its quote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.curation.registry import Entity
from kg.drafting.analysis import Analysis, analyse
from kg.drafting.model import PUBLISHER, DraftFact
from kg.drafting.speakers import speaker as speakers
from kg.drafting.speakers.attribution import UNRESOLVED
from kg.drafting.statements import drafter as statements
from kg.rdf import iris
from kg.rdf.namespaces import KGO

TEXT_FIELDS = ("words", "hedge", "method_as_written", "title")


def _entity(slug: str, types: list[str], label: str, aliases: list[str], located_in: str | None = None) -> Entity:
    return Entity(
        slug=slug,
        iri=iris.entity(slug),
        types=[KGO[t] for t in types],
        label=label,
        file=Path("entities.yaml"),
        line=1,
        aliases=aliases,
        located_in=[(located_in, 1)] if located_in else [],
    )


REGISTRY = {
    e.slug: e
    for e in [
        _entity("market-bombing", ["Attack"], "2031 Zenda market bombing", ["market bombing"]),
        _entity("depot-attack-2029", ["Attack"], "2029 attack on the Zenda fuel depot", ["depot attack"]),
        _entity("black-banner", ["ArmedGroup"], "Black Banner Brigade", ["Black Banner Brigade", "BBB"]),
        _entity("ruritania", ["State", "Country"], "Ruritania", ["Ruritania"]),
        _entity("borduria", ["State", "Country"], "Borduria", ["Borduria"]),
        _entity("zenda", ["City"], "Zenda", ["Zenda"], located_in="ruritania"),
        _entity("ruritanian-military", ["MilitaryUnit"], "Ruritanian military", ["Ruritanian military"]),
        _entity("bordurian-government", ["Government"], "Government of Borduria", ["Bordurian government"]),
        _entity("interior-minister", ["Person"], "Ruritania's interior minister (not named)", []),
        _entity("jan-kowal", ["Person"], "Jan Kowal", ["Jan Kowal", "Kowal"]),
        _entity("lena-marsh", ["Person"], "Lena Marsh", ["Lena Marsh"]),
        _entity("peace-institute", ["ResearchInstitution"], "Harbour Peace Institute", ["Harbour Peace Institute"]),
        _entity("security-council", ["InternationalBody"], "Security Council", ["Security Council"]),
        _entity("state-tv", ["MediaOutlet"], "Ruritanian state television", ["State TV"]),
        _entity("banner-news", ["MediaOutlet"], "Banner News", ["Banner News"]),
        _entity("telegram", ["Channel"], "Telegram", ["Telegram"]),
        _entity("mountain-front", ["ArmedGroup"], "Mountain Front", ["Mountain Front"]),
    ]
}
#: opens most test articles, so that the article's main attack is the market bombing
LEAD = "The market bombing in Zenda killed dozens of shoppers on Friday.\n\n"


def read(text: str) -> Analysis:
    return analyse(text, REGISTRY)


def draft(text: str) -> list[DraftFact]:
    """The statements drafted from a text, each checked to be grounded in it."""
    facts = statements.extract(read(text))
    for fact in facts:
        assert text[fact.start : fact.start + len(fact.quote)] == fact.quote, fact
        assert fact.kind == "statement" and 0 < fact.confidence <= 1
        for key in TEXT_FIELDS:
            values = fact.body.get(key, [])
            for value in values if isinstance(values, list) else [values]:
                assert value and value in fact.quote, (key, value, fact.quote)
        for mention in fact.new_entities:
            assert text[mention.start : mention.end] == mention.text and not mention.known
    return facts


def typed(facts: list[DraftFact], kind: str) -> list[dict[str, Any]]:
    return [f.body for f in facts if f.body["type"] == kind]


def only(facts: list[DraftFact], kind: str) -> dict[str, Any]:
    bodies = typed(facts, kind)
    assert len(bodies) == 1, [f.body for f in facts]
    return bodies[0]


def values(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    return value if isinstance(value, list) else [value]


# ----------------------------------------------------------------------------- claims


def test_a_claim_of_responsibility_with_its_channel_title_and_method() -> None:
    facts = draft(
        LEAD + "The Black Banner Brigade claimed responsibility for the attack in a statement on Telegram titled "
        "“Fire on the Square,” saying two suicide bombers had carried it out."
    )
    claim = only(facts, "ClaimOfResponsibility")
    assert claim["by"] == "black-banner" and claim["attributes_to"] == "black-banner"
    assert claim["about"] == "market-bombing" and claim["channel"] == "telegram"
    assert claim["title"] == "Fire on the Square" and claim["attack_type"] == "SuicideBombing"
    assert "suicide bombers" in claim["method_as_written"]
    assert not typed(facts, "MethodAccount"), "the claimant's method stays in the claim"


@pytest.mark.parametrize(
    "sentence",
    [
        "BBB took credit for the market bombing.",
        "The Black Banner Brigade said it carried out the attack.",
        "The Black Banner Brigade has claimed responsibility for the market bombing.",
    ],
)
def test_claim_cues(sentence: str) -> None:
    claim = only(draft(LEAD + sentence), "ClaimOfResponsibility")
    assert claim["by"] == "black-banner" and claim["about"] == "market-bombing"


@pytest.mark.parametrize(
    "sentence",
    [
        "No group has claimed responsibility for the attack.",
        "The Black Banner Brigade has not claimed responsibility for the attack.",
        "It remains unknown who claimed responsibility for the attack.",
    ],
)
def test_no_claim_without_a_claimant(sentence: str) -> None:
    assert not typed(draft(LEAD + sentence), "ClaimOfResponsibility")


def test_one_claim_per_claimant_taken_from_the_passage_that_says_most() -> None:
    text = (
        "Black Banner Brigade claims responsibility for Zenda market bombing\n\n"
        + LEAD
        + "According to a Black Banner Brigade statement, two suicide bombers blew themselves up among the crowd."
    )
    facts = draft(text)
    claim = only(facts, "ClaimOfResponsibility")
    assert claim["attack_type"] == "SuicideBombing" and claim["by"] == "black-banner"
    assert [f.quote for f in facts if f.body["type"] == "ClaimOfResponsibility"][0].startswith("According to")
    assert not typed(facts, "MethodAccount")


def test_a_claim_of_an_earlier_incident_is_not_about_the_attack() -> None:
    facts = draft(LEAD + "The Black Banner Brigade previously claimed responsibility for an attack on a bus in 2027.")
    (fact,) = [f for f in facts if f.body["type"] == "ClaimOfResponsibility"]
    assert fact.body["about"] != "market-bombing"
    assert [m.types for m in fact.new_entities] == [("Attack",)], "the earlier incident is a new article-local attack"


# ----------------------------------------------------------------------------- refusals and denials


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The Ruritanian military declined to comment on the accusations.", "ruritanian-military"),
        ("Ruritania's military declined to comment.", "ruritanian-military"),
        ("Borduria did not comment on the attack.", "borduria"),
        ("The Bordurian government refused to comment when asked whether it had denied any involvement.", None),
    ],
)
def test_declining_to_comment_is_a_refusal_never_a_denial(sentence: str, speaker: str | None) -> None:
    facts = draft(LEAD + sentence)
    refusal = only(facts, "RefusalToComment")
    assert refusal["by"] == (speaker or "bordurian-government")
    assert "denies_involvement_of" not in refusal
    assert not typed(facts, "Denial")


def test_a_silence_noted_by_the_article_is_not_a_refusal() -> None:
    facts = draft(LEAD + "Borduria has not yet commented on the claim.")
    assert not typed(facts, "RefusalToComment")
    assert only(facts, "Assessment")["by"] == PUBLISHER


@pytest.mark.parametrize(
    ("sentence", "denied"),
    [
        ("The Bordurian government denied any involvement in the bombing.", ["bordurian-government"]),
        ("Borduria rejected the accusation that Ruritania was responsible for the attack.", ["ruritania"]),
        ("The Bordurian government said it had no role in the attack.", ["bordurian-government"]),
        ("Borduria said there was no role for Ruritania in the attack.", ["ruritania"]),
    ],
)
def test_a_denial_names_whose_involvement_it_denies(sentence: str, denied: list[str]) -> None:
    denial = only(draft(LEAD + sentence), "Denial")
    assert values(denial, "denies_involvement_of") == denied
    assert denial["about"] == "market-bombing"


def test_a_denial_of_a_report_answers_the_report_and_denies_no_ones_involvement() -> None:
    facts = draft(LEAD + "A police commander in Zenda denied State TV reports of a shooting near the port.")
    denial = only(facts, "Denial")
    account = only(facts, "Account")
    assert "denies_involvement_of" not in denial and denial.get("about") != "market-bombing"
    assert account["by"] == "state-tv"
    (report,) = [f for f in facts if f.body["type"] == "Account"]
    assert denial["answers"] == report.name, "the denial answers the account of the report"
    (fact,) = [f for f in facts if f.body["type"] == "Denial"]
    assert [m.text for m in fact.new_entities] == ["police commander in Zenda"]


def test_a_denial_of_a_report_from_no_one_is_not_drafted() -> None:
    assert not typed(draft(LEAD + "A police commander denied reports of a shooting near the port."), "Denial")


def test_a_denial_by_the_article_itself_is_not_a_denial() -> None:
    assert not typed(draft(LEAD + "There was no role for Borduria in the attack."), "Denial")


# ----------------------------------------------------------------------------- accusations and vows


@pytest.mark.parametrize(
    ("sentence", "speaker", "accused"),
    [
        ("Jan Kowal blamed Borduria for the attack.", ["jan-kowal"], ["borduria"]),
        ("Jan Kowal held Borduria responsible for the bombing.", ["jan-kowal"], ["borduria"]),
        ("Zenda accused Borduria of sheltering the bombers.", ["ruritania"], ["borduria"]),
        ("Ruritania was quick to point the finger at Borduria.", ["ruritania"], ["borduria"]),
        ("Accusations were made against Borduria by Jan Kowal.", ["jan-kowal"], ["borduria"]),
    ],
)
def test_accusations(sentence: str, speaker: list[str], accused: list[str]) -> None:
    accusation = only(draft(LEAD + sentence), "Accusation")
    assert values(accusation, "by") == speaker and values(accusation, "accuses") == accused


def test_a_suggested_involvement_is_an_accusation_with_its_hedge() -> None:
    accusation = only(
        draft(LEAD + "Jan Kowal and his advisers suggested that Borduria and the BBB were involved in the attack."),
        "Accusation",
    )
    assert values(accusation, "by") == ["jan-kowal", "his-advisers"]
    assert values(accusation, "accuses") == ["borduria", "black-banner"]
    assert accusation["hedge"] == "suggested"


def test_an_accused_the_registry_does_not_name_is_a_new_group() -> None:
    facts = draft(LEAD + "The Bordurian government blamed the attack on “foreign mercenaries”.")
    (fact,) = [f for f in facts if f.body["type"] == "Accusation"]
    assert fact.body["accuses"] == "foreign-mercenaries" and fact.body["words"] == "foreign mercenaries"
    assert [m.types for m in fact.new_entities] == [("Group",)]


def test_vows_and_a_pronoun_in_the_same_paragraph() -> None:
    facts = draft(
        LEAD + "President Jan Kowal vowed revenge for the bombing. He also warned Borduria of severe consequences."
    )
    vows = typed(facts, "VowOfRetaliation")
    assert [v["by"] for v in vows] == ["jan-kowal", "jan-kowal"]
    assert vows[1]["threatens"] == "borduria"
    pronoun = [f for f in facts if f.quote.startswith("He")][0]
    plain = [f for f in facts if f.quote.startswith("President")][0]
    assert pronoun.confidence < plain.confidence, "a speaker found through a pronoun is less sure"


def test_a_pronoun_with_no_person_before_it_in_the_paragraph_speaks_for_no_one() -> None:
    text = LEAD + "Jan Kowal visited the site.\n\nHe warned Borduria of severe consequences."
    assert not typed(draft(text), "VowOfRetaliation")


def test_retaliation_announced_by_a_named_speaker() -> None:
    vow = only(draft(LEAD + "Jan Kowal stated that a harsh response would follow the attack."), "VowOfRetaliation")
    assert vow["by"] == "jan-kowal"


def test_condemnation_and_call_to_action() -> None:
    facts = draft(
        LEAD + "The Security Council condemned the attack as a “cowardly act of terror”. "
        "The Bordurian government urged Ruritania to stop its accusations."
    )
    condemnation = only(facts, "Condemnation")
    assert condemnation["by"] == "security-council" and condemnation["words"] == "cowardly act of terror"
    assert only(facts, "CallToAction")["by"] == "bordurian-government"


def test_called_for_protests_is_left_to_the_response_rules() -> None:
    assert not typed(draft(LEAD + "Ruritania called for mass protests after the attack."), "CallToAction")


# ----------------------------------------------------------------------------- assessments and accounts


def test_an_analysts_judgement_keeps_its_hedge() -> None:
    assessment = only(
        draft(
            LEAD
            + "Lena Marsh, an analyst at the Harbour Peace Institute, said the BBB could be involved in the attack."
        ),
        "Assessment",
    )
    assert assessment["by"] == "lena-marsh" and assessment["attributes_to"] == "black-banner"
    assert assessment["hedge"] == "could be involved" and assessment["about"] == "market-bombing"


def test_analysts_are_a_new_group() -> None:
    facts = draft(LEAD + "Analysts said the blast was likely the work of the Black Banner Brigade.")
    (fact,) = [f for f in facts if f.body["type"] == "Assessment"]
    assert fact.body["by"] == "analysts" and fact.body["attributes_to"] == "black-banner"
    assert fact.body["hedge"] == "likely"
    assert [(m.text, m.types) for m in fact.new_entities] == [("Analysts", ("Group",))]


def test_the_article_judges_in_its_own_voice_only_when_nothing_attributes_it() -> None:
    own = only(draft(LEAD + "The attack bore the hallmarks of the Black Banner Brigade."), "Assessment")
    assert own["by"] == PUBLISHER and own["attributes_to"] == "black-banner"
    assert not draft(LEAD + "It was reported that the BBB could be involved in the attack.")
    assert not draft(LEAD + "They said the attack bore the hallmarks of the Black Banner Brigade.")


def test_reported_speech_running_on_is_not_the_articles_own() -> None:
    text = LEAD + "According to Banner News, the fighters came from the north. The bomb was placed inside a car."
    assert not [f for f in draft(text) if f.body["by"] == PUBLISHER]


@pytest.mark.parametrize(
    ("sentence", "hedge"),
    [
        ("Officials said the bomb was reportedly placed inside a car.", "reportedly"),
        ("Banner News suggested that the bomb was placed inside a car.", "suggested"),
        ("Banner News said the device was possibly detonated remotely.", "possibly"),
    ],
)
def test_method_accounts_keep_their_hedges(sentence: str, hedge: str) -> None:
    method = only(draft(LEAD + sentence), "MethodAccount")
    assert method["attack_type"] == "RemoteDetonatedBombing" and hedge in values(method, "hedge")


def test_an_unnamed_source_is_a_new_person_and_its_outlet_the_channel() -> None:
    facts = draft(LEAD + "According to an unnamed source cited by State TV, the bomb was detonated remotely.")
    (fact,) = [f for f in facts if f.body["type"] == "MethodAccount"]
    assert fact.body["channel"] == "state-tv" and fact.body["attack_type"] == "RemoteDetonatedBombing"
    assert [(m.text, m.types) for m in fact.new_entities] == [("unnamed source cited by State TV", ("Person",))]
    assert fact.body["by"] == fact.new_entities[0].entity


def test_a_negated_method_is_not_the_method() -> None:
    method = only(
        draft(LEAD + "Banner News said the blast was caused by a car bomb rather than by a suicide bomber."),
        "MethodAccount",
    )
    assert method["attack_type"] == "RemoteDetonatedBombing"


def test_accounts() -> None:
    facts = draft(
        LEAD + "State TV aired footage of crowds gathering at the market. "
        "Ruritania's interior minister said the explosions happened minutes apart."
    )
    accounts = typed(facts, "Account")
    assert [a["by"] for a in accounts] == ["state-tv", "interior-minister"]


def test_an_unknown_name_as_speaker_is_a_new_entity() -> None:
    facts = draft(LEAD + "Viktor Hale, a spokesman for the Bordurian government, denied any involvement in the attack.")
    (fact,) = [f for f in facts if f.body["type"] == "Denial"]
    assert fact.body["by"] == "viktor-hale" and [m.text for m in fact.new_entities] == ["Viktor Hale"]


def test_a_spokesman_for_a_body_is_a_new_person() -> None:
    facts = draft(
        LEAD + "Jan Kowal blamed the Bordurian government for the attack. "
        "A spokesman for the Bordurian government rejected the accusations."
    )
    (fact,) = [f for f in facts if f.body["type"] == "Denial"]
    assert fact.body["by"] == "spokesman-for-the-bordurian-government"
    assert fact.body["denies_involvement_of"] == "bordurian-government"
    assert [(m.text, m.types) for m in fact.new_entities] == [("spokesman for the Bordurian government", ("Person",))]


def test_every_drafted_quote_and_text_field_is_grounded() -> None:
    text = (
        "BBB claims Zenda bombing\n\n"
        + LEAD
        + "The Black Banner Brigade claimed responsibility on Telegram, saying “our brothers struck the market”. "
        "Jan Kowal blamed Borduria, while the Bordurian government denied any involvement in the attack.\n\n"
        "Lena Marsh said the attack was consistent with earlier BBB operations; analysts and a Ruritanian "
        "official speculated that the bombers may have been trained abroad.\n\n"
        "The Ruritanian military declined to comment. Banner News said the bomb was possibly placed inside a car."
    )
    facts = draft(text)  # draft() checks every quote and text field
    kinds = {f.body["type"] for f in facts}
    assert {"ClaimOfResponsibility", "Accusation", "Denial", "Assessment", "RefusalToComment"} <= kinds
    denial = only(facts, "Denial")
    assert denial["by"] == "bordurian-government", "a clause after ', while' has its own speaker"


def test_a_branch_named_after_its_owner_is_not_widened_to_the_whole_group() -> None:
    facts = draft(
        LEAD + "Analysts said the attack bore the hallmarks of the Black Banner Brigade's northern wing, the "
        "Mountain Front."
    )
    assert only(facts, "Assessment")["attributes_to"] == "mountain-front"
    (fact,) = draft(LEAD + "Lena Marsh said BBB-North could be involved in the attack.")
    assert fact.body["attributes_to"] == "bbb-north" and [m.text for m in fact.new_entities] == ["BBB-North"]


def test_a_name_the_text_declares_is_the_same_agent() -> None:
    text = (
        LEAD
        + "The Black Banner Brigade, also known as Al-Rayah, operates in the hills.\n\nAl-Rayah claimed the attack."
    )
    assert only(draft(text), "ClaimOfResponsibility")["by"] == "black-banner"


def test_a_person_named_by_office_and_name_is_a_new_person_with_the_name_as_written() -> None:
    facts = draft(LEAD + "Supreme Leader Ayatollah Qassemi vowed revenge for the bombing.")
    (fact,) = facts
    assert fact.body["by"] == "ayatollah-qassemi"
    assert [(m.text, m.types) for m in fact.new_entities] == [("Ayatollah Qassemi", ("Person",))]


def test_a_denied_involvement_named_by_a_nationality() -> None:
    denial = only(
        draft(LEAD + "A Bordurian Foreign Ministry spokesman denied any Ruritanian involvement in the attack."),
        "Denial",
    )
    assert denial["denies_involvement_of"] == "ruritania"


def test_one_statement_said_in_two_sentences_is_one_fact_quoted_across_both() -> None:
    text = LEAD + "Accusations were made against Borduria by Jan Kowal. He held Borduria responsible for the attack."
    (fact,) = [f for f in draft(text) if f.body["type"] == "Accusation"]
    assert (
        fact.quote
        == "Accusations were made against Borduria by Jan Kowal. He held Borduria responsible for the attack."
    )


def test_two_speakers_of_one_type_in_a_sentence_keep_apart_quotes() -> None:
    facts = draft(
        LEAD + "The nature of the blasts differs between Banner News and State TV, with the former suggesting suicide "
        "bombers and the latter proposing a car bomb."
    )
    first, second = [f for f in facts if f.body["type"] == "MethodAccount"]
    assert (first.body["by"], first.body["attack_type"]) == ("banner-news", "SuicideBombing")
    assert (second.body["by"], second.body["attack_type"]) == ("state-tv", "RemoteDetonatedBombing")
    assert first.start + len(first.quote) <= second.start, "the writer keeps one of two overlapping drafts of a type"
    assert first.body["hedge"] == "suggesting" and second.body["hedge"] == "proposing"


# ----------------------------------------------------------------------------- speakers directly


def _cue(text: str, cue: str) -> tuple[Analysis, Any, int, int]:
    analysis = read(text)
    start = text.index(cue)
    return analysis, analysis.sentence_at(start), start, start + len(cue)


@pytest.mark.parametrize(
    ("text", "cue", "act", "speaker", "rule"),
    [
        ("According to Banner News, the bombers used a van.", "the bombers", False, "banner-news", "according-to"),
        ("The bombers used a van, Banner News said.", "used a van", False, "banner-news", "closing-attribution"),
        ("Jan Kowal, the Ruritanian leader, denied it.", "denied", True, "jan-kowal", "name"),
        (
            "Lena Marsh, who heads the institute, stated that the BBB was behind it.",
            "was behind",
            False,
            "lena-marsh",
            "reporting-verb/name",
        ),
        ("The Harbour Peace Institute’s Lena Marsh said so.", "said", True, "lena-marsh", "name"),
        ("Zenda accused Borduria.", "accused", True, "ruritania", "metonymy"),
        ("Ruritania's interior minister said so.", "said", True, "interior-minister", "role-description"),
        (
            "It differs between Banner News and State TV, with the latter proposing a car bomb.",
            "proposing",
            True,
            "state-tv",
            "former-latter",
        ),
    ],
)
def test_speaker_patterns(text: str, cue: str, act: bool, speaker: str, rule: str) -> None:
    analysis, sentence, start, end = _cue(text, cue)
    found = speakers.speaker(analysis, sentence, start, end, act=act)
    assert found.resolved and found.mention is not None
    assert found.mention.entity == speaker and found.rule.startswith(rule), found
    assert text[found.start : found.end] == found.words


def test_the_group_refers_back_within_the_paragraph_only() -> None:
    text = "The Black Banner Brigade operates in the hills. The group said it carried out the attack."
    analysis, sentence, start, end = _cue(text, "said")
    assert speakers.speaker(analysis, sentence, start, end, act=True).pair()[0].entity == "black-banner"  # type: ignore[union-attr]
    text = "The Black Banner Brigade operates in the hills.\n\nThe group said it carried out the attack."
    analysis, sentence, start, end = _cue(text, "said")
    assert speakers.speaker(analysis, sentence, start, end, act=True) is UNRESOLVED


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The bomb, as was thought, was hidden in a van.", "hidden in a van"),
        ("It is believed that the bomb was hidden in a van.", "hidden in a van"),
        ("They said the bomb was hidden in a van.", "hidden in a van"),
        ("“The bomb was hidden in a van,” he said.", "hidden in a van"),
    ],
)
def test_an_attribution_that_cannot_be_resolved_is_unresolved_not_the_article(text: str, cue: str) -> None:
    analysis, sentence, start, end = _cue(text, cue)
    assert speakers.speaker(analysis, sentence, start, end) is UNRESOLVED


def test_nothing_attributes_it_so_the_article_says_it() -> None:
    text = "The bomb was hidden in a van."
    analysis, sentence, start, end = _cue(text, "hidden")
    found = speakers.speaker(analysis, sentence, start, end)
    assert found.publisher and found.pair() == (None, "")
    assert speakers.speaker(analysis, sentence, start, end, publisher=False) is UNRESOLVED
