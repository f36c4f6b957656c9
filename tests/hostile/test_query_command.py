"""``kg query`` runs a query through the endpoint's guard, in a process with a time limit: one-line errors."""

from __future__ import annotations

import time
from pathlib import Path

from .support import ROOT, Listener, Ran, assert_one_line_error, kg


def _data(tmp_path: Path, triples: int = 50) -> Path:
    path = tmp_path / "data.nt"
    path.write_text(
        "".join(
            f"<http://example.org/s{i}> <http://example.org/p> <http://example.org/o{i}> .\n"
            for i in range(triples)
        ),
        encoding="utf-8",
    )
    return path


def _kg(tmp_path: Path, *args: str, timeout: float = 60) -> Ran:
    dirs = ("--data-dir", str(ROOT / "data"), "--dist-dir", str(tmp_path / "dist"))
    return kg(*dirs, *args, cwd=tmp_path, timeout=timeout)


def test_service_is_refused_and_makes_no_connection(listener: Listener, tmp_path: Path) -> None:
    data = _data(tmp_path)
    for text in (
        f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}",
    ):
        ran = _kg(tmp_path, "query", "--data", str(data), text)
        assert_one_line_error(ran)
    time.sleep(0.3)
    assert listener.connections == []


def test_deep_nesting_is_refused_not_a_segfault(tmp_path: Path) -> None:
    text = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
    ran = _kg(tmp_path, "query", "--data", str(_data(tmp_path)), text)
    assert "deeper than" in assert_one_line_error(ran)


def test_a_binary_query_file_is_a_one_line_error(tmp_path: Path) -> None:
    binary = tmp_path / "q.rq"
    binary.write_bytes(b"SELECT \xff\xfe\x00 WHERE {}")
    ran = _kg(tmp_path, "query", "--data", str(_data(tmp_path)), str(binary))
    assert "UTF-8" in assert_one_line_error(ran, f"{binary}:1:")


def test_a_long_query_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    data = _data(tmp_path, triples=2000)
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.monotonic()
    ran = _kg(tmp_path, "query", "--timeout", "1", "--data", str(data), cartesian, timeout=60)
    assert time.monotonic() - start < 30
    assert "longer than 1 s" in assert_one_line_error(ran)


def test_an_ordinary_query_still_answers(tmp_path: Path) -> None:
    data = _data(tmp_path)
    ran = _kg(
        tmp_path, "query", "--data", str(data), "--format", "csv", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    )
    assert ran.code == 0, ran.err
    assert ran.out.splitlines() == ["n", "50"]
