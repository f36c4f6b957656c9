"""What the `kg add` tests share: a built copy of the project, its settings, a fingerprint of its files."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/kg-funding/"


def settings_of(work: Path) -> Settings:
    return Settings(data_dir=work / "data", dist_dir=work / "dist")


def file_hashes(work: Path) -> dict[str, str]:
    """Every file under data/ and dist/, hidden ones too, with its sha256."""
    return {
        str(path.relative_to(work)): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("data", "dist")
        for path in sorted((work / folder).rglob("*"))
        if path.is_file()
    }
