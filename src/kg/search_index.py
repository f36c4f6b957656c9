"""The search index of a build (``dist/search.sqlite``): the one module that speaks SQLite.

Why SQLite FTS5: it ships inside Python's ``sqlite3`` (no service to run, nothing to install), the index
is one file that ``kg build`` and ``kg add`` write into the build folder with the dumps (so it is
published with them in the same ``rename``, and a server's index always matches the graph it serves),
and FTS5 gives ranked (BM25) full-text search with a Unicode tokenizer that folds accents
(``unicode61 remove_diacritics 2``), which French needs, and the Porter stemmer in front of it
(``projects`` finds ``project``; French words go through it harmlessly, the same on both sides).
A store's own full-text search would tie the index to one engine (pyoxigraph has none); a search server
(Elasticsearch, Meilisearch) is a second service to run and keep in step with each build.

The file holds the projects list too (``project``, ``project_term``, ``term``: what ``kg.browse.query``
filters and counts), so the server reads the list from it rather than querying the graph per request.
The server opens it read-only and ``immutable`` (SQLite URI parameters): a build folder never changes
once linked, and a server pins the build it serves (``kg.publication.pin``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from kg.browse.records import BrowseData, ProjectRecord, SearchText, Term
from kg.dumps import DumpInfo
from kg.errors import BuildError

INDEX_FILE = "search.sqlite"
MEDIA_TYPE = "application/vnd.sqlite3"
SCHEMA_VERSION = "1"
TOKENIZER = "porter unicode61 remove_diacritics 2"
MAX_MATCHES = 100_000

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE term (facet TEXT NOT NULL, key TEXT NOT NULL, iri TEXT NOT NULL, label_en TEXT, label_fr TEXT,
                   PRIMARY KEY (facet, key));
CREATE TABLE project (iri TEXT PRIMARY KEY, position INTEGER NOT NULL, name_en TEXT, name_fr TEXT,
                      description_en TEXT, description_fr TEXT, amount TEXT, qualifier TEXT, stated TEXT,
                      currency TEXT, published TEXT, release TEXT);
CREATE TABLE project_term (project TEXT NOT NULL, facet TEXT NOT NULL, iri TEXT NOT NULL,
                           stated INTEGER NOT NULL, PRIMARY KEY (project, facet, iri));
CREATE TABLE label (iri TEXT NOT NULL, kind TEXT NOT NULL, lang TEXT NOT NULL, title TEXT NOT NULL,
                    PRIMARY KEY (iri, lang));
CREATE VIRTUAL TABLE text USING fts5(iri UNINDEXED, kind UNINDEXED, lang UNINDEXED, title, body,
                                     tokenize = '{TOKENIZER}');
"""


class SearchIndexError(Exception):
    """The index cannot be read (missing, or not ours); the pages answer 503."""


def write_index(data: BrowseData, path: Path) -> None:
    """Write the index of ``data`` to the new file ``path`` (in a build folder not yet published).

    Rows go in sorted, so the same graph gives the same bytes.
    :raises BuildError: when the file cannot be written.
    """
    try:
        with closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA journal_mode = OFF")  # the build folder is the transaction
            db.executescript(_SCHEMA)
            db.execute("INSERT INTO meta VALUES ('schema', ?), ('tokenizer', ?)", (SCHEMA_VERSION, TOKENIZER))
            db.executemany("INSERT INTO term VALUES (?, ?, ?, ?, ?)", [_term_row(t) for t in data.terms])
            db.executemany(
                "INSERT INTO project VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_project_row(p) for p in sorted(data.projects, key=lambda p: p.iri)],
            )
            db.executemany("INSERT INTO project_term VALUES (?, ?, ?, ?)", _links(data.projects))
            _insert_texts(db, sorted(data.texts, key=lambda t: (t.iri, t.lang)))
            db.execute("INSERT INTO text(text) VALUES ('optimize')")  # one b-tree segment: smaller, faster
            db.commit()
    except sqlite3.Error as exc:
        raise BuildError(f"cannot write the search index {path}: {exc}") from exc


