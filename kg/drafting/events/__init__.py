"""Drafting what an article says about the attack itself and what it ties the attack to.

:mod:`~kg.drafting.events.attack` is the extractor: the attack's date and place (the place named after an
event's words, :mod:`~kg.drafting.events.places`), earlier incidents found by
:mod:`~kg.drafting.events.incidents` and drafted by :mod:`~kg.drafting.events.incident_facts`, and the
responses to the attack (:mod:`~kg.drafting.events.responses`).
"""
