"""Content negotiation without an app: Accept with q-values, format names, suffixes, 406 lists."""

from __future__ import annotations

import pytest

from kg.formats import RdfFormat, ResultsFormat
from kg.web.negotiation import (
    BOOLEAN_OFFERS,
    RDF_OFFERS,
    RESOURCE_OFFERS,
    RESULTS_OFFERS,
    BadFormatParameter,
    choose,
    choose_among,
    describe_offers,
    from_name,
    from_suffix,
    negotiate,
    parse_accept,
    with_html,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RESOURCE = with_html(RESOURCE_OFFERS, first=True)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "html"),
        ("", "html"),
        ("*/*", "html"),
        (BROWSER, "html"),
        ("text/turtle", RdfFormat.TURTLE),
        ("application/ld+json", RdfFormat.JSONLD),
        ("application/json", RdfFormat.JSONLD),  # plain JSON clients get JSON-LD, not a 406
        ("application/n-triples", RdfFormat.NTRIPLES),
        ("text/plain", RdfFormat.NTRIPLES),
        ("application/rdf+xml", RdfFormat.RDFXML),
        ("application/xml", RdfFormat.RDFXML),
        ("text/turtle;q=0.5, application/ld+json", RdfFormat.JSONLD),
        ("text/turtle;q=0.9, application/rdf+xml;q=0.95", RdfFormat.RDFXML),
        ("text/*", "html"),
        ("text/*;q=0.5, text/html;q=0", RdfFormat.TURTLE),
        ("TEXT/TURTLE", RdfFormat.TURTLE),
        # rdflib's Graph.parse Accept header.
        ("application/rdf+xml, text/rdf+n3, text/turtle;q=0.9, */*;q=0.1", RdfFormat.RDFXML),
        ("application/x-evil", None),
        ("text/turtle;q=0, text/html;q=0", None),
        ("*/*;q=0", None),
        ("text/html;q=0, */*", RdfFormat.TURTLE),
    ],
)
def test_resource_negotiation(accept: str | None, expected: object) -> None:
    assert negotiate(accept, RESOURCE) == expected


def test_specific_range_overrides_wildcard() -> None:
    # text/turtle;q=0 is more specific than */*, so Turtle is refused even though */* accepts anything.
    assert negotiate("*/*, text/turtle;q=0", RDF_OFFERS) is RdfFormat.JSONLD


def test_results_keep_graph_and_result_types_apart() -> None:
    assert negotiate("application/sparql-results+xml", RESULTS_OFFERS) is ResultsFormat.XML
    assert negotiate("application/json", RESULTS_OFFERS) is ResultsFormat.JSON
    assert negotiate("text/csv", RESULTS_OFFERS) is ResultsFormat.CSV
    assert negotiate("text/tab-separated-values", RESULTS_OFFERS) is ResultsFormat.TSV
    assert negotiate("text/turtle", RESULTS_OFFERS) is None
    assert negotiate("text/csv", BOOLEAN_OFFERS) is ResultsFormat.CSV  # the bare word, as Oxigraph
    assert negotiate("application/sparql-results+json", RDF_OFFERS) is None


@pytest.mark.parametrize(
    ("header", "count"),
    [
        ("text/turtle;q=abc", 0),
        ("text/turtle;q=2", 0),
        ("garbage, ,;;, /, a/b/c", 0),
        ("text/turtle," * 500, 64),
        ("x" * 10_000, 0),
        ("*/html", 0),
    ],
)
def test_malformed_accept_never_raises(header: str, count: int) -> None:
    assert len(parse_accept(header)) == count


def test_format_names_and_media_types() -> None:
    assert from_name("ttl", RDF_OFFERS) is RdfFormat.TURTLE
    assert from_name("turtle", RDF_OFFERS) is RdfFormat.TURTLE
    assert from_name("json", RDF_OFFERS) is RdfFormat.JSONLD
    assert from_name("xml", RDF_OFFERS) is RdfFormat.RDFXML
    assert from_name("json", RESULTS_OFFERS) is ResultsFormat.JSON
    assert from_name("xml", RESULTS_OFFERS) is ResultsFormat.XML
    assert from_name("application/sparql-results+json", RESULTS_OFFERS) is ResultsFormat.JSON
    assert from_name("html", RESOURCE) == "html"
    assert from_name("csv", RDF_OFFERS) is None


@pytest.mark.parametrize("value", ["json\r\nSet-Cookie: a=b", "json;q=1", "a b", "", "../x", "x" * 200])
def test_format_parameter_rejects_junk(value: str) -> None:
    with pytest.raises(BadFormatParameter):
        from_name(value, RDF_OFFERS)


def test_suffixes() -> None:
    assert from_suffix("ttl", RESOURCE) is RdfFormat.TURTLE
    assert from_suffix("jsonld", RESOURCE) is RdfFormat.JSONLD
    assert from_suffix("nt", RESOURCE) is RdfFormat.NTRIPLES
    assert from_suffix("rdf", RESOURCE) is RdfFormat.RDFXML
    assert from_suffix("html", RESOURCE) == "html"
    assert from_suffix("trig", RESOURCE) is None
    assert from_suffix("exe", RESOURCE) is None


def test_suffix_beats_parameter_beats_accept() -> None:
    assert choose("text/turtle", "json", RESOURCE, suffix="nt") is RdfFormat.NTRIPLES
    assert choose("text/turtle", "json", RESOURCE) is RdfFormat.JSONLD
    assert choose("text/turtle", None, RESOURCE) is RdfFormat.TURTLE


def test_406_lists_each_media_type_once() -> None:
    listed = describe_offers(RESOURCE).split(", ")
    assert listed[0] == "text/html"
    assert "text/turtle" in listed
    assert len(listed) == len(set(listed))


def test_format_values_with_one_meaning_are_one_format() -> None:
    every = [*RESULTS_OFFERS, *RDF_OFFERS]
    tsv = ["tsv", "text/tab-separated-values"]
    assert choose_among(None, tsv, RESULTS_OFFERS, every) is ResultsFormat.TSV
    jsonld = ["json-ld", "application/ld+json,application/x-json+ld"]
    assert choose_among(None, jsonld, RDF_OFFERS, every) is RdfFormat.JSONLD
    assert choose_among(None, ["n3"], RDF_OFFERS, every) is RdfFormat.TURTLE
    assert choose_among(None, ["rdf"], RDF_OFFERS, every) is RdfFormat.RDFXML
    with pytest.raises(BadFormatParameter):
        choose_among(None, ["json", "xml"], RESULTS_OFFERS, every)


def test_a_format_of_another_query_form_leaves_the_choice_to_accept() -> None:
    every = [*RESULTS_OFFERS, *RDF_OFFERS]
    assert choose_among("*/*", ["turtle"], RESULTS_OFFERS, every) is ResultsFormat.JSON
    assert choose_among("text/csv", ["turtle"], RESULTS_OFFERS, every) is ResultsFormat.CSV
    assert choose_among("*/*", ["csv"], RDF_OFFERS, every) is RdfFormat.TURTLE
    assert choose_among("*/*", ["nonsense"], RESULTS_OFFERS, every) is None  # known to no form: 406
