"""What leaves the project: ``kg export`` in any RDF format (:mod:`~kg.publishing.export`), JSON-LD that reads
well (:mod:`~kg.publishing.jsonld`), the VoID and DCAT description (:mod:`~kg.publishing.catalog`, its figures
counted by :mod:`~kg.publishing.voidcounts`), the ontology's documentation (:mod:`~kg.publishing.ontodoc`) and
``kg publish``, the whole release in one folder (:mod:`~kg.publishing.publish`), its manifest
(:mod:`~kg.publishing.manifest`) and how it is written into its destination (:mod:`~kg.publishing.destination`).
"""
