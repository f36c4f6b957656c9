"""The cache of rendered resource documents: a hit is the same answer, never a wrong one, and cheap."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from kg.web import create_app
from kg.web.doccache import CachedDocument, DocumentCache
from kg.web.runtime import Prepared
from kg.web.state import AppState, state

from .conftest import PROJECT

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _app(app: Flask, **options: object) -> Flask:
    """A new app on the release store, with an empty cache."""
    with app.app_context():
        st = state()
    return create_app(
        st.settings, store=st.reader.store, dataset=st.dataset, options=replace(st.options, **options)
    )


def _state(app: Flask) -> AppState:
    with app.app_context():
        return state()


def _same(first: Response, second: Response) -> None:
    assert second.status_code == first.status_code
    assert second.data == first.data
    assert list(second.headers.items()) == list(first.headers.items())


class _NoStore:
    """Stands in for the store: any use of it fails the test."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the store was asked for {name} on a cache hit")


@pytest.fixture
def fresh(app: Flask) -> Iterator[Flask]:
    yield _app(app)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (f"/{PROJECT}.ttl", {"Accept": "text/turtle"}),
        (f"/{PROJECT}.jsonld", {}),
        (f"/{PROJECT}.nt", {}),
        (f"/{PROJECT}.rdf", {}),
        (f"/{PROJECT}.html", {"Accept": BROWSER}),
        (f"/{PROJECT}.html", {"Accept-Language": "fr-CA,fr;q=0.9"}),
        (f"/{PROJECT}.html?lang=fr", {}),
        (f"/{PROJECT}.html?incoming=x&page=2", {}),
    ],
)
def test_a_hit_is_the_same_answer_and_never_asks_the_store(
    fresh: Flask, path: str, headers: dict[str, str]
) -> None:
    client = fresh.test_client()
    first = client.get(path, headers=headers)
    assert first.status_code == 200
    st = _state(fresh)
    store, st.reader.store = st.reader.store, _NoStore()  # type: ignore[assignment]
    try:
        second = client.get(path, headers=headers)
        head = client.head(path, headers=headers)
    finally:
        st.reader.store = store
    _same(first, second)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == first.headers["ETag"]
    assert st.documents.hits == 2 and len(st.documents) == 1
    for name in ("Access-Control-Allow-Origin", "Content-Security-Policy", "X-Content-Type-Options", "Link"):
        assert name in second.headers


def test_conditional_requests_are_answered_before_the_cache(fresh: Flask) -> None:
    client = fresh.test_client()
    first = client.get(f"/{PROJECT}.html")
    for validators in (
        {"If-None-Match": first.headers["ETag"]},
        {"If-Modified-Since": first.headers["Last-Modified"]},
    ):
        again = client.get(f"/{PROJECT}.html", headers=validators)
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Vary"] == first.headers["Vary"] == "Accept-Language"


def test_the_key_tells_languages_origins_roots_and_negotiation_apart(fresh: Flask) -> None:
    client = fresh.test_client()
    english = client.get(f"/{PROJECT}.html", headers={"Accept-Language": "en"})
    french = client.get(f"/{PROJECT}.html", headers={"Accept-Language": "fr"})
    assert english.data != french.data and 'lang="fr"' in french.text
    assert client.get(f"/{PROJECT}.html", headers={"Accept-Language": "en"}).data == english.data
    rooted = client.get(f"/{PROJECT}.html", base_url="http://localhost/kg/")
    assert 'href="/kg/' in rooted.text and 'href="/kg/' not in english.text
    assert rooted.headers["Link"].startswith("</kg/")
    elsewhere = client.get(f"/{PROJECT}.html", base_url="https://127.0.0.1/")  # an allowed host
    assert elsewhere.status_code == 200
    assert len(_state(fresh).documents) == 4


