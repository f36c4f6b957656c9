"""Our server against Oxigraph's server and rdflib-endpoint: the same requests, side by side, in one run.

    bash scripts/bench-peers.sh                       # once: wrk, and .venv-bench with the peers
    .venv/bin/python benchmarks/server/run.py         # full run: 100k and 1M triples, ~10 min
    .venv/bin/python benchmarks/server/run.py --quick # smoke check: 20k triples, 3 s per run
    .venv/bin/python benchmarks/server/run.py --out benchmarks/results/server.md

For each data size (synthetic, from make_data.py) it starts every server on a free loopback port, waits
until it answers, checks that all of them give the same answer to every request, then runs each scenario
against each server in turn with wrk (request.lua) and stops them. Scenarios (issue 3, "Fast"):

1. ``aggregate-distinct``: heavy aggregates (SUM of amounts by implementer and by region, COUNT DISTINCT),
   every request a different query text (a number in a result variable name), so no result cache helps.
2. ``aggregate-repeated``: one heavy aggregate, the identical request every time (our result cache applies).
3. ``resource-lookup``: one project's description as Turtle: ours ``GET /project/KEY.ttl`` (the document
   its IRI redirects a Turtle client to); the peers ``CONSTRUCT { <iri> ?p ?o } WHERE { <iri> ?p ?o }``
   by GET, the same triples.
4. ``html-page`` (ours only; the peers have no resource pages): latency of resource pages at the largest
   size, one request at a time with ``time.perf_counter``.

Throughput counts successful (2xx) answers only; refused or failed ones are listed as errors. When one
request takes longer than a quarter of the run (rdflib-endpoint at 1M triples), wrk would finish only a
request or two, so that cell is measured with a few sequential requests instead (marked ``seq``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import make_data  # noqa: E402 (the generator beside this file)

DATA = HERE / "data"
LUA = HERE / "request.lua"
BENCH_VENV = ROOT / ".venv-bench"
OUR_BIN = Path(sys.executable).parent
BASE = make_data.BASE
SIZES = {"20k": 20_000, "100k": 100_000, "1m": 1_000_000}

PREFIXES = "PREFIX schema: <https://schema.org/>\nPREFIX kg: <https://w3id.org/kg-funding/ontology#>\n"
# __NONCE__ sits in a result variable name: a different query text, the same work and the same answer.
BY_IMPLEMENTER = (
    PREFIXES
    + """SELECT ?org (SAMPLE(?name) AS ?label) (SUM(?value) AS ?total__NONCE__) (COUNT(?grant) AS ?grants)
WHERE {
  ?grant a schema:MonetaryGrant ; schema:fundedItem ?project ; schema:amount ?amount .
  ?amount schema:value ?value .
  ?project kg:implementer ?org .
  ?org schema:name ?name .
  FILTER(lang(?name) = "en")
}
GROUP BY ?org ORDER BY DESC(?total__NONCE__) LIMIT 20"""
)
BY_REGION = (
    PREFIXES
    + """SELECT ?region ?name (SUM(?value) AS ?total__NONCE__) (COUNT(*) AS ?grants)
WHERE {
  ?grant schema:fundedItem ?project ; schema:amount ?amount .
  ?amount schema:value ?value .
  ?project kg:beneficiaryRegion ?region .
  ?region schema:name ?name .
  FILTER(lang(?name) = "en")
}
GROUP BY ?region ?name ORDER BY DESC(?total__NONCE__) LIMIT 20"""
)
COUNT_DISTINCT = (
    PREFIXES
    + """SELECT (COUNT(DISTINCT ?org) AS ?implementers__NONCE__) (COUNT(DISTINCT ?region) AS ?regions)
  (COUNT(DISTINCT ?theme) AS ?themes) (COUNT(*) AS ?rows)
