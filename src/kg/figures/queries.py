"""The SPARQL text of the money figures: pure string building, no store (``kg.figures.read`` runs them).

Every figure is summed as ``queries/grants-sum-vs-announced-total.rq`` and the shape ``kgsh:ReleaseTotalRule``
sum it: a grant counts with the figure it states (``schema:value``, ``minValue`` or ``maxValue``) whatever its
qualifier, and the qualifiers are counted beside the sum so a page can say what kind of figure the sum is (a
sum of lower bounds is a lower bound). A figure that is not a number is left out, never a crash. Sums are
grouped by currency: the data holds CAD only today, and adding dollars to euros would be a made-up figure.

A *scope* is the set of projects a page is about: every project (the home page), or those linked to one
resource (an organisation and its units, a program, a place and the regions that contain it...). Each scope
binds ``?p`` and says how the project reaches the resource (``?how``, ``?via``). The resource's IRI is put in
the text only after :func:`iri_ref` has checked it, so no page URL can change the query.
"""

from __future__ import annotations

import re

from kg.vocab import PREFIXES

_IRI_SAFE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")

PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("kg", "schema", "org", "xsd"))

# One amount: its figure (any of the three value properties), qualifier and currency, numbers only.
_AMOUNT = """
  ?grant schema:fundedItem ?p ; schema:amount ?amount .
  ?amount kg:qualifier ?q .
  OPTIONAL { ?amount schema:value ?value }
  OPTIONAL { ?amount schema:minValue ?min }
  OPTIONAL { ?amount schema:maxValue ?max }
  OPTIONAL { ?amount schema:currency ?cur }
  BIND (COALESCE(?value, ?min, ?max) AS ?figure)
  BIND (COALESCE(STR(?cur), "") AS ?currency)
  FILTER (isNumeric(?figure))
"""

# The qualifier counts that go beside every sum.
_QUALIFIER_COUNTS = """(COUNT(?grant) AS ?grants) (SUM(?figure) AS ?sum)
  (SUM(IF(?q = kg:over, 1, 0)) AS ?over) (SUM(IF(?q = kg:upTo, 1, 0)) AS ?upTo)
  (SUM(IF(?q = kg:approximately, 1, 0)) AS ?approximately)"""

SCOPE_KINDS = frozenset(
    {"project", "organization", "program", "place", "country", "m49", "region", "theme", "dac-sector"}
    | {"release"}
)
"""The kinds of resource whose page shows money: a scope pattern exists for each."""

ALL_PROJECTS = '?p a kg:Project . BIND ("all" AS ?how) BIND (?p AS ?via)'


def iri_ref(iri: str) -> str:
    """``<iri>`` for query text, refusing anything that is not a plain http(s) IRI.

    >>> iri_ref("https://w3id.org/kg-funding/program/accbp")
    '<https://w3id.org/kg-funding/program/accbp>'
    >>> iri_ref("https://x/> } DROP ALL #")
    Traceback (most recent call last):
    ...
    ValueError: not a plain IRI: 'https://x/> } DROP ALL #'
    """
    if _IRI_SAFE.match(iri) is None:
        raise ValueError(f"not a plain IRI: {iri!r}")
    return f"<{iri}>"


