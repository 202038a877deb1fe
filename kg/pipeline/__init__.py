"""From corpus to checked dataset: the build (:mod:`~kg.pipeline.build`), the build folder every other
command reads (:mod:`~kg.pipeline.buildfolder`), incremental builds by article (:mod:`~kg.pipeline.units`),
OWL 2 RL reasoning into a graph of its own (:mod:`~kg.pipeline.reasoning`), SHACL validation of what is
asserted (:mod:`~kg.pipeline.validation`, split by article in :mod:`~kg.pipeline.shaclunits`) and the lint
of the ontology (:mod:`~kg.pipeline.lint`).
"""
