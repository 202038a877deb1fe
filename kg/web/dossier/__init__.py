"""An attack's dossier: what the sources say about it, side by side, gathered from the named queries.

:mod:`~kg.web.dossier.gather` asks the named queries and fills the parts of
:mod:`~kg.web.dossier.parts` (sources, answers, figures, timeline, disagreements);
:mod:`~kg.web.dossier.page` writes them as HTML, SVG and CSV, with the chart of the reported figures drawn
by :mod:`~kg.web.dossier.chart`.
"""
