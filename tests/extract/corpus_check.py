"""The corpus of real releases through `kg extract` and `kg add`: what is read right, what is added.

Shared by tests/extract/test_corpus_extract.py and scripts/corpus_report.py (the README table). For each
release of tests/corpus/releases/ (in date order, as a user would add them), the draft of `kg extract` is
compared with the facts read by hand in tests/corpus/expected/ (headline, date and time, number, minister,
total with its qualifier, programs, organisations, grants), then added with `kg add` into a copy of the
project, whose reference data grows with each added release (a later release names what an earlier one
proposed). Nothing here is an oracle: the expected facts are the corpus helper's reading of the texts.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.add import add_release, publish
from kg.extract import UNKNOWN, ExtractResult, extract_file
from kg.project import build_project
from kg.settings import Settings
from kg.sources import Reference, read_reference

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"


@dataclass
class Outcome:
    """One release: the facts read wrong (``wrong``), whether `kg add` took the draft, and why not."""

    key: str
    wrong: list[str] = field(default_factory=list)
    added: bool = False
    refused: list[str] = field(default_factory=list)
    review: int = 0
    """How many items the draft's review list (its problems) holds."""

    @property
    def read_right(self) -> bool:
        return not self.wrong

    @property
    def invented(self) -> list[str]:
        """Facts the draft states wrongly (not merely leaves out): header facts, the total, the programs."""
        return [w for w in self.wrong if not w.startswith(("organisation ", "grant "))]

    @property
    def as_drafted(self) -> bool:
        """Added as drafted with no invented value: `kg add` took it, and every fact checked is right."""
        return self.added and not self.wrong


def _norm(text: object) -> str:
    text = str(text).replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split()).casefold()


def _names(entry: Any) -> set[str]:
    names = {_norm(v) for v in getattr(entry, "name", {}).values()} if isinstance(entry.name, dict) else set()
    if isinstance(entry.name, str):
        names.add(_norm(entry.name))
    names |= {_norm(a) for a in getattr(entry, "acronyms", ())}
    return names


def _resolve(words: str, table: dict[str, Any], proposed: list[dict[str, Any]]) -> set[str]:
    """The ids whose name or acronym the words are ("Justice Education Society (JES)" -> JES's id)."""
    forms = {_norm(words)}
    if match := re.match(r"^(.*?)\s*\(([^)]+)\)$", words.strip()):
        forms |= {_norm(match[1]), _norm(match[2])}
    found = {key for key, entry in table.items() if forms & _names(entry)}
    for entry in proposed:
        names = {_norm(v) for v in entry["name"].values()} | {_norm(a) for a in entry.get("acronyms", [])}
        if forms & names:
            found.add(entry["id"])
    return found


