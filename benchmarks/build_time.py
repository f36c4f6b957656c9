"""Benchmark (not a test): wall time of `kg build` and `kg add` at ~1,000 projects.

    .venv/bin/python benchmarks/build_time.py                      # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/build_time.py --compare before=/tmp/kg-before/src   # and other code

The data set: the repository's data/ plus `kg synth 120 --seed 9` (121 releases, 974 projects, 192,543
triples). Each run is a new process, as a person runs the command, with KG_DATA_DIR and KG_DIST_DIR pointing
at a scratch copy:

- `kg build`: reads the records and writes dist/ (every dump, the exports, the catalog);
- `kg add`: adds one more synthetic release (`kg synth 1 --seed 11` against that data, 12 projects) to a fresh
  copy of data/ and of the dist/ the same code built: the focus-node validation (about 1 s) and the rebuild
  of dist/.

``--compare NAME=SRC`` also times the code in the ``src/`` of another checkout (``git worktree add
/tmp/kg-before HEAD``; run with PYTHONPATH=SRC in the same venv); the variants take turns run by run, so a
shared machine's load falls on all of them alike. Besides wall time the
table gives the CPU time (user + system) of each run, which other jobs disturb less. The numbers are written
to benchmarks/results/build_time.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = ".venv/bin/python benchmarks/build_time.py"


@dataclass
class Variant:
    name: str
    src: Path
    runs: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # command -> (wall, cpu)


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def kg(variant: Variant, args: list[str], data: Path, dist: Path) -> tuple[float, float]:
    """Run ``kg ARGS`` with the variant's code; return its wall and CPU seconds."""
    env = {**os.environ, "PYTHONPATH": str(variant.src), "KG_DATA_DIR": str(data), "KG_DIST_DIR": str(dist)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kg.cli", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{variant.name}: kg {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def make_data(work: Path, src: Path) -> tuple[Path, Path]:
    """data/ with the synthetic releases, and the record (and text) of the release `kg add` adds."""
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    env = {**os.environ, "PYTHONPATH": str(src), "KG_DATA_DIR": str(data)}
    synth = [sys.executable, "-m", "kg.cli", "synth"]
    subprocess.run([*synth, "120", "--seed", "9", "-o", str(work / "syn")], env=env, check=True)
    for path in sorted((work / "syn").iterdir()):
        folder = "releases" if path.suffix == ".yaml" else "sources"
        shutil.copy(path, data / folder / path.name)
    subprocess.run([*synth, "1", "--seed", "11", "-o", str(work / "new")], env=env, check=True)
    (record,) = sorted((work / "new").glob("*.yaml"))
    return data, record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command per variant")
    parser.add_argument(
        "--compare", action="append", default=[], metavar="NAME=SRC", help="also time the code in SRC"
    )
    parser.add_argument("--workdir", type=Path, help="keep the generated files here (default: a temp dir)")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results" / "build_time.md")
    args = parser.parse_args()
    variants = [Variant(name, Path(src).resolve()) for name, src in (c.split("=", 1) for c in args.compare)]
    variants.append(Variant("this tree", ROOT / "src"))
    load_at_start = os.getloadavg()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    data, record = make_data(work, ROOT / "src")
    log(f"data: {data} ({len(list((data / 'releases').glob('*.yaml')))} releases); kg add {record.name}")
    for _ in range(args.runs):
        for variant in variants:
            dist = work / f"dist-{variant.name.replace(' ', '-')}"
            timing = kg(variant, ["build"], data, dist)
            variant.runs.setdefault("kg build", []).append(timing)
            log(f"{variant.name}: kg build {timing[0]:.1f} s (CPU {timing[1]:.1f} s)")
            scratch = work / "add"
            shutil.rmtree(scratch, ignore_errors=True)
            shutil.copytree(data, scratch / "data")
            shutil.copytree(dist, scratch / "dist")
            timing = kg(variant, ["add", str(record)], scratch / "data", scratch / "dist")
            variant.runs.setdefault("kg add", []).append(timing)
            log(f"{variant.name}: kg add {timing[0]:.1f} s (CPU {timing[1]:.1f} s)")
    report(args, variants, load_at_start)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


def report(args: argparse.Namespace, variants: list[Variant], load_at_start: tuple[float, ...]) -> None:
    table = [
        "| code | command | median wall s | median CPU s | runs: wall s (CPU s) |",
        "|---|---|---:|---:|---|",
    ]
    for command in ("kg build", "kg add"):
        for v in variants:
            runs = v.runs[command]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            detail = ", ".join(f"{w:.1f} ({c:.1f})" for w, c in runs)
            table.append(f"| {v.name} | `{command}` | {wall:.1f} | {cpu:.1f} | {detail} |")
    print("\n".join(table))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    load = os.getloadavg()
    machine = (
        f"nproc {os.cpu_count()}, {platform.machine()}, Linux {platform.release()}; "
        f"Python {platform.python_version()}; 1-minute load average {load_at_start[0]:.1f} at the start, "
        f"{load[0]:.1f} at the end (a shared machine: other jobs ran meanwhile)"
    )
    compared = "".join(f" --compare {v.name}=SRC" for v in variants if v.src != ROOT / "src")
    text = RESULTS.format(
        date=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        commit=commit or "unknown",
        machine=machine,
        command=COMMAND + (f" --runs {args.runs}" if args.runs != 3 else "") + compared,
        table="\n".join(table),
    )
    previous = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
    notes = previous.split(NOTES_MARK, 1)[1] if NOTES_MARK in previous else ""
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text + (NOTES_MARK + notes if notes else ""), encoding="utf-8")
    log(f"wrote {args.results}")


NOTES_MARK = "\n## Notes\n"
RESULTS = """# `kg build` and `kg add` at ~1,000 projects

Written by `benchmarks/build_time.py` on {date} (commit {commit}, plus the working tree).

Machine: {machine}.

Command: `{command}`

Data: the repository's data/ plus `kg synth 120 --seed 9`: 121 releases, 974 projects, 192,543 triples in 123
named graphs. `kg add` adds `kg synth 1 --seed 11` (12 projects) to a fresh copy of data/ and of the dist/
built by the same code.

{table}
"""


if __name__ == "__main__":
    main()
