"""Competency questions: what researchers ask, answered by SPARQL over the built graph.

Each expected answer was checked by hand against the article texts in
corpus/articles/. Rows are compared as sets, with IRIs shortened to kgd:/kgo:
and article graphs named by their article's number (000..004). Every question
about articles is asked of the five articles of the Kerman corpus only, so an
article added to the corpus leaves these answers as they are.
"""

from __future__ import annotations

import pytest
from rdflib import Dataset

from kg.rdf.namespaces import sparql_prologue

A0, A1, A2, A3, A4 = "000", "001", "002", "003", "004"
FIVE = (
    "000_97a337defbf8726c",
    "001_159c79e2a15fef9d",
    "002_14e54d3af2249e34",
    "003_89f44fc20e03fb94",
    "004_42786bf6974ebd47",
)
ARTICLE = (
    'BIND(SUBSTR(STRAFTER(STR(?art), "article/"), 1, 3) AS ?article) FILTER(?art IN ('
    + ", ".join(f"<https://w3id.org/kerman-kg/id/article/{stem}>" for stem in FIVE)
    + "))"
)


def shorten(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    for long, short in (
        ("https://w3id.org/kerman-kg/id/article/", "kga:"),
        ("https://w3id.org/kerman-kg/id/", "kgd:"),
        ("https://w3id.org/kerman-kg/ontology#", "kgo:"),
    ):
        if text.startswith(long):
            text = short + text[len(long) :]
            if short == "kga:":
                text = "kga:" + text[4:7] + text[text.index("/", 4) :]
            return text
    return text


def answer(dataset: Dataset, query: str) -> set[tuple[str | None, ...]]:
    return {tuple(shorten(v) for v in row) for row in dataset.query(sparql_prologue() + query)}


CASES: dict[str, tuple[str, set[tuple[str | None, ...]]]] = {
    "who claimed the Kerman attack, through which channel and when, per article": (
        f"""SELECT ?article ?claimant ?channel ?date ?asWritten WHERE {{
              ?c a kgo:ClaimOfResponsibility ; kgo:about kgd:kerman-bombings ; kgo:statedBy ?claimant ;
                 kgo:source ?art .
              OPTIONAL {{ ?c kgo:channel ?channel }} OPTIONAL {{ ?c kgo:statedOn ?date }}
              OPTIONAL {{ ?c kgo:dateAsWritten ?asWritten }} {ARTICLE} }}""",
        {
            (A0, "kgd:islamic-state", None, "2024-01-04", "on Thursday"),
            (A1, "kgd:islamic-state", "kgd:telegram", None, None),
            (A2, "kgd:islamic-state", "kgd:social-media", None, None),
            (A3, "kgd:islamic-state", "kgd:al-furqan", "2024-01-04", "over 24 hours after the explosions"),
            (A4, "kgd:islamic-state", "kgd:al-furqan", None, None),
        },
    ),
    "every death toll of the Kerman attack, by article, with its qualifier and who gave it": (
        f"""SELECT ?article ?figure ?count ?qualifier ?givenBy WHERE {{
              ?r a kgo:DeathToll ; kgo:casualtiesOf kgd:kerman-bombings ; kgo:figureAsWritten ?figure ;
                 kgo:figureValue ?count ; kgo:qualifier ?qualifier ; kgo:givenBy ?givenBy ; kgo:source ?art .
              {ARTICLE} }}""",
        {
            (A0, "103", "103", "kgo:exactly", "kga:000/publisher"),
            (A1, "nearly 100", "100", "kgo:nearly", "kga:001/publisher"),
            (A2, "more than 80", "80", "kgo:moreThan", "kgd:today-it"),
            (A3, "103", "103", "kgo:exactly", "kga:003/publisher"),
            (A3, "at least 84", "84", "kgo:atLeast", "kga:003/publisher"),
            (A4, "at least 84", "84", "kgo:atLeast", "kga:004/publisher"),
        },
    ),
    "every injury figure of the Kerman attack, by article, with its qualifier": (
        f"""SELECT ?article ?figure ?count ?qualifier WHERE {{
              ?r a kgo:InjuryFigure ; kgo:casualtiesOf kgd:kerman-bombings ; kgo:figureAsWritten ?figure ;
                 kgo:figureValue ?count ; kgo:qualifier ?qualifier ; kgo:source ?art . {ARTICLE} }}""",
        {
            (A1, "284", "284", "kgo:exactly"),
            (A2, "more than a hundred", "100", "kgo:moreThan"),
            (A3, "284", "284", "kgo:exactly"),
            (A4, "284", "284", "kgo:exactly"),
        },
    ),
    "combined killed-and-wounded figures stay combined, with who gave them": (
        f"""SELECT ?article ?figure ?givenBy ?claim WHERE {{
              ?r a kgo:CombinedCasualtyFigure ; kgo:figureAsWritten ?figure ; kgo:givenBy ?givenBy ;
                 kgo:statedIn ?claim ; kgo:source ?art . {ARTICLE} }}""",
        {(A2, "more than 300", "kgd:islamic-state", "kga:002/isis-claim")},
    ),
    "the range of the reported death toll": (
        f"""SELECT (MIN(?c) AS ?low) (MAX(?c) AS ?high) (COUNT(?r) AS ?reports) WHERE {{
              ?r a kgo:DeathToll ; kgo:casualtiesOf kgd:kerman-bombings ; kgo:figureValue ?c ; kgo:source ?art .
              {ARTICLE} }}""",
        {("80", "103", "6")},
    ),
    "whom Raisi blamed, in which article": (
        f"""SELECT ?article ?accused WHERE {{
              ?s a kgo:Accusation ; kgo:statedBy kgd:ebrahim-raisi ; kgo:accuses ?accused ; kgo:source ?art .
              {ARTICLE} }}""",
        {(A0, "kgd:israel"), (A0, "kgd:united-states"), (A3, "kgd:israel"), (A4, "kgd:israel")},
    ),
    "who denied involvement, and whose": (
        f"""SELECT ?article ?denier ?denied WHERE {{
              ?s a kgo:Denial ; kgo:statedBy ?denier ; kgo:deniesInvolvementOf ?denied ; kgo:source ?art .
              {ARTICLE} }}""",
        {
            (A0, "kgd:united-states", "kgd:united-states"),
            (A0, "kgd:united-states", "kgd:israel"),
            (A1, "kgd:united-states", "kgd:united-states"),
            (A1, "kgd:united-states", "kgd:israel"),
        },
    ),
    "the denial of the shooting report answers the report, not the attack": (
        f"""SELECT ?article ?denier ?answered ?reporter WHERE {{
              ?s a kgo:Denial ; kgo:statedBy ?denier ; kgo:answers ?answered ; kgo:source ?art .
              ?answered kgo:statedBy ?reporter . {ARTICLE} }}""",
        {
            (
                A1,
                "kga:001/guards-commander-kerman",
                "kga:001/state-media-shooting-report",
                "kgd:iranian-state-media",
            )
        },
    ),
    "who declined to comment, and on what (never counted as denials)": (
        f"""SELECT ?article ?who ?answered ?isDenial WHERE {{
              ?s a kgo:RefusalToComment ; kgo:statedBy ?who ; kgo:answers ?answered ; kgo:source ?art .
              BIND(EXISTS {{ ?s a kgo:Denial }} AS ?isDenial) {ARTICLE} }}""",
        {
            (A3, "kgd:israeli-military", "kga:003/raisi-accuses-israel", "false"),
            (A4, "kgd:israeli-military", "kga:004/raisi-accuses-israel", "false"),
        },
    ),
    "which earlier attacks are linked to the Islamic State or its branches, and how": (
        f"""SELECT DISTINCT ?incident ?how ?article WHERE {{
              ?s kgo:about ?incident ; kgo:attributesTo ?group ; a ?how ; kgo:source ?art .
              ?group kgo:branchOf* kgd:islamic-state .
              kgd:kerman-bombings kgo:relatedIncident ?incident . {ARTICLE} }}""",
        {
            ("kgd:isis-k-attack-2023-a", "kgo:Account", A2),
            ("kgd:isis-k-attack-2023-b", "kgo:Account", A2),
            ("kgd:shrine-attack-2022", "kgo:Assessment", A0),
            ("kgd:shrine-attack-2022", "kgo:ClaimOfResponsibility", A1),
            ("kgd:tehran-attacks-2017", "kgo:Assessment", A0),
            ("kgd:tehran-attacks-2017", "kgo:Assessment", A1),
        },
    ),
    "when, where and on whose authority Soleimani was killed": (
        f"""SELECT DISTINCT ?property ?value ?article WHERE {{
              VALUES ?property {{ kgo:occurredOn kgo:occurredAt kgo:authorisedBy kgo:carriedOutBy }}
              ?a a kgo:Assertion ; rdf:subject kgd:soleimani-killing ; rdf:predicate ?property ;
                 rdf:object ?value ; kgo:source ?art . {ARTICLE} }}""",
        {
            ("kgo:authorisedBy", "kgd:donald-trump", A4),
            ("kgo:carriedOutBy", "kgd:united-states", A0),
            ("kgo:carriedOutBy", "kgd:united-states", A1),
            ("kgo:carriedOutBy", "kgd:united-states", A2),
            ("kgo:carriedOutBy", "kgd:united-states", A3),
            ("kgo:carriedOutBy", "kgd:united-states", A4),
            ("kgo:occurredAt", "kgd:baghdad-international-airport", A0),
            ("kgo:occurredAt", "kgd:baghdad-international-airport", A4),
            ("kgo:occurredAt", "kgd:iraq", A1),
            ("kgo:occurredOn", "2020", A0),
            ("kgo:occurredOn", "2020", A1),
            ("kgo:occurredOn", "2020", A2),
            ("kgo:occurredOn", "2020-01-03", A0),
            ("kgo:occurredOn", "2020-01-03", A3),
            ("kgo:occurredOn", "2020-01-03", A4),
        },
    ),
    "which analysts said what, with their affiliation": (
        f"""SELECT ?analyst ?institution ?saidBehindIt ?hedge ?article WHERE {{
              ?s a kgo:Assessment ; kgo:statedBy ?analyst ; kgo:attributesTo ?saidBehindIt ;
                 kgo:hedge ?hedge ; kgo:source ?art .
              ?analyst kgo:affiliatedWith ?institution . ?institution a kgo:ResearchInstitution . {ARTICLE} }}""",
        {
            ("kgd:aaron-zelin", "kgd:washington-institute", "kgd:isis-k", "could be involved", A0),
            (
                "kgd:ali-vaez",
                "kgd:international-crisis-group",
                "kgd:islamic-state",
                "is more in line with",
                A0,
            ),
            (
                "kgd:meir-litvak",
                "kgd:tel-aviv-university",
                "kga:002/salafi-jihadist-minority-elements",
                "may have been",
                A2,
            ),
        },
    ),
    "competing accounts of how the attack was carried out, and who put each forward": (
        f"""SELECT DISTINCT ?article ?proposer ?attackType ?about WHERE {{
              ?s kgo:attackTypeAsStated ?attackType ; kgo:statedBy ?proposer ; kgo:about ?about ;
                 kgo:source ?art . {ARTICLE} }}""",
        {
            (A0, "kgd:islamic-state", "kgo:SuicideBombing", "kgd:kerman-bombings"),
            (A1, "kgd:islamic-state", "kgo:SuicideBombing", "kgd:kerman-bombings"),
            (A1, "kga:001/unnamed-irna-source", "kgo:SuicideBombing", "kgd:kerman-explosion-1"),
            (A1, "kga:001/publisher", "kgo:SuicideBombing", "kgd:kerman-explosion-2"),
            (A2, "kgd:islamic-state", "kgo:SuicideBombing", "kgd:kerman-bombings"),
            (A2, "kga:002/backpack-theory-holders", "kgo:RemoteDetonatedBombing", "kgd:kerman-bombings"),
            (A3, "kgd:islamic-state", "kgo:SuicideBombing", "kgd:kerman-bombings"),
            (A3, "kgd:iranian-media", "kgo:RemoteDetonatedBombing", "kgd:kerman-bombings"),
            (A4, "kgd:islamic-state", "kgo:SuicideBombing", "kgd:kerman-bombings"),
            (
                A4,
                "kga:004/another-state-media-outlet",
                "kgo:RemoteDetonatedBombing",
                "kgd:kerman-explosion-1",
            ),
        },
    ),
    "whom the claim names as the bombers": (
        f"""SELECT ?article ?bomber WHERE {{
              ?c a kgo:ClaimOfResponsibility ; kgo:namesPerpetrator ?bomber ; kgo:source ?art . {ARTICLE} }}""",
        {(A2, "kgd:omar-al-muvahid"), (A2, "kgd:seyfullah-al-mujahid")},
    ),
    "condemnations and vows of retaliation, by whom": (
        f"""SELECT ?article ?kind ?by WHERE {{
              VALUES ?kind {{ kgo:Condemnation kgo:VowOfRetaliation }}
              ?s a ?kind ; kgo:statedBy ?by ; kgo:about kgd:kerman-bombings ; kgo:source ?art . {ARTICLE} }}""",
        {
            (A0, "kgo:VowOfRetaliation", "kgd:ebrahim-raisi"),
            (A1, "kgo:Condemnation", "kgd:ebrahim-raisi"),
            (A1, "kgo:Condemnation", "kgd:irgc"),
            (A1, "kgo:Condemnation", "kgd:un-security-council"),
            (A1, "kgo:VowOfRetaliation", "kgd:ali-khamenei"),
            (A1, "kgo:VowOfRetaliation", "kgd:iranian-government"),
            (A1, "kgo:VowOfRetaliation", "kgd:mohammad-mokhber"),
            (A3, "kgo:VowOfRetaliation", "kgd:iran"),
            (A4, "kgo:VowOfRetaliation", "kgd:ebrahim-raisi"),
        },
    ),
    "responses that were actions, not words": (
        f"""SELECT ?article ?kind ?by ?destination WHERE {{
              ?r a ?kind ; kgo:inResponseTo kgd:kerman-bombings ; kgo:carriedOutBy ?by ; kgo:source ?art .
              ?kind rdfs:subClassOf kgo:Response . OPTIONAL {{ ?r kgo:destination ?destination }} {ARTICLE} }}""",
        {
            (A1, "kgo:ProtestCall", "kgd:iranian-authorities", None),
            (A3, "kgo:CancelledVisit", "kgd:ebrahim-raisi", "kgd:turkey"),
            (A3, "kgo:DayOfMourning", "kgd:iran", None),
            (A4, "kgo:CancelledVisit", "kgd:ebrahim-raisi", "kgd:turkey"),
            (A4, "kgo:DayOfMourning", "kgd:iran", None),
        },
    ),
    "no article graph states who carried out the Kerman attack as a bare fact": (
        """SELECT ?p ?o WHERE { VALUES ?p { kgo:carriedOutBy sem:hasActor } kgd:kerman-bombings ?p ?o }""",
        set(),
    ),
}


def test_there_are_at_least_twelve_competency_questions() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("question", sorted(CASES))
def test_competency_question(dataset: Dataset, question: str) -> None:
    query, expected = CASES[question]
    assert answer(dataset, query) == expected
