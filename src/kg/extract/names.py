"""Find the names of known things (data/reference) in the text: organisations, programs, places, people,
posts and instruments, by name, acronym or known misspelling. The longest name wins where names overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.extract.text import Document
from kg.sources.records import Reference

_NORMALISE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u2013": "-", "\u2014": "-"})


@dataclass(frozen=True)
class Mention:
    """A name found at ``start:end``; ``refs`` are the ids it can name (several when names are shared)."""

    start: int
    end: int
    refs: tuple[str, ...]
    form: str
    misspelled: bool = False


@dataclass(frozen=True)
class _Entry:
    pattern: re.Pattern[str]
    ref: str
    form: str
    misspelled: bool


def _words(form: str) -> str:
    words = form.translate(_NORMALISE).split()
    return r"\s+".join(re.escape(w) for w in words)


def _entry(form: str, ref: str, *, case: bool, misspelled: bool = False, suffix: str = "") -> _Entry:
    flags = 0 if case else re.IGNORECASE
    pattern = re.compile(r"(?<![\w-])" + _words(form) + suffix + r"(?![\w])", flags)
    return _Entry(pattern, ref, form, misspelled)


def _is_acronym(form: str) -> bool:
    return " " not in form.strip()


class Lexicon:
    """Names of one kind of thing."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        self._entries = list(entries)

    def find(
        self, doc: Document, start: int, end: int, masked: Sequence[tuple[int, int]] = ()
    ) -> list[Mention]:
        """Every name in ``text[start:end]`` outside ``masked`` spans, longest first, in text order."""
        found: dict[tuple[int, int], Mention] = {}
        for entry in self._entries:
            for match in entry.pattern.finditer(doc.norm, start, end):
                key = (match.start(), match.end())
                if any(a < key[1] and key[0] < b for a, b in masked):
                    continue
                old = found.get(key)
                if old is None:
                    found[key] = Mention(*key, (entry.ref,), entry.form, entry.misspelled)
                elif entry.ref not in old.refs:
                    misspelled = old.misspelled and entry.misspelled
                    found[key] = Mention(*key, (*old.refs, entry.ref), old.form, misspelled)
        chosen: list[Mention] = []
        for mention in sorted(found.values(), key=lambda m: (m.start - m.end, m.start)):
            if not any(c.start < mention.end and mention.start < c.end for c in chosen):
                chosen.append(mention)
        return sorted(chosen, key=lambda m: m.start)


@dataclass(frozen=True)
class Lexicons:
    organizations: Lexicon
    programs: Lexicon
    places: Lexicon
    people: Lexicon
    posts: Lexicon
    instruments: Lexicon


def _place_entries(reference: Reference) -> Iterable[_Entry]:
    for place in reference.places.values():
        for form in dict.fromkeys(place.name.values()):
            yield _entry(form, place.id, case=True)
            last = form.split()[-1]
            if " " in form and last.endswith("a"):
                # English adjective of a region: "Central American", "Latin American".
                yield _entry(form, place.id, case=True, suffix="n")


def _instrument_entries(reference: Reference) -> Iterable[_Entry]:
    for inst in reference.instruments.values():
        for form in dict.fromkeys(inst.name.values()):
            yield _entry(form, inst.id, case=False)
        match = re.match(r"S/RES/(\d+)(?:\s*\((\d{4})\))?", inst.identifier or "")
        if match:
            number, year = match[1], match[2]
            year_part = rf"(?:\s*\({year}\))?" if year else ""
            english = (
                r"(?<![\w-])(?:(?:UN|United\s+Nations)\s+Security\s+Council\s+)?(?:Resolution|UNSCR)"
                rf"\s+(?:\([A-Z]+\)\s+)?{number}{year_part}(?!\w)"
            )
            french = (
                rf"(?<![\w-])résolution\s+{number}{year_part}"
                r"(?:\s+du\s+Conseil\s+de\s+sécurité(?:\s+des\s+Nations\s+Unies)?)?(?!\w)"
            )
            for source in (english, french):
                yield _Entry(re.compile(source, re.IGNORECASE), inst.id, inst.identifier or "", False)


def build_lexicons(reference: Reference) -> Lexicons:
    orgs: list[_Entry] = []
    for org in reference.organizations.values():
        for form in dict.fromkeys(org.name.values()):
            orgs.append(_entry(form, org.id, case=False))
        for form in org.acronyms:
            orgs.append(_entry(form, org.id, case=_is_acronym(form)))
        for form in org.misspellings:
            orgs.append(_entry(form, org.id, case=True, misspelled=True))
    programs: list[_Entry] = []
    for program in reference.programs.values():
        for form in dict.fromkeys(program.name.values()):
            programs.append(_entry(form, program.id, case=False))
        for form in program.acronyms:
            programs.append(_entry(form, program.id, case=_is_acronym(form)))
    posts = [
        _entry(form, post.id, case=False)
        for post in reference.posts.values()
        for form in dict.fromkeys(post.name.values())
    ]
    people = [_entry(p.name, p.id, case=True) for p in reference.people.values()]
    return Lexicons(
        organizations=Lexicon(orgs),
        programs=Lexicon(programs),
        places=Lexicon(_place_entries(reference)),
        people=Lexicon(people),
        posts=Lexicon(posts),
        instruments=Lexicon(_instrument_entries(reference)),
    )


def ancestors(reference: Reference, org_id: str) -> list[str]:
    """The organisations ``org_id`` belongs to, nearest first."""
    chain: list[str] = []
    org = reference.organizations.get(org_id)
    while org is not None and org.parent is not None and org.parent not in chain:
        chain.append(org.parent)
        org = reference.organizations.get(org.parent)
    return chain


def most_specific(reference: Reference, refs: Iterable[str]) -> list[str]:
    """Drop every organisation that another one in ``refs`` belongs to ("OAS" beside "OAS SMS")."""
    unique = list(dict.fromkeys(refs))
    above = {a for r in unique for a in ancestors(reference, r)}
    return [r for r in unique if r not in above]
