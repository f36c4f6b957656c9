"""The scale benchmark (issue 12.5): cost against size, from 10^4 to 10^7 triples, in one command.

    bash scripts/bench-peers.sh        # once: wrk, and .venv-bench with Oxigraph's server and matplotlib
    .venv/bin/python benchmarks/scale.py --sizes 1e4,1e5,1e6,1e7

For each size it writes ``kg synth`` releases into a copy of ``data/`` (a named graph per release, as real
releases are: about 1,820 triples each, plus 5,339 of the seed and reference data), then times the
commands, each a fresh process with the peak memory (PSS) of its whole process tree sampled:

- ``kg build`` (everything: dumps, tables, catalog);
- ``kg add`` of one more release (``KG_FINISH=off``: what the command waits for) with no store prepared:
  from 64 MiB of N-Quads it prepares the build's on-disk store, as ``kg serve`` would (``kg.add.stores``);
  then of another, with a store ready (the first add's; for a smaller graph, the one a server prepares);
  then ``kg build --finish`` (the other syntaxes and tables they leave to the background);
- ``kg validate`` of the whole graph (stopped at ``--validate-timeout``).

Then each system of ``SYSTEMS`` in turn (one entry per system: add one to compare another): started cold on
a free loopback port, its start time (until it answers) and idle memory (PSS of the process tree), then with
wrk (benchmarks/server/request.lua, 4 connections, ``--duration`` s each): distinct point lookups
(``SELECT ?p ?o WHERE { <project> ?p ?o }``, a different query text each time) and one repeated, resource
pages (``kg serve`` only), heavy aggregates with every query text different, and one heavy aggregate
repeated; then the memory after the runs. It writes a markdown table (``--out``) with the ratios issue 12
sets, and a plot of cost against size (``--plot``, drawn by matplotlib in .venv-bench). Nothing leaves
loopback.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "server"))

import run as server_bench  # noqa: E402 (benchmarks/server/run.py: servers, wrk, memory)

KG = Path(sys.executable).parent / "kg"
BENCH_VENV = ROOT / ".venv-bench"
SEED_TRIPLES = 5_339  # data/ alone (measured): the seed release, reference data and ontology
TRIPLES_PER_RELEASE = 1_820  # a `kg synth` release with its graph (measured at 62 releases)
BASE = "https://w3id.org/kg-funding/"
COMMAND = ".venv/bin/python benchmarks/scale.py"


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------ commands


@dataclass
class Timed:
    wall: float
    cpu: float
    peak_mb: float
    ok: bool = True
    note: str = ""


def timed(
    argv: Sequence[str], env: dict[str, str], timeout: float = 3600, done_codes: tuple[int, ...] = (0,)
) -> Timed:
    """Run a command; its wall and CPU seconds and the peak PSS of its process tree (sampled every 0.2 s)."""
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, server_bench.memory_mb(proc.pid) or 0.0)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
        ok = proc.returncode in done_codes
        note = (
            ""
            if proc.returncode == 0
            else f"exit {proc.returncode}: " + (err or out).decode(errors="replace").strip()[-300:]
        )
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 9)
        proc.communicate()
        ok, note = False, f"stopped after {timeout:.0f} s"
    done.set()
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Timed(time.perf_counter() - started, cpu, peak, ok, note)


def kg_env(work: Path, **extra: str) -> dict[str, str]:
    return {
        "KG_DATA_DIR": str(work / "data"),
        "KG_DIST_DIR": str(work / "dist"),
        "KG_STORE_DIR": str(work / "stores"),
        **extra,
    }


def releases_for(size: int) -> int:
    return max(1, round((size - SEED_TRIPLES) / TRIPLES_PER_RELEASE))


def make_project(work: Path, size: int) -> list[Path]:
    """data/ with the synthetic releases for ``size`` triples; returns the two records ``kg add`` adds."""
    if (work / "data").is_dir():
        shutil.rmtree(work / "data")
    shutil.copytree(ROOT / "data", work / "data")
    env = kg_env(work)
    synth = [str(KG), "synth"]
    syn, new = work / "syn", work / "new"
    for folder in (syn, new):
        shutil.rmtree(folder, ignore_errors=True)
    count = releases_for(size)
    subprocess.run([*synth, str(count), "--seed", "9", "-o", str(syn)], env={**os.environ, **env}, check=True)
    for path in sorted(syn.iterdir()):
        shutil.move(path, work / "data" / ("releases" if path.suffix == ".yaml" else "sources") / path.name)
    subprocess.run([*synth, "2", "--seed", "11", "-o", str(new)], env={**os.environ, **env}, check=True)
    return sorted(new.glob("*.yaml"))


@dataclass
class SizeResult:
    size: int
    releases: int
    triples: int = 0
    commands: dict[str, Timed] = field(default_factory=dict)
    systems: dict[str, dict[str, object]] = field(default_factory=dict)


PREPARE = (
    "import sys; from pathlib import Path; from kg.sparql.prepare import prepare_build_store; "
    "prepare_build_store(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))"
)


def run_commands(work: Path, records: list[Path], result: SizeResult, args: argparse.Namespace) -> None:
    env = kg_env(work)
    for path in (work / "dist", work / ".dist.builds", work / "stores", work / "oxigraph-store"):
        if path.is_symlink():
            path.unlink()
        shutil.rmtree(path, ignore_errors=True)
    result.commands["build"] = timed([str(KG), "build"], env)
    log(f"  kg build: {result.commands['build'].wall:.1f} s (CPU {result.commands['build'].cpu:.1f} s)")
    nq = work / "dist" / "kg.nq"
    result.triples = sum(1 for _ in nq.open("rb")) if nq.is_file() else 0
    # `kg add` on a copy, so the servers below serve the built graph. The build's files are hard-linked: a
    # build's files never change once written (at 10^7 triples a copy was 11 GB).
    scratch = work / "add"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    shutil.copytree(work / "data", scratch / "data")
    shutil.copytree(work / ".dist.builds", scratch / ".dist.builds", symlinks=True, copy_function=os.link)
    os.symlink(os.readlink(work / "dist"), scratch / "dist")
    result.commands["add"] = timed([str(KG), "add", str(records[0])], kg_env(scratch, KG_FINISH="off"))
    log(f"  kg add: {result.commands['add'].wall:.1f} s (CPU {result.commands['add'].cpu:.1f} s)")
    # The next add, with a store ready: the first add's (from kg.add.stores.PREPARE_FROM_BYTES), else the
    # one `kg serve` prepares for the build (already there: nothing to do).
    prepare = [sys.executable, "-c", PREPARE, str(scratch / "dist"), str(scratch / "stores")]
    subprocess.run(prepare, check=True)
    served = timed([str(KG), "add", str(records[1])], kg_env(scratch, KG_FINISH="off"))
    result.commands["add-served"] = served
    log(f"  the next kg add, a store ready: {served.wall:.1f} s (CPU {served.cpu:.1f} s)")
    if "finish" in args.commands:
        result.commands["finish"] = timed([str(KG), "build", "--finish"], kg_env(scratch))
        finish = result.commands["finish"]
        log(f"  kg build --finish: {finish.wall:.1f} s (CPU {finish.cpu:.1f} s)")
    shutil.rmtree(scratch, ignore_errors=True)
    if args.validate_timeout > 0 and "validate" in args.commands:
        # Exit 1: validated to the end, and the graph does not conform (a report, still a whole run).
        validate = timed([str(KG), "validate"], env, timeout=args.validate_timeout, done_codes=(0, 1))
        result.commands["validate"] = validate
        log(f"  kg validate: {validate.wall:.1f} s (CPU {validate.cpu:.1f} s) {validate.note[:100]}")


# ------------------------------------------------------------------------------------------- systems


@dataclass(frozen=True)
class Context:
    work: Path
    nquads: Path


@dataclass(frozen=True)
class System:
    """One system to measure: how to start it, whether it can run here, whether it has resource pages."""

    key: str
    label: str
    start: Callable[[Context], server_bench.Server]
    missing: Callable[[], str | None]  # why it cannot run here, or None
    pages: bool = False


def _start_kg(ctx: Context) -> server_bench.Server:
    argv = [str(KG), "serve", "--port", "{port}", "--timeout", "120", "--workers", "2"]
    # wrk is one client (one address); Oxigraph gives one client every core, so here it may use both
    # workers (by default one client gets half of them, and wrk's other connections were refused with 429).
    env = kg_env(ctx.work, KG_CLIENT_QUERIES="2")
    return server_bench.start("kg", "kg serve", argv, "/sparql", env, ctx.work)


def _start_kg_processes(ctx: Context) -> server_bench.Server:
    # What run.sh starts on this machine: one server process per core, each with its default two query
    # workers; as for kg above, wrk's one address may use every worker of a process (KG_CLIENT_QUERIES).
    argv = [str(KG), "serve", "--port", "{port}", "--timeout", "120", "--processes", "2"]
    env = kg_env(ctx.work, KG_CLIENT_QUERIES="2")
    return server_bench.start("kg-2", "kg serve --processes 2", argv, "/sparql", env, ctx.work)


def _start_kg_file(ctx: Context) -> server_bench.Server:
    # The other data shape: one file, one graph (what `kg serve FILE` serves), the same triples.
    single = one_graph_file(ctx.nquads, ctx.work / "one-graph.nt")
    from kg.rdf_input import InputLimits

    limit, size = InputLimits().max_bytes, single.stat().st_size
    if size > limit:  # a cap on anyone's files (kg.rdf_input): a graph this size is served from `kg build`
        raise RuntimeError(
            f"one file of {size / 2**20:,.0f} MB, and kg serve FILE reads {limit // 2**20} MB a file"
        )
    argv = [str(KG), "serve", "--port", "{port}", "--timeout", "120", "--processes", "2", str(single)]
    env = kg_env(ctx.work, KG_CLIENT_QUERIES="2")
    return server_bench.start("kg-2-file", "kg serve --processes 2 FILE", argv, "/sparql", env, ctx.work)


def one_graph_file(nquads: Path, target: Path) -> Path:
    """The triples of ``nquads`` without their graphs, as N-Triples (written once per build)."""
    if not target.is_file() or target.stat().st_mtime < nquads.stat().st_mtime:
        import pyoxigraph as ox

        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            triples = (quad.triple for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
            ox.serialize(triples, out, format=ox.RdfFormat.N_TRIPLES)
        partial.replace(target)
    return target


def _start_oxigraph(ctx: Context) -> server_bench.Server:
    oxigraph = str(BENCH_VENV / "bin" / "oxigraph")
    location = ctx.work / "oxigraph-store"  # removed with each size's build: loaded at the first start
    started = time.perf_counter()
    if not location.is_dir():
        for step in (
            ["load", "--location", str(location), "--file", str(ctx.nquads)],
            ["optimize", "-l", str(location)],
        ):
            subprocess.run([oxigraph, *step], check=True, capture_output=True)
    loading = time.perf_counter() - started
    argv = [oxigraph, "serve-read-only", "--location", str(location), "--bind", "127.0.0.1:{port}"]
    argv.append("--union-default-graph")  # our named graphs: queries see their union, as in kg serve
    server = server_bench.start("oxigraph", "Oxigraph server", argv, "/query", {}, ctx.work)
    server.startup_s += loading
    return server


def _oxigraph_missing() -> str | None:
    return None if (BENCH_VENV / "bin" / "oxigraph").is_file() else "run scripts/bench-peers.sh first"


def _remote_missing(kind: str) -> str | None:
    """``kg serve --store``: the remote store of issue 12.4, and the store server installed."""
    done = subprocess.run([str(KG), "serve", "--help"], capture_output=True, text=True, check=False)
    if "--store" not in done.stdout:
        return "kg serve has no remote store on this branch (issue 12.4)"
    if kind == "oxigraph":
        return _oxigraph_missing()
    return None if shutil.which("virtuoso-t") else "Virtuoso is not installed (virtuoso-opensource-7-bin)"


_STORES: dict[tuple[Path, str], Any] = {}  # store servers running for the size being measured


def _store_server(ctx: Context, kind: str) -> tuple[Any, float]:
    """The store server (tests/store/store_servers.py) for this size, started and loaded through the Graph
    Store protocol (``kg.store.push``, as ``KG_STORE=URL kg build`` does) the first time; the load time."""
    if (ctx.work, kind) in _STORES:
        return _STORES[(ctx.work, kind)], 0.0
    sys.path.insert(0, str(ROOT / "tests" / "store"))
    import store_servers

    from kg.store.push import push_nquads
    from kg.store.remote import RemoteStore

    store_servers.OXIGRAPH_TIMEOUT_S = 120  # no store-side limit below kg serve's own (--timeout 120)

    class Oxigraph(store_servers.OxigraphServer):  # type: ignore[misc]
        @staticmethod
        def binary() -> str | None:
            return str(BENCH_VENV / "bin" / "oxigraph")

    folder = ctx.work / f"{kind}-server"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    server = (Oxigraph if kind == "oxigraph" else store_servers.VirtuosoServer)(folder)
    server.start()
    started = time.perf_counter()
    pushed = push_nquads(RemoteStore(server.url, graph_prefix=f"{BASE}graph/"), ctx.nquads)
    loading = time.perf_counter() - started
    log(f"  loaded {len(pushed.replaced)} graphs into {kind} in {loading:.1f} s")
    _STORES[(ctx.work, kind)] = server
    return server, loading


def stop_stores() -> None:
    for server in _STORES.values():
        server.stop()
    _STORES.clear()


def _start_kg_remote(ctx: Context, kind: str) -> server_bench.Server:
    store, loading = _store_server(ctx, kind)
    # kg's workers here are requests in flight to the store, which does the work: 8, so that wrk's 4
    # connections from one address fit one client's share (half the workers, kg.web.fairness) and are not
    # refused with 429 (the default 2 workers gave one slot: a third of the requests were refused).
    argv = [str(KG), "serve", "--port", "{port}", "--timeout", "120", "--workers", "8", "--store", store.url]
    server = server_bench.start(f"kg-{kind}", f"kg serve {kind}", argv, "/sparql", kg_env(ctx.work), ctx.work)
    server.startup_s += loading
    server.store_pid = store.process.pid  # type: ignore[attr-defined]
    return server


SYSTEMS: list[System] = [
    System("kg", "kg serve (embedded store)", _start_kg, lambda: None, pages=True),
    System("kg-2", "kg serve --processes 2 (embedded store)", _start_kg_processes, lambda: None, pages=True),
    System(
        "kg-2-file",
        "kg serve --processes 2 FILE (one graph, embedded store)",
        _start_kg_file,
        lambda: None,
        pages=True,
    ),
    System(
        "kg-oxigraph",
        "kg serve → Oxigraph server",
        lambda c: _start_kg_remote(c, "oxigraph"),
        lambda: _remote_missing("oxigraph"),
        pages=True,
    ),
    System(
        "kg-virtuoso",
        "kg serve → Virtuoso",
        lambda c: _start_kg_remote(c, "virtuoso"),
        lambda: _remote_missing("virtuoso"),
        pages=True,
    ),
    System("oxigraph", "Oxigraph server", _start_oxigraph, _oxigraph_missing),
]

PREFIXES = "PREFIX schema: <https://schema.org/>\nPREFIX kg: <https://w3id.org/kg-funding/ontology#>\n"


def projects(nquads: Path, limit: int = 400) -> list[str]:
    """Keys of projects in the dump (spread over it), for distinct lookups and pages."""
    pattern = re.compile(
        rb"^<"
        + re.escape(BASE.encode())
        + rb"project/([a-z0-9-]+)> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Project>"
    )
    keys = []
    with nquads.open("rb") as handle:
        for line in handle:
            if match := pattern.match(line):
                keys.append(match[1].decode())
    step = max(1, len(keys) // limit)
    return sorted(set(keys))[::step][:limit]


def scenarios(
    server: server_bench.Server, keys: list[str], pages: bool
) -> dict[str, list[server_bench.Request]]:
    # A variable named with __NONCE__ (request.lua numbers each request): every lookup is a new query
    # text, so no cache answers it (the 400 projects alone came round again after 400 requests).
    lookup = [
        server_bench.sparql_post(
            server.sparql_path, f"SELECT ?p ?o__NONCE__ WHERE {{ <{BASE}project/{k}> ?p ?o__NONCE__ }}"
        )
        for k in keys
    ]
    out = {
        "lookup": lookup,
        "lookup-same": [
            server_bench.sparql_post(
                server.sparql_path, f"SELECT ?p ?o WHERE {{ <{BASE}project/{keys[0]}> ?p ?o }}"
            )
        ],
        "aggregate-distinct": [
            server_bench.sparql_post(server.sparql_path, q) for q in server_bench.AGGREGATES
        ],
        "aggregate-same": [
            server_bench.sparql_post(server.sparql_path, server_bench.AGGREGATES[0].replace("__NONCE__", "0"))
        ],
    }
    if pages:  # before the heavy aggregates, whose last queries go on running after wrk stops
        out = {
            "lookup": out["lookup"],
            "lookup-same": out["lookup-same"],
            "page": [server_bench.get(f"/project/{k}.html", "text/html") for k in keys],
            **out,
        }
    return out


def _probe(
    server: server_bench.Server, requests: list[server_bench.Request], connections: int, nonce: str
) -> list[server_bench.Answer]:
    """The scenario's first requests, sent at once on ``connections`` connections (as wrk will), so that every
    server process of ``kg serve --processes N`` has answered them before wrk measures: a repeated query is
    then measured as repeated on each process, not as the first run of a 2 s aggregate (10^7 triples) on the
    process the probe missed. A server still running the last scenario's heavy queries (wrk stops waiting,
    the server does not) answers 429 or 503 with Retry-After: wait and ask again, up to 30 s. Each request
    of a distinct scenario is a text of its own (``nonce`` and its position)."""
    deadline = time.monotonic() + 30
    chosen = [
        requests[i % min(2, len(requests))].with_nonce(f"{nonce}{i}") for i in range(max(2, connections))
    ]
    while True:
        with concurrent.futures.ThreadPoolExecutor(len(chosen)) as pool:
            probe = list(pool.map(lambda r: server_bench.send(server.port, r), chosen))
        busy = any(a.status in (429, 503) for a in probe)
        if not busy or time.monotonic() > deadline:
            return probe
        time.sleep(1)


def run_system(system: System, ctx: Context, keys: list[str], args: argparse.Namespace) -> dict[str, object]:
    started = time.perf_counter()
    server = system.start(ctx)
    out: dict[str, object] = {"start_s": round(server.startup_s or time.perf_counter() - started, 2)}
    try:
        # Answering is not settled: `kg serve` answers while its query workers still start (a second or two
        # of CPU each). Idle memory and every scenario are measured once the process tree is idle.
        server_bench.wait_for_idle(server.proc.pid, timeout=120)
        out["idle_mb"] = server_bench.memory_mb(server.proc.pid)
        if store_pid := getattr(server, "store_pid", None):  # kg serve, then its store server
            out["store_idle_mb"] = server_bench.memory_mb(store_pid)
        for name, requests in scenarios(server, keys, system.pages).items():
            # Each scenario from a quiet server: wrk stops waiting at the end of a run, a server may not.
            server_bench.wait_for_idle(server.proc.pid, timeout=120)
            _probe(server, requests, args.connections, "p0")
            # Measured by the second probe: `measure` picks wrk or a small batch by how long one request
            # takes, and a first request may pay a one-time cost (a compile, a cold cache) no other does.
            # New texts (nonce "p1"): the same as the first probe's were answered from kg's result cache,
            # so a 3 s aggregate (10^7 triples) looked instant and was measured by wrk in a 4 s window,
            # which counts only the queries that end in it (0.58x one run, 1.08x the one before).
            probe = _probe(server, requests, args.connections, "p1")
            if any(a.status != 200 for a in probe):
                out[name] = {"error": f"status {[a.status for a in probe]}"}
                continue
            result = server_bench.measure(
                server, requests, probe, args, salt=f"{len(name)}{int(time.time())}"
            )
            out[name] = {
                "rate": round(result.rate, 1),
                "p50_ms": round(result.p50_ms, 2),
                "errors": result.errors,
            }
            log(f"  {system.key} {name}: {result.rate:.1f}/s, p50 {result.p50_ms:.1f} ms")
        out["after_mb"] = server_bench.memory_mb(server.proc.pid)
        if store_pid:
            out["store_after_mb"] = server_bench.memory_mb(store_pid)
    finally:
        stop_all(server)
    again = system.start(ctx)  # a second start: what a restart costs (a store already on disk is reused)
    out["restart_s"] = round(again.startup_s, 2)
    stop_all(again)
    return out


def stop_all(server: server_bench.Server, timeout: float = 60) -> None:
    """Stop a system and wait until every process it started has gone: query workers outlive their server
    by the time they take to notice (one still starting finishes its start first, seconds of CPU), and the
    next system measured would share the cores with them."""
    pids = set(server_bench.process_tree(server.proc.pid))
    server.stop()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in pids):
        time.sleep(0.2)


# -------------------------------------------------------------------------------------------- report


def fmt(value: object, digits: int = 1) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def markdown(results: list[SizeResult], args: argparse.Namespace, skipped: dict[str, str]) -> str:
    lines = [
        "# Scale: cost against size",
        "",
        f"Written by `benchmarks/scale.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {environment()}.",
        "",
        f"Command: `{COMMAND} --sizes {args.sizes}`",
        "",
        "## Commands (wall seconds, CPU seconds, peak memory of the process tree)",
        "",
        "| size | releases | triples | `kg build` | `kg add` (one release, no store yet) "
        "| the next `kg add` (a store ready) | `kg build --finish` | `kg validate` |",
        "|---:|---:|---:|---|---|---|---|---|",
    ]
    for r in results:
        cells = []
        for name in ("build", "add", "add-served", "finish", "validate"):
            t = r.commands.get(name)
            if t is None:
                cells.append("not run")
            elif not t.ok:
                cells.append(f"failed: {t.note[:80]}")
            else:
                cells.append(f"{t.wall:.1f} s (CPU {t.cpu:.1f} s, {t.peak_mb:,.0f} MB)")
        lines.append(f"| {r.size:.0e} | {r.releases:,} | {r.triples:,} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Servers (requests per second with 4 connections, and median latency)",
        "",
        "| size | system | start s (cold / again) | idle MB | lookups, distinct | lookup, same | pages "
        "| aggregates, distinct | aggregate, same | MB after |",
        "|---:|---|---:|---:|---|---|---|---|---|---:|",
    ]
    for r in results:
        for key, data in r.systems.items():
            label = next(s.label for s in SYSTEMS if s.key == key)

            def cell(name: str, data: dict[str, object] = data) -> str:
                got = data.get(name)
                if not isinstance(got, dict):
                    return ""
                if "error" in got:
                    return str(got["error"])
                errors = f" (**{got['errors']:,} errors**)" if got.get("errors") else ""
                return f"{got['rate']:,.1f}/s, {got['p50_ms']:.1f} ms{errors}"

            lines.append(
                f"| {r.size:.0e} | {label} "
                f"| {fmt(data.get('start_s'))} / {fmt(data.get('restart_s'))} | "
                f"{memory(data, 'idle_mb', 'store_idle_mb')} | "
                f"{cell('lookup')} | {cell('lookup-same')} | {cell('page')} | "
                f"{cell('aggregate-distinct')} | {cell('aggregate-same')} | "
                f"{memory(data, 'after_mb', 'store_after_mb')} |"
            )
    lines += targets(results)
    if skipped:
        lines += ["", "Not measured: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()) + "."]
    return "\n".join(lines) + "\n"


# Issue 12's targets: (scenario, least ratio of kg serve's rate to Oxigraph server's in the same run).
TARGETS = (
    ("lookup", "distinct point lookups", 0.3),
    ("lookup-same", "repeated point lookup", 0.5),
    ("aggregate-distinct", "distinct heavy aggregates", 0.8),
    ("aggregate-same", "repeated heavy aggregate", 10.0),
)
PAGE_TARGET_MS = 20.0


def targets(results: list[SizeResult]) -> list[str]:
    """The ratios issue 12 sets, kg serve (embedded store) against Oxigraph server, computed from this run."""

    def rate(data: dict[str, object] | None, name: str) -> float | None:
        got = (data or {}).get(name)
        if not isinstance(got, dict) or "rate" not in got or got.get("errors"):
            return None
        return float(got["rate"])

    lines = [
        "",
        "## Targets (issue 12): kg serve on its embedded store against Oxigraph server, same run",
        "",
        "| size | system | "
        + " | ".join(f"{label} (>= {least:g}x)" for _, label, least in TARGETS)
        + f" | page median (< {PAGE_TARGET_MS:g} ms) |",
        "|---:|---|" + "---|" * (len(TARGETS) + 1),
    ]
    for r, key in ((r, key) for r in results for key in ("kg", "kg-2", "kg-2-file")):
        kg, peer = r.systems.get(key), r.systems.get("oxigraph")
        if kg is None or peer is None:
            continue
        cells = []
        for name, _, least in TARGETS:
            ours, theirs = rate(kg, name), rate(peer, name)
            if ours is None or not theirs:
                cells.append("not measured")
                continue
            paired = paired_ratios(kg.get(name), peer.get(name))
            ratio = statistics.median(paired) if paired else ours / theirs
            spread = f" (rounds {min(paired):.2f}-{max(paired):.2f})" if len(paired) > 1 else ""
            cells.append(f"{ratio:.2f}x {'met' if ratio >= least else '**missed**'}{spread}")
        page = kg.get("page")
        if isinstance(page, dict) and "p50_ms" in page:
            met = "met" if float(page["p50_ms"]) < PAGE_TARGET_MS else "**missed**"
            cells.append(f"{float(page['p50_ms']):.1f} ms {met}")
        else:
            cells.append("not measured")
        label = next(s.label for s in SYSTEMS if s.key == key)
        lines.append(f"| {r.size:.0e} | {label} | " + " | ".join(cells) + " |")
    return lines


def paired_ratios(ours: object, theirs: object) -> list[float]:
    """Our rate over the peer's, round by round (round n of each ran minutes apart at most), when both
    have the same number of rounds; else none."""
    if not isinstance(ours, dict) or not isinstance(theirs, dict):
        return []
    mine, peer = ours.get("rounds") or [], theirs.get("rounds") or []
    if len(mine) != len(peer) or not all(peer):
        return []
    return [float(a) / float(b) for a, b in zip(mine, peer, strict=True)]


def memory(data: dict[str, object], own: str, store: str) -> str:
    """MB of the system's process tree; for kg serve on a remote store, kg's + the store server's."""
    if data.get(store) is None:
        return fmt(data.get(own), 0)
    return f"{fmt(data.get(own), 0)} + {fmt(data.get(store), 0)}"


