"""The reference data of a project: ``data/reference/`` plus the ``reference:`` sections of its records.

One function, ``read_reference``, for every reader of reference data (``kg build``, ``kg add``,
``kg extract``), so a release can name an organisation, program or place that an earlier record proposed
(RECORD-CHANGES.md point 5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from kg.settings import Settings
from kg.sources.records import Reference, Release
from kg.sources.reference import merge_reference, read_reference_dir
from kg.sources.release import read_release


def read_reference(where: Settings | Path, releases_dir: Path | None = None) -> Reference:
    """The merged Reference: ``data/reference/`` and the entries the records in ``data/releases/`` propose.

    ``where`` is the project's settings, or the reference folder; with a folder alone (no ``releases_dir``)
    the result is that folder's reference data only. Errors name the file, the line and the field.
    """
    if isinstance(where, Settings):
        base = read_reference_dir(where.reference_dir)
        releases_dir = where.releases_dir
    else:
        base = read_reference_dir(where)
    if releases_dir is None:
        return base
    return merge_reference(base, read_releases(releases_dir, proposing=True))


# A top-level ``reference`` key (plain, quoted or explicit), as a record's proposals are written.
_PROPOSES = re.compile(rb"""^(?:\?\s*)?["']?reference["']?\s*:""", re.MULTILINE)


# The proposing records this process has read, by path: the file's identity when read (inode, size, time of
# last change in ns) and the record (None: it proposes nothing). `kg add` reads them before taking the
# project's lock and again under it, so that an add made meanwhile is seen; the second read parses only
# what changed (each pass was a second at 5,493 records). kg writes a record under a new name and renames
# it into place, so a changed record has a new inode.
_READ: dict[Path, tuple[tuple[int, int, int], Release | None]] = {}


def read_releases(releases_dir: Path, *, proposing: bool = False) -> Iterable[Release]:
    """Every release record of the folder, in file-name order (the order in which clashes are reported).

    ``proposing``: only the records with a top-level ``reference:`` section (the others propose nothing);
    a text search skips parsing the rest, which at thousands of records was most of a ``kg add``, and a
    record this process read before, unchanged since, is not read again.
    """
    for path in sorted(releases_dir.glob("*.yaml")):
        if not proposing:
            yield read_release(path)
            continue
        try:
            stat = path.stat()
        except OSError:  # removed since the listing: read_release names the file in its error
            yield read_release(path)
            continue
        identity = (stat.st_ino, stat.st_size, stat.st_ctime_ns)
        known = _READ.get(path)
        if known is None or known[0] != identity:
            data = path.read_bytes()
            # The word first (a substring search, a sixth of the regular expression's time): most records
            # do not contain it at all.
            release = read_release(path) if b"reference" in data and _PROPOSES.search(data) else None
            known = _READ[path] = (identity, release)
        if known[1] is not None:
            yield known[1]