def extend_index(base: Path, path: Path, data: BrowseData) -> None:
    """Write to the new file ``path`` the index ``base`` with ``data`` added, in time that grows with
    ``data``: what a ``kg add`` that builds from the linked build writes, with ``data`` read from the new
    release's graph and the reference graph. Terms already there stay; the projects and texts of ``data``
    replace those with the same IRI.

    :raises BuildError: when ``base`` cannot be read or ``path`` written.
    """
    try:
        shutil.copyfile(base, path)
        with closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA journal_mode = OFF")
            found = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if found is None or found[0] != SCHEMA_VERSION:
                raise BuildError(f"{base}: search index of another kg version: run `kg build`")
            db.executemany("INSERT OR IGNORE INTO term VALUES (?, ?, ?, ?, ?)", map(_term_row, data.terms))
            projects = sorted(data.projects, key=lambda p: p.iri)
            gone = [(p.iri,) for p in projects]
            db.executemany("DELETE FROM project WHERE iri = ?", gone)
            db.executemany("DELETE FROM project_term WHERE project = ?", gone)
            db.executemany(
                "INSERT INTO project VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", map(_project_row, projects)
            )
            db.executemany("INSERT INTO project_term VALUES (?, ?, ?, ?)", _links(projects))
            texts = sorted(data.texts, key=lambda t: (t.iri, t.lang))
            replaced = sorted({t.iri for t in texts})
            db.executemany("DELETE FROM label WHERE iri = ?", [(iri,) for iri in replaced])
            # ``iri`` is UNINDEXED in the FTS5 table: ``WHERE iri = ?`` read the whole table once per IRI
            # (0.5 s of a `kg add` at 10^6 triples, growing with graph times release); one read finds all.
            listed = (json.dumps(replaced),)
            rows = db.execute("SELECT rowid FROM text WHERE iri IN (SELECT value FROM json_each(?))", listed)
            db.executemany("DELETE FROM text WHERE rowid = ?", rows.fetchall())
            _insert_texts(db, texts)
            db.commit()
    except (OSError, sqlite3.Error) as exc:
        raise BuildError(f"cannot write the search index {path}: {exc}") from exc


def extend_build(base: Path, build: Path, data: BrowseData) -> DumpInfo | None:
    """For a build made from the linked build ``base`` (an incremental ``kg add``): its index, the one of
    ``base`` extended with ``data`` (the new release's graph with the reference graph), and the manifest
    entry of the file; None when ``base`` has no index to extend (the whole rebuild writes one)."""
    old = base / INDEX_FILE
    if not old.is_file():
        return None
    path = build / INDEX_FILE
    extend_index(old, path, data)
    body = path.read_bytes()
    return DumpInfo(path.name, MEDIA_TYPE, len(body), hashlib.sha256(body).hexdigest())


def _links(projects: Sequence[ProjectRecord]) -> list[tuple[str, str, str, int]]:
    return sorted(
        (p.iri, facet, iri, int((facet, iri) in p.stated_terms))
        for p in projects
        for facet, iri in p.facet_terms
    )


def _insert_texts(db: sqlite3.Connection, texts: Sequence[SearchText]) -> None:
    labels = [(t.iri, t.kind, t.lang, t.label) for t in texts if t.label]
    db.executemany("INSERT OR IGNORE INTO label VALUES (?, ?, ?, ?)", labels)
    rows = [(t.iri, t.kind, t.lang, t.title, t.body) for t in texts]
    db.executemany("INSERT INTO text VALUES (?, ?, ?, ?, ?)", rows)


def _term_row(term: Term) -> tuple[str, str, str, str | None, str | None]:
    labels = dict(term.labels)
    return (term.facet, term.key, term.iri, labels.get("en"), labels.get("fr"))


def _project_row(p: ProjectRecord) -> tuple[object, ...]:
    names, descriptions = dict(p.names), dict(p.descriptions)
    amount = str(p.amount) if p.amount is not None else None
    return (
        p.iri,
        p.position,
        names.get("en"),
        names.get("fr"),
        descriptions.get("en"),
        descriptions.get("fr"),
        amount,
        p.qualifier,
        p.stated,
        p.currency,
        p.published,
        p.release,
    )


@dataclass(frozen=True)
class Hit:
    """One resource the search found: its best-ranked text, with the words found marked."""

    iri: str
    kind: str
    lang: str
    label: str
    """The resource's name in the language of the text found."""
    snippet: str
    """The best passage, ``\x02`` and ``\x03`` around each word found (the page escapes, then marks)."""