def environment() -> str:
    load = os.getloadavg()[0]
    return (
        f"nproc {os.cpu_count()}, Linux {platform.release()}, Python {platform.python_version()}, "
        f"1-minute load {load:.1f} at the end (a shared machine)"
    )


PLOT = r"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
data = json.load(open(sys.argv[1]))
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
LABELS = {"finish": "kg build --finish", "add": "kg add (first)", "add-served": "kg add (next)"}
for n, name in enumerate(("build", "add", "add-served", "finish", "validate")):
    runs = [(r["triples"], r["commands"][name])
            for r in data if r["commands"].get(name, {}).get("ok")]
    label = LABELS.get(name, f"kg {name}")
    if runs:
        color = f"C{n}"
        sizes = [t for t, _ in runs]
        left.plot(sizes, [c["wall"] for _, c in runs], "-o", color=color, label=f"{label} (wall)")
        left.plot(sizes, [c["cpu"] for _, c in runs], "--x", color=color, label=f"{label} (CPU)")
left.set(xscale="log", yscale="log", xlabel="triples", ylabel="seconds", title="Commands (2 shared cores)")
left.legend(fontsize=7); left.grid(True, which="both", alpha=0.3)
systems = sorted({k for r in data for k in r["systems"]})
for n, system in enumerate(systems):
    for scenario, style in (("lookup", "-o"), ("aggregate-distinct", "--s"), ("page", ":^")):
        points = [(r["triples"], r["systems"][system][scenario]["p50_ms"]) for r in data
                  if isinstance(r["systems"].get(system, {}).get(scenario), dict)
                  and "p50_ms" in r["systems"][system][scenario]]
        if points:
            right.plot(*zip(*points), style, color=f"C{n}", label=f"{system}: {scenario}")
