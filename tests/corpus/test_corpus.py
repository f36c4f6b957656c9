"""Guards the corpus of real releases (tests/corpus/README.md): every stored text and its reviewed facts.

The expected facts are read by a person from the text; these checks keep them honest against the text itself:
every quoted span (headline, amounts, names, places, purposes) must occur in the release text, every amount's
value and qualifier must agree with its stated words, the dateline must carry the stated date (and number and
time), and the corpus as a whole must stay varied (languages, years, sites, numbered and unnumbered).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

HERE = Path(__file__).parent
RELEASES = HERE / "releases"
EXPECTED = HERE / "expected"

REQUIRED = {
    "url",
    "site",
    "language",
    "date",
    "minister",
    "programs",
    "grants",
    "organisations",
    "places",
    "not_this_release",
    "cut_short",
}
ALLOWED = REQUIRED | {
    "headline",
    "number",
    "time",
    "zone",
    "place",
    "total",
    "by_program",
    "banner",
    "remarks",
}
QUALIFIERS = {"exact", "over", "approximately", "up-to"}

MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
MONTHS_FR = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def _keys() -> list[str]:
    return sorted(p.stem for p in RELEASES.glob("*.txt"))


def _text(key: str) -> tuple[str, str]:
    """(line 1, the release text after the blank line)."""
    raw = (RELEASES / f"{key}.txt").read_bytes()
    text = raw.decode("utf-8")
    first, blank, body = text.split("\n", 2)
    assert blank == "", f"{key}: line 2 must be blank"
    return first, body


def _expected(key: str) -> dict[str, Any]:
    data = yaml.safe_load((EXPECTED / f"{key}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{key}.yaml: not a mapping"
    return data


# --- amounts: the stated words -> (qualifier, dollars) ---

_QUALIFIER_WORDS = [
    ("over", ("over", "more than", "plus de")),
    ("approximately", ("nearly", "almost", "approximately", "about", "près de", "environ", "quelque")),
    ("up-to", ("up to", "jusqu’à", "jusqu'à")),
]
_EN_AMOUNT = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)(?:[- ](million|billion))?")
_FR_AMOUNT = re.compile(
    r"(\d[\d  ]*(?:,\d+)?)\s*(millions?|milliards?)?\s+de\s+dollars|(\d[\d  ]*)\s+dollars"
)


def parse_amount(stated: str) -> tuple[str, float]:
    """Read a stated amount ("over $5.2 million", "plus de 850 000 dollars") as (qualifier, dollars)."""
    lowered = stated.lower()
    qualifier = "exact"
    for name, words in _QUALIFIER_WORDS:
        if any(re.search(rf"(^|\W){re.escape(w)}(\W|$)", lowered) for w in words):
            qualifier = name
    m = _EN_AMOUNT.search(stated)
    if m:
        number = float(m.group(1).replace(",", ""))
        scale = {"million": 1e6, "billion": 1e9}.get(m.group(2) or "", 1.0)
        return qualifier, round(number * scale, 2)
    m = _FR_AMOUNT.search(stated)
    if m and m.group(1):
        number = float(re.sub(r"[  ]", "", m.group(1)).replace(",", "."))
        scale = 1e9 if (m.group(2) or "").startswith("milliard") else 1e6 if m.group(2) else 1.0
        return qualifier, round(number * scale, 2)
    if m and m.group(3):
        return qualifier, float(re.sub(r"[  ]", "", m.group(3)))
    raise AssertionError(f"no amount in {stated!r}")


@pytest.mark.parametrize(
    ("stated", "qualifier", "value"),
    [
        ("over $5.2 million", "over", 5_200_000),
        ("$1-million", "exact", 1_000_000),
        ("over $178,000", "over", 178_000),
        ("nearly $4 million", "approximately", 4_000_000),
        ("up to $15 million", "up-to", 15_000_000),
        ("plus de 5,2 millions de dollars", "over", 5_200_000),
        ("plus de 850 000 dollars", "over", 850_000),
        ("jusqu’à 8 millions de dollars supplémentaires", "up-to", 8_000_000),
        ("$2.59 million", "exact", 2_590_000),
    ],
)
def test_parse_amount(stated: str, qualifier: str, value: float) -> None:
    assert parse_amount(stated) == (qualifier, value)


def test_parse_amount_refuses_words_without_amount() -> None:
    with pytest.raises(AssertionError):
        parse_amount("a contribution")


# --- per release ---


def _date_forms(iso: str) -> list[str]:
    y, m, d = (int(p) for p in iso.split("-"))
    day_fr = "1er" if d == 1 else str(d)
    return [
        f"{MONTHS_EN[m - 1]} {d}, {y}",
        f"{d} {MONTHS_EN[m - 1]} {y}",
        f"{day_fr} {MONTHS_FR[m - 1]} {y}",
    ]


def _time_forms(hhmm: str) -> list[str]:
    h, mi = (int(p) for p in hhmm.split(":"))
    h12 = h % 12 or 12
    ampm = "a.m." if h < 12 else "p.m."
    forms = [f"{h12}:{mi:02d} {ampm} ET", f"{h} h {mi:02d} HE"]
    if mi == 0:  # "(No. 352 - November 4, 2010 - 4 p.m. ET)"
        forms += [f"{h12} {ampm} ET", f"{h} h HE"]
    return forms


def _amount_ok(where: str, entry: Mapping[str, Any], body: str) -> None:
    stated = entry["stated"]
    assert stated in body, f"{where}: stated {stated!r} is not in the text"
    assert entry["qualifier"] in QUALIFIERS, f"{where}: qualifier {entry['qualifier']!r}"
    qualifier, value = parse_amount(stated)
    assert entry["qualifier"] == qualifier, f"{where}: {stated!r} reads as {qualifier}"
    assert float(entry["value"]) == value, f"{where}: {stated!r} reads as {value}"


@pytest.mark.parametrize("key", _keys())
def test_release_is_well_formed(key: str) -> None:
    first, body = _text(key)
    raw = (RELEASES / f"{key}.txt").read_bytes()
    assert b"\r" not in raw, f"{key}: CR in text (must be LF)"
    assert re.fullmatch(r"https?://\S+", first), f"{key}: line 1 must be the URL alone"
    assert len(body) > 400, f"{key}: text too short"

    exp = _expected(key)
    missing = REQUIRED - exp.keys()
    assert not missing, f"{key}.yaml: missing {sorted(missing)}"
    unknown = exp.keys() - ALLOWED
    assert not unknown, f"{key}.yaml: unknown keys {sorted(unknown)}"
    assert exp["url"] == first, f"{key}: url differs from line 1"

    host = urlsplit(first).hostname or ""
    site = host.removeprefix("www.")
    assert exp["site"] == site, f"{key}: site {exp['site']!r} but URL host {host!r}"
    lang = exp["language"]
    assert lang in {"en", "fr"}
    prefix = f"{site.replace('.', '-')}-{exp['date']}"
    assert key.startswith(prefix), f"{key}: key does not start with {prefix}"
    assert key.endswith(f"-{lang}"), f"{key}: key does not end with the language"
    words = re.findall(r"\w+", body.lower())
    en = words.count("the")
    fr = sum(words.count(w) for w in ("le", "la", "les", "des"))
    assert (en > fr) if lang == "en" else (fr > en), f"{key}: text does not read as {lang}"

    headline = exp.get("headline")
    if headline is None:
        assert "headline" in exp.get("remarks", ""), f"{key}: no headline and no remark saying why"
    else:
        assert headline in body[:800], f"{key}: headline not near the top of the text"

    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(exp["date"])), f"{key}: date must be YYYY-MM-DD"
    assert any(f in body for f in _date_forms(str(exp["date"]))), f"{key}: date {exp['date']} not in the text"
    if "number" in exp:
        assert re.search(rf"\((No\.|Nº) {exp['number']} - ", body), f"{key}: number not in a dateline"
    else:
        assert not re.search(r"\((No\.|Nº) \d+ - ", body), f"{key}: the text has a number the yaml lacks"
    if "time" in exp:
        assert exp.get("zone") == "ET", f"{key}: time without zone ET"
        assert any(f in body for f in _time_forms(exp["time"])), f"{key}: time {exp['time']} not in the text"
    if "place" in exp:
        assert exp["place"] in body, f"{key}: place {exp['place']!r} not in the text"

    minister = exp["minister"]
    if minister is None:
        assert "minister" in exp.get("remarks", "").lower(), f"{key}: no minister and no remark saying why"
    else:
        assert minister["name"] in body, f"{key}: minister {minister['name']!r} not in the text"
        assert minister["post"].lower() in body.lower(), f"{key}: post {minister['post']!r} not in the text"

    if "total" in exp:
        _amount_ok(f"{key} total", exp["total"], body)
    for i, part in enumerate(exp.get("by_program", [])):
        _amount_ok(f"{key} by_program[{i}]", part, body)
        assert part["program"] in body, f"{key}: by_program names {part['program']!r}, not in the text"
    for i, grant in enumerate(exp["grants"]):
        _amount_ok(f"{key} grants[{i}]", grant, body)
        org = grant.get("organisation")
        if org is not None:
            assert org in exp["organisations"], f"{key}: grant organisation {org!r} not in organisations"
        if grant.get("purpose"):
            assert grant["purpose"] in body, f"{key}: grant purpose is not words of the text"
        if "total" in exp:
            assert float(grant["value"]) <= float(exp["total"]["value"]), f"{key}: a grant exceeds the total"
    for i, other in enumerate(exp["not_this_release"]):
        assert other["stated"] in body, f"{key}: not_this_release[{i}] not in the text"
        assert other.get("why"), f"{key}: not_this_release[{i}] without why"
        if "total" in exp:
            assert other["stated"] != exp["total"]["stated"], f"{key}: the total listed as not this release"

    for field in ("programs", "organisations", "places"):
        for name in exp[field]:
            assert name in body, f"{key}: {field} entry {name!r} not in the text"
    assert isinstance(exp["cut_short"], bool)
    if "banner" in exp:
        assert "archived" in body[:600].lower(), f"{key}: banner stated but no archive notice at the top"


def test_every_text_has_expected_facts_and_back() -> None:
    texts = {p.stem for p in RELEASES.glob("*.txt")}
    facts = {p.stem for p in EXPECTED.glob("*.yaml")}
    assert texts == facts, f"unpaired: {sorted(texts ^ facts)}"


def test_corpus_is_large_and_varied() -> None:
    keys = _keys()
    exps = [_expected(k) for k in keys]
    assert len(keys) >= 25, f"only {len(keys)} releases"
    urls = [e["url"] for e in exps]
    assert len(set(urls)) == len(urls), "a URL is stored twice"
    assert sum(e["language"] == "fr" for e in exps) >= 5, "fewer than 5 French releases"
    assert len({str(e["date"])[:4] for e in exps}) >= 5, "fewer than 5 distinct years"
    assert len({e["site"] for e in exps}) >= 3, "fewer than 3 sites"
    assert sum("number" in e for e in exps) >= 3, "fewer than 3 numbered releases"
    assert sum("number" not in e for e in exps) >= 10, "fewer than 10 unnumbered releases"
    assert sum("total" in e for e in exps) >= 10, "fewer than 10 releases with a stated total"
    assert sum(bool(e["grants"]) for e in exps) >= 5, "fewer than 5 releases with grants"
    assert any(not e["cut_short"] for e in exps) or len(keys) >= 25


def test_readme_lists_every_release() -> None:
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    missing = [k for k in _keys() if f"| {k} |" not in readme]
    assert not missing, f"README.md table lacks {missing}"
