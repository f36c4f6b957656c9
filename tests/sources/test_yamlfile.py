"""Records are read with libyaml's parser when PyYAML has it: the same values and lines, the same errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.errors import SourceError
from kg.sources import yamlfile
from kg.sources.yamlfile import Mapping, load_yaml

ROOT = Path(__file__).resolve().parents[2]
RECORDS = sorted((ROOT / "data").rglob("*.yaml"))


def _shape(value: Any) -> Any:
    """A value with the line of every mapping and key, comparable with ==."""
    if isinstance(value, Mapping):
        items = tuple((k, _shape(v)) for k, v in value.items())
        return ("mapping", value.line, tuple(sorted(value.key_lines.items())), items)
    if isinstance(value, list):
        return ("list", tuple(_shape(v) for v in value))
    return (type(value).__name__, value)


def test_libyaml_is_used_when_present() -> None:
    assert yamlfile._LOADERS[-1] is yamlfile._LineLoader
    assert (len(yamlfile._LOADERS) == 2) == yaml.__with_libyaml__


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.name)
def test_both_parsers_read_a_record_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    read = [_shape(yaml.load(text, Loader=loader)) for loader in yamlfile._LOADERS]
    assert all(r == read[0] for r in read)


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", "YAML error: expected ',' or ']', but got ':'", 3),
        ("a: 1\nb:\n  c: 1\n  c: 2\n", "YAML error: duplicate key 'c'", 4),
        ("a: 1\n\tb: 2\n", "YAML error: found character '\\t' that cannot start any token", 2),
        ("a: b: c\n", "YAML error: mapping values are not allowed here", 1),
    ],
)
def test_errors_keep_the_pure_python_wording(tmp_path: Path, text: str, words: str, line: int) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_yaml(path)
    assert words in str(info.value) and info.value.line == line, str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://bad iri/x",
        "www.example.org",
        "ftp://example.org/",
        "https://ex/<x>",
        'https://ex/"q"',
        "http://",
    ],
)
def test_a_url_that_is_not_an_iri_names_its_field(tmp_path: Path, url: str) -> None:
    """A reference record's URL goes into every RDF syntax as an IRI: a bad one is refused on reading, with
    its file, line and field (it failed deep in the Turtle serialiser)."""
    path = tmp_path / "orgs.yaml"
    path.write_text(f"a: 1\nurl: '{url}'\n" if '"' in url else f'a: 1\nurl: "{url}"\n', encoding="utf-8")
    fields = yamlfile.Fields(load_yaml(path), "orgs")
    with pytest.raises(SourceError) as info:
        fields.opt_url("url")
    assert info.value.line == 2 and "orgs.url: must be an absolute http(s) URL" in str(info.value)


def test_a_good_url_is_read() -> None:
    assert all(
        yamlfile._URL.fullmatch(url)
        for url in (
            "https://www.canada.ca/",
            "http://ex.org/a?b=c#d",
            "https://ex.org/caf%C3%A9",
            "HTTPS://EX",
        )
    )
