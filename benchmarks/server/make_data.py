"""Write a synthetic graph shaped like ours, deterministically, as N-Triples for the server benchmark.

The shapes follow docs/data-model.md: projects (``kg:Project``) with en/fr names, an implementer, a funding
program, a beneficiary region and a theme; one grant per project (``schema:MonetaryGrant``) whose
``schema:amount`` is a ``schema:MonetaryAmount`` with ``schema:value`` (most), ``schema:minValue`` or
``schema:maxValue``; organisations, programs, regions, themes with en/fr labels. One hub node,
``organization/government-of-canada``, takes a tenth of the triples as incoming links: every grant names it as
``schema:funder`` and every organisation is a unit of it (``org:subOrganizationOf``,
``schema:parentOrganization``, ``org:unitOf``). At ``--triples 1000000`` that is 100,000 incoming links.

Usage: python benchmarks/server/make_data.py --triples 1000000 --out benchmarks/server/data/kg-1m.nt
The same arguments always give the same bytes (seeded ``random.Random``, no clock, no set ordering).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

BASE = "https://w3id.org/kg-funding/"
KG = "https://w3id.org/kg-funding/ontology#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

HUB_KEY = "government-of-canada"
PROGRAMS = 20
REGIONS = 200
TOP_REGIONS = 5
THEMES = 30
# Triples per unit, counted from the writers below (checked by ``Layout.expected``).
PROJECT_UNIT = 28  # project 14 + grant 9 (1 hub link) + amount 5
ORG_UNIT = 8  # 3 hub links
FIXED = 8 + PROGRAMS * 6 + TOP_REGIONS * 5 + REGIONS * 6 + THEMES * 5

WORDS = (
    "border security",
    "counter-narcotics",
    "police training",
    "anti-corruption",
    "justice reform",
    "cybercrime prevention",
    "maritime security",
    "human rights",
    "firearms control",
    "crime prevention",
)


@dataclass(frozen=True)
class Layout:
    """How many of each thing a target size needs."""

    triples: int
    hub_links: int
    organisations: int
    projects: int

    @classmethod
    def plan(cls, triples: int, hub_links: int | None = None) -> Layout:
        """Solve ``3·orgs + projects = hub_links`` and ``8·orgs + 28·projects = triples - fixed``."""
        hub = triples // 10 if hub_links is None else hub_links
        rest = triples - FIXED
        orgs = max(10, (PROJECT_UNIT * hub - rest) // (3 * PROJECT_UNIT - ORG_UNIT))
        projects = max(10, hub - 3 * orgs)
        return cls(triples, hub, orgs, projects)

    @property
    def expected(self) -> int:
        return FIXED + ORG_UNIT * self.organisations + PROJECT_UNIT * self.projects


def iri(kind: str, key: str) -> str:
    return f"<{BASE}{kind}/{key}>"


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def project_key(n: int) -> str:
    return f"synthetic-project-{n:06d}"


def org_key(n: int) -> str:
    return f"synthetic-organization-{n:06d}"


def triples(layout: Layout, seed: int) -> Iterator[str]:
    """Every triple as one N-Triples line (without the final newline)."""
    rng = random.Random(seed)
    a = f"<{RDF_TYPE}>"
    hub = iri("organization", HUB_KEY)
    name, name_fr = f"<{SCHEMA}name>", "fr"

    # The hub: 8 triples.
    for t in (f"{SCHEMA}Organization", f"{SCHEMA}GovernmentOrganization", f"{ORG}Organization"):
        yield f"{hub} {a} <{t}> ."
    yield f"{hub} {name} {lit('Government of Canada', 'en')} ."
    yield f"{hub} {name} {lit('Gouvernement du Canada', name_fr)} ."
    yield f"{hub} <{SKOS}prefLabel> {lit('Government of Canada', 'en')} ."
    yield f"{hub} <{SKOS}prefLabel> {lit('Gouvernement du Canada', name_fr)} ."
    yield f"{hub} <{SCHEMA}alternateName> {lit('GC')} ."

    # Programs: 6 triples each.
    for n in range(PROGRAMS):
        p = iri("program", f"synthetic-program-{n:02d}")
        yield f"{p} {a} <{KG}FundingProgram> ."
        yield f"{p} {a} <{SCHEMA}FundingScheme> ."
        yield f"{p} {name} {lit(f'Program {n}', 'en')} ."
        yield f"{p} {name} {lit(f'Programme {n}', name_fr)} ."
        yield f"{p} <{KG}administeredBy> {hub} ."
        yield f"{p} <{SCHEMA}alternateName> {lit(f'P{n}')} ."

    # Regions: 5 top regions (5 triples) and 200 regions inside them (6 triples).
    for n in range(TOP_REGIONS):
        r = iri("m49", f"{900 + n}")
        yield f"{r} {a} <{KG}Region> ."
        yield f"{r} {a} <{SCHEMA}Place> ."
        yield f"{r} {name} {lit(f'Continent {n}', 'en')} ."
        yield f"{r} {name} {lit(f'Continent {n}', name_fr)} ."
        yield f"{r} <{KG}m49Code> {lit(str(900 + n))} ."
    for n in range(REGIONS):
        r = iri("region", f"synthetic-region-{n:03d}")
        yield f"{r} {a} <{KG}Region> ."
        yield f"{r} {a} <{SCHEMA}Place> ."
        yield f"{r} {name} {lit(f'Region {n}', 'en')} ."
        yield f"{r} {name} {lit(f'Région {n}', name_fr)} ."
        yield f"{r} <{SCHEMA}containedInPlace> {iri('m49', str(900 + n % TOP_REGIONS))} ."
        yield f"{r} <{SKOS}notation> {lit(f'R{n:03d}')} ."

    # Themes: 5 triples each.
    for n in range(THEMES):
        t = iri("theme", f"synthetic-theme-{n:02d}")
        yield f"{t} {a} <{SKOS}Concept> ."
        yield f"{t} <{SKOS}prefLabel> {lit(WORDS[n % len(WORDS)] + f' {n}', 'en')} ."
        yield f"{t} <{SKOS}prefLabel> {lit(f'thème {n}', name_fr)} ."
        yield f"{t} <{SKOS}inScheme> {iri('scheme', 'themes')} ."
        yield f"{t} <{SKOS}notation> {lit(f'T{n:02d}')} ."

    # Organisations: 8 triples each, 3 of them links to the hub.
    for n in range(layout.organisations):
        o = iri("organization", org_key(n))
        yield f"{o} {a} <{SCHEMA}Organization> ."
        yield f"{o} {a} <{ORG}OrganizationalUnit> ."
        yield f"{o} {name} {lit(f'Organization {n}', 'en')} ."
        yield f"{o} {name} {lit(f'Organisation {n}', name_fr)} ."
        yield f"{o} <{SKOS}prefLabel> {lit(f'Organization {n}', 'en')} ."
        yield f"{o} <{ORG}subOrganizationOf> {hub} ."
        yield f"{o} <{SCHEMA}parentOrganization> {hub} ."
        yield f"{o} <{ORG}unitOf> {hub} ."

    # Projects with their grant and amount: 28 triples each, 1 link to the hub.
    qualifiers = (("exact", "value"), ("over", "minValue"), ("upTo", "maxValue"))
    for n in range(layout.projects):
        key = project_key(n)
        p, g, m = iri("project", key), iri("grant", key), iri("amount", f"grant-{key}")
        # Skewed choices, so GROUP BY sees a few big implementers and regions and a long tail.
        org = iri("organization", org_key(int(layout.organisations * rng.random() ** 3)))
        region = iri("region", f"synthetic-region-{int(REGIONS * rng.random() ** 2):03d}")
        program = iri("program", f"synthetic-program-{rng.randrange(PROGRAMS):02d}")
        theme = iri("theme", f"synthetic-theme-{rng.randrange(THEMES):02d}")
        topic = WORDS[rng.randrange(len(WORDS))]
        for t in (f"{KG}Project", f"{SCHEMA}Project", f"{PROV}Entity"):
            yield f"{p} {a} <{t}> ."
        yield f"{p} {name} {lit(f'Project {n}: {topic}', 'en')} ."
        yield f"{p} {name} {lit(f'Projet {n} : {topic}', name_fr)} ."
        yield f"{p} <{SCHEMA}description> {lit(f'Synthetic project {n} on {topic}.', 'en')} ."
        yield f"{p} <{SCHEMA}position> {typed(str(n % 12 + 1), 'integer')} ."
        yield f"{p} <{KG}implementer> {org} ."
        yield f"{p} <{KG}fundedThrough> {program} ."
        yield f"{p} <{KG}beneficiaryRegion> {region} ."
        yield f"{p} <{SCHEMA}areaServed> {region} ."
        yield f"{p} <{KG}theme> {theme} ."
        yield f"{p} <{DCTERMS}subject> {theme} ."
        yield f"{p} <{KG}announcedIn> {iri('release', f'synthetic-release-{n // 10:05d}')} ."
        for t in (f"{KG}Contribution", f"{SCHEMA}MonetaryGrant", f"{PROV}Entity"):
            yield f"{g} {a} <{t}> ."
        yield f"{g} {name} {lit(f'Contribution to project {n}', 'en')} ."
        yield f"{g} <{SCHEMA}fundedItem> {p} ."
        yield f"{g} <{SCHEMA}funder> {program} ."
        yield f"{g} <{SCHEMA}funder> {hub} ."
        yield f"{g} <{KG}fundingProgram> {program} ."
        yield f"{g} <{SCHEMA}amount> {m} ."
        roll = rng.random()
        qualifier, figure = qualifiers[0 if roll < 0.85 else 1 if roll < 0.95 else 2]
        dollars = rng.randrange(50, 20_000) * 1_000
        yield f"{m} {a} <{SCHEMA}MonetaryAmount> ."
        yield f"{m} <{SCHEMA}currency> {lit('CAD')} ."
        yield f"{m} <{SCHEMA}{figure}> {typed(f'{dollars}.00', 'decimal')} ."
        yield f"{m} <{KG}qualifier> <{KG}{qualifier}> ."
        yield f"{m} <{KG}statedAs> {lit(f'${dollars:,}')} ."


def write(layout: Layout, out: Path, seed: int = 20240601) -> int:
    """Write the graph to ``out`` (N-Triples) and ``out`` + ``.json`` (the layout); return the count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = out.with_suffix(out.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        batch: list[str] = []
        for line in triples(layout, seed):
            batch.append(line)
            if len(batch) >= 10_000:
                f.write("\n".join(batch) + "\n")
                count += len(batch)
                batch.clear()
        f.write("\n".join(batch) + "\n" if batch else "")
        count += len(batch)
    tmp.replace(out)
    if count != layout.expected:
        raise AssertionError(f"wrote {count} triples, the layout says {layout.expected}")
    meta = {**asdict(layout), "written": count, "seed": seed, "sample_project": project_key(7)}
    out.with_suffix(out.suffix + ".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--triples", type=int, default=100_000, help="about this many triples")
    parser.add_argument("--hub-links", type=int, default=None, help="incoming links of the hub (triples/10)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--out", type=Path, required=True, help="the .nt file to write")
    args = parser.parse_args()
    layout = Layout.plan(args.triples, args.hub_links)
    count = write(layout, args.out, args.seed)
    print(f"{args.out}: {count} triples, {layout.projects} projects, {layout.organisations} organisations")


if __name__ == "__main__":
    main()
