"""Settings of one kg project: where records live, where the build goes, the base IRI.

Settings are a frozen dataclass built once at the edge (CLI, app factory) and passed down; nothing reads the
environment below this module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_BASE_IRI = "https://w3id.org/kg-funding/"
ENV_PREFIX = "KG_"


def project_root() -> Path:
    """The directory holding ``data/``: the current directory, or the source checkout of this package."""
    cwd = Path.cwd()
    if (cwd / "data" / "releases").is_dir():
        return cwd
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "data" / "releases").is_dir():
        return checkout
    return cwd


def default_store_dir() -> Path:
    """``$XDG_CACHE_HOME/kg/stores`` (``~/.cache/kg/stores``): outside the checkout; ``KG_STORE_DIR`` wins."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "kg" / "stores"


@dataclass(frozen=True)
class Settings:
    """Where things are and how IRIs are minted.

    :param base_iri: every IRI the project mints starts with it; must end with ``/``.
    :param data_dir: holds ``releases/``, ``reference/`` and ``sources/``.
    :param dist_dir: where ``kg build`` writes the dumps.
    :param store_dir: where the on-disk stores of builds are kept (``kg serve`` prepares them; ``kg add``
        checks a release against the linked build's and prepares the next build's from it).
    """

    base_iri: str = DEFAULT_BASE_IRI
    data_dir: Path = field(default_factory=lambda: project_root() / "data")
    dist_dir: Path = field(default_factory=lambda: project_root() / "dist")
    store_dir: Path = field(default_factory=default_store_dir)

    def __post_init__(self) -> None:
        if not self.base_iri.startswith(("http://", "https://")) or not self.base_iri.endswith("/"):
            raise ValueError(f"base IRI must be an http(s) IRI ending with '/': {self.base_iri!r}")

    @property
    def releases_dir(self) -> Path:
        return self.data_dir / "releases"

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "sources"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``KG_BASE_IRI``, ``KG_DATA_DIR``, ``KG_DIST_DIR`` and ``KG_STORE_DIR``; overrides win."""
        env = os.environ if environ is None else environ
        settings = cls()
        values: dict[str, object] = {}
        if base := env.get(f"{ENV_PREFIX}BASE_IRI"):
            values["base_iri"] = base
        if data := env.get(f"{ENV_PREFIX}DATA_DIR"):
            values["data_dir"] = Path(data)
        if dist := env.get(f"{ENV_PREFIX}DIST_DIR"):
            values["dist_dir"] = Path(dist)
        if stores := env.get(f"{ENV_PREFIX}STORE_DIR"):
            values["store_dir"] = Path(stores)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(settings, **values)  # type: ignore[arg-type]
