"""What every rule of the extractor shares: the text, its language, the reference data and the problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.extract.lang import Language
from kg.extract.names import Lexicons, ancestors
from kg.extract.text import Document, Span
from kg.sources.records import Reference

UNKNOWN = "UNKNOWN"
"""The mark written where a value could not be read or resolved; `kg build` refuses it."""


@dataclass(frozen=True)
class Problem:
    """Something the extractor could not read, or read with a doubt, at a line of the source text."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Context:
    doc: Document
    lang: Language
    reference: Reference
    lex: Lexicons
    problems: list[Problem] = field(default_factory=list)
    publisher: str | None = None
    programs: list[str] = field(default_factory=list)
    programs_named: list[str] = field(default_factory=list)
    """Known programs the body names, in text order (before ``programs`` is read)."""
    used_amounts: set[int] = field(default_factory=set)
    """Offsets of the amounts the record holds; any other amount of the text is reported."""
    served: list[tuple[int, int]] = field(default_factory=list)
    """Spans of organisations a grant's purpose names as what the money serves ("... toward the construction
    of new headquarters for the Haitian National Police"): not the recipient, but named (participants.py)."""
    proposals: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """Reference entries proposed for the record's ``reference:`` section, by kind and id (proposals.py)."""

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def funder(self) -> set[str]:
        """The publisher, the administrators of the programs named, and the organisations they belong to:
        the funder, never an implementer."""
        orgs = [self.publisher, "government-of-canada"] + [
            self.reference.programs[p].administered_by for p in self.programs if p in self.reference.programs
        ]
        return {o for org in orgs if org for o in (org, *ancestors(self.reference, org))}

    def funder_countries(self) -> set[str]:
        """The country of the funder: never a beneficiary region ("Canada is contributing ...")."""
        orgs = self.reference.organizations
        return {c for o in self.funder() if o in orgs and (c := orgs[o].country) is not None}


def cited(kind: str, ref: str, sentence: Span, note: str | None = None) -> dict[str, Any]:
    """A record entry that points to a known thing, with the sentence that says so."""
    entry: dict[str, Any] = {kind: ref, "quote": sentence.text, "at": sentence.start}
    if note:
        entry["note"] = note
    return entry


def quoted(span: Span) -> dict[str, Any]:
    """A ``{text, at}`` record entry."""
    return {"text": span.text, "at": span.start}
