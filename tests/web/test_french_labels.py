"""French pages are French throughout: the labels of schema.org, DCTERMS and PROV properties included."""

from __future__ import annotations

import re

from flask import Flask
from rdflib import URIRef

from kg.web.termlabels import TERM_LABELS, term_label

from .conftest import PROJECT


def _row_labels(html: str) -> dict[str, str]:
    """Property IRI -> the label its row shows."""
    rows = re.findall(r'<th scope="row"><a href="[^"]*" title="([^"]+)"[^>]*>([^<]+)</a>', html)
    return dict(rows)


def test_french_project_page_has_french_property_labels(app: Flask) -> None:
    client = app.test_client()
    french = _row_labels(client.get(f"/{PROJECT}.html?lang=fr").get_data(as_text=True))
    english = _row_labels(client.get(f"/{PROJECT}.html?lang=en").get_data(as_text=True))
    assert french["https://schema.org/name"] == "nom"
    assert french["https://schema.org/areaServed"] == "zone desservie"
    assert french["http://purl.org/dc/terms/subject"] == "sujet"
    assert french["http://www.w3.org/ns/prov#wasDerivedFrom"] == "dérivé de"
    assert english["http://www.w3.org/ns/prov#wasDerivedFrom"] == "was derived from"
    # Every row of the French page is in French: no outside term is left with its English name.
    same = {iri for iri, label in french.items() if english.get(iri) == label}
    assert same <= {"https://schema.org/description", "https://schema.org/position"}, same


def test_every_outside_term_the_graph_uses_has_both_labels(app: Flask) -> None:
    """The table covers the predicates and classes of the built graph that are not ours (kg:)."""
    from kg.web.state import state

    with app.app_context():
        stats = state().stats()
    used = {*stats.properties, *stats.classes}
    ours = "https://w3id.org/kg-funding/ontology"
    missing = sorted(t for t in used if not t.startswith(ours) and t not in TERM_LABELS)
    assert missing == []
    assert all(en and fr for en, fr in TERM_LABELS.values())


def test_french_home_page_has_a_french_title_and_class_names(app: Flask) -> None:
    html = app.test_client().get("/?lang=fr").get_data(as_text=True)
    assert "<h1>kg-funding : annonces de financement du gouvernement du Canada</h1>" in html
    assert "Government of Canada funding announcements" not in html.split("<main>", 1)[1]
    assert "propriété d&#39;objet" in html and "object property" not in html


def test_french_grant_page_types_and_incoming_links_are_french(app: Flask) -> None:
    html = app.test_client().get(f"/{PROJECT}.html?lang=fr").get_data(as_text=True)
    assert term_label(str(URIRef("https://schema.org/Project")), "fr") == "projet"
    assert ">projet</a>" in html
    assert "funded item" not in html and ">élément financé</a>" in html
