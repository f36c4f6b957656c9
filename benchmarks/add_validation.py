"""Benchmark (not a test): `kg add` validation of ONE new release against ~1,000 and ~100,000 projects.

    .venv/bin/python benchmarks/add_validation.py            # about 10 minutes on 2 cores
    .venv/bin/python benchmarks/add_validation.py --large 20000 --skip-whole   # a quick look

What is timed is ``kg.add.check_candidate``: the duplicate check against the store, the CONSTRUCT of the
existing nodes the rules need (the programs' caps and their same-year grants) and pyshacl on the release's
own nodes (``kg.validate.validate_focus``). For comparison, pyshacl on the whole graph at the ~1k size.

The ~1k graph is real synthetic records: ``kg synth`` records (with the repository's seed release), read,
checked and built with ``kg.mapping`` as ``kg build`` does. The ~100k graph is that graph plus copies of 100
other synthetic release graphs, also built with ``kg.mapping``, written as N-Quads with their own keys renamed
per copy (``-x{n}`` appended to every release, project, grant, amount, evidence, event and graph key), and
loaded into an in-memory store (as ``kg add`` loads ``dist/kg.nq``): building 100,000 projects with rdflib
takes about 7 ms a project here, over 12 minutes, more than the whole run may take. The copies fund only the
uncapped program (GPP), so the capped program (ACCBP, $15 million a year) keeps the same, valid, grants per
year as in the ~1k graph: a capped program's grants in one year are bounded by its cap, in any valid graph.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph

from kg.add import Candidate, Setup, check_candidate, read_candidate
from kg.assets import load_shapes
from kg.dumps import serialize
from kg.formats import RdfFormat
from kg.iris import Iris
from kg.mapping import Resolver, build_dataset
from kg.mapping.release import build_release
from kg.project import read_project
from kg.settings import Settings
from kg.sources import Release, SourceText, read_release, read_source_text
from kg.store import KgStore
from kg.synth import synth_releases
from kg.validate import validate

ROOT = Path(__file__).resolve().parents[1]
OWN = "release|source|backgrounder|project|grant|amount|evidence|correction|event|graph"
COMMAND = ".venv/bin/python benchmarks/add_validation.py"


@dataclass
class Row:
    graph: str
    projects: int
    quads: int
    what: str
    seconds: list[float]
    detail: str

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def synth_set(
    settings: Settings, folder: Path, target: int, seed: int, existing: list[Release], **options: object
) -> list[tuple[Release, SourceText]]:
    """Synthetic releases with about ``target`` projects in all, written, read back and checked."""
    project = read_project(settings)
    releases: list[tuple[Release, SourceText]] = []
    count = 0
    batch = 0
    while count < target:
        more = max(1, (target - count) // 8)
        for synthetic in synth_releases(
            more,
            seed=seed + batch,
            reference=project.reference,
            existing=existing + [r for r, _ in releases],
            **options,  # type: ignore[arg-type]
        ):
            record, text = synthetic.write(folder)
            releases.append((read_release(record), read_source_text(text)))
            count += len(synthetic.record["projects"])
        batch += 1
    return releases


def time_check(
    candidate: Candidate, store: KgStore, setup: Setup, settings: Settings, repeat: int
) -> tuple[list[float], str]:
    seconds, parts = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        check = check_candidate(candidate, store, setup, settings)
        seconds.append(time.perf_counter() - start)
        if check.report is None or not check.report.conforms:
            raise SystemExit(f"the new release should conform: {check.duplicates or check.report}")
        parts.append(check.timings)
    median = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    detail = f"{check.focus_nodes} focus nodes, data graph {check.data_triples} triples; " + ", ".join(
        f"{k} {v:.2f} s" for k, v in median.items()
    )
    return seconds, detail


def renamed_block(graph: Graph, graph_iri: str, base: str) -> str:
    """A release graph as N-Quads lines, a NUL after every key it owns (to be replaced per copy)."""
    pattern = re.compile(rf"<({re.escape(base)}(?:{OWN})/[a-z0-9-]+)(#[a-z]+)?>")
    lines = []
    for line in graph.serialize(format="nt").splitlines():
        if line.strip():
            quad = f"{line.rstrip()[:-1].rstrip()} <{graph_iri}\0> .\n"
            lines.append(pattern.sub(lambda m: f"<{m[1]}\0{m[2] or ''}>", quad))
    return "".join(lines)


def load_large(store: KgStore, templates: list[str], copies: int) -> None:
    """Load ``copies`` copies of the template releases, each with its own keys, one copy at a time."""
    block = "".join(templates)
    for n in range(copies):
        store.load(block.replace("\0", f"-x{n}").encode("utf-8"), RdfFormat.NQUADS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=1_000, help="projects of the small graph")
    parser.add_argument("--large", type=int, default=100_000, help="projects of the large graph")
    parser.add_argument("--repeat", type=int, default=3, help="timed validations per graph")
    parser.add_argument(
        "--skip-whole", action="store_true", help="skip whole-graph pyshacl at the small size"
    )
    parser.add_argument("--workdir", type=Path, help="keep the generated files here (default: a temp dir)")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results" / "add_validation.md")
    args = parser.parse_args()
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=ROOT / "data", dist_dir=work / "dist")
    setup = Setup.load(settings, load_shapes())
    iris = Iris(settings.base_iri)
    seed_project = read_project(settings)
    rows: list[Row] = []

    log(f"small graph: synthetic releases with about {args.small} projects")
    small = [*seed_project.releases]
    small += synth_set(settings, work / "small", args.small - 13, 1000, [r for r, _ in small])
    small_projects = sum(len(r.projects) for r, _ in small)
    dataset = build_dataset(small, setup.reference, setup.ontology, iris)
    small_nquads = serialize(dataset, RdfFormat.NQUADS)
    store = KgStore()  # in memory, as `kg add` loads dist/kg.nq
    store.load(small_nquads, RdfFormat.NQUADS)
    log(f"small graph: {small_projects} projects, {len(store)} quads")

    # The new release: valid against the small graph (and so against the large one), with ACCBP grants in
    # a year that has ACCBP grants already, so the cap rule has existing grants to add up.
    new = synth_releases(
        1,
        seed=7,
        reference=setup.reference,
        existing=[r for r, _ in small],
        years=(2013, 2013),
        projects=(8, 8),
    )[0]
    record, text = new.write(work / "new")
    candidate = read_candidate(record, text, setup.reference, iris)
    check_candidate(candidate, store, setup, settings)  # warm-up: imports, pyparsing caches
    seconds, detail = time_check(candidate, store, setup, settings, args.repeat)
    rows.append(Row("small", small_projects, len(store), "one release, focus nodes", seconds, detail))
    log(f"small graph: focus validation {statistics.median(seconds):.2f} s")

    if not args.skip_whole:
        log("small graph: whole-graph pyshacl (a few minutes)")
        whole = build_dataset(
            [*small, (candidate.release, candidate.source)], setup.reference, setup.ontology, iris
        )
        start = time.perf_counter()
        report = validate(whole, setup.shapes)
        elapsed = time.perf_counter() - start
        quads = sum(1 for _ in whole.quads((None, None, None, None)))
        rows.append(
            Row(
                "small",
                small_projects,
                quads,
                "whole graph + the release",
                [elapsed],
                f"conforms={report.conforms}",
            )
        )
        log(f"small graph: whole-graph validation {elapsed:.1f} s")
    del dataset

    log("large graph: template releases (GPP only) built with kg.mapping")
    templates_set = synth_set(
        settings, work / "templates", 800, 5000, [r for r, _ in small], caps={"accbp": Decimal(0)}
    )
    resolve = Resolver(iris, setup.reference)
    templates = [
        renamed_block(build_release(r, s, resolve), str(iris.graph(r.id)), settings.base_iri)
        for r, s in templates_set
    ]
    per_copy = sum(len(r.projects) for r, _ in templates_set)
    copies = max(0, -(-(args.large - small_projects) // per_copy))
    log(f"large graph: {copies} copies of {len(templates)} releases ({per_copy} projects each copy)")
    start = time.perf_counter()
    large = store  # the small graph, and the copies on top of it
    load_large(large, templates, copies)
    load_seconds = time.perf_counter() - start
    large_projects = small_projects + copies * per_copy
    log(f"large graph: {large_projects} projects, {len(large)} quads, loaded in {load_seconds:.0f} s")
    check_candidate(candidate, large, setup, settings)
    seconds, detail = time_check(candidate, large, setup, settings, args.repeat)
    rows.append(Row("large", large_projects, len(large), "one release, focus nodes", seconds, detail))
    log(f"large graph: focus validation {statistics.median(seconds):.2f} s")
    report_results(args, rows, time.perf_counter() - started, load_seconds, load_at_start)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


def report_results(
    args: argparse.Namespace,
    rows: list[Row],
    total: float,
    load_seconds: float,
    load_at_start: tuple[float, ...],
) -> None:
    command = COMMAND + ("" if args.small == 1_000 else f" --small {args.small}")
    command += "" if args.large == 100_000 else f" --large {args.large}"
    command += " --skip-whole" if args.skip_whole else ""
    table = [
        "| graph | projects | quads | validation | median s | runs (s) | detail |",
        "|---|---:|---:|---|---:|---|---|",
    ]
    for row in rows:
        runs = ", ".join(f"{s:.2f}" for s in row.seconds)
        cells = [
            row.graph,
            f"{row.projects:,}",
            f"{row.quads:,}",
            row.what,
            f"{row.median:.2f}",
            runs,
            row.detail,
        ]
        table.append("| " + " | ".join(cells) + " |")
    print("\n".join(table))
    print(f"\nReproduce: {command}")
    load = os.getloadavg()
    machine = (
        f"nproc {os.cpu_count()}, {platform.machine()}, Linux {platform.release()}; "
        f"Python {platform.python_version()}; "
        + ", ".join(f"{p} {version(p)}" for p in ("rdflib", "pyshacl", "pyoxigraph", "pyparsing"))
        + f"; 1-minute load average {load_at_start[0]:.1f} at the start, {load[0]:.1f} at the end"
        + " (a shared machine: other jobs ran meanwhile)"
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout
    args.results.parent.mkdir(parents=True, exist_ok=True)
    text = RESULTS.format(
        date=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        commit=commit.strip() or "unknown",
        machine=machine,
        command=command,
        table="\n".join(table),
        total=total / 60,
        load=load_seconds,
    )
    previous = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
    notes = previous.split(NOTES_MARK, 1)[1] if NOTES_MARK in previous else ""
    args.results.write_text(text + (NOTES_MARK + notes if notes else ""), encoding="utf-8")
    log(f"wrote {args.results}")


NOTES_MARK = "\n## Notes\n"
RESULTS = """# `kg add` validation: one release against ~1k and ~100k projects

Written by `benchmarks/add_validation.py` on {date} (commit {commit}, plus the working tree).

Machine: {machine}.

Command: `{command}` (whole run {total:.1f} minutes; loading the copies into the large in-memory store took
{load:.0f} s, not part of the validation).

{table}

"one release, focus nodes" is `kg.add.check_candidate` on the same new synthetic release (8 projects, 2013,
ACCBP and GPP grants) each time: the duplicate check against the store, the CONSTRUCT of the existing nodes
the rules need (the programs' yearly caps and the capped program's grants of the same year) and pyshacl on
the release's own nodes. "whole graph + the release" is pyshacl on the union of every named graph with the
release added, as `kg validate` runs it. Whole-graph pyshacl at ~100k projects was not run.
"""


if __name__ == "__main__":
    main()
