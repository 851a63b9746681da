"""Graph analytics for merchandisers: style clusters, hubs, blind spots, coverage.

``read_graph`` (streamed export through ``g``) -> ``analyze`` -> ``Analysis``
(``summary()``, ``clusters()``) -> ``write_report`` (``report.html``,
``clusters.csv``). The web app serves the same ``Analysis`` under
``/api/analytics/``.
"""
