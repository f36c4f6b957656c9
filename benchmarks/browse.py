"""Benchmark (not a test): the projects list and the search on a `kg synth 300` build.

    .venv/bin/python benchmarks/browse.py            # a few minutes on 2 cores (most of it is `kg build`)

The data set: the repository's data/ plus `kg synth 300 --seed 5`, built once with `kg build` in a scratch
folder. Then, in this process, an app serving that build (as `kg serve` does, without query workers)
answers each request ``--repeat`` times through Flask's test client (no network: the time of the view);
the first answer of each URL is timed apart (it includes reading the index on the first request). The
ETag cache is bypassed (every request is a full render). The table goes to benchmarks/results/browse.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URLS = (
    "/projects",
    "/projects?country=gt",
    "/projects?program=accbp&year=2012&sort=-amount",
    "/projects?q=police",
    "/projects?q=securite&country=gt&page=2&size=10",
    "/projects.csv",
    "/projects.json?country=gt",
    "/search?q=police",
    "/search?q=securite",
    "/search?q=traf*&kind=project&page=2",
)


def build(work: Path, count: int) -> tuple[Path, Path, float]:
    data, dist = work / "data", work / "dist"
    shutil.copytree(ROOT / "data", data)
    env = {**os.environ, "KG_DATA_DIR": str(data), "KG_DIST_DIR": str(dist)}
    kg = [sys.executable, "-m", "kg.cli"]
    subprocess.run([*kg, "synth", str(count), "--seed", "5", "-o", str(work / "syn")], env=env, check=True)
    for path in (work / "syn").iterdir():
        shutil.copy(path, data / ("releases" if path.suffix == ".yaml" else "sources") / path.name)
    start = time.perf_counter()
    subprocess.run([*kg, "build"], env=env, check=True)
    return data, dist, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from kg.browse.records import browse_data
    from kg.dumps import union_view
    from kg.project import build_project
    from kg.search_index import INDEX_FILE, SearchIndex, write_index
    from kg.settings import Settings
    from kg.web import create_app
    from kg.web.config import WebOptions
    from kg.web.runtime import prepare_release

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        data, dist, build_s = build(work, args.count)
        settings = Settings(data_dir=data, dist_dir=dist)
        graph = union_view(build_project(settings))
        start = time.perf_counter()
        records = browse_data(graph)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        write_index(records, work / "again.sqlite")
        write_s = time.perf_counter() - start
        size = (dist / INDEX_FILE).stat().st_size
        start = time.perf_counter()
        SearchIndex(dist / INDEX_FILE).browse_data()
        load_s = time.perf_counter() - start
        options = WebOptions(store_dir=work / "stores")
        prepared = prepare_release(settings, options)
        app = create_app(settings, store=prepared.store, dataset=prepared.dataset, options=options)
        client = app.test_client()
        rows = []
        for url in URLS:
            start = time.perf_counter()
            first = client.get(url)
            first_ms = (time.perf_counter() - start) * 1000
            assert first.status_code == 200, (url, first.status_code)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                reply = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert reply.status_code == 200
            rows.append((url, first_ms, statistics.median(times), max(times), len(reply.data)))

    lines = [
        f"# Browse and search on a `kg synth {args.count}` build",
        "",
        f"Made by `.venv/bin/python benchmarks/browse.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores shared with other jobs.",
        "",
        f"- data: {len(records.projects):,} projects, {len(records.terms):,} facet values, "
        f"{len(records.texts):,} indexed texts; `kg build` {build_s:.1f} s in all",
        f"- index: reading the graph into records {read_s:.2f} s, writing `search.sqlite` {write_s:.2f} s "
        f"({size / 1e6:.1f} MB); the server reads the list from it once, {load_s * 1000:.0f} ms",
        "",
        f"| request | first (ms) | median of {args.repeat} (ms) | max (ms) | bytes |",
        "|---|---:|---:|---:|---:|",
        *[f"| `{u}` | {f:.1f} | {m:.1f} | {x:.1f} | {n:,} |" for u, f, m, x, n in rows],
        "",
    ]
    out = ROOT / "benchmarks" / "results" / "browse.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