right.set(xscale="log", yscale="log", xlabel="triples", ylabel="median latency, ms (4 connections)",
          title="Servers")
right.legend(fontsize=7); right.grid(True, which="both", alpha=0.3)
fig.tight_layout(); fig.savefig(sys.argv[2], dpi=110)
"""


def plot(results_json: Path, png: Path) -> None:
    python = BENCH_VENV / "bin" / "python"
    if not python.is_file():
        log("no .venv-bench: run scripts/bench-peers.sh for the plot")
        return
    subprocess.run([str(python), "-c", PLOT, str(results_json), str(png)], check=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e4,1e5", help="triples, comma-separated (1e4,1e5,1e6,1e7)")
    parser.add_argument("--systems", default=",".join(s.key for s in SYSTEMS), help="keys from SYSTEMS")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every system this many times in turn; ratios: median of rounds",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--validate-timeout", type=float, default=1800.0, help="0: skip kg validate")
    parser.add_argument(
        "--commands",
        default="finish,validate",
        help="besides kg build and the two kg add: which of finish,validate to time ('' for neither; a "
        "build of 10,000 releases has no room for the second whole build --finish writes)",
    )
    parser.add_argument("--workdir", type=Path, help="keep the projects here (default: a temporary folder)")
    parser.add_argument(
        "--servers-only",
        action="store_true",
        help="with --workdir: measure the --systems again on each size's kept project (its command times and "
        "the other systems' figures are kept)",
    )
    parser.add_argument("--results", type=Path, default=HERE / "results" / "scale.json")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "scale.md")
    parser.add_argument("--plot", type=Path, default=HERE / "results" / "scale.png")
    args = parser.parse_args(argv)
    args.commands = {name for name in args.commands.split(",") if name}
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    wanted = set(args.systems.split(","))
    work_root = args.workdir or Path(tempfile.mkdtemp(prefix="kg-scale-"))
    previous = {r["size"]: r for r in json.loads(args.results.read_text())} if args.results.is_file() else {}
    skipped: dict[str, str] = {}
    results = []
    for size in sizes:
        work = work_root / f"{size:.0e}"
        work.mkdir(parents=True, exist_ok=True)
        if args.servers_only and (work / "dist" / "kg.nq").is_file() and size in previous:
            log(f"size {size:.0e}: the servers only, on the project kept in {work}")
            result = _from_json(previous[size])
            # The systems not measured again keep their last figures.
            result.systems = {k: v for k, v in result.systems.items() if k not in wanted}
        else:
            log(f"size {size:.0e}: {releases_for(size)} synthetic releases")
            records = make_project(work, size)
            result = SizeResult(size, releases_for(size) + 1)
            run_commands(work, records, result, args)
            # The systems not measured again keep their last figures (the same data: same seed and size).
            kept = previous[size].get("systems", {}) if size in previous else {}
            result.systems = {k: v for k, v in kept.items() if k not in wanted}
        keys = projects(work / "dist" / "kg.nq")
        ctx = Context(work, work / "dist" / "kg.nq")
        rounds: dict[str, list[dict[str, object]]] = {}
        failed: set[str] = set()
        # Each round runs every system in turn, so that a few seconds' slowdown of the machine falls on
        # one system of one round; the ratios are taken round by round, then their median (`targets`).
        for number in range(args.rounds):
            for system in SYSTEMS:
                if system.key not in wanted or system.key in failed:
                    continue
                if reason := system.missing():
                    skipped[system.label] = reason
                    continue
                log(
                    f"  {system.label}"
                    + (f" (round {number + 1} of {args.rounds})" if args.rounds > 1 else "")
                )
                try:
                    rounds.setdefault(system.key, []).append(run_system(system, ctx, keys, args))
                except Exception as exc:
                    log(f"  {system.key} failed: {exc}")
                    skipped[f"{system.label} at {size:.0e}"] = f"failed: {str(exc)[:120]}"
                    failed.add(system.key)
                    rounds.pop(system.key, None)
        for key, measured in rounds.items():
            result.systems[key] = merge_rounds(measured)
        stop_stores()
        results.append(result)
        previous[size] = {**asdict(result)}
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps([previous[k] for k in sorted(previous)], indent=1) + "\n")
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    everything = [_from_json(previous[k]) for k in sorted(previous)]
    args.out.write_text(markdown(everything, args, skipped), encoding="utf-8")
    plot(args.results, args.plot)
    log(f"wrote {args.out}, {args.plot} and {args.results}")


def merge_rounds(measured: list[dict[str, object]]) -> dict[str, object]:
    """One system's rounds as one result: each scenario's median round by rate (its rate, median latency and
    errors together), every round's rate under ``rounds``; the first round's start times and idle memory
    (the cold start), the largest memory after the runs."""
    merged = dict(measured[0])
    for name in {k for m in measured for k, v in m.items() if isinstance(v, dict)}:
        runs = [m[name] for m in measured if isinstance(m.get(name), dict) and "rate" in m[name]]  # type: ignore[operator]
        if not runs:
            continue
        ordered = sorted(runs, key=lambda r: float(r["rate"]))  # type: ignore[index]
        merged[name] = {**ordered[(len(ordered) - 1) // 2], "rounds": [r["rate"] for r in runs]}  # type: ignore[index]
    after = [m["after_mb"] for m in measured if isinstance(m.get("after_mb"), int | float)]
    if after:
        merged["after_mb"] = max(after)  # type: ignore[type-var]
    return merged


def _from_json(data: dict[str, object]) -> SizeResult:
    commands = data.get("commands")
    systems = data.get("systems")
    assert isinstance(commands, dict) and isinstance(systems, dict)
    return SizeResult(
        int(str(data["size"])),
        int(str(data["releases"])),
        int(str(data["triples"])),
        {name: Timed(**t) for name, t in commands.items()},
        systems,
    )


if __name__ == "__main__":
    main()