WHERE { ?project a kg:Project ; kg:implementer ?org ; kg:beneficiaryRegion ?region ; kg:theme ?theme . }"""
)
AGGREGATES = (BY_IMPLEMENTER, BY_REGION, COUNT_DISTINCT)
RESULTS_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"

SCENARIOS = ("aggregate-distinct", "aggregate-repeated", "resource-lookup")
# (ours / peer) ratios the issue asks for, by scenario and peer.
TARGETS = {
    ("aggregate-distinct", "oxigraph"): 0.8,
    ("aggregate-distinct", "rdflib"): 8.0,
    ("aggregate-repeated", "oxigraph"): 10.0,
    ("resource-lookup", "oxigraph"): 0.2,
}
HTML_TARGET_MS = 20.0


# --------------------------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Request:
    """One HTTP request; ``__NONCE__`` in the path or body is replaced per request (request.lua)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: str = ""

    def spec(self) -> str:
        head = [self.method, self.path, *(f"{k}: {v}" for k, v in self.headers)]
        return "\n".join(head) + "\n\n" + self.body

    def with_nonce(self, nonce: str) -> Request:
        return Request(
            self.method,
            self.path.replace("__NONCE__", nonce),
            self.headers,
            self.body.replace("__NONCE__", nonce),
        )


def sparql_post(path: str, query: str) -> Request:
    headers = (("Content-Type", "application/sparql-query"), ("Accept", RESULTS_JSON))
    return Request("POST", path, headers, query)


def get(path: str, accept: str) -> Request:
    return Request("GET", path, (("Accept", accept),))


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float


def send(port: int, request: Request, timeout: float = 600.0) -> Answer:
    """Send one request on a fresh connection (gunicorn's sync workers close after each answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        body = request.body.encode("utf-8") if request.body else None
        conn.request(request.method, request.path, body=body, headers=dict(request.headers))
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, data, time.perf_counter() - started)
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def memory_mb(pid: int) -> float | None:
    """Proportional set size (PSS) of the process tree in MB: shared pages are counted once."""
    total = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1) if total else None


@dataclass
class Server:
    """A running server: how to reach it and what to ask it."""

    key: str  # "ours", "oxigraph", "rdflib"
    label: str
    port: int
    proc: subprocess.Popen[bytes]
    sparql_path: str
    log: Path
    startup_s: float = 0.0
    memory_after_load: float | None = None
    memory_after_runs: float | None = None

    def aggregate(self, query: str) -> Request:
        return sparql_post(self.sparql_path, query)

    def lookup(self, kind: str, key: str) -> Request:
        if self.key == "ours":
            return get(f"/{kind}/{key}.ttl", TURTLE)
        iri = f"<{BASE}{kind}/{key}>"
        query = f"CONSTRUCT {{ {iri} ?p ?o }} WHERE {{ {iri} ?p ?o }}"
        return get(f"{self.sparql_path}?{urllib.parse.urlencode({'query': query})}", TURTLE)

    def ping(self) -> Request:
        return get(f"{self.sparql_path}?{urllib.parse.urlencode({'query': 'ASK {}'})}", RESULTS_JSON)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def start(
    key: str, label: str, argv: Sequence[str], sparql_path: str, env: dict[str, str], workdir: Path
) -> Server:
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in argv]
    log = workdir / f"{key}-{label.split()[0].lower()}.log"
    started = time.perf_counter()
    with log.open("ab") as out:  # a restart adds to the log: the first start's errors stay readable
        proc = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            cwd=workdir,
            start_new_session=True,  # its own process group: stop() ends it and its children, nothing else
        )
    server = Server(key, label, port, proc, sparql_path, log)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{label} exited with {proc.returncode}; see {log}:\n{tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if send(port, server.ping(), timeout=60).status == 200:
                wait_for_idle(proc.pid)  # gunicorn: the other workers may still be loading
                server.startup_s = time.perf_counter() - started
                return server
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"{label} did not answer within 900 s; see {log}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process tree so far."""
    ticks = 0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_for_idle(pid: int, timeout: float = 900) -> None:
    """Until the process tree uses under 5% of a CPU over a second."""
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        after = cpu_seconds(pid)
        if after - before < 0.05:
            return
        before = after


def tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def start_ours(mode: str, data: Path, workdir: Path, args: argparse.Namespace) -> Server:
    env = {"KG_STORE_DIR": str(workdir / "kg-stores"), "KG_TIMEOUT": str(args.query_timeout)}
    if mode == "serve":
        argv = [
            str(OUR_BIN / "kg"),
            "serve",
            str(data),
            "--port",
            "{port}",
            "--timeout",
            str(args.query_timeout),
            "--workers",
            str(args.query_workers * args.gunicorn_workers),
        ]
        return start("ours", "kg serve", argv, "/sparql", env, workdir)
    env |= {"KG_FILES": str(data), "KG_WORKERS": str(args.query_workers)}
    argv = [
        str(OUR_BIN / "gunicorn"),
        "--workers",
        str(args.gunicorn_workers),
        "--worker-class",
        "sync",
        "--timeout",
        str(int(args.query_timeout) + 30),
        "--bind",
        "127.0.0.1:{port}",
        "kg.web.wsgi:create()",
    ]
    return start("ours", "kg (gunicorn)", argv, "/sparql", env, workdir)


