"""What a person types into the search box, as a SQLite FTS5 expression that cannot inject syntax.

FTS5 has a query language of its own (``"phrase"``, ``NEAR(...)``, ``AND``/``OR``/``NOT``, ``col:``,
``^``, ``*``), and an expression that does not parse is an error. We never pass the text through: it is
cut into words (letters and digits; everything else separates words), each word becomes a quoted FTS5
string (SQLite FTS5 §3.1: inside double quotes every character is literal), and the strings are joined by
the implicit AND. A ``*`` right after a word makes it a prefix query (``secur*``: security, sécurité), the
one operator kept. So ``NEAR(`` is the word ``near``, and ``"`` or ``col:x`` are separators.

Accents are folded by the index's tokenizer (``unicode61 remove_diacritics 2``), which the expression's
strings go through too: ``securite`` finds ``sécurité``.

>>> fts_expression('sécurité des "Amériques"')
'"sécurité" "des" "Amériques"'
>>> fts_expression('NEAR(police* OR')
'"NEAR" "police"* "OR"'
>>> fts_expression('"*:^') is None
True
"""

from __future__ import annotations

import re

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_TERM_CHARS = 64
_WORD = re.compile(r"([^\W_]+)(\*?)")


class SearchSyntaxError(ValueError):
    """A search text too long to be a search (the page answers 400)."""


def search_words(text: str) -> list[tuple[str, bool]]:
    """The words of ``text`` (at most ``MAX_TERMS``), each with whether it ends with ``*``.

    :raises SearchSyntaxError: when ``text`` is longer than ``MAX_QUERY_CHARS``.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise SearchSyntaxError(f"the search text is longer than {MAX_QUERY_CHARS} characters")
    words = [(m.group(1)[:MAX_TERM_CHARS], bool(m.group(2))) for m in _WORD.finditer(text)]
    return words[:MAX_TERMS]


def fts_expression(text: str) -> str | None:
    """The FTS5 expression finding every word of ``text``, or None when it has no word."""
    words = search_words(text)
    if not words:
        return None
    return " ".join(f'"{word}"' + ("*" if prefix else "") for word, prefix in words)
