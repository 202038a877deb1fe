"""Finding and resolving dates (kg.drafting.dates) on sentences written for the tests, with a fictional registry."""

from __future__ import annotations

import datetime as dt

import pytest
from draft_fixtures import article

from kg.curation import dates as kgdates
from kg.drafting.absolute_dates import FoundDate
from kg.drafting.dates import dates_in

#: a Thursday
PUBLISHED = dt.date(2030, 3, 7)


def found(text: str, published: dt.date | None = None) -> list[FoundDate]:
    analysis = article(text, published)
    result = [d for sentence in analysis.sentences for d in dates_in(analysis, sentence)]
    for date in result:  # the words as written are the text at their offsets, and agree with the value
        assert analysis.text[date.start : date.end] == date.text
        if date.value is not None:
            assert kgdates.disagreements(date.value, date.text) == []
    return result


def only(text: str, published: dt.date | None = None) -> FoundDate:
    [date] = found(text, published)
    return date


@pytest.mark.parametrize(
    ("sentence", "as_written", "iso"),
    [
        ("The blasts took place on March 5, 2030.", "on March 5, 2030", "2030-03-05"),
        ("The report is dated 6 March 2030.", "6 March 2030", "2030-03-06"),
        ("The hearing was held on Friday, 8 March 2030.", "on Friday, 8 March 2030", "2030-03-08"),
        ("The file was stamped 2030-03-06.", "2030-03-06", "2030-03-06"),
        ("The group was founded in 2025.", "in 2025", "2025"),
        ("In 2027 the ferries were attacked.", "In 2027", "2027"),
        ("Talks began in January 2029.", "in January 2029", "2029-01"),
        ("The 2027 strike was condemned.", "2027", "2027"),
    ],
)
def test_absolute_dates_need_no_anchor(sentence: str, as_written: str, iso: str) -> None:
    date = only(sentence)
    assert (date.text, date.iso, date.relative_to) == (as_written, iso, None)


def test_a_count_is_not_a_year() -> None:
    assert found("The stadium holds 2000 people.") == []


@pytest.mark.parametrize(
    ("sentence", "published", "iso"),
    [
        ("The vote took place on Mar. 5.", PUBLISHED, "2030-03-05"),
        ("The vote took place on Dec. 30.", dt.date(2030, 1, 2), "2029-12-30"),
        ("The vote took place on Tuesday, March 5.", PUBLISHED, "2030-03-05"),
        ("The vote took place on Mar. 5.", None, None),
    ],
)
def test_a_day_without_a_year_takes_it_from_the_publication_date(
    sentence: str, published: dt.date | None, iso: str | None
) -> None:
    assert only(sentence, published).iso == iso


@pytest.mark.parametrize(
    ("words", "iso"),
    [
        ("on Tuesday", "2030-03-05"),
        ("on Thursday", "2030-03-07"),  # the publication day itself
        ("on Friday", "2030-03-01"),
        ("last Thursday", "2030-02-28"),
        ("next Monday", None),
    ],
)
def test_a_weekday_is_the_latest_such_day_on_or_before_publication(words: str, iso: str | None) -> None:
    date = only(f"The minister spoke {words}.", PUBLISHED)
    assert (date.text, date.iso) == (words, iso)


def test_a_weekday_without_a_publication_date_is_not_resolved() -> None:
    date = only("The minister spoke on Tuesday.")
    assert date.text == "on Tuesday" and date.value is None


@pytest.mark.parametrize(
    ("sentence", "iso"),
    [
        ("Officials met yesterday.", "2030-03-06"),
        ("Officials meet today.", "2030-03-07"),
        ("Officials met last month.", "2030-02"),
        ("Officials met last year.", "2029"),
        ("Officials met last week.", None),
    ],
)
def test_words_relative_to_publication(sentence: str, iso: str | None) -> None:
    assert only(sentence, PUBLISHED).iso == iso
    assert only(sentence).value is None


def test_a_name_is_not_a_date() -> None:
    assert found("Source: Today Veldoria") == []