def start_oxigraph(data: Path, workdir: Path) -> Server:
    oxigraph = str(BENCH_VENV / "bin" / "oxigraph")
    location = workdir / "oxigraph-store"
    started = time.perf_counter()
    for step in (
        ["load", "--location", str(location), "--file", str(data)],
        ["optimize", "-l", str(location)],
    ):
        subprocess.run([oxigraph, *step], check=True, capture_output=True)
    loading = time.perf_counter() - started
    argv = [oxigraph, "serve-read-only", "--location", str(location), "--bind", "127.0.0.1:{port}"]
    server = start("oxigraph", "Oxigraph server", argv, "/query", {}, workdir)
    server.startup_s += loading
    return server


def start_rdflib(data: Path, workdir: Path) -> Server:
    argv = [
        str(BENCH_VENV / "bin" / "rdflib-endpoint"),
        "serve",
        str(data),
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
    ]
    return start("rdflib", "rdflib-endpoint", argv, "/", {}, workdir)


# ------------------------------------------------------------------------------------------- measuring


@dataclass
class Result:
    """One scenario against one server."""

    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    method: str = "wrk"
    note: str = ""
    rounds: tuple[float, ...] = ()  # req/s of each round, when several

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @classmethod
    def pooled(cls, parts: Sequence[Result]) -> Result:
        """Rounds together: answers over time, the median p50, the worst p99."""
        if len(parts) == 1:
            return parts[0]
        notes = sorted({p.note for p in parts if p.note})
        return cls(
            ok=sum(p.ok for p in parts),
            errors=sum(p.errors for p in parts),
            seconds=sum(p.seconds for p in parts),
            p50_ms=statistics.median(p.p50_ms for p in parts),
            p99_ms=max(p.p99_ms for p in parts),
            method="+".join(sorted({p.method for p in parts})),
            note="; ".join(notes),
            rounds=tuple(p.rate for p in parts),
        )


def run_wrk(
    port: int, requests: Sequence[Request], seconds: float, args: argparse.Namespace, salt: str
) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".req", delete=False, encoding="utf-8") as f:
        f.write("\n----\n".join(r.spec() for r in requests))
        spec = f.name
    argv = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "300s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
        "--",
        spec,
        salt,
    ]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 400, check=True)
    finally:
        os.unlink(spec)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no RESULT line:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("RESULT "))
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    errors = raw["status_errors"] + socket_errors
    return Result(
        ok=raw["requests"] - raw["status_errors"],
        errors=errors,
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        note=f"{raw['status_errors']} non-2xx, {socket_errors} socket errors" if errors else "",
    )


def from_answers(answers: Sequence[Answer], note: str) -> Result:
    """A result from requests already sent one at a time (too slow for wrk or a batch)."""
    times = sorted(a.seconds for a in answers)
    ok = sum(a.status == 200 for a in answers)
    return Result(
        ok=ok,
        errors=len(answers) - ok,
        seconds=sum(times),
        p50_ms=statistics.median(times) * 1000,
        p99_ms=times[-1] * 1000,
        method="seq",
        note=note,
    )


def run_batch(port: int, requests: Sequence[Request], count: int, parallel: int, salt: str) -> Result:
    """A closed loop like wrk's, for a fixed number of requests: ``parallel`` clients, ``count`` in all."""

    def one(n: int) -> Answer:
        return send(port, requests[n % len(requests)].with_nonce(f"{salt}{n:04d}"))

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        answers = list(pool.map(one, range(count)))
    wall = time.perf_counter() - started
    times = sorted(a.seconds for a in answers)
    ok = sum(a.status == 200 for a in answers)
    return Result(
        ok=ok,
        errors=count - ok,
        seconds=wall,
        p50_ms=statistics.median(times) * 1000,
        p99_ms=times[-1] * 1000,
        method="batch",
        note=f"{count} requests, {parallel} at a time",
    )


def concurrently(port: int, requests: Sequence[Request], count: int, salt: str) -> None:
    """Warm up: ``count`` requests at once (every gunicorn worker gets one), wait for all answers."""
    run_batch(port, requests, count, count, salt)


