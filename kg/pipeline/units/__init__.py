"""Builds and checks by units: each article's work kept by the digest of its own inputs, so that a changed
article is the only one rebuilt and revalidated.

:mod:`~kg.pipeline.units.incremental` builds by units and keeps what the build folder holds of each article
(:mod:`~kg.pipeline.units.records`); the build's files are written from the units' text
(:mod:`~kg.pipeline.units.writers`) and its entailments from what each unit derives alone
(:mod:`~kg.pipeline.units.reasoning`). The SHACL validation is split the same way
(:mod:`~kg.pipeline.units.shacl`): the dataset is partitioned by article
(:mod:`~kg.pipeline.units.partition`), what each focus node's shapes read is read off the shapes graph
(:mod:`~kg.pipeline.units.readplans`, :mod:`~kg.pipeline.units.shapereads`), each unit gets the context it
needs (:mod:`~kg.pipeline.units.context`), and findings are cached as JSON
(:mod:`~kg.pipeline.units.findingjson`). :mod:`~kg.pipeline.units.check` is the check of a build by units.
"""