class SearchIndex:
    """A build's index, opened read-only (one connection per call: threads never share one)."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise SearchIndexError(f"{path}: no search index in this build (run `kg build`)")
        self.path = path
        with self._connect() as db:
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            except sqlite3.Error as exc:
                raise SearchIndexError(f"{path}: not a kg search index ({exc})") from exc
            if row is None or row[0] != SCHEMA_VERSION:
                raise SearchIndexError(f"{path}: search index of another kg version (run `kg build`)")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro&immutable=1"
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            yield db
        finally:
            db.close()

    def browse_data(self) -> BrowseData:
        """The projects and terms (not the texts: searches go to the index)."""
        with self._connect() as db:
            terms = tuple(
                Term(facet, key, iri, tuple((lang, v) for lang, v in (("en", en), ("fr", fr)) if v))
                for facet, key, iri, en, fr in db.execute(
                    "SELECT facet, key, iri, label_en, label_fr FROM term ORDER BY facet, key"
                )
            )
            links: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}
            for project, facet, iri, stated in db.execute(
                "SELECT project, facet, iri, stated FROM project_term ORDER BY project, facet, iri"
            ):
                pair = links.setdefault(project, ([], []))
                pair[1].append((facet, iri))
                if stated:
                    pair[0].append((facet, iri))
            projects = []
            for row in db.execute("SELECT * FROM project ORDER BY published, release, position, iri"):
                iri, position, name_en, name_fr, desc_en, desc_fr, amount, qualifier, stated, currency = row[
                    :10
                ]
                stated_terms, facet_terms = links.get(iri, ([], []))
                projects.append(
                    ProjectRecord(
                        iri=iri,
                        position=position,
                        names=_pairs(name_en, name_fr),
                        descriptions=_pairs(desc_en, desc_fr),
                        amount=Decimal(amount) if amount is not None else None,
                        qualifier=qualifier,
                        stated=stated,
                        currency=currency,
                        published=row[10],
                        release=row[11],
                        stated_terms=tuple(stated_terms),
                        facet_terms=tuple(facet_terms),
                    )
                )
        return BrowseData(tuple(projects), terms)

    def match_projects(self, expression: str) -> list[str]:
        """The projects whose texts match the FTS5 ``expression``, best first."""
        sql = (
            "WITH ranked AS MATERIALIZED (SELECT iri, bm25(text, 10.0, 1.0) AS score FROM text "
            "WHERE text MATCH ? AND kind = 'project') "
            "SELECT iri, min(score) AS best FROM ranked GROUP BY iri ORDER BY best, iri LIMIT ?"
        )
        return [str(row[0]) for row in self._query(sql, (expression, MAX_MATCHES))]

    def search(self, expression: str, *, kind: str | None, limit: int, offset: int) -> tuple[int, list[Hit]]:
        """The resources matching ``expression`` (of one ``kind``, or all), best first: total, and a page."""
        where = "text MATCH ?" + (" AND kind = ?" if kind else "")
        params: tuple[object, ...] = (expression, kind) if kind else (expression,)
        total = self._query(f"SELECT count(DISTINCT iri) FROM text WHERE {where}", params)[0][0]
        # bm25() and snippet() cannot run inside an aggregate, nor in a subquery SQLite flattens into one:
        # rank every text first (MATERIALIZED, SQLite 3.35), then keep each resource's best one (SQLite
        # takes the bare columns of a min() from the row holding the minimum).
        rows = self._query(
            "WITH ranked AS MATERIALIZED (SELECT iri, kind, lang, "
            "snippet(text, -1, char(2), char(3), ' … ', 24) AS snip, bm25(text, 10.0, 1.0) AS score "
            f"FROM text WHERE {where}) SELECT ranked.iri, ranked.kind, ranked.lang, "
            "coalesce(label.title, ''), snip, min(score) AS best "
            "FROM ranked LEFT JOIN label USING (iri, lang) "
            "GROUP BY ranked.iri ORDER BY best, ranked.iri LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        hits = [Hit(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]
        return int(str(total)), hits

    def labels(self, iris: list[str], lang: str) -> dict[str, str]:
        """Each resource's title in ``lang`` where it has one."""
        if not iris:
            return {}
        marks = ",".join("?" * len(iris))
        rows = self._query(f"SELECT iri, title FROM label WHERE lang = ? AND iri IN ({marks})", (lang, *iris))
        return {str(iri): str(title) for iri, title in rows}

    def _query(self, sql: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._connect() as db:
            try:
                return list(db.execute(sql, params))
            except sqlite3.OperationalError as exc:  # an expression FTS5 refuses: ours are always valid
                raise SearchIndexError(f"the search failed: {exc}") from exc


def _pairs(en: str | None, fr: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((lang, text) for lang, text in (("en", en), ("fr", fr)) if text)


__all__ = [
    "INDEX_FILE",
    "MEDIA_TYPE",
    "Hit",
    "SearchIndex",
    "SearchIndexError",
    "SearchText",
    "extend_build",
    "extend_index",
    "write_index",
]