def settle(server: Server) -> None:
    """Wait until the server is idle again (work queued by a finished wrk run is done)."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if send(server.port, server.ping()).seconds < 0.5:
            return
    raise RuntimeError(f"{server.label} still busy after 600 s")


def measure(
    server: Server,
    requests: Sequence[Request],
    probe: Sequence[Answer],
    args: argparse.Namespace,
    salt: str,
) -> Result:
    """How to measure depends on how long one request took (``probe``, sent one at a time before).

    Up to a twentieth of a run: wrk for ``args.duration`` s after a warm-up (wrk counts only requests that
    finish within the run, which undercounts a server whose answers take a good part of it). Up to a whole
    run: a batch of about ``2 * duration / single`` requests, ``args.connections`` at a time, timed from the
    first sent to the last answered. Longer (rdflib-endpoint at 1M triples): the probes themselves, one at a
    time.
    """
    single = max(a.seconds for a in probe)
    if single > args.duration:
        return from_answers(probe, f"{len(probe)} request(s) one at a time: one takes {single:.0f} s")
    if single > args.duration / 20:
        c = args.connections
        count = c * min(8, max(1, round(2 * args.duration / single / c)))
        result = run_batch(server.port, requests, count, c, salt)
        settle(server)
        return result
    concurrently(server.port, requests, args.connections, f"9{salt}")
    settle(server)
    result = run_wrk(server.port, requests, args.duration, args, salt)
    settle(server)
    return result


def rows(answer: Answer) -> str:
    """What an answer holds, comparable across servers: solution rows (JSON) or triples (Turtle)."""
    if answer.status != 200:
        return f"HTTP {answer.status}"
    text = answer.body.decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        doc = json.loads(text)
        bindings = doc["results"]["bindings"]
        first = ", ".join(f"{k}={plain(v).removeprefix(BASE)}" for k, v in sorted(bindings[0].items()))
        return f"{len(bindings)} rows; first: {first}" if bindings else "0 rows"
    from rdflib import Graph

    graph = Graph().parse(data=text, format="turtle")
    return f"{len(graph)} triples"


def plain(term: dict[str, str]) -> str:
    """A result term's value; numbers written alike (rdflib says 5.00 where Oxigraph says 5)."""
    if term.get("datatype", "").startswith(make_data.XSD):
        with contextlib.suppress(ArithmeticError):
            return f"{Decimal(term['value']).normalize():f}"
    return term["value"]


