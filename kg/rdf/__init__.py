"""RDF foundations every other package stands on: the one prefix map (:mod:`~kg.rdf.namespaces`), the
``kgo:`` terms generated from the ontology (:mod:`~kg.rdf.terms`), the one place IRIs are minted
(:mod:`~kg.rdf.iris`), the one table of formats (:mod:`~kg.rdf.formatregistry`), reading the RDF people give
(:mod:`~kg.rdf.readers`), writing datasets byte for byte the same (:mod:`~kg.rdf.rdfio`), and the ontology
itself (:mod:`~kg.rdf.ontology`).
"""
