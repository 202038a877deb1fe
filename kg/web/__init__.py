"""``kg serve``: the read-only SPARQL endpoint and what it shows people.

- **The server**: :mod:`~kg.web.serve` (starting it, its safety rules), its command line as one value
  (:mod:`~kg.web.options`), the request handlers (:mod:`~kg.web.app`, the named queries in
  :mod:`~kg.web.queryroutes`), the URL scheme (:mod:`~kg.web.urls`), content negotiation
  (:mod:`~kg.web.negotiation`), requests and replies (:mod:`~kg.web.responses`), where it listens and the
  host names it answers for (:mod:`~kg.web.hosts`), and what one connection may hold
  (:mod:`~kg.web.connections`).
- **The query workers** (:mod:`kg.web.workers`): each query in a process of its own that can be stopped.
- **What people see**: the pages (:mod:`~kg.web.pages`, the query service's in :mod:`~kg.web.querypages`),
  answers as tables (:mod:`~kg.web.resultspage`), an attack's dossier (:mod:`kg.web.dossier`), and the
  service description (:mod:`~kg.web.endpointdesc`).
"""