def html_latency(server: Server, layout: make_data.Layout, count: int) -> dict[str, tuple[float, float, int]]:
    """Median and p95 (ms) of resource HTML pages, one request at a time."""
    step = max(1, layout.projects // count)
    pages = {
        "project pages (all different)": [
            f"/project/{make_data.project_key(n * step % layout.projects)}.html" for n in range(count)
        ],
        "busiest implementer page": [f"/organization/{make_data.org_key(0)}.html"] * max(5, count // 10),
        f"hub page ({layout.hub_links:,} incoming links)": [f"/organization/{make_data.HUB_KEY}.html"] * 10,
    }
    out = {}
    for name, paths in pages.items():
        send(server.port, get(paths[0], "text/html"))  # first request: templates, label cache
        times = []
        for path in paths:
            answer = send(server.port, get(path, "text/html"))
            if answer.status != 200:
                raise RuntimeError(f"{path}: HTTP {answer.status}")
            times.append(answer.seconds * 1000)
        times.sort()
        out[name] = (statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], len(times))
    return out


# -------------------------------------------------------------------------------------------- the run


@dataclass
class SizeReport:
    size: str
    layout: make_data.Layout
    servers: list[Server] = field(default_factory=list)
    results: dict[tuple[str, str], Result] = field(default_factory=dict)  # (scenario, server label)
    checks: dict[str, dict[str, str]] = field(default_factory=dict)  # request name -> label -> summary
    html: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def scenario_requests(server: Server, scenario: str, layout: make_data.Layout) -> list[Request]:
    if scenario == "aggregate-distinct":
        return [server.aggregate(q) for q in AGGREGATES]
    if scenario == "aggregate-repeated":
        return [server.aggregate(BY_IMPLEMENTER.replace("__NONCE__", ""))]
    return [server.lookup("project", make_data.project_key(7))]


def data_file(size: str) -> tuple[Path, make_data.Layout]:
    layout = make_data.Layout.plan(SIZES[size])
    path = DATA / f"kg-{size}.nt"
    meta = path.with_suffix(".nt.json")
    fresh = meta.is_file() and json.loads(meta.read_text()).get("written") == layout.expected
    if not (path.is_file() and fresh):
        log(f"writing {path.relative_to(ROOT)} ({layout.expected:,} triples)")
        make_data.write(layout, path)
    return path, layout


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_size(size: str, args: argparse.Namespace, html: bool) -> SizeReport:
    path, layout = data_file(size)
    report = SizeReport(size, layout)
    workdir = Path(tempfile.mkdtemp(prefix=f"run-{size}-", dir=DATA))
    starters: list[tuple[str, Callable[[], Server]]] = []
    for mode in args.ours:
        starters.append((f"ours ({mode})", lambda mode=mode: start_ours(mode, path, workdir, args)))
    if "oxigraph" in args.peers:
        starters.append(("oxigraph", lambda: start_oxigraph(path, workdir)))
    if "rdflib" in args.peers:
        starters.append(("rdflib-endpoint", lambda: start_rdflib(path, workdir)))
    try:
        log(f"{size}: starting {', '.join(name for name, _ in starters)} (at the same time)")
        with concurrent.futures.ThreadPoolExecutor(len(starters) or 1) as pool:
            futures = [(name, pool.submit(starter)) for name, starter in starters]
            for name, future in futures:
                try:
                    server = future.result()
                except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
                    report.skipped[name] = str(exc).splitlines()[0]
                    log(f"{size}: {name} not measured: {exc}")
                    continue
                report.servers.append(server)
                log(f"{size}: {server.label} ready in {server.startup_s:.1f} s")
        for server in report.servers:
            server.memory_after_load = memory_mb(server.proc.pid)  # all loaded and idle now
        probes: dict[tuple[str, str], list[Answer]] = {}
        for scenario in SCENARIOS:
            for server in report.servers:
                requests = [
                    r.with_nonce(f"1{n}") for n, r in enumerate(scenario_requests(server, scenario, layout))
                ]
                answers = [send(server.port, r) for r in requests]
                for n, answer in enumerate(answers):
                    report.checks.setdefault(f"{scenario} #{n + 1}", {})[server.label] = rows(answer)
                repeated = scenario != "aggregate-distinct"
                if repeated and max(a.seconds for a in answers) <= args.duration:
                    # The warm time decides: first one request per connection at once, so that every
                    # gunicorn worker has the answer in its cache, then the probe again.
                    concurrently(server.port, requests, args.connections, "8")
                    answers = [send(server.port, r) for r in requests]
                probes[scenario, server.label] = answers
        salt = 2
        for scenario in SCENARIOS:
            parts: dict[str, list[Result]] = {s.label: [] for s in report.servers}
            for round_ in range(args.rounds):
                # Servers take turns, each round in another order, so a burst of load from elsewhere on
                # the machine does not fall on one server only.
                shift = round_ % max(1, len(report.servers))
                for server in report.servers[shift:] + report.servers[:shift]:
                    probe = probes[scenario, server.label]
                    if round_ and max(a.seconds for a in probe) > args.duration:
                        continue  # measured from the probes, once
                    salt += 1
                    requests = scenario_requests(server, scenario, layout)
                    result = measure(server, requests, probe, args, str(salt))
                    parts[server.label].append(result)
                    log(
                        f"{size}: {scenario} on {server.label}, round {round_ + 1}: {result.rate:.2f} req/s "
                        f"({result.method}), p50 {result.p50_ms:.1f} ms, errors {result.errors}"
                    )
            for label, results in parts.items():
                report.results[scenario, label] = Result.pooled(results)
        if html:
            for server in report.servers:
                if server.key == "ours":
                    log(f"{size}: HTML page latency on {server.label}")
                    report.html = html_latency(server, layout, args.html_requests)
        for server in report.servers:
            server.memory_after_runs = memory_mb(server.proc.pid)
    finally:
        for server in report.servers:
            server.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


# ---------------------------------------------------------------------------------------------- report


def version(name: str, python: Path | None = None) -> str:
    if python is None:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"
    code = f"import importlib.metadata as m; print(m.version({name!r}))"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return done.stdout.strip() or "not installed"


def environment() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()
    peer_python = BENCH_VENV / "bin" / "python"
    ours = ", ".join(
        f"{n} {version(n)}" for n in ("kg", "pyoxigraph", "rdflib", "flask", "werkzeug", "gunicorn")
    )
    peers = ", ".join(
        f"{n} {version(n, peer_python)}"
        for n in ("oxigraph", "rdflib-endpoint", "rdflib", "fastapi", "uvicorn")
    )
    return [
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu}, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; ours: {ours}",
        f"- peers (.venv-bench): {peers}",
        f"- load generator: {wrk[0] if wrk else 'wrk'}",
    ]


