"""`validate_focus`: only the focus nodes are targeted, but whatever a shape reaches from them is checked."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from kg.validate import validate_focus

EX = "http://example.org/"
SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:S a sh:NodeShape ; sh:targetClass ex:T ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ;
        sh:qualifiedValueShape [ sh:datatype rdf:langString ; sh:languageIn ( "en" ) ] ;
        sh:qualifiedMaxCount 1 ] ,
      [ sh:path ex:link ; sh:node [ sh:class ex:U ] ] .
ex:V a sh:NodeShape ; sh:targetSubjectsOf ex:link ; sh:property [ sh:path ex:link ; sh:maxCount 1 ] .
"""
DATA = """
@prefix ex: <http://example.org/> .
ex:a a ex:T ; ex:name "A"@en , "A"@fr ; ex:link ex:b .
ex:b a ex:Other .
ex:c a ex:T .
"""


def _graphs() -> tuple[Graph, Graph]:
    return Graph().parse(data=DATA, format="turtle"), Graph().parse(data=SHAPES, format="turtle")


def test_nested_shapes_check_values_that_are_not_focus_nodes() -> None:
    """pyshacl's own focus_nodes option skips ex:b and both literals here (see kg.validate.validate_focus)."""
    data, shapes = _graphs()
    report = validate_focus(data, [URIRef(EX + "a")], shapes)
    assert [(r.focus, r.value, r.component) for r in report.results] == [
        (EX + "a", EX + "b", "http://www.w3.org/ns/shacl#NodeConstraintComponent")
    ]


def test_nodes_outside_the_focus_are_not_validated() -> None:
    data, shapes = _graphs()
    assert validate_focus(data, [URIRef(EX + "b")], shapes).conforms  # ex:b is not targeted
    report = validate_focus(data, [URIRef(EX + "c")], shapes)  # ex:c has no name
    assert [r.focus for r in report.results] == [EX + "c"]


def test_focus_nodes_are_required_and_sparql_targets_refused() -> None:
    data, shapes = _graphs()
    with pytest.raises(ValueError, match="at least one focus node"):
        validate_focus(data, [], shapes)
    shapes.add((URIRef(EX + "S"), URIRef("http://www.w3.org/ns/shacl#target"), URIRef(EX + "t")))
    with pytest.raises(ValueError, match="sh:target"):
        validate_focus(data, [URIRef(EX + "a")], shapes)
