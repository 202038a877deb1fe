"""Reviewing drafts in the browser: an article with its drafted facts highlighted, each accepted, edited or
rejected, and every decision written to the curator's files at once.

``kg review STEM`` starts a small local server (:mod:`kg.review.server`) and opens a page
(:mod:`kg.review.page`, with ``kg/static/review.js`` and ``review.css``) showing the article's text, the
quote of every drafted and accepted fact highlighted by kind, and beside it the list of facts, each said in
words (:mod:`kg.review.words`) with its review state and the curator check's problems at its lines. The
road a decision travels:

- :mod:`kg.review.api`: the request, checked (:mod:`kg.review.item_form`, :mod:`kg.review.passages`);
- :mod:`kg.review.session`: what the server knows of the corpus and works out for the page, as JSON
  (:mod:`kg.review.views`), with the built article (:mod:`kg.review.built_article`) and a query page over
  the last build (:mod:`kg.review.query_page`);
- :mod:`kg.review.document` and :mod:`kg.review.meta_record`: the annotation file and metadata record as the
  page sees them (items, quotes and lines) and each decision as a change to the file's text that touches
  only the lines it must, written (:mod:`kg.review.files`) atomically and only when the file is still the
  one the page loaded;
- :mod:`kg.drafting.writer`: the YAML of one item, through ruamel.yaml's round trip;
- :mod:`kg.curation.check`: the curator check, run after every change, its problems shown next to their facts.
"""