def test_negotiated_documents_keep_their_vary_and_content_location(app: Flask) -> None:
    other = _app(app, redirect="200")
    client = other.test_client()
    for _ in range(2):
        negotiated = client.get(f"/{PROJECT}", headers={"Accept": "text/turtle"})
        assert negotiated.status_code == 200
        assert negotiated.headers["Content-Location"] == f"/{PROJECT}.ttl"
        assert negotiated.headers["Vary"] == "Accept"
        direct = client.get(f"/{PROJECT}.ttl")
        assert "Vary" not in direct.headers and "Content-Location" not in direct.headers
        assert direct.data == negotiated.data
    assert _state(other).documents.hits == 2


def test_a_new_dataset_version_never_meets_old_entries(fresh: Flask) -> None:
    client = fresh.test_client()
    first = client.get(f"/{PROJECT}.ttl")
    st = _state(fresh)
    st.dataset = replace(st.dataset, version="f" * 64)
    second = client.get(f"/{PROJECT}.ttl")
    assert second.headers["ETag"] != first.headers["ETag"]
    assert st.documents.hits == 0 and len(st.documents) == 2


def test_unknown_resources_are_not_kept(fresh: Flask) -> None:
    client = fresh.test_client()
    for _ in range(2):
        assert client.get("/project/no-such-project.ttl").status_code == 404
        assert client.get("/project/no-such-project.ttl", headers={"If-None-Match": "*"}).status_code == 404
    assert len(_state(fresh).documents) == 0


def test_a_zero_budget_turns_the_cache_off(app: Flask) -> None:
    off = _app(app, page_cache_bytes=0)
    client: FlaskClient = off.test_client()
    _same(client.get(f"/{PROJECT}.ttl"), client.get(f"/{PROJECT}.ttl"))
    assert len(_state(off).documents) == 0


def test_health_reports_the_cache(fresh: Flask) -> None:
    client = fresh.test_client()
    client.get(f"/{PROJECT}.ttl")
    client.get(f"/{PROJECT}.ttl")
    documents = client.get("/-/health").get_json()["documents"]
    assert documents["hits"] == 1 and documents["misses"] == 1 and documents["entries"] == 1


def _document(size: int) -> CachedDocument:
    return CachedDocument(200, b"x" * size, (("Content-Type", "text/plain"),))


def test_cache_is_a_least_recently_used_bound_on_bytes() -> None:
    one = _document(1_000)
    cache = DocumentCache(8 * one.size)
    for n in range(5):
        cache.put(n, one)
    assert cache.get(0) is one  # now the most recently used
    for n in range(5, 9):
        cache.put(n, one)
    assert len(cache) == 8 and cache.bytes == 8 * one.size
    assert cache.get(0) is one and cache.get(1) is None  # 1 was the least recently used
    cache.put("huge", _document(one.size))  # more than an eighth of the budget: never kept
    assert cache.get("huge") is None
    cache.put(5, _document(10))  # replacing an entry gives its bytes back
    assert cache.bytes == 7 * one.size + _document(10).size
    assert DocumentCache(0).get(0) is None


def test_cache_is_safe_across_threads() -> None:
    cache = DocumentCache(50 * _document(100).size)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for n in range(2_000):
                key = (seed * n) % 97
                cache.put(key, _document(100 + key % 7))
                found = cache.get((key + 1) % 97)
                assert found is None or found.body.startswith(b"x")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert cache.bytes <= cache.max_bytes
    assert cache.bytes == sum(cache.get(k).size for k in range(97) if cache.get(k) is not None)  # type: ignore[union-attr]


def test_prepared_store_serves_the_same_bytes_after_a_hit(prepared: Prepared, fresh: Flask) -> None:
    # The cached body is the document, byte for byte, not a re-serialisation.
    client = fresh.test_client()
    first = client.get(f"/{PROJECT}.nt").data
    assert client.get(f"/{PROJECT}.nt").data == first
    assert prepared.dataset.version.startswith(client.get(f"/{PROJECT}.nt").headers["ETag"][3:19])
