"""Compare two builds' dist/ folders: does a change to ``kg build`` still write the same files?

    python benchmarks/compare_builds.py OLD_DIST NEW_DIST

RDF files must hold the same statements, blank nodes aside (both canonicalised by RDFC-1.0 through
pyoxigraph, then compared as sets); other files must be byte-identical, except where the bytes may differ
and the data may not: the IATI file's generation time is ignored, the SQLite search index is compared
table by table as sorted rows, JSON as data, and the manifest and SHA256SUMS entries of those files by
name only (in the catalogs, the new checksums stand for the old). Prints one line per difference; exits
1 when there is any.
"""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
import sys
from pathlib import Path

import pyoxigraph as ox

RDF_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
# Files whose bytes may change while their data does not: their checksums are not compared.
VOLATILE = {"iati-activities.xml", "iati-activities.xml.gz", "search.sqlite"}
# Files that give the volatile files' checksums: compared themselves, not by their own checksums.
DESCRIBING = {"catalog.ttl", "catalog.jsonld", "opencanada.json"}


def _statements(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    dataset = ox.Dataset(ox.parse(data, format=fmt))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def _sqlite_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {"schema": sorted(db.execute("SELECT type, name, sql FROM sqlite_master"))}
        for table in tables:
            rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        db.close()


def _checksums(text: str) -> dict[str, str]:
    sums = dict(reversed(line.split("  ", 1)) for line in text.splitlines())
    return {name: ("*" if name in VOLATILE | DESCRIBING else digest) for name, digest in sums.items()}


def _manifest(data: bytes) -> object:
    manifest = json.loads(data)
    for entry in manifest["files"]:
        if entry["name"] in VOLATILE | DESCRIBING:
            entry["sha256"] = entry["size"] = "*"
    return manifest


def _volatile_sums(dist: Path) -> dict[str, str]:
    manifest = json.loads((dist / "manifest.json").read_bytes())
    return {e["name"]: e["sha256"] for e in manifest["files"] if e["name"] in VOLATILE}


def same(name: str, old: bytes, new: bytes, old_path: Path, new_path: Path) -> bool:
    if name.startswith("catalog.") or name == "opencanada.json":  # they give the volatile files' checksums
        old_sums, new_sums = _volatile_sums(old_path.parent), _volatile_sums(new_path.parent)
        for file, digest in old_sums.items():
            old = old.replace(digest.encode(), new_sums.get(file, digest).encode())
    if old == new:
        return True
    if name.endswith(".gz"):
        return same(name[:-3], gzip.decompress(old), gzip.decompress(new), old_path, new_path)
    suffix = Path(name).suffix
    if name == "search.sqlite":
        return _sqlite_rows(old_path) == _sqlite_rows(new_path)
    if name.startswith("iati-activities.xml"):
        stamp = re.compile(rb'(generated|last-updated)-datetime="[^"]*"')
        return stamp.sub(b"", old) == stamp.sub(b"", new)
    if name == "SHA256SUMS":
        return _checksums(old.decode()) == _checksums(new.decode())
    if name == "manifest.json":
        return _manifest(old) == _manifest(new)
    if suffix in RDF_FORMATS and name != "context.jsonld":
        return _statements(old, RDF_FORMATS[suffix]) == _statements(new, RDF_FORMATS[suffix])
    if suffix == ".json":
        return bool(json.loads(old) == json.loads(new))
    return False


def compare(old_dist: Path, new_dist: Path) -> list[str]:
    old_files = {p.relative_to(old_dist).as_posix() for p in old_dist.rglob("*") if p.is_file()}
    new_files = {p.relative_to(new_dist).as_posix() for p in new_dist.rglob("*") if p.is_file()}
    problems = [f"only in {old_dist}: {n}" for n in sorted(old_files - new_files)]
    problems += [f"only in {new_dist}: {n}" for n in sorted(new_files - old_files)]
    for name in sorted(old_files & new_files):
        old_path, new_path = old_dist / name, new_dist / name
        if not same(Path(name).name, old_path.read_bytes(), new_path.read_bytes(), old_path, new_path):
            problems.append(f"differs: {name}")
    return problems


def main() -> int:
    old_dist, new_dist = (Path(arg).resolve() for arg in sys.argv[1:3])
    problems = compare(old_dist, new_dist)
    for line in problems:
        print(line)
    print(f"{'DIFFERENT' if problems else 'EQUIVALENT'}: {old_dist} vs {new_dist}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
