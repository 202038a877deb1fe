"""Drafting ``statement`` facts: who said what about the attack, typed by the words that say it.

:mod:`~kg.drafting.statements.drafter` runs the rules sentence by sentence and turns what they find into
drafted facts. The statement types are in :mod:`~kg.drafting.statements.kinds` and the cue words that make a
clause a statement in :mod:`~kg.drafting.statements.cues`; what one clause gives is a candidate
(:mod:`~kg.drafting.statements.candidates`), whose quote is bounded by :mod:`~kg.drafting.statements.spans`
and whose fields are read by :mod:`~kg.drafting.statements.fields`. Accounts stated without a cue verb are
found by :mod:`~kg.drafting.statements.accounts`, each type's body is built by
:mod:`~kg.drafting.statements.builders`, and :mod:`~kg.drafting.statements.settling` settles conflicts and
merges duplicates. The classes of those modules stack, one on another, into the drafter.
"""
