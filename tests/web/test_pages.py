"""Resource pages on hostile and huge data: escaping (D4), and a node with 100,000 incoming links."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from flask import Flask

from kg.formats import RdfFormat
from kg.settings import Settings
from kg.store import KgStore
from kg.web import create_app
from kg.web.config import Dataset, WebOptions

BASE = "https://w3id.org/kg-funding/"
SCHEMA = "https://schema.org/"
HOSTILE = f"""
<{BASE}project/x> a <{SCHEMA}Project> ;
    <{SCHEMA}name> "</script><script>alert(1)</script>"@en ;
    <{SCHEMA}description> "<img src=x onerror=alert(1)>" ;
    <{SCHEMA}url> <javascript:alert(1)> ;
    <{SCHEMA}sameAs> <data:text/html,hi> ;
    <{SCHEMA}isBasedOn> <https://example.org/ok> .
"""


def _app(store: KgStore, tmp_path: Path) -> Flask:
    return create_app(
        Settings(data_dir=tmp_path, dist_dir=tmp_path / "dist"),
        store=store,
        dataset=Dataset(version="test"),
        options=WebOptions(store_dir=tmp_path),
    )


def test_data_is_escaped_and_only_http_iris_are_links(tmp_path: Path) -> None:
    store = KgStore()
    store.load(HOSTILE.encode(), RdfFormat.TURTLE, graph=f"{BASE}graph/test")
    html = _app(store, tmp_path).test_client().get("/project/x.html").text
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert 'href="https://example.org/ok"' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    assert "</script" not in block.group(1).lower()
    assert "\\u003c/script\\u003e" in block.group(1)
    assert json.loads(block.group(1))["name"]["@value"] == "</script><script>alert(1)</script>"


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """A node with 100,000 incoming links over two properties, plus a few of its own triples."""
    lines = [f'<{BASE}organization/hub> <{SCHEMA}name> "Hub"@en .']
    for i in range(100_000):
        predicate = f"{SCHEMA}funder" if i % 4 else f"{SCHEMA}sponsor"
        lines.append(f"<{BASE}grant/g{i}> <{predicate}> <{BASE}organization/hub> .")
    store = KgStore()
    store.load("\n".join(lines).encode(), RdfFormat.NTRIPLES, graph=f"{BASE}graph/big")
    return _app(store, tmp_path_factory.mktemp("crowded"))


def _fresh(app: Flask) -> Flask:
    """A new app on the same store: nothing rendered, counted or labelled yet."""
    from kg.web.state import state

    with app.app_context():
        st = state()
    return create_app(st.settings, store=st.reader.store, dataset=st.dataset, options=st.options)


def test_a_node_with_100k_incoming_links_stays_fast(crowded: Flask) -> None:
    client = _fresh(crowded).test_client()
    client.get("/grant/g1.html")  # compile the page templates, which is not what this measures
    start = time.perf_counter()
    response = client.get("/organization/hub.html")  # links counted by the engine, not in Python
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    # 0.05-0.1 s on an idle 2-core machine; counting in Python took 1 s. Loose: CI runs tests in parallel.
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    start = time.perf_counter()
    deep = client.get(f"/organization/hub.html?incoming={SCHEMA}funder&page=3000")  # counts kept
    assert deep.status_code == 200 and "3000 / 3750" in deep.text
    assert time.perf_counter() - start < 1.0
    html = response.text
    assert "(75,000 links)" in html and "(25,000 links)" in html
    assert html.count('href="/grant/g') <= 2 * 20  # one page per property


def test_incoming_links_are_paged(crowded: Flask) -> None:
    client = crowded.test_client()
    page = client.get(f"/organization/hub.html?incoming={SCHEMA}funder&page=3750").text
    assert "3750 / 3750" in page
    funder = page.split("funder", 1)[1].split("</section>", 1)[0]
    assert 'rel="prev"' in funder and 'rel="next"' not in funder
    first = client.get(f"/organization/hub.html?incoming={SCHEMA}funder&page=1").text
    assert "1 / 3750" in first
    assert client.get(f"/organization/hub.html?incoming={SCHEMA}funder&page=999999999").status_code == 200
    assert client.get("/organization/hub.html?page=-1").status_code == 200


def test_counts_are_capped(tmp_path: Path, crowded: Flask) -> None:
    from dataclasses import replace

    from kg.web.state import state

    with crowded.app_context():
        st = state()
    capped = create_app(
        st.settings, store=st.reader.store, dataset=st.dataset, options=replace(st.options, count_cap=1000)
    )
    html = capped.test_client().get("/organization/hub.html").text
    assert "more than" in html


def test_the_description_of_a_crowded_node_is_its_own_triples(crowded: Flask) -> None:
    response = crowded.test_client().get("/organization/hub.nt")
    assert response.status_code == 200
    assert response.data.count(b"\n") == 1
