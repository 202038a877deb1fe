"""Drafting annotations: from a new article to facts a curator reviews one by one.

``kg draft`` reads an article and proposes its annotation in the curator's own
format (``corpus/README.md``), every proposed fact marked ``review: draft`` with
the rule and the words that produced it and a confidence. The build leaves drafts
out of the graph; the curator accepts a fact by changing ``review: draft`` to
``review: accepted`` (or deletes it, or marks it ``rejected`` so that a new draft
does not propose it again). The road an article travels:

- :mod:`kg.drafting.analysis`: sentences (spaCy's blank English pipeline) and the names in them,
  linked to the registry or proposed as new entities;
- :mod:`kg.drafting.context`: what every extractor needs to know of the article: its main attack
  and the words that refer to it, and :mod:`kg.drafting.quotations` its quotations and paragraphs;
- :mod:`kg.drafting.speakers`: who says something in a sentence, and who states a passage;
- :mod:`kg.drafting.dates`: date expressions, resolved against an event's date, and
  :mod:`kg.drafting.absolute_dates` those that stand alone or count from the publication date;
- the extractors, each ``(Analysis) -> list[DraftFact]``: :mod:`kg.drafting.statements` (who said what,
  typed by the words that say it), :mod:`kg.drafting.figures` (casualty figures) and
  :mod:`kg.drafting.events` (the attack's date and place, earlier incidents, responses);
- :mod:`kg.drafting.model`: the proposed fact, :class:`~kg.drafting.model.DraftFact`;
- :mod:`kg.drafting.annotation_merge`: the draft merged into the curator's YAML, or written anew;
- :mod:`kg.drafting.writer`: the curator's YAML through ruamel.yaml's round trip, and the review's one-item edits;
- :mod:`kg.drafting.draft`: one article drafted, its metadata record included (``kg draft``).
"""
