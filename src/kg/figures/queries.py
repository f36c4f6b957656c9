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
from collections.abc import Iterable

from kg.vocab import PREFIXES

_IRI_SAFE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")

PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("kg", "schema", "org", "xsd"))

# The qualifier counts that go beside a sum.
_QUALIFIER_COUNTS = """(COUNT(?amount) AS ?amounts) (SUM(?figure) AS ?sum)
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

    Each branch starts from the resource: Oxigraph (0.5) keeps the written order around a property path, and
    a branch written from ``?p`` read every project or grant of the store to find the few that reach the
    resource (5 ms at 10^5 triples for a branch matching nothing, against 0.1 ms).
    """
    if iri is None:
        return ALL_PROJECTS
    ref = iri_ref(iri)
    if kind == "project":
        return f'VALUES ?p {{ {ref} }} ?p a kg:Project . BIND ("self" AS ?how) BIND (?p AS ?via)'
    if kind == "organization":
        return f"""
  {{ ?via org:subOrganizationOf* {ref} . ?p kg:implementer ?via . BIND ("implementer" AS ?how) }}
  UNION {{ ?via org:subOrganizationOf* {ref} . ?g schema:funder ?via ; schema:fundedItem ?p .
           BIND ("funder" AS ?how) }}
  UNION {{ ?admin org:subOrganizationOf* {ref} . ?via kg:administeredBy ?admin . ?p kg:fundedThrough ?via .
           BIND ("administers" AS ?how) }}"""
    if kind in ("place", "country", "m49", "region"):
        return f"""
  {{ ?p kg:beneficiaryRegion {ref} . BIND ({ref} AS ?via) BIND ("in" AS ?how) }}
  UNION {{ ?via schema:containedInPlace+ {ref} . ?p kg:beneficiaryRegion ?via . BIND ("within" AS ?how) }}
  UNION {{ {ref} schema:containedInPlace+ ?via . ?p kg:beneficiaryRegion ?via .
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


def scope_links(pattern: str) -> str:
    """The projects in scope with how each reaches the resource: the rows :func:`ledger_of` starts from."""
    return f"{PROLOGUE}\nSELECT DISTINCT ?p ?how ?via WHERE {{ {pattern} }}"


def ledger_of(links: Iterable[tuple[str, str, str]]) -> str:
    """:func:`ledger` of the projects ``links`` lists as ``(project IRI, how, via IRI)`` (the rows of
    :func:`scope_links`), given as ``VALUES``.

    Two queries, not one: Oxigraph (0.5) read the grants of the whole store to join them with the
    projects of the subquery, a cost that grew with the store whatever the page (16 ms at 10^5 triples for a
    place with no project, against 0.3 ms from the listed projects).

    :raises ValueError: when an IRI is not a plain one (:func:`iri_ref`).
    """
    rows = " ".join(f"({iri_ref(p)} {_string(how)} {iri_ref(via)})" for p, how, via in links)
    return _ledger(f"VALUES (?p ?how ?via) {{ {rows} }}", funders=False)


def _string(text: str) -> str:
    r"""A SPARQL string literal of ``text``.

    >>> _string('say "hi" \\ bye')
    '"say \\"hi\\" \\\\ bye"'
    """
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    )


def ledger(pattern: str, *, funders: bool = False) -> str:
    """One row per grant of a project in scope: its figure, qualifier and currency, the release and its date,
    how the project reaches the page's resource (``how|via`` pairs), its programs, implementers and regions
    and, with ``funders``, the government funding the grant (IRIs separated by spaces). Every sum of a page
    is added up from these rows (``kg.figures.model``): one query per page, whatever its number of projects
    or charts.

    The grant is joined, not OPTIONAL: the engine then looks it up from each project in scope, where an
    OPTIONAL grant was read for every grant of the store (10x slower for a program's page on a 300-release
    build). A project without a grant is counted by :func:`project_count`; the figure is whichever of
    ``schema:value``/``minValue``/``maxValue`` the amount has, and one that is not a number is left out
    when the rows are read.
    """
    return _ledger(f"{{ SELECT DISTINCT ?p ?how ?via WHERE {{ {pattern} }} }}", funders=funders)


def _ledger(projects: str, *, funders: bool) -> str:
    funder = "OPTIONAL { ?grant schema:funder ?funder . ?funder a schema:GovernmentOrganization }"
    government = funder if funders else ""
    return f"""{PROLOGUE}
SELECT ?p ?grant ?figure ?q ?currency ?release ?date
  (GROUP_CONCAT(DISTINCT CONCAT(?how, "|", STR(?via)); separator=" ") AS ?links)
  (GROUP_CONCAT(DISTINCT STR(?funder); separator=" ") AS ?funders)
  (GROUP_CONCAT(DISTINCT STR(?program); separator=" ") AS ?programs)
  (GROUP_CONCAT(DISTINCT STR(?implementer); separator=" ") AS ?implementers)
  (GROUP_CONCAT(DISTINCT STR(?region); separator=" ") AS ?regions)
WHERE {{
  {projects}
  ?grant schema:fundedItem ?p ; schema:amount ?amount .
  ?amount kg:qualifier ?q ; schema:value|schema:minValue|schema:maxValue ?figure ; schema:currency ?currency .
  {government}
  OPTIONAL {{ ?p kg:announcedIn ?release . ?release schema:datePublished ?date }}
  OPTIONAL {{ ?p kg:fundedThrough ?program }}
  OPTIONAL {{ ?p kg:implementer ?implementer }}
  OPTIONAL {{ ?p kg:beneficiaryRegion ?region }}
}}
GROUP BY ?p ?grant ?figure ?q ?currency ?release ?date
"""


def project_count(pattern: str) -> str:
    """The projects in scope, with a grant or not."""
    return f"{PROLOGUE}\nSELECT (COUNT(DISTINCT ?p) AS ?projects) WHERE {{ {pattern} }}"


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
SELECT ?currency (COUNT(DISTINCT ?r) AS ?releases) {_QUALIFIER_COUNTS}
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
