"""Who says something: the speaker of a statement, and who states a span of a sentence.

:mod:`~kg.drafting.speakers.speaker` answers for every extractor that needs a speaker, with an
:class:`~kg.drafting.speakers.attribution.Attribution` (:mod:`~kg.drafting.speakers.attribution`). It reads
the sentence in layers: the frames around a cue and the subject of a verb (:mod:`~kg.drafting.speakers.frames`),
the speaker a noun phrase names (:mod:`~kg.drafting.speakers.phrases`), and the article's names, completed and
resolved (:mod:`~kg.drafting.speakers.names`), with the words of :mod:`~kg.drafting.speakers.words` and the
patterns of :mod:`~kg.drafting.speakers.patterns`. :mod:`~kg.drafting.speakers.voice`, which the figure and
event rules use, says whether a span is in the article's own voice or a named speaker's.
"""
