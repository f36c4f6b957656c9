"""Untrusted RDF files given to `kg validate`, `kg query --data` and `kg serve`: security.md §0.4 applied.

No outbound connection (a loopback listener sees nothing), no local file opened through a JSON-LD context, no
entity expansion, bounded depth, size and time; every refusal is one line naming the file, exit status 2.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import SourceError
from kg.formats import RdfFormat
from kg.rdf_input import InputLimits, read_checked, read_untrusted

from .support import ROOT, Listener, assert_one_line_error, entity_bomb, kg

BASE = "https://w3id.org/kg-funding/"
SCHEMA = "https://schema.org/"


def _jsonld(context: Any) -> str:
    return json.dumps({"@context": context, "@id": f"{BASE}project/x", "@type": "Project", "name": "x"})


def remote_contexts(url: str) -> dict[str, str]:
    """JSON-LD documents that make rdflib 7.6 fetch ``url`` (security.md §6 A9)."""
    return {
        "string": _jsonld(url + "c.jsonld"),
        "list": _jsonld([url + "c.jsonld", {"name": f"{SCHEMA}name"}]),
        "import": _jsonld({"@version": 1.1, "@import": url + "c.jsonld"}),
        "scoped": json.dumps(
            {
                "@context": {"@version": 1.1, "Project": {"@id": f"{SCHEMA}Project", "@context": url}},
                "@id": f"{BASE}project/x",
                "@type": "Project",
            }
        ),
        "nested-node": json.dumps(
            {"@id": f"{BASE}project/x", f"{SCHEMA}funder": {"@context": url, "@id": "y"}}
        ),
    }


def _kg(tmp_path: Path, *args: str, timeout: float = 30) -> Any:
    dirs = ("--data-dir", str(ROOT / "data"), "--dist-dir", str(tmp_path / "dist"))
    return kg(*dirs, *args, cwd=tmp_path, timeout=timeout)


@pytest.mark.parametrize("case", sorted(remote_contexts("http://x/")))
def test_validate_makes_no_outbound_connection_for_jsonld_contexts(
    case: str, listener: Listener, tmp_path: Path
) -> None:
    path = tmp_path / f"{case}.jsonld"
    path.write_text(remote_contexts(listener.url)[case], encoding="utf-8")
    ran = _kg(tmp_path, "validate", str(path))
    time.sleep(0.3)
    assert listener.connections == []
    assert "context" in assert_one_line_error(ran, str(path)).lower()


def test_the_listener_sees_rdflib_fetch_a_context(listener: Listener) -> None:
    """The harness can fail: rdflib, given the same document directly, connects to the listener."""
    from rdflib import Graph

    with pytest.raises(Exception):  # noqa: B017 (the listener hangs up; rdflib fails in its own way)
        Graph().parse(data=remote_contexts(listener.url)["string"], format="json-ld")
    time.sleep(0.3)
    assert listener.connections


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Paths this process opens from now on (an audit hook, as security.md §1 recommends)."""
    seen: list[str] = []
    _HOOKED.append(seen.append)
    yield seen
    _HOOKED.remove(seen.append)


