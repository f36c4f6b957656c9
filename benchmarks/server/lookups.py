"""`kg serve` against Oxigraph's server on our own data model: lookups, aggregates and pages (issue 12).

    bash scripts/bench-peers.sh                                   # once: wrk and .venv-bench (oxigraph)
    .venv/bin/python benchmarks/server/lookups.py --releases 60   # ~10^5 triples: kg synth, kg build, measure
    .venv/bin/python benchmarks/server/lookups.py --dist PATH/dist # an existing build instead

Both servers read the same ``dist/kg.nq`` (a named graph per release): ours as ``kg serve`` (the production
path, the dist/ folder), Oxigraph as ``oxigraph serve-read-only --union-default-graph`` on a store loaded
and optimised from the same file. Scenarios (wrk, ``request.lua``; each a few seconds, servers in turn):

* ``point-distinct``: ``SELECT ?p ?o WHERE { <project> ?p ?o }`` over 50 projects in turn, a new result
  variable name every request (no result cache helps);
* ``point-repeated``: one such lookup, the identical request every time (our result cache applies);
* ``aggregate-distinct`` / ``aggregate-repeated``: the heavy aggregates of ``run.py``, different / identical;
* ``page``: ours only, the median latency of resource HTML pages, one request at a time.

:func:`compare` is the reusable part (the scale benchmark calls it for each size); :func:`synth_build`
makes the data with ``kg synth`` + ``kg build``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402 (the harness beside this file: servers, wrk, requests)

ROOT = run.ROOT
KG = run.OUR_BIN / "kg"
BASE_IRI = "https://w3id.org/kg-funding/"  # kg serve maps it onto its own origin
KG_ONTOLOGY = BASE_IRI + "ontology#"
RESULTS_JSON = run.RESULTS_JSON
SCENARIOS = ("point-distinct", "point-repeated", "aggregate-distinct", "aggregate-repeated")
# Ratios (ours / Oxigraph, requests per second) issue 12 asks for, and the page median.
TARGETS = {
    "point-distinct": 0.3,
    "point-repeated": 0.5,
    "aggregate-distinct": 0.8,
    "aggregate-repeated": 10.0,
}
PAGE_TARGET_MS = 20.0


@dataclass
class Comparison:
    """One size: requests per second of each server per scenario, their ratios, page latency."""

    triples: int
    graphs: int
    rates: dict[str, dict[str, float]] = field(default_factory=dict)  # scenario -> server -> req/s
    errors: dict[str, dict[str, int]] = field(default_factory=dict)
    page_ms: tuple[float, float] = (0.0, 0.0)  # median, p90
    startup_s: dict[str, float] = field(default_factory=dict)
    memory_mb: dict[str, float | None] = field(default_factory=dict)

    def ratio(self, scenario: str) -> float:
        ours, peer = self.rates[scenario]["ours"], self.rates[scenario]["oxigraph"]
        return ours / peer if peer else 0.0

    def table(self) -> str:
        lines = [
            f"{self.triples:,} triples in {self.graphs} named graphs",
            "",
            "| scenario | kg serve req/s | Oxigraph req/s | ratio | target |",
            "|---|---:|---:|---:|---:|",
        ]
        for scenario in SCENARIOS:
            rates = self.rates[scenario]
            ratio = self.ratio(scenario)
            mark = "ok" if ratio >= TARGETS[scenario] else "MISSED"
            lines.append(
                f"| {scenario} | {rates['ours']:.1f} | {rates['oxigraph']:.1f} | {ratio:.2f}x | "
                f">= {TARGETS[scenario]}x {mark} |"
            )
        median, p90 = self.page_ms
        mark = "ok" if median < PAGE_TARGET_MS else "MISSED"
        lines.append(
            f"| resource page (ours) | median {median:.1f} ms, p90 {p90:.1f} ms | | | < 20 ms {mark} |"
        )
        return "\n".join(lines)


def synth_build(work: Path, releases: int, seed: int = 9) -> Path:
    """``data/`` plus ``kg synth RELEASES``, built with ``kg build``; the dist/ folder."""
    data, dist = work / "data", work / "dist"
    if (dist / "kg.nq").is_file():
        return dist
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(ROOT / "data", data)
    env = {**os.environ, "KG_DATA_DIR": str(data), "KG_DIST_DIR": str(dist)}
    subprocess.run(
        [str(KG), "synth", str(releases), "--seed", str(seed), "-o", str(work / "syn")], env=env, check=True
    )
    for path in sorted((work / "syn").iterdir()):
        shutil.copy(path, data / ("releases" if path.suffix == ".yaml" else "sources") / path.name)
    subprocess.run([str(KG), "build"], env=env, check=True, capture_output=True)
    return dist


def start_ours(dist: Path, workdir: Path, workers: int = 2) -> run.Server:
    env = {
        "KG_DIST_DIR": str(dist.resolve()),
        "KG_STORE_DIR": str(workdir / "kg-stores"),
        "KG_RELOAD_INTERVAL": "0",
        # wrk is one client; Oxigraph gives one client every core, so here it may use every worker too.
        # (By default one client gets half the workers: kg.web.fairness, tests/web/test_fairness.py.)
        "KG_CLIENT_QUERIES": str(workers),
    }
    argv = [str(KG), "serve", "--port", "{port}", "--timeout", "120", "--workers", str(workers)]
    return run.start("ours", "kg serve", argv, "/sparql", env, workdir)


def start_oxigraph(nquads: Path, workdir: Path) -> run.Server:
    oxigraph = str(run.BENCH_VENV / "bin" / "oxigraph")
    location = workdir / "oxigraph-store"
    started = time.perf_counter()
    for step in (
        ["load", "--location", str(location), "--file", str(nquads)],
        ["optimize", "-l", str(location)],
    ):
        subprocess.run([oxigraph, *step], check=True, capture_output=True)
    argv = [
        oxigraph,
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        "127.0.0.1:{port}",
        "--union-default-graph",
    ]
    server = run.start("oxigraph", "Oxigraph server", argv, "/query", {}, workdir)
    server.startup_s = time.perf_counter() - started  # load and optimise included
    return server


def point(iri: str, nonce: bool) -> str:
    var = "?o__NONCE__" if nonce else "?o"
    return f"SELECT ?p {var} WHERE {{ <{iri}> ?p {var} }}"


def projects(server: run.Server, count: int) -> list[str]:
    query = (
        f"SELECT DISTINCT ?p WHERE {{ ?p a ?type FILTER(STRSTARTS(STR(?p), '{BASE_IRI}project/')) }} "
        f"ORDER BY ?p LIMIT {count}"
    )
    answer = run.send(server.port, run.sparql_post(server.sparql_path, query))
    return [b["p"]["value"] for b in json.loads(answer.body)["results"]["bindings"]]


def requests_for(server: run.Server, scenario: str, iris: list[str]) -> list[run.Request]:
    if scenario == "point-distinct":
        return [run.sparql_post(server.sparql_path, point(iri, nonce=True)) for iri in iris]
    if scenario == "point-repeated":
        return [run.sparql_post(server.sparql_path, point(iris[0], nonce=False))]
    if scenario == "aggregate-distinct":
        return [run.sparql_post(server.sparql_path, q) for q in run.AGGREGATES]
    return [run.sparql_post(server.sparql_path, run.BY_IMPLEMENTER.replace("__NONCE__", ""))]


def warm(server: run.Server, request: run.Request) -> run.Answer:
    """One request, retried while the server is still busy with the queries of the last wrk run."""
    deadline = time.monotonic() + 300
    while True:
        answer = run.send(server.port, request.with_nonce("0"))
        if answer.status not in (429, 503) or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def page_latency(server: run.Server, iris: list[str], count: int) -> tuple[float, float]:
    times = []
    for n in range(count):
        path = "/" + iris[n % len(iris)].removeprefix(BASE_IRI) + ".html"
        answer = run.send(server.port, run.get(path, "text/html"))
        if answer.status != 200:
            raise RuntimeError(f"{path} answered {answer.status}")
        times.append(answer.seconds * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)]


def count_triples(server: run.Server) -> tuple[int, int]:
    query = "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?g) AS ?g) WHERE { GRAPH ?g { ?s ?p ?o } }"
    row = json.loads(run.send(server.port, run.sparql_post(server.sparql_path, query)).body)["results"]
    values = row["bindings"][0]
    return int(values["n"]["value"]), int(values["g"]["value"])


def compare(
    dist: Path,
    workdir: Path,
    *,
    seconds: float = 5.0,
    rounds: int = 2,
    threads: int = 2,
    connections: int = 4,
    page_requests: int = 100,
    workers: int = 2,
    log: bool = True,
) -> Comparison:
    """Start both servers on ``dist`` (a ``kg build`` output), run every scenario, stop them."""
    args = argparse.Namespace(threads=threads, connections=connections)
    workdir.mkdir(parents=True, exist_ok=True)
    dist, workdir = dist.resolve(), workdir.resolve()
    servers = [start_ours(dist, workdir, workers), start_oxigraph(dist / "kg.nq", workdir)]
    try:
        triples, graphs = count_triples(servers[0])
        result = Comparison(triples, graphs)
        for server in servers:
            result.startup_s[server.key] = server.startup_s
            result.memory_mb[server.key] = run.memory_mb(server.proc.pid)
        iris = projects(servers[0], 50)
        for scenario in SCENARIOS:
            per: dict[str, list[run.Result]] = {s.key: [] for s in servers}
            for round_ in range(rounds):
                order = servers if round_ % 2 == 0 else servers[::-1]
                for server in order:
                    requests = requests_for(server, scenario, iris)
                    for request in requests:  # warm (and, for the repeated ones, fill the cache)
                        answer = warm(server, request)
                        if answer.status != 200:
                            raise RuntimeError(
                                f"{server.label} {scenario}: {answer.status} {answer.body[:200]!r}"
                            )
                    salt = f"{round_ + 1}{len(per[server.key])}"
                    outcome = run.run_wrk(server.port, requests, seconds, args, salt)
                    per[server.key].append(outcome)
                    if log:
                        run.log(f"{scenario} {server.label} round {round_ + 1}: {outcome.rate:.1f} req/s")
            result.rates[scenario] = {k: run.Result.pooled(v).rate for k, v in per.items()}
            result.errors[scenario] = {k: sum(r.errors for r in v) for k, v in per.items()}
        result.page_ms = page_latency(servers[0], iris, page_requests)
        return result
    finally:
        for server in servers:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=60, help="kg synth releases (60: ~10^5 triples)")
    parser.add_argument("--dist", type=Path, default=None, help="an existing kg build output instead")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    args = parser.parse_args()
    dist = args.dist or synth_build(run.DATA / f"synth-{args.releases}", args.releases)
    workdir = Path(tempfile.mkdtemp(prefix="lookups-", dir=run.DATA))
    try:
        result = compare(dist, workdir, seconds=args.seconds, rounds=args.rounds, workers=args.workers)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(result.table())


if __name__ == "__main__":
    main()
