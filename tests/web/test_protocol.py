"""Reading SPARQL 1.1 Protocol requests without an app (§2.1 query operation; updates refused)."""

from __future__ import annotations

import pytest

from kg.web.protocol import ProtocolError, ProtocolRequest, parse

FORM = "application/x-www-form-urlencoded"


def test_get() -> None:
    request = parse("GET", None, b"query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fex%2Fa&format=json", b"")
    assert request is not None
    assert request.query == "ASK {}"
    assert request.default_graphs == ("http://ex/a",)
    assert request.formats == ("json",)


def test_get_without_query_is_the_service_description() -> None:
    assert parse("GET", None, b"", b"") is None
    assert parse("HEAD", None, b"format=ttl", b"") is None


def test_post_form_takes_graphs_from_url_and_body() -> None:
    request = parse(
        "POST",
        FORM,
        b"named-graph-uri=http%3A%2F%2Fex%2Fn",
        b"query=SELECT+*+%7B%7D&default-graph-uri=http://ex/d",
    )
    assert request is not None
    assert request.query == "SELECT * {}"
    assert request.default_graphs == ("http://ex/d",)
    assert request.named_graphs == ("http://ex/n",)


def test_post_direct() -> None:
    request = parse("POST", "application/sparql-query; charset=UTF-8", b"output=csv", "ASK { «é» }".encode())
    assert request is not None
    assert request.query == "ASK { «é» }"
    assert request.formats == ("csv",)


@pytest.mark.parametrize(
    ("method", "content_type", "query_string", "body", "status"),
    [
        ("GET", None, b"update=DROP%20ALL", b"", 400),  # C1
        ("GET", None, b"query=ASK%7B%7D&query=ASK%7B%7D", b"", 400),  # C4
        ("GET", None, b"query=ASK%7B%7D&update=CLEAR%20ALL", b"", 400),  # C4
        ("GET", None, b"query=", b"", 400),
        ("GET", None, b"query=%FF%FEabc", b"", 400),  # not UTF-8
        ("POST", FORM, b"", b"update=INSERT+DATA+%7B%7D", 400),  # C2
        ("POST", FORM, b"", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", 400),
        ("POST", FORM, b"", b"query=ASK%7B%7D&query=ASK%7B%7D", 400),
        ("POST", FORM, b"query=ASK%7B%7D", b"query=ASK%7B%7D", 400),
        ("POST", FORM, b"", b"", 400),
        ("POST", "application/sparql-update", b"", b"CLEAR ALL", 415),  # C3
        ("POST", "application/sparql-query; charset=UTF-16", b"", "ASK {}".encode("utf-16"), 415),
        ("POST", "application/sparql-query", b"", b"\xff\xfeA\x00", 400),
        ("POST", "application/sparql-query", b"query=ASK%7B%7D", b"ASK {}", 400),
        ("POST", "application/sparql-query", b"", b"   ", 400),
        ("POST", "text/plain", b"", b"ASK {}", 415),
        ("POST", None, b"", b"query=ASK%20%7B%7D", 415),
        ("POST", FORM, b"using-named-graph-uri=http%3A%2F%2Fex", b"update=CLEAR%20ALL", 400),
        ("PUT", FORM, b"query=ASK%7B%7D", b"", 405),
        ("GET", None, b"query=ASK%7B%7D&default-graph-uri=a%20b", b"", 400),
    ],
)
def test_refused(
    method: str, content_type: str | None, query_string: bytes, body: bytes, status: int
) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse(method, content_type, query_string, body)
    assert caught.value.status == status


def test_format_output_and_results_are_gathered_once_each() -> None:
    """SPARQLWrapper sends all three names, for TSV each twice (name and media type): kept, in order, once."""
    query = b"query=ASK%7B%7D&format=tsv&format=text%2Ftab-separated-values&output=tsv&results=tsv"
    request = parse("GET", None, query, b"")
    assert request is not None and request.formats == ("tsv", "text/tab-separated-values")


def test_a_direct_post_without_parameters_is_its_text_alone() -> None:
    found = parse("POST", "application/sparql-query", b"", b"SELECT * {}")
    assert found == ProtocolRequest("SELECT * {}")
    params = b"format=json&default-graph-uri=http://g/"
    with_format = parse("POST", "application/sparql-query", params, b"ASK {}")
    assert with_format == ProtocolRequest("ASK {}", ("http://g/",), (), ("json",))
