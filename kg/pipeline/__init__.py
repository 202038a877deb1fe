"""From corpus to checked dataset.

- **Build**: :mod:`~kg.pipeline.build` turns the ontology, the registry and the articles into named graphs;
  :mod:`~kg.pipeline.buildfolder` is what ``kg build`` writes and every other command reads.
- **Reasoning**: :mod:`~kg.pipeline.reasoning` (OWL 2 RL, into a graph of its own), run on N-Triples by
  :mod:`~kg.pipeline.ntreasoning`.
- **Validation** of what is asserted: :mod:`~kg.pipeline.validation` (the SHACL shapes and the report, the
  dataset as :mod:`~kg.pipeline.validationview` shows it, the results as :mod:`~kg.pipeline.findings`) and the
  SPARQL checks (:mod:`~kg.pipeline.qualitychecks`).
- **By units** (:mod:`kg.pipeline.units`): the build, its reasoning and its validation article by article,
  so that a changed article is the only one redone.
- **The ontology's lint**: :mod:`~kg.pipeline.lint`.
"""
