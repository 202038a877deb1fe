"""What leaves the project: ``kg export`` in any RDF format (:mod:`~kg.publishing.export`), JSON-LD that reads
well (:mod:`~kg.publishing.jsonld`), the VoID and DCAT description (:mod:`~kg.publishing.catalog`), the
ontology's documentation (:mod:`~kg.publishing.ontodoc`) and ``kg publish``, the whole release in one folder
(:mod:`~kg.publishing.publish`).
"""
