"""Who says something in a sentence: the speaker of a statement, for every extractor that needs one.

:func:`speaker` answers for a cue (the words that make a sentence a statement) with an
:class:`Attribution`: the speakers (none for the article's own voice), the words that attribute it,
the rule that found it and how sure it is. When the sentence attributes the cue to someone the
drafter cannot name, it answers :data:`UNRESOLVED`, and callers draft nothing: a speaker is never
guessed, and the article's own voice is used only when nothing in the sentence attributes the cue.

Two kinds of cue are told apart by the caller:

- an **act** cue is itself the speech act ("X *accused* Y", "X *denied* any involvement", "X *vowed
  revenge*"): its grammatical subject speaks;
- a **content** cue is something said ("ISIS-K *could be involved*", "two *suicide bombers*"): the
  frame around it says who says it, and with no frame at all the article says it.

The rules are read by :class:`~kg.drafting.speakers.frames.Reader`, built in layers: the frames around
a cue and the subject of a verb (:mod:`kg.drafting.speakers.frames`), the speaker a noun phrase names
(:mod:`kg.drafting.speakers.phrases`), and the names of the article and the registry
(:mod:`kg.drafting.speakers.names`); their words are :mod:`kg.drafting.speakers.words` and
:mod:`kg.drafting.speakers.patterns`, their answer an :class:`~kg.drafting.speakers.attribution.Attribution`.
One rule is this module's own:

- **article-voice**: no frame and nothing in the sentence attributes anything (no reporting verb, no
  "according to", no quotation of three words or more, no agentless attribution such as "have been
  attributed to"), and the sentence before it in the paragraph is not itself attributed (reported
  speech often runs on into the next sentence: such a sentence is not credited to the article).
"""

from __future__ import annotations

import re

from kg.drafting.analysis import Analysis, Mention, Sentence
from kg.drafting.speakers.attribution import ARTICLE_VOICE, UNRESOLVED, Attribution
from kg.drafting.speakers.frames import Reader
from kg.drafting.speakers.patterns import WORD
from kg.drafting.speakers.words import ANALYST_NOUNS


def speaker(
    analysis: Analysis,
    sentence: Sentence,
    cue_start: int,
    cue_end: int,
    *,
    act: bool = False,
    publisher: bool = True,
) -> Attribution:
    """Who says what the cue at [cue_start, cue_end) of a sentence says.

    Args:
        analysis: The article.
        sentence: The sentence holding the cue.
        cue_start: Where the cue starts in the article; for an act cue, where its verb starts.
        cue_end: Where it ends.
        act: The cue is the speech act itself ("accused"): its subject speaks (or the agent of a
            passive: "was condemned by X").
        publisher: The article's own voice may say it (an assessment may be the article's; a denial
            or a claim never is).

    Returns:
        The attribution, :data:`ARTICLE_VOICE`, or :data:`UNRESOLVED`.
    """
    reader = Reader.of(analysis)
    if act:
        return reader.subject(sentence, cue_start)
    found = reader.frame(sentence, cue_start, cue_end)
    if found is not None:
        return found
    if not publisher:
        return UNRESOLVED
    if reader.attributed(sentence, cue_start, cue_end) or reader.carried_over(sentence):
        return UNRESOLVED
    return ARTICLE_VOICE


def agent_after(analysis: Analysis, sentence: Sentence, start: int, end: int | None = None) -> Attribution:
    """The speaker named by the noun phrase starting at ``start`` ("by President Raisi"), up to the clause's end."""
    reader = Reader.of(analysis)
    return reader.phrase_after(sentence, start, end)


def is_analyst(analysis: Analysis, mention: Mention) -> bool:
    """Whether a speaker judges as an analyst: a research body, an outlet, analysts, experts, a professor...

    A Person counts when a word such as "analyst", "specialist" or "professor" stands in the few words
    around the name.
    """
    if any(t in ("ResearchInstitution", "MediaOutlet") for t in mention.types):
        return True
    words = {w.lower() for w in WORD.findall(mention.text)}
    if words & ANALYST_NOUNS:
        return True
    if "Person" in mention.types:
        around = analysis.text[max(0, mention.start - 80) : mention.end + 60].lower()
        return bool(set(re.findall(r"[a-z]+", around)) & ANALYST_NOUNS)
    return False
