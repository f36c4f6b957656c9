"""Money figures: how much, to whom, where, through which program, which year.

``queries`` builds the SPARQL (pure), ``model`` parses the answers into frozen dataclasses (pure), ``read``
runs the queries on a store (adapter). The web pages (``kg.web.money``) render them.
"""
