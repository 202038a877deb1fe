"""The query workers of ``kg serve``: every query runs in a process of its own that can be stopped.

:mod:`~kg.web.workers.pool` starts, replaces and stops the workers and runs each job fast lane first; the
lanes are chosen by :mod:`~kg.web.workers.lanes` and queued by :mod:`~kg.web.workers.lanequeues`. The server
and a worker exchange the messages of :mod:`~kg.web.workers.jobs`. A worker process
(:mod:`~kg.web.workers.process`) cuts itself off from the network first (:mod:`~kg.web.workers.sandbox`),
caps its memory, and runs the :class:`~kg.web.workers.executor.Executor`
(:mod:`~kg.web.workers.executor`), which reads pages for people with :mod:`~kg.web.workers.pagereader`.
"""