def number(value: float) -> str:
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def fmt_rate(result: Result | None) -> str:
    if result is None:
        return "not measured"
    mark = "" if result.method == "wrk" else f" ({result.method})"
    return number(result.rate) + mark


def fmt_rounds(result: Result | None) -> str:
    if result is None or len(result.rounds) < 2:
        return ""
    return f"{number(min(result.rounds))} - {number(max(result.rounds))}"


def ratio(ours: Result | None, peer: Result | None) -> float | None:
    if ours is None or peer is None or not peer.rate:
        return None
    return ours.rate / peer.rate


def markdown(
    reports: Sequence[SizeReport], args: argparse.Namespace, started: datetime, load: tuple[str, str]
) -> str:
    out = [
        "# Server benchmark: kg serve vs Oxigraph server vs rdflib-endpoint",
        "",
        "Generated by `benchmarks/server/run.py` (rerunning it with `--out` rewrites this file).",
        "",
        f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}; command: `{args.command}`",
        *environment(),
        f"- load average before / after the run: {load[0]} / {load[1]} (the machine may be shared)",
        f"- wrk: {args.threads} threads, {args.connections} connections, {args.duration:g} s per run after a "
        f"warm-up, {args.rounds} round(s) per scenario and server, servers taking turns; loopback only",
        f"- ours: {describe_ours(args)}",
        "- req/s counts 2xx answers only: all answers over all rounds' time; p50 is the median of the "
        "rounds' p50, p99 the worst round's. `(batch)`: one request took over 1/20 of a run, so each round "
        f"is a fixed batch of requests, {args.connections} at a time, timed from first sent to last answered "
        "(wrk undercounts slow answers); `(seq)`: one request took longer than a run, so the probe requests "
        "sent one at a time before the runs are the measurement.",
        "",
    ]
    for report in reports:
        out += size_section(report, args)
    return "\n".join(out) + "\n"


def describe_ours(args: argparse.Namespace) -> str:
    parts = []
    for mode in args.ours:
        if mode == "gunicorn":
            parts.append(
                f"gunicorn recipe (`gunicorn --workers {args.gunicorn_workers} --worker-class sync "
                f"'kg.web.wsgi:create()'`, KG_WORKERS={args.query_workers}, "
                f"KG_TIMEOUT={args.query_timeout:g})"
            )
        else:
            parts.append(
                f"`kg serve --workers {args.query_workers * args.gunicorn_workers} "
                f"--timeout {args.query_timeout:g}`"
            )
    return "; ".join(parts) or "not run"


