"""Source records: the input side of kg, with no RDF."""

from kg.sources.checks import check_release
from kg.sources.merged import read_reference
from kg.sources.records import Reference, Release, SourceText
from kg.sources.reference import merge_reference, read_reference_dir
from kg.sources.release import read_release, read_source_text

__all__ = [
    "Reference",
    "Release",
    "SourceText",
    "check_release",
    "merge_reference",
    "read_reference",
    "read_reference_dir",
    "read_release",
    "read_source_text",
]
