"""Reference entries a release needs and data/reference/ lacks, proposed for review (the record's
``reference:`` section, docs/data-model.md "Reference entries in a record").

An organisation, program or place the release names but the reference data does not know is not a problem
that blocks the release: the draft proposes its entry, in the shape of data/reference/*.yaml, with the
sentence that names it. Only what the name states is proposed (its name in the release's language, the
acronym it gives in parentheses); an organisation's ``kind`` is read from the words of its name and says so
in its ``note``. A person reviews the section before ``kg add`` takes it with the release.
"""

from __future__ import annotations

import re
from typing import Any

from kg.extract.context import UNKNOWN, Context
from kg.extract.text import Span
from kg.iris import slugify

_NAME_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[A-Z][\w&.-]{1,11})\)$")
_I = re.IGNORECASE
_KINDS = (
    (re.compile(r"\b(?:Inc|Ltd|Corporation|Corp|Company|LLC)\b", _I), "company"),
    (re.compile(r"\b(?:Universit|College|Collège|Institut|Academy|Académie|School|École)", _I), "academic"),
    (re.compile(r"\b(?:United\s+Nations|UN|Nations\s+Unies|ONU|Organi[sz]ation)\b"), "intergovernmental"),
    (re.compile(r"\b(?:Ministry|Ministère|Government|Gouvernement|Police|Department|Département)\b", _I),
     "government"),
    (re.compile(r"\b(?:Network|Forum|Réseau)\b", _I), "network"),
    (re.compile(r"\b(?:Committee|Commission|Comité)\b", _I), "committee"),
)  # fmt: skip


_ABBREVIATION_END = re.compile(r"\b(?:Inc|Ltd|Corp|Co)\.$")


def _split(words: str) -> tuple[str, list[str]]:
    words = " ".join(words.split()).strip(" ,;:")
    if not _ABBREVIATION_END.search(words):  # "Forensic Technology, Inc." keeps the dot of its name
        words = words.rstrip(" .")
    if match := _NAME_ACRONYM.match(words):
        return match["name"], [match["acronym"]]
    return words, []


def _free_id(ctx: Context, kind: str, base: str) -> str:
    """An id no reference entry uses (a name may slug like an entry of another kind)."""
    tables: dict[str, Any] = {
        "organizations": ctx.reference.organizations,
        "programs": ctx.reference.programs,
        "places": ctx.reference.places,
    }
    key, n = base or "unnamed", 1
    while key in tables[kind]:
        n += 1
        key = f"{base}-{n}"
    return key


def _propose(ctx: Context, kind: str, entry: dict[str, Any], sentence: Span) -> str:
    if "en" not in entry["name"] and kind != "organizations":
        # A reference entry needs its English name, which a French release does not give: nothing is made up.
        name = next(iter(entry["name"].values()))
        ctx.problem(
            sentence.line, f"{name!r} is not in data/reference/ ({kind}); add it with its English name"
        )
        return UNKNOWN
    table = ctx.proposals.setdefault(kind, {})
    for known in table.values():
        if known["name"] == entry["name"]:
            return str(known["id"])
    entry["id"] = _free_id(ctx, kind, entry["id"])
    table[entry["id"]] = {**entry, "quote": sentence.text, "at": sentence.start}
    return str(entry["id"])


def propose_organization(ctx: Context, words: str, sentence: Span) -> str:
    """Propose an organisation named ``words`` ("Justice Education Society (JES)"); its id."""
    name, acronyms = _split(words)
    kind = next((k for pattern, k in _KINDS if pattern.search(name)), "ngo")
    entry: dict[str, Any] = {"id": slugify(name), "name": {ctx.lang.code: name}}
    if acronyms:
        entry["acronyms"] = acronyms
    entry["kind"] = kind
    entry["note"] = (
        f"Proposed by kg extract: the release names it, data/reference/ lacks it; its kind ({kind}) is read "
        "from the words of its name, not stated."
    )
    ref = _propose(ctx, "organizations", entry, sentence)
    if ref != UNKNOWN:
        ctx.problem(sentence.line, f"organisation {name!r} is not in data/reference/: proposed as {ref!r}")
    return ref


def propose_program(ctx: Context, words: str, sentence: Span) -> str:
    """Propose a program named ``words``, administered by the publisher of the release; its id."""
    name, acronyms = _split(words)
    entry: dict[str, Any] = {"id": slugify(name), "name": {ctx.lang.code: name}}
    if acronyms:
        entry["acronyms"] = acronyms
    entry["administered_by"] = ctx.publisher if ctx.publisher in ctx.reference.organizations else "dfait"
    ref = _propose(ctx, "programs", entry, sentence)
    if ref != UNKNOWN:
        ctx.problem(sentence.line, f"program {name!r} is not in data/reference/: proposed as {ref!r}")
    return ref


def propose_place(ctx: Context, words: str, sentence: Span, parent: str) -> str:
    """Propose a city named ``words`` (where an announcement was made) in the country ``parent``; its id."""
    name = " ".join(words.split()).strip(" .,;:")
    entry: dict[str, Any] = {
        "id": slugify(name),
        "type": "city",
        "parent": parent,
        "name": {ctx.lang.code: name},
    }
    ref = _propose(ctx, "places", entry, sentence)
    if ref != UNKNOWN:
        ctx.problem(sentence.line, f"place {name!r} is not in data/reference/: proposed as {ref!r}")
    return ref


def reference_section(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """The ``reference:`` section of the draft, in the order the kinds are read back."""
    return {
        kind: list(ctx.proposals[kind].values())
        for kind in ("organizations", "programs", "places")
        if ctx.proposals.get(kind)
    }
