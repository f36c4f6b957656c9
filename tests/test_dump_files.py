"""``kg.dump_files``: a file's digest is read once while a build is written, and afresh otherwise."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import kg.dump_files
from kg.dump_files import file_info, one_digest_per_file


def test_a_digest_is_read_once_while_a_build_is_written(tmp_path: Path) -> None:
    path = tmp_path / "kg.nt"
    path.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    stat = path.stat()
    first = file_info(path, "application/n-triples")
    assert (first.size, first.sha256) == (stat.st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    with one_digest_per_file():
        assert file_info(path, "application/n-triples") == first
        path.write_bytes(b"<urn:a> <urn:b> <urn:d> .\n")  # never done to a build's file: shows the cache
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert file_info(path, "application/n-triples").sha256 == first.sha256
    assert kg.dump_files._DIGESTS is None
    assert file_info(path, "application/n-triples").sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
