"""RDF foundations every other package stands on: every namespace as a plain string
(:mod:`~kg.rdf.prefixes`), the one prefix map made of them (:mod:`~kg.rdf.namespaces`), the ``kgo:`` terms
generated from the ontology (:mod:`~kg.rdf.terms`), the one place IRIs are minted (:mod:`~kg.rdf.iris`), the
one table of formats (:mod:`~kg.rdf.formatregistry`), reading the RDF people give (:mod:`~kg.rdf.readers`,
with :mod:`~kg.rdf.jsonld_contexts` and :mod:`~kg.rdf.xml_entities`), writing datasets byte for byte the same
(:mod:`~kg.rdf.rdfio`, with :mod:`~kg.rdf.ntriples` and :mod:`~kg.rdf.turtlewriter`), and the ontology itself
(:mod:`~kg.rdf.ontology`).
"""