def scope(kind: str, iri: str | None) -> str:
    """The graph pattern binding ``?p`` (a project), ``?how`` (the link's kind) and ``?via`` (what it
    reaches the resource through) for a page of ``kind`` about ``iri``; every project when ``iri`` is None.

    - organisation: the projects it or one of its units implements (``org:subOrganizationOf``, which
      ``org:unitOf`` implies in our data), those whose grant it gives (``schema:funder``), and those funded
      through a program it or a unit administers;
    - place: projects for the place itself, for a place within it, and for a region that contains it
      (``schema:containedInPlace``): Guatemala is served by the projects for Central America and the Americas.
    """
    if iri is None:
        return ALL_PROJECTS
    ref = iri_ref(iri)
    if kind == "project":
        return f'VALUES ?p {{ {ref} }} ?p a kg:Project . BIND ("self" AS ?how) BIND (?p AS ?via)'
    if kind == "organization":
        return f"""
  {{ ?p kg:implementer ?via . ?via org:subOrganizationOf* {ref} . BIND ("implementer" AS ?how) }}
  UNION {{ ?g schema:fundedItem ?p ; schema:funder ?via . ?via org:subOrganizationOf* {ref} .
           BIND ("funder" AS ?how) }}
  UNION {{ ?p kg:fundedThrough ?via . ?via kg:administeredBy ?admin . ?admin org:subOrganizationOf* {ref} .
           BIND ("administers" AS ?how) }}"""
    if kind in ("place", "country", "m49", "region"):
        return f"""
  {{ ?p kg:beneficiaryRegion {ref} . BIND ({ref} AS ?via) BIND ("in" AS ?how) }}
  UNION {{ ?p kg:beneficiaryRegion ?via . ?via schema:containedInPlace+ {ref} . BIND ("within" AS ?how) }}
  UNION {{ ?p kg:beneficiaryRegion ?via . {ref} schema:containedInPlace+ ?via .
           BIND ("containing" AS ?how) }}"""
    predicate = {
        "program": "kg:fundedThrough",
        "theme": "kg:theme",
        "dac-sector": "kg:dacSector",
        "release": "kg:announcedIn",
    }.get(kind)
    if predicate is None:
        raise ValueError(f"no money scope for {kind!r}")
    # A grant is kg:announcedIn its release too: only projects count.
    return f'?p {predicate} {ref} ; a kg:Project . BIND ("self" AS ?how) BIND ({ref} AS ?via)'


def summary(pattern: str) -> str:
    """Per currency: projects with a figure, grants, the sum and its qualifier counts; plus one row with an
    empty ``?currency`` counting every project in scope (``?projects``), with or without a figure."""
    return f"""{PROLOGUE}
SELECT ?currency (COUNT(DISTINCT ?p) AS ?projects) {_QUALIFIER_COUNTS}
WHERE {{
  {{ SELECT DISTINCT ?p WHERE {{ {pattern} }} }}
  {_AMOUNT}
}}
GROUP BY ?currency
"""


def project_count(pattern: str) -> str:
    return f"{PROLOGUE}\nSELECT (COUNT(DISTINCT ?p) AS ?projects) WHERE {{ {pattern} }}"


def listing(pattern: str, limit: int) -> str:
    """One row per project and grant, largest figure first, with what the project is linked to (IRIs
    separated by spaces, ``how|via`` pairs for the scope) and its release's date."""
    return f"""{PROLOGUE}
SELECT ?p ?grant ?figure ?q ?currency ?release ?date
  (GROUP_CONCAT(DISTINCT CONCAT(?how, "|", STR(?via)); separator=" ") AS ?links)
  (GROUP_CONCAT(DISTINCT STR(?implementer); separator=" ") AS ?implementers)
  (GROUP_CONCAT(DISTINCT STR(?program); separator=" ") AS ?programs)
  (GROUP_CONCAT(DISTINCT STR(?region); separator=" ") AS ?regions)
WHERE {{
  {{ SELECT DISTINCT ?p ?how ?via WHERE {{ {pattern} }} }}
  OPTIONAL {{ {_AMOUNT} }}
  OPTIONAL {{ ?p kg:announcedIn ?release . OPTIONAL {{ ?release schema:datePublished ?date }} }}
  OPTIONAL {{ ?p kg:implementer ?implementer }}
  OPTIONAL {{ ?p kg:fundedThrough ?program }}
  OPTIONAL {{ ?p kg:beneficiaryRegion ?region }}
}}
GROUP BY ?p ?grant ?figure ?q ?currency ?release ?date
ORDER BY DESC(COALESCE(?figure, -1)) STR(?p)
LIMIT {int(limit)}
"""


BREAKDOWN_DIMENSIONS = ("program", "implementer", "region", "year")


