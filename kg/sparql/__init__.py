"""Asking the graph: the named query library (:mod:`~kg.sparql.querylib`), reading a query before it runs
(:mod:`~kg.sparql.querycheck`), the engines (:mod:`~kg.sparql.engine`: Oxigraph, with rdflib as the
reference; parameters written in as a VALUES block by :mod:`~kg.sparql.valuesblock`), running named queries
with parameters (:mod:`~kg.sparql.querying`), a query's text with its parameters written in
(:mod:`~kg.sparql.querytext`), and writing answers (:mod:`~kg.sparql.answers`).
"""
