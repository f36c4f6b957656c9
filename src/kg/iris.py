"""The IRI rule: ``{base}{kind}/{key}``, in one place.

A key is a slug: lower-case ASCII letters and digits in words joined by single hyphens, at most 100
characters. Keys are written in the source records, so an IRI never changes when a title is edited.

>>> iris = Iris("https://example.org/kg/")
>>> iris.mint("project", "interpol-mobile-police-training-program")
rdflib.term.URIRef('https://example.org/kg/project/interpol-mobile-police-training-program')
>>> iris.parse("https://example.org/kg/m49/013")
('m49', '013')
>>> slugify("Combatting Proceeds of Crime — Asset Recovery & Latin América")
'combatting-proceeds-of-crime-asset-recovery-and-latin-america'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef

KINDS: frozenset[str] = frozenset(
    {
        "release",
        "source",
        "backgrounder",
        "project",
        "grant",
        "amount",
        "evidence",
        "correction",
        "organization",
        "program",
        "person",
        "post",
        "event",
        "instrument",
        "place",
        "country",
        "m49",
        "region",
        "theme",
        "dac-sector",
        "iati-organisation-role",
        "iati-organisation-type",
        "scheme",
        "graph",
        "translation",
        "catalog",
        "dataset",
        "distribution",
        "service",
    }
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_KEY_LENGTH = 100


def is_slug(key: str) -> bool:
    """True when ``key`` follows the slug rule."""
    return len(key) <= MAX_KEY_LENGTH and SLUG.match(key) is not None


def slugify(text: str, max_length: int = MAX_KEY_LENGTH) -> str:
    """Turn a title into a key: accents removed, ``&`` -> ``and``, other characters -> ``-``."""
    text = text.replace("&", " and ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0]
    return slug


@dataclass(frozen=True)
class Iris:
    """Mints and reads the IRIs of one project."""

    base: str

    def mint(self, kind: str, key: str) -> URIRef:
        if kind not in KINDS:
            raise ValueError(f"unknown IRI kind {kind!r}")
        # Derived keys (evidence of a project's field) may exceed the length limit of record keys.
        if SLUG.match(key) is None:
            raise ValueError(f"not a valid key for an IRI: {key!r} (lower-case words joined by '-')")
        return URIRef(f"{self.base}{kind}/{key}")

    def parse(self, iri: str) -> tuple[str, str] | None:
        """The ``(kind, key)`` of an IRI minted here, or None."""
        if not iri.startswith(self.base):
            return None
        kind, sep, key = iri[len(self.base) :].partition("/")
        if not sep or kind not in KINDS or SLUG.match(key) is None:
            return None
        return kind, key

    def graph(self, key: str) -> URIRef:
        return self.mint("graph", key)

    @property
    def reference_graph(self) -> URIRef:
        return self.graph("reference")

    @property
    def ontology_graph(self) -> URIRef:
        return self.graph("ontology")