def breakdown(pattern: str = ALL_PROJECTS) -> str:
    """The sums by program, implementer, region and year (of the release) in one query, ``?dim`` naming the
    dimension and ``?key`` its value (unbound: the project states none). A project with two implementers
    counts in both, as in ``queries/total-by-implementer.rq``: the bars are not meant to add up."""
    return f"""{PROLOGUE}
SELECT ?dim ?key ?currency (COUNT(DISTINCT ?p) AS ?projects) {_QUALIFIER_COUNTS}
WHERE {{
  {{ SELECT DISTINCT ?p WHERE {{ {pattern} }} }}
  {_AMOUNT}
  {{ BIND ("program" AS ?dim) ?p a kg:Project OPTIONAL {{ ?p kg:fundedThrough ?key }} }}
  UNION {{ BIND ("implementer" AS ?dim) ?p a kg:Project OPTIONAL {{ ?p kg:implementer ?key }} }}
  UNION {{ BIND ("region" AS ?dim) ?p a kg:Project OPTIONAL {{ ?p kg:beneficiaryRegion ?key }} }}
  UNION {{ BIND ("year" AS ?dim) ?p a kg:Project
           OPTIONAL {{ ?p kg:announcedIn ?r . ?r schema:datePublished ?d
                      BIND (SUBSTR(STR(?d), 1, 4) AS ?key) }} }}
}}
GROUP BY ?dim ?key ?currency
"""


def flow() -> str:
    """Each project's money with its funders (those of the grant that are not programs: the government),
    programs, implementers and regions as lists of IRIs; the funding-flow picture sums them."""
    return f"""{PROLOGUE}
SELECT ?p ?figure ?currency
  (GROUP_CONCAT(DISTINCT STR(?funder); separator=" ") AS ?funders)
  (GROUP_CONCAT(DISTINCT STR(?program); separator=" ") AS ?programs)
  (GROUP_CONCAT(DISTINCT STR(?implementer); separator=" ") AS ?implementers)
  (GROUP_CONCAT(DISTINCT STR(?region); separator=" ") AS ?regions)
WHERE {{
  ?p a kg:Project .
  {_AMOUNT}
  OPTIONAL {{ ?grant schema:funder ?funder FILTER NOT EXISTS {{ ?funder a kg:FundingProgram }} }}
  OPTIONAL {{ ?p kg:fundedThrough ?program }}
  OPTIONAL {{ ?p kg:implementer ?implementer }}
  OPTIONAL {{ ?p kg:beneficiaryRegion ?region }}
}}
GROUP BY ?p ?grant ?figure ?currency
"""


def counts() -> str:
    """Releases, projects, the releases that announce a project and those that announce a total."""
    return f"""{PROLOGUE}
SELECT ?releases ?projects ?withProjects ?withTotal WHERE {{
  {{ SELECT (COUNT(DISTINCT ?r) AS ?releases) WHERE {{ ?r a kg:NewsRelease }} }}
  {{ SELECT (COUNT(DISTINCT ?p) AS ?projects) WHERE {{ ?p a kg:Project }} }}
  {{ SELECT (COUNT(DISTINCT ?r1) AS ?withProjects) WHERE {{ ?x a kg:Project ; kg:announcedIn ?r1 }} }}
  {{ SELECT (COUNT(DISTINCT ?r2) AS ?withTotal) WHERE {{ ?r2 a kg:NewsRelease ; kg:announcedTotal ?t }} }}
}}
"""


def announced(release: str | None = None) -> str:
    """The totals the releases announce (``kg:announcedTotal``), summed per currency with their qualifiers."""
    values = f"VALUES ?r {{ {iri_ref(release)} }}" if release is not None else ""
    return f"""{PROLOGUE}
SELECT ?currency (COUNT(DISTINCT ?r) AS ?releases) {_QUALIFIER_COUNTS.replace("?grant", "?amount")}
WHERE {{
  {values}
  ?r a kg:NewsRelease ; kg:announcedTotal ?amount .
  ?amount kg:qualifier ?q .
  OPTIONAL {{ ?amount schema:value ?value }}
  OPTIONAL {{ ?amount schema:minValue ?min }}
  OPTIONAL {{ ?amount schema:maxValue ?max }}
  OPTIONAL {{ ?amount schema:currency ?cur }}
  BIND (COALESCE(?value, ?min, ?max) AS ?figure)
  BIND (COALESCE(STR(?cur), "") AS ?currency)
  FILTER (isNumeric(?figure))
}}
GROUP BY ?currency
"""
