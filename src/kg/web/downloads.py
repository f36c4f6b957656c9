"""Blueprint "downloads": the dumps of ``kg build``, listed (HTML, JSON) and served.

Only names listed in the build manifest (plus ``SHA256SUMS``) are served; a request for anything else,
whatever its encoding (``..%2f``, ``%00``, symlinks), is a 404 - the name is looked up in a dict, never
joined to a path first. A ``.gz`` file is served as itself (``application/gzip``); a plain file is sent
gzip-encoded when the client accepts gzip and the build wrote its ``.gz`` twin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_file, url_for

from kg.dumps import CHECKSUMS_FILE, DumpInfo
from kg.formats import JSON
from kg.fragments import nquads_files
from kg.textfiles import open_chained
from kg.web.http import chosen_format, etag_for, page_variant, representation
from kg.web.state import AppState, state

bp = Blueprint("downloads", __name__, url_prefix="/downloads")

LISTING_OFFERS: list[tuple[str, str]] = [
    ("text/html", "html"),
    ("application/xhtml+xml", "html"),
    (JSON, "json"),
]
GZIP = "application/gzip"


def _files(st: AppState) -> dict[str, DumpInfo]:
    return {info.name: info for info in st.dataset.dumps}


def _content_type(media_type: str) -> str:
    # Flask adds the charset of text/* types itself.
    textual = media_type in ("application/n-triples", "application/n-quads")
    return f"{media_type}; charset=utf-8" if textual else media_type


@bp.get("/")
def listing() -> Response:
    st = state()
    wanted = chosen_format(LISTING_OFFERS)
    lang, vary = page_variant(wanted, negotiated=True)
    # The HTML page is translated, so its validator names the language; the JSON's stays as it was.
    tag = etag_for(st.dataset.version, "downloads", wanted, *([lang] if lang else []))
    return representation(st, tag, lambda: _listing(st, wanted), vary=vary)


def _listing(st: AppState, wanted: str) -> Response:
    files = [
        {
            "name": info.name,
            "url": url_for("downloads.file", name=info.name, _external=True),
            "media_type": info.media_type,
            "encoding": info.encoding,
            "size": info.size,
            "sha256": info.sha256,
        }
        for info in st.dataset.dumps
    ]
    if wanted == "json":
        return jsonify({"dataset": st.dataset.version, "files": files})
    return Response(
        render_template("downloads/index.html", files=files), content_type="text/html; charset=utf-8"
    )


@bp.get("/<name>")
def file(name: str) -> Response:
    st = state()
    files = _files(st)
    folder = st.dataset.dist_dir
    if folder is None or (name not in files and not (name == CHECKSUMS_FILE and files)):
        abort(404)
    if (joined := files.get(name)) is not None and joined.sha256 is None:
        return _joined(st, folder, joined)
    path = folder / name
    if path.is_symlink() or not path.is_file():
        abort(404)
    info = files.get(name)
    if info is None:  # SHA256SUMS
        return _send(
            path,
            name,
            "text/plain",
            etag=etag_for(st.dataset.version, name),
            max_age=st.options.cache_seconds,
        )
    assert info.sha256 is not None  # a file of the build (only the joined kg.nq has none)
    if info.encoding == "gzip":
        return _send(path, name, GZIP, etag=info.sha256, max_age=st.options.cache_seconds)
    twin = files.get(f"{name}.gz")
    twin_path = folder / f"{name}.gz"
    if twin is not None and request.accept_encodings.quality("gzip") > 0 and twin_path.is_file():
        response = _send(
            twin_path, name, info.media_type, etag=f"{twin.sha256}-gzip", max_age=st.options.cache_seconds
        )
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response
    response = _send(path, name, info.media_type, etag=info.sha256, max_age=st.options.cache_seconds)
    if twin is not None:
        response.vary.add("Accept-Encoding")
    return response


def _joined(st: AppState, folder: Path, info: DumpInfo) -> Response:
    """``kg.nq`` while ``kg build --finish`` has not written it (after a ``kg add``): the build's fragments
    joined as that step will join them (``kg.fragments``), streamed. The manifest states its size; its
    validator is the data's version, which names the same bytes (``kg.fragments.index_version``). No
    ranges: the bytes are not in one file to seek in."""
    etag, max_age = etag_for(st.dataset.version, info.name), st.options.cache_seconds
    if (unchanged := _not_modified(etag, max_age)) is not None:
        return unchanged
    files = nquads_files(folder)
    if not files:
        abort(404)

    def chunks() -> Iterator[bytes]:
        with open_chained(files) as stream:
            while chunk := stream.read(1 << 20):
                yield chunk

    response = Response(chunks(), content_type=_content_type(info.media_type))
    response.headers["Content-Length"] = str(info.size)
    response.headers["Content-Disposition"] = f"attachment; filename={info.name}"
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def _not_modified(etag: str, max_age: int) -> Response | None:
    """The 304 for a request whose ``If-None-Match`` names ``etag``, else None."""
    if not (request.if_none_match and request.if_none_match.contains_weak(etag)):
        return None
    response = Response(status=304)
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def _send(path: Path, name: str, media_type: str, *, etag: str, max_age: int) -> Response:
    # Answer 304 before opening the file (Werkzeug would leave it open on a 304).
    if (unchanged := _not_modified(etag, max_age)) is not None:
        return unchanged
    response = send_file(
        path,
        mimetype=_content_type(media_type),
        as_attachment=True,
        download_name=name,
        etag=etag,
        conditional=True,
        max_age=max_age,
    )
    response.cache_control.public = True
    return response
