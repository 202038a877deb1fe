"""The curator's sources and what they become: the corpus folder (:mod:`~kg.curation.corpus`), its YAML
read with line numbers (:mod:`~kg.curation.yamlsrc`), annotations turned into an article's triples
(:mod:`~kg.curation.annotations`, checked by :mod:`~kg.curation.annotation_reader`, with the article's own
triples from :mod:`~kg.curation.article_triples`), the entity registry (:mod:`~kg.curation.registry`),
dates, figures and verbatim quotes as written, and the curator's check (:mod:`~kg.curation.check`).
Drafting new annotations is :mod:`kg.drafting`; reviewing them in the browser is :mod:`kg.review`.
"""
