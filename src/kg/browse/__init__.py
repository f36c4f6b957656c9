"""Browse and search: the projects list with its facets, and the full-text search (pure logic).

``records`` reads the graph into records and terms, ``query`` filters, counts, sorts and pages them, and
``fts`` turns what a person types into a safe SQLite FTS5 expression. The index itself is written and
read by the adapter ``kg.search_index``; the pages are ``kg.web.browse``.
"""
