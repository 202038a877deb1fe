"""From corpus to checked dataset.

- **Build**: :mod:`~kg.pipeline.build` turns the ontology, the registry and the articles into named graphs;
  :mod:`~kg.pipeline.buildfolder` is what ``kg build`` writes and every other command reads.
- **Incremental builds by article** (units): :mod:`~kg.pipeline.units` keeps each article's work by the digest
  of its inputs, :mod:`~kg.pipeline.unitrecords` what the build folder keeps of each, and
  :mod:`~kg.pipeline.unitwriters` the build's files written from the units' text.
- **Reasoning**: :mod:`~kg.pipeline.reasoning` (OWL 2 RL, into a graph of its own), run on N-Triples by
  :mod:`~kg.pipeline.ntreasoning` and unit by unit by :mod:`~kg.pipeline.unitreasoning`.
- **Validation** of what is asserted: :mod:`~kg.pipeline.validation` (the SHACL shapes and the report, the
  dataset as :mod:`~kg.pipeline.validationview` shows it, the results as :mod:`~kg.pipeline.findings`) and the
  SPARQL checks (:mod:`~kg.pipeline.qualitychecks`).
- **Validation by units**, so that findings can be cached: :mod:`~kg.pipeline.shaclunits`, which splits the
  dataset (:mod:`~kg.pipeline.unitpartition`), reads what each focus node's shapes read
  (:mod:`~kg.pipeline.readplans`, :mod:`~kg.pipeline.shapereads`), gives each unit its context
  (:mod:`~kg.pipeline.unitcontext`) and caches findings as JSON (:mod:`~kg.pipeline.findingjson`);
  :mod:`~kg.pipeline.unitcheck` is the check of a build by units.
- **The ontology's lint**: :mod:`~kg.pipeline.lint`.
"""
