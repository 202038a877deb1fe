"""The graph on another triple store, over the standard SPARQL protocols: talking to a store over HTTP
(:mod:`~kg.stores.http`), the stores it knows (:mod:`~kg.stores.catalogue`), loading a build into it
(:mod:`~kg.stores.pushgraphs`, :mod:`~kg.stores.push`), answering ``kg query --endpoint``
(:mod:`~kg.stores.endpoint`), and the store the workers of ``kg serve --endpoint`` use
(:mod:`~kg.stores.remotestore`).
"""
