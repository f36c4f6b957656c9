"""The one format registry: media types, file extensions and library names of every format kg reads or writes.

Nothing else in the code base writes a media type literal; negotiation, dump file names, ``--format``
options and catalog ``dcat:mediaType`` all read this table (the design of oxigraph's ``RdfFormat``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class _RdfFormatInfo:
    label: str
    media_type: str
    extension: str
    rdflib_name: str
    supports_datasets: bool
    aliases: tuple[str, ...] = ()


class RdfFormat(Enum):
    """An RDF serialisation.

    >>> RdfFormat.from_extension("ttl") is RdfFormat.TURTLE
    True
    >>> RdfFormat.from_media_type("application/ld+json; charset=utf-8").extension
    'jsonld'
    """

    TURTLE = _RdfFormatInfo("Turtle", "text/turtle", "ttl", "turtle", False, ("application/x-turtle",))
    NTRIPLES = _RdfFormatInfo("N-Triples", "application/n-triples", "nt", "nt", False, ("text/plain",))
    JSONLD = _RdfFormatInfo("JSON-LD", "application/ld+json", "jsonld", "json-ld", True)
    RDFXML = _RdfFormatInfo(
        "RDF/XML", "application/rdf+xml", "rdf", "xml", False, ("application/xml", "text/xml")
    )
    TRIG = _RdfFormatInfo("TriG", "application/trig", "trig", "trig", True)
    NQUADS = _RdfFormatInfo("N-Quads", "application/n-quads", "nq", "nquads", True)

    @property
    def label(self) -> str:
        return self.value.label

    @property
    def media_type(self) -> str:
        return self.value.media_type

    @property
    def extension(self) -> str:
        return self.value.extension

    @property
    def rdflib_name(self) -> str:
        return self.value.rdflib_name

    @property
    def supports_datasets(self) -> bool:
        """True when the syntax can carry named graphs."""
        return self.value.supports_datasets

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.value.media_type, *self.value.aliases)

    @classmethod
    def from_extension(cls, extension: str) -> RdfFormat:
        ext = extension.lower().lstrip(".")
        for fmt in cls:
            if fmt.extension == ext or (ext == "json" and fmt is cls.JSONLD) or ext == fmt.name.lower():
                return fmt
        raise ValueError(f"unknown RDF file extension: {extension!r}")

    @classmethod
    def from_media_type(cls, media_type: str) -> RdfFormat:
        bare = media_type.split(";", 1)[0].strip().lower()
        for fmt in cls:
            if bare in fmt.media_types:
                return fmt
        raise ValueError(f"unknown RDF media type: {media_type!r}")

    @classmethod
    def from_path(cls, path: str) -> RdfFormat:
        """Guess from a file name, ignoring a trailing ``.gz``."""
        name = path.lower().removesuffix(".gz")
        if "." not in name:
            raise ValueError(f"cannot tell the RDF format of {path!r}: no extension")
        return cls.from_extension(name.rsplit(".", 1)[1])


@dataclass(frozen=True)
class _ResultsFormatInfo:
    label: str
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()


class ResultsFormat(Enum):
    """A SPARQL SELECT/ASK results serialisation (SPARQL 1.1 Query Results JSON, XML, CSV and TSV)."""

    JSON = _ResultsFormatInfo("SPARQL JSON", "application/sparql-results+json", "srj", ("application/json",))
    XML = _ResultsFormatInfo("SPARQL XML", "application/sparql-results+xml", "srx", ("application/xml",))
    CSV = _ResultsFormatInfo("CSV", "text/csv", "csv")
    TSV = _ResultsFormatInfo("TSV", "text/tab-separated-values", "tsv")

    @property
    def label(self) -> str:
        return self.value.label

    @property
    def media_type(self) -> str:
        return self.value.media_type

    @property
    def extension(self) -> str:
        return self.value.extension

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.value.media_type, *self.value.aliases)

    @classmethod
    def from_name(cls, name: str) -> ResultsFormat:
        """Accept ``json``, ``xml``, ``csv``, ``tsv``, an extension or a media type."""
        key = name.split(";", 1)[0].strip().lower()
        for fmt in cls:
            if key in (fmt.name.lower(), fmt.extension, *fmt.media_types):
                return fmt
        raise ValueError(f"unknown SPARQL results format: {name!r}")


TEXT_PLAIN = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json"