_HOOKED: list[Callable[[str], None]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _HOOKED and isinstance(args[0], str | Path):
        for record in _HOOKED:
            record(str(args[0]))


sys.addaudithook(_audit)


def test_validate_never_opens_a_file_context(tmp_path: Path, opened: list[str]) -> None:
    context = tmp_path / "context.jsonld"
    context.write_text(json.dumps({"@context": {"Project": f"{SCHEMA}Project", "name": f"{SCHEMA}name"}}))
    document = tmp_path / "doc.jsonld"
    document.write_text(_jsonld(context.as_uri()), encoding="utf-8")
    opened.clear()  # from here on
    result = CliRunner().invoke(main, ["validate", str(document)])
    assert str(context) not in opened
    assert result.exit_code == 2, result.output
    assert "context" in result.stderr and str(document) in result.stderr


def test_validate_refuses_an_entity_bomb_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(entity_bomb(), encoding="utf-8")
    assert len(bomb.read_bytes()) < 900
    start = time.monotonic()
    ran = _kg(tmp_path, "validate", str(bomb), timeout=20)
    assert time.monotonic() - start < 10
    assert "DOCTYPE" in assert_one_line_error(ran, f"{bomb}:2:")


def test_serve_refuses_an_entity_bomb_before_it_grows(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(entity_bomb(), encoding="utf-8")
    ran = _kg(tmp_path, "serve", "--port", "0", str(bomb), timeout=30)
    assert "DOCTYPE" in assert_one_line_error(ran, str(bomb))


def test_query_data_refuses_an_entity_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf.gz"
    bomb.write_bytes(gzip.compress(entity_bomb().encode()))
    ran = _kg(tmp_path, "query", "--data", str(bomb), "ASK {}", timeout=30)
    assert "DOCTYPE" in assert_one_line_error(ran, str(bomb))


@pytest.mark.parametrize("command", ["validate", "serve"])
def test_deep_jsonld_is_refused_on_one_line(command: str, tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonld"
    deep.write_text(
        '{"@id": "http://example.org/a", "http://example.org/p": ' + '{"http://example.org/p": ' * 10_000
        + '"x"' + "}" * 10_001,
        encoding="utf-8",
    )  # fmt: skip
    ran = _kg(tmp_path, command, *(["--port", "0"] if command == "serve" else []), str(deep), timeout=30)
    assert "deeper than" in assert_one_line_error(ran, f"{deep}:1:")


def test_deep_turtle_is_read_without_a_traceback(tmp_path: Path) -> None:
    """rdflib's Turtle parser recursed once per ``[``: 2,000 levels ended in a RecursionError traceback."""
    deep = tmp_path / "deep.ttl"
    deep.write_text("<http://example.org/a> <http://example.org/p> " + "[ <http://example.org/p> " * 2000
                    + '"x"' + " ]" * 2000 + " .\n", encoding="utf-8")  # fmt: skip
    ran = _kg(tmp_path, "validate", str(deep), timeout=60)
    assert ran.code == 0, ran.err[-2000:]
    assert ran.out.startswith("Conforms.")


def test_unknown_extension_and_binary_files_are_one_line_errors(tmp_path: Path) -> None:
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    assert "extension" in assert_one_line_error(_kg(tmp_path, "validate", str(odd)), str(odd))
    binary = tmp_path / "data.ttl"
    binary.write_bytes(b"<a> <b> \xff\xfe .\n")
    assert "UTF-8" in assert_one_line_error(_kg(tmp_path, "validate", str(binary)), f"{binary}:1:")


# --- the checks, one by one (no child process) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("lower.rdf", '<?xml version="1.0"?>\n<!doctype rdf:RDF>\n<rdf:RDF/>', "doctype"),
        ("entity.rdf", "<rdf:RDF>\n<!ENTITY x 'y'>\n</rdf:RDF>", "ENTITY"),
        ("ebcdic.rdf", '<?xml version="1.0" encoding="cp037"?>\n<rdf:RDF/>', "UTF-8"),
        ("utf16.rdf", '<?xml version="1.0" encoding="UTF-16"?>\n<rdf:RDF/>', "UTF-8"),
        ("file.jsonld", _jsonld("file:///etc/passwd"), "file:///etc/passwd"),
        ("relative.jsonld", _jsonld("context.jsonld"), "context.jsonld"),
        ("broken.jsonld", '{"@id": \n', "not JSON"),
    ],
)
def test_checks_refuse_before_any_parser_runs(name: str, text: str, words: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=words) as caught:
        read_checked(path)
    assert caught.value.path == path


def test_checks_accept_plain_files_and_inline_contexts(tmp_path: Path) -> None:
    inline = tmp_path / "inline.jsonld"
    inline.write_text(_jsonld({"Project": f"{SCHEMA}Project", "name": f"{SCHEMA}name"}), encoding="utf-8")
    assert read_checked(inline)[0] is RdfFormat.JSONLD
    xml = tmp_path / "plain.rdf"
    xml.write_text('<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="x"/>', encoding="utf-8")
    assert read_checked(xml)[0] is RdfFormat.RDFXML


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "zeros.nt.gz"
    bomb.write_bytes(gzip.compress(b"#" * 5_000_000))
    assert bomb.stat().st_size < 10_000
    with pytest.raises(SourceError, match="larger than"):
        read_checked(bomb, InputLimits(max_bytes=1_000_000))


def test_the_parse_has_a_time_limit(tmp_path: Path) -> None:
    data = tmp_path / "data.nt"
    data.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n" * 50_000)
    with pytest.raises(SourceError, match="longer than"):
        read_untrusted(data, base_iri=BASE, limits=InputLimits(timeout_s=0.01))


def test_the_parse_resolves_against_the_base_and_keeps_graphs(tmp_path: Path) -> None:
    data = tmp_path / "data.trig"
    data.write_text("<a> <b> <c> . <g> { <d> <e> <f> . }\n", encoding="utf-8")
    nquads = read_untrusted(data, base_iri=BASE, graph=f"{BASE}graph/data").decode()
    assert f"<{BASE}a> <{BASE}b> <{BASE}c> <{BASE}graph/data> ." in nquads
    assert f"<{BASE}d> <{BASE}e> <{BASE}f> <{BASE}g> ." in nquads
    assert "file:" not in nquads
