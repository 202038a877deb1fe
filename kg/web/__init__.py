"""``kg serve``: the read-only SPARQL endpoint (:mod:`~kg.web.serve`), its query workers, each in a process
that can be stopped (:mod:`~kg.web.workers`, lanes in :mod:`~kg.web.lanes`, network cut off by
:mod:`~kg.web.sandbox`), the HTTP connections (:mod:`~kg.web.connections`), and what it shows people: pages,
result tables, an attack's dossier and the service description.
"""
