"""``kg.fragment_triples`` reads a fragment's triples as rdflib's N-Triples parser reads them: the same terms,
in the same order, on every fragment of the built project and on lines of every form N-Triples has."""

from __future__ import annotations

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.plugins.parsers.ntriples import ParseError

from kg.fragment_triples import Triple, fragment_triples
from kg.fragments import dataset_fragments, graph_fragment

GRAPH = "https://example.org/graph/one"


def _rdflib(nquads: str) -> Graph:
    """rdflib's reading: the lines as N-Triples (without their graph name), parsed as one document."""
    graph = Graph()
    graph.parse(data="".join(_ntriples(line) for line in nquads.splitlines() if line.strip()), format="nt")
    return graph


def _ntriples(line: str) -> str:
    return line[: line.rindex(" <")] + " .\n"


def _same(mine: list[Triple], theirs: Graph) -> None:
    """The same graph (blank nodes matched by isomorphism), and each term without a blank node the same
    term: its class, lexical form, language, datatype and value."""
    assert len(mine) == len(set(mine)) == len(theirs)
    graph = Graph()
    for triple in mine:
        graph.add(triple)
    assert isomorphic(graph, theirs)
    terms = {term.n3(): term for t in theirs for term in t if not isinstance(term, BNode)}
    for triple in mine:
        for term in triple:
            if not isinstance(term, BNode):
                their = terms[term.n3()]
                assert type(term) is type(their) and str(term) == str(their)
                if isinstance(term, Literal) and isinstance(their, Literal):
                    assert (term.language, term.datatype) == (their.language, their.datatype)
                    assert term.value == their.value and term.ill_typed == their.ill_typed


def _in_order(mine: list[Triple], nquads: str) -> None:
    """Each triple read from its line, in the lines' order (a blank node's label aside)."""
    lines = [line for line in nquads.splitlines() if line.strip()]
    assert len(mine) == len(lines)
    for triple, line in zip(mine, lines, strict=True):
        (their,) = Graph().parse(data=_ntriples(line), format="nt")
        assert [None if isinstance(t, BNode) else t for t in triple] == [
            None if isinstance(t, BNode) else t for t in their
        ]


def test_every_fragment_of_the_project_is_read_as_rdflib_reads_it(dataset: Dataset) -> None:
    fragments = dataset_fragments(dataset)
    assert len(fragments) >= 3  # the ontology, the reference and each release
    for graph, fragment in fragments.items():
        text = fragment.decode("utf-8")
        mine = list(fragment_triples(text))
        assert mine, graph
        _same(mine, _rdflib(text))
        _in_order(mine, text)


# Invented: the forms the project's own data does not show (escapes, blank nodes, datatypes, tags).
ODD = 'a "quoted" \\ back\nslash\r\tand é ✓ \U0001f600'
S, P = URIRef("https://example.org/s"), URIRef("https://example.org/p")
TERMS = [
    Literal(ODD),
    Literal(ODD, lang="fr-CA"),
    Literal("plain"),
    Literal("sans accent", lang="fr"),
    Literal("5200000.0", datatype=XSD.decimal),
    Literal("2011-06-22", datatype=XSD.date),
    Literal("not a date", datatype=XSD.date),  # ill-typed: kept as rdflib keeps it
    Literal("x", datatype=URIRef("https://example.org/datatype")),
    URIRef("https://example.org/o?x=1#y"),
    URIRef("urn:isbn:0451450523"),
    BNode(),
]


def test_lines_of_every_form_are_read_in_order_as_rdflib_reads_them() -> None:
    graph = Graph()
    other = BNode()
    for term in TERMS:
        graph.add((S, P, term))
        graph.add((other, P, term))
    text = graph_fragment(GRAPH, graph.serialize(format="nt").encode()).decode("utf-8")
    mine = list(fragment_triples(text))
    _same(mine, _rdflib(text))
    # in the text's order, escaped lines and blank nodes (read by rdflib) at their places
    _in_order(mine, text)


def test_a_blank_node_label_means_one_node_across_lines() -> None:
    text = f"_:a <{P}> <{S}> <{GRAPH}> .\n<{S}> <{P}> _:a <{GRAPH}> .\n_:b <{P}> _:a <{GRAPH}> .\n"
    (a, _, _), (_, _, a2), (b, _, a3) = fragment_triples(text)
    assert a == a2 == a3 and b != a


@pytest.mark.parametrize(
    "line",
    [
        f"<relative> <{P}> <{S}> <{GRAPH}> .",  # rdflib reads only absolute IRIs
        f"<{S}> <{P}> <{S}> <{GRAPH}>",  # no final dot
        f'<{S}> <{P}> "open <{GRAPH}> .',
        "not a statement",
    ],
)
def test_a_line_rdflib_refuses_is_refused(line: str) -> None:
    with pytest.raises(ParseError):
        list(fragment_triples(line + "\n"))
