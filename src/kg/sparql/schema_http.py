"""Read ``http://schema.org/`` in a query as ``https://schema.org/``, the namespace the graph uses.

schema.org has published its terms under https since 2019 and treats the http forms as the same terms,
but most tutorials, Wikidata and schema.org's own JSON-LD context
(``"@vocab": "http://schema.org/"``) still write http: ``PREFIX schema: <http://schema.org/>`` found no
project at all, silently. The engine matches IRIs exactly, so the endpoint rewrites the query's IRIs
instead of stating every schema.org triple twice (which would double the graph's largest vocabulary and
every count). Only IRIREF tokens (SPARQL 1.1 Query §19.8) are touched: strings, comments and prefixed
names are left as written. Results therefore name the https terms. A syntax error reported after such an
IRI on the same line is one column further right than in the text as sent.
"""

from __future__ import annotations

from kg.sparql.lexer import tokens

HTTP = "http://schema.org/"
HTTPS = "https://schema.org/"


def schema_org_https(text: str) -> str:
    """``text`` with every IRI written ``<http://schema.org/...>`` written ``<https://schema.org/...>``.

    >>> schema_org_https('PREFIX s: <http://schema.org/> ASK { ?x a s:Project ; s:url "http://schema.org/" }')
    'PREFIX s: <https://schema.org/> ASK { ?x a s:Project ; s:url "http://schema.org/" }'
    """
    if HTTP not in text:
        return text
    pieces: list[str] = []
    done = 0
    for token in tokens(text):
        if token.kind == "iri" and token.text.startswith("<" + HTTP):
            pieces += [text[done : token.start], "<", HTTPS, token.text[1 + len(HTTP) :]]
            done = token.start + len(token.text)
    return "".join(pieces) + text[done:] if pieces else text