def _values(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    else:
        yield value


def compare(expected: dict[str, Any], draft: ExtractResult, reference: Reference) -> list[str]:
    """The facts of ``expected`` the draft does not hold as stated (each a short cause), none when right."""
    record = draft.record
    wrong: list[str] = []
    headline = (record.get("headline") or {}).get("text")
    if ("headline" in expected) != (headline is not None) or (
        headline is not None and _norm(headline) != _norm(expected["headline"])
    ):
        wrong.append("headline")
    published = str(record.get("published", ""))
    if published[:10] != str(expected["date"]):
        wrong.append("date")
    elif expected.get("time") and f"T{expected['time']}:00" not in published:
        wrong.append("time")
    if record.get("number") != expected.get("number"):
        wrong.append("number")
    people = {
        reference.people[a["person"]].name for a in record["announced_by"] if a["person"] in reference.people
    }
    if (expected.get("minister") or {}).get("name") not in (people or {None}):
        wrong.append("minister")
    total, stated = record.get("total"), expected.get("total")
    if stated is None and total is not None:
        wrong.append("total (none is stated)")
    elif stated is not None and (
        total is None
        or (total["qualifier"], int(total["value"])) != (stated["qualifier"], int(stated["value"]))
        or _norm(total["stated"]) not in _norm(stated["stated"])
    ):
        wrong.append("total")
    proposed = record.get("reference", {})
    programs: set[str] = set()
    for name in expected["programs"]:
        programs |= _resolve(name, reference.programs, proposed.get("programs", [])) or {f"? {name}"}
    if programs != {p["program"] for p in record["programs"]}:
        wrong.append("programs")
    held = set(_values(record))
    orgs = proposed.get("organizations", [])
    for name in expected["organisations"]:
        if not _resolve(name, reference.organizations, orgs) & held:
            wrong.append(f"organisation {name}")
    for grant in expected["grants"]:
        if not grant.get("organisation"):
            continue  # a grant to no named organisation: not a project the record can hold
        ids = _resolve(grant["organisation"], reference.organizations, orgs)
        if not any(
            {i["organization"] for i in project["implementers"]} & ids
            and (project["amount"]["qualifier"], project["amount"]["value"])
            == (grant["qualifier"], grant["value"])
            for project in record.get("projects", [])
        ):
            wrong.append(f"grant {grant['stated']} to {grant['organisation']}")
    return wrong


def _unknowns(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _unknowns(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unknowns(item, f"{path}[{index + 1}]")
    elif value == UNKNOWN:
        yield re.sub(r"\[\d+\]", "", path)


def releases() -> list[tuple[str, Path, dict[str, Any]]]:
    """(key, text, expected facts) of every corpus release with its expected facts, oldest first."""
    found = []
    for text in sorted((CORPUS / "releases").glob("*.txt")):
        expected_path = CORPUS / "expected" / f"{text.stem}.yaml"
        if expected_path.is_file():
            expected = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
            found.append((text.stem, text, expected))
    return sorted(found, key=lambda item: (str(item[2]["date"]), item[0]))


def run_corpus(workdir: Path | None = None) -> list[Outcome]:
    """Extract, compare and add every corpus release, in a new project holding the reference data only."""
    with tempfile.TemporaryDirectory(prefix="kg-corpus-") as folder:
        work = Path(workdir or folder)
        # A new project with the reference data alone: the seed (No. 175) is a release of the corpus too, so
        # it goes through `kg extract` and `kg add` like the others instead of being refused as a duplicate.
        shutil.copytree(ROOT / "data" / "reference", work / "data" / "reference", dirs_exist_ok=True)
        for folder in ("releases", "sources"):
            (work / "data" / folder).mkdir(parents=True, exist_ok=True)
        settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
        publish(settings, build_project(settings))
        outcomes = []
        for key, text, expected in releases():
            reference = read_reference(settings)
            draft = extract_file(text, reference)
            outcome = Outcome(key, compare(expected, draft, reference), review=len(draft.problems))
            missing = sorted(set(_unknowns(draft.record)))
            if missing:
                outcome.refused = [f"UNKNOWN {m}" for m in missing]
            else:
                record = work / "drafts" / f"{key}.yaml"
                record.parent.mkdir(exist_ok=True)
                record.write_text(draft.to_yaml(), encoding="utf-8")
                source = work / "drafts" / draft.source_name
                source.write_text(draft.source_text, encoding="utf-8")
                try:
                    result = add_release(settings, record, source)
                except Exception as exc:  # a crash of `kg add` is a refusal to report too
                    outcome.refused = [f"error: {str(exc).split(': ', 1)[-1][:90]}"]
                else:
                    outcome.added = result.added
                    if not result.added:
                        outcome.refused = _refusal(result)
            outcomes.append(outcome)
        return outcomes


def _refusal(result: Any) -> list[str]:
    check = result.check
    if check.duplicates:
        return [f"duplicate: {d}"[:100] for d in check.duplicates]
    if check.report is not None:
        paths = sorted({str(r.path).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for r in check.report.results})
        return [f"shapes: {p}" for p in paths]
    return ["refused"]


def table(outcomes: list[Outcome]) -> str:
    """The README table: counts, then one line per release that is not added as drafted, with its causes."""
    total = len(outcomes)

    def share(n: int) -> str:
        return f"{n} of {total} ({round(100 * n / total) if total else 0}%)"

    read_right = sum(o.read_right for o in outcomes)
    drafted = sum(o.as_drafted for o in outcomes)
    partial = sum(o.added and bool(o.wrong) and not o.invented for o in outcomes)
    invented = sum(o.added and bool(o.invented) for o in outcomes)
    refused = sum(not o.added for o in outcomes)
    lines = [
        "| releases | every fact read right | added as drafted, every fact right |"
        " added, an organisation or grant left out (in its review list) | added with a fact read wrong |"
        " refused, with a review list |",
        "|---|---|---|---|---|---|",
        f"| {total} | {share(read_right)} | {share(drafted)} | {share(partial)} | {share(invented)} |"
        f" {share(refused)} |",
        "",
        "| release | added | facts read wrong | why refused |",
        "|---|---|---|---|",
    ]
    for o in outcomes:
        if o.as_drafted:
            continue
        lines.append(
            f"| {o.key} | {'yes' if o.added else 'no'} | {', '.join(o.wrong) or '-'} |"
            f" {'; '.join(o.refused) or '-'} |"
        )
    return "\n".join(lines)