def size_section(report: SizeReport, args: argparse.Namespace) -> list[str]:
    layout = report.layout
    out = [
        f"## {layout.expected:,} triples ({report.size})",
        "",
        f"{layout.projects:,} projects with grants and amounts, {layout.organisations:,} organisations, "
        f"hub with about {layout.hub_links:,} incoming links.",
        "",
    ]
    for name, reason in report.skipped.items():
        out.append(f"- {name}: not measured ({reason})")
    if report.skipped:
        out.append("")
    labels = [s.label for s in report.servers]
    out += [
        "| scenario | server | req/s | per round | p50 ms | p99 ms | answers | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario in SCENARIOS:
        for label in labels:
            r = report.results.get((scenario, label))
            if r is None:
                out.append(f"| {scenario} | {label} | not measured | | | | | |")
                continue
            out.append(
                f"| {scenario} | {label} | {fmt_rate(r)} | {fmt_rounds(r)} | {r.p50_ms:,.1f} | "
                f"{r.p99_ms:,.1f} | {r.ok} | {r.errors}{' (' + r.note + ')' if r.errors else ''} |"
            )
    out += [
        "",
        "| scenario | ours / Oxigraph | target | ours / rdflib-endpoint | target |",
        "|---|---:|---:|---:|---:|",
    ]
    ours = [s for s in report.servers if s.key == "ours"]
    peers = {s.key: s for s in report.servers if s.key != "ours"}
    for server in ours or [None]:
        for scenario in SCENARIOS:
            cells = []
            for peer in ("oxigraph", "rdflib"):
                target = TARGETS.get((scenario, peer))
                value = None
                if server is not None and peer in peers:
                    value = ratio(
                        report.results.get((scenario, server.label)),
                        report.results.get((scenario, peers[peer].label)),
                    )
                if value is None:
                    shown = "not measured (kg serve not available)" if server is None else "not measured"
                else:
                    shown = f"{value:.2f}x"
                verdict = (
                    "" if target is None or value is None else (" met" if value >= target else " missed")
                )
                cells += [shown + verdict, f">= {target:g}x" if target else "-"]
            name = scenario if len(ours) < 2 or server is None else f"{scenario} ({server.label})"
            out.append(f"| {name} | " + " | ".join(cells) + " |")
    if report.html:
        out += [
            "",
            f"Resource HTML pages (ours, one request at a time; target median < {HTML_TARGET_MS:g} ms):",
            "",
        ]
        out += ["| page | requests | median ms | p95 ms |", "|---|---:|---:|---:|"]
        for name, (median, p95, n) in report.html.items():
            out.append(f"| {name} | {n} | {median:,.1f} | {p95:,.1f} |")
    out += [
        "",
        "| server | startup s (load included) | memory after load MB | after the runs MB |",
        "|---|---:|---:|---:|",
    ]
    for s in report.servers:
        out.append(f"| {s.label} | {s.startup_s:.1f} | {s.memory_after_load} | {s.memory_after_runs} |")
    out += [
        "",
        "Memory is the PSS of the whole process tree (gunicorn master, workers, query processes), from "
        "`/proc/PID/smaps_rollup`; shared pages count once.",
        "",
        "Answers checked before timing (every server must say the same):",
        "",
    ]
    for name, by_server in report.checks.items():
        same = len(set(by_server.values())) == 1
        summary = (
            next(iter(by_server.values())) if same else "; ".join(f"{k}: {v}" for k, v in by_server.items())
        )
        out.append(f"- {name}: {'same' if same else 'DIFFERENT'}: {summary}")
    out.append("")
    return out


def kg_serve_available() -> bool:
    kg = OUR_BIN / "kg"
    if not kg.exists():
        return False
    done = subprocess.run([str(kg), "serve", "--help"], capture_output=True, text=True)
    return done.returncode == 0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke check: 20k triples, 3 s per run")
    parser.add_argument("--sizes", default=None, help=f"comma-separated, from {', '.join(SIZES)} (100k,1m)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per wrk run (5; --quick 3)")
    parser.add_argument(
        "--rounds", type=int, default=None, help="runs per scenario and server (3; --quick 1)"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--ours", default="gunicorn", help="gunicorn, serve, both or none")
    parser.add_argument("--peers", default="oxigraph,rdflib", help="comma-separated: oxigraph, rdflib")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--query-workers", type=int, default=1, help="KG_WORKERS per gunicorn worker")
    parser.add_argument("--query-timeout", type=float, default=120.0, help="KG_TIMEOUT (s): no kill mid-run")
    parser.add_argument("--html-requests", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None, help="also write the markdown report here")
    parser.add_argument("--keep", action="store_true", help="keep the stores and server logs under data/")
    args = parser.parse_args(argv)
    args.command = " ".join([".venv/bin/python", "benchmarks/server/run.py", *(argv or sys.argv[1:])])
    args.sizes = (args.sizes or ("20k" if args.quick else "100k,1m")).split(",")
    args.duration = args.duration or (3.0 if args.quick else 5.0)
    args.rounds = args.rounds or (1 if args.quick else 3)
    if args.quick:
        args.html_requests = min(args.html_requests, 50)
    ours = {"both": ["gunicorn", "serve"], "none": []}.get(args.ours, args.ours.split(","))
    args.ours = [m for m in ours if m]
    args.peers = [p for p in args.peers.split(",") if p]
    if not shutil.which("wrk") or not (BENCH_VENV / "bin" / "oxigraph").exists():
        sys.exit("wrk or .venv-bench is missing: run `bash scripts/bench-peers.sh` first")
    if args.ours and not kg_serve_available():
        log("`kg serve` is not available: measuring the peers only")
        args.ours = []
    started = datetime.now(UTC)
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    reports = [run_size(size, args, html=size == args.sizes[-1]) for size in args.sizes]
    load_after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    text = markdown(reports, args, started, (load_before, load_after))
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