ATTACK_DATED = "The Riverton bombings took place on March 5, 2030. "


@pytest.mark.parametrize(
    ("sentence", "as_written", "iso"),
    [
        (
            "The group claimed them over 24 hours after the explosions.",
            "over 24 hours after the explosions",
            "2030-03-06",
        ),
        ("Two days after the attack, the minister resigned.", "Two days after the attack", "2030-03-07"),
        ("The day after the bombings, schools closed.", "The day after the bombings", "2030-03-06"),
        ("A week before the attack, police raided a flat.", "A week before the attack", "2030-02-26"),
    ],
)
def test_a_phrase_counting_from_the_attack_is_relative_to_it(sentence: str, as_written: str, iso: str) -> None:
    date = found(ATTACK_DATED + sentence)[-1]
    assert (date.text, date.iso, date.relative_to) == (as_written, iso, "riverton-bombings")
    assert date.body() == {"date": iso, "as_written": as_written, "relative_to": "riverton-bombings"}


def test_the_next_day_counts_from_the_event_just_dated() -> None:
    date = found(ATTACK_DATED + "The group claimed them the following day.")[-1]
    assert (date.text, date.iso, date.relative_to) == ("the following day", "2030-03-06", "riverton-bombings")


def test_the_next_day_after_a_date_of_no_event_is_not_resolved() -> None:
    date = found("The minister landed on March 1, 2030. The next day, talks began.")[-1]
    assert date.text == "The next day" and date.value is None


@pytest.mark.parametrize(
    "sentence",
    ["It came nearly 24 hours after the explosions.", "It came 36 hours after the explosions."],
)
def test_hours_that_do_not_fix_the_day_give_no_date(sentence: str) -> None:
    date = found(ATTACK_DATED + sentence)[-1]
    assert date.relative_to == "riverton-bombings" and date.value is None


def test_no_anchor_no_date_guessed() -> None:
    text = (
        "The Riverton bombings took place on Tuesday. The group claimed them over 24 hours after the explosions. "
        "The next day, the minister resigned. Officials met yesterday."
    )
    dates = found(text)
    assert [d.text for d in dates] == [
        "on Tuesday",
        "over 24 hours after the explosions",
        "The next day",
        "yesterday",
    ]
    assert all(d.value is None for d in dates)
    with pytest.raises(ValueError):
        dates[1].body()


def test_the_anniversary_of_an_event_dated_in_the_article() -> None:
    text = (
        "A drone strike hit Port Elm harbour on May 2, 2027. "
        "The twin blasts in Riverton came on the third anniversary of the 2027 drone strike on Port Elm harbour."
    )
    [date] = [d for d in found(text) if d.kind == "anniversary"]
    # the event's name holds a year of its own, so the words as written stop before it
    assert (date.text, date.iso, date.relative_to) == ("on the third anniversary", "2030-05-02", "harbour-strike-2027")


@pytest.mark.parametrize(
    ("words", "iso"),
    [
        ("on the second anniversary of Lind’s assassination", "2030-06-01"),
        ("two days after the assassination of Omar Lind", "2028-06-03"),
    ],
)
def test_a_phrase_counting_from_a_killing_the_article_dates(words: str, iso: str) -> None:
    text = f"The assassination of Omar Lind on June 1, 2028 shocked Veldoria. The twin blasts in Riverton came {words}."
    date = found(text)[-1]
    assert (date.text, date.iso, date.relative_to) == (words, iso, "lind-assassination-2028")


def test_anchors_can_be_given() -> None:
    analysis = article("The Riverton bombings came over 24 hours after the explosions.")
    sentence = analysis.sentences[0]
    anchor = FoundDate("on March 5, 2030", 0, 0, "month-day", kgdates.parse_iso("2030-03-05"))
    [date] = dates_in(analysis, sentence, {"riverton-bombings": anchor})
    assert date.iso == "2030-03-06"
    [date] = dates_in(analysis, sentence, {})
    assert date.value is None
