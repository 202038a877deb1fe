"""``kg serve``: the read-only SPARQL endpoint and what it shows people.

- **The server**: :mod:`~kg.web.serve` (starting it, its safety rules), its command line as one value
  (:mod:`~kg.web.options`), the request handlers (:mod:`~kg.web.app`, the named queries in
  :mod:`~kg.web.queryroutes`), the URL scheme (:mod:`~kg.web.urls`), content negotiation
  (:mod:`~kg.web.negotiation`), requests and replies (:mod:`~kg.web.responses`), where it listens and the
  host names it answers for (:mod:`~kg.web.hosts`), and what one connection may hold
  (:mod:`~kg.web.connections`).
- **The query workers**, each query in a process that can be stopped: the pool (:mod:`~kg.web.workers`),
  the lanes (:mod:`~kg.web.lanes`, queued in :mod:`~kg.web.lanequeues`), the messages
  (:mod:`~kg.web.jobs`), a worker process (:mod:`~kg.web.workerprocess`, cut off from the network by
  :mod:`~kg.web.sandbox`) and what runs in it (:mod:`~kg.web.executor`, reading pages with
  :mod:`~kg.web.pagereader`).
- **What people see**: the pages (:mod:`~kg.web.pages`, the query service's in :mod:`~kg.web.querypages`),
  answers as tables (:mod:`~kg.web.resultspage`), an attack's dossier (gathered by :mod:`~kg.web.dossier`
  into :mod:`~kg.web.dossierparts`, shown by :mod:`~kg.web.dossierpage` with :mod:`~kg.web.dossierchart`),
  and the service description (:mod:`~kg.web.endpointdesc`).
"""
