"""A release's dateline: "(No. 175 - June 22, 2011 - 8:45 p.m. ET)", "(No 92 - Le 14 mars 2012 - 10 h HE)".

Times are Canadian local times. A zone written without "standard" or "daylight" (ET, HE ...) takes the
offset in force on that day: daylight time from the second Sunday of March to the first Sunday of
November at 2:00 (since 2007), from the first Sunday of April to the last Sunday of October before that
(1987-2006).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12, "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip

# Zone -> (standard offset in minutes, "generic" | "standard" | "daylight").
_ZONE_BASE = {"N": -210, "A": -240, "E": -300, "C": -360, "M": -420, "P": -480}
_ZONE_FR = {"T": "N", "A": "A", "E": "E", "C": "C", "R": "M", "P": "P"}


def _zones() -> dict[str, tuple[int, str]]:
    zones: dict[str, tuple[int, str]] = {}
    for letter, offset in _ZONE_BASE.items():
        zones[f"{letter}T"] = (offset, "generic")
        zones[f"{letter}ST"] = (offset, "standard")
        zones[f"{letter}DT"] = (offset, "daylight")
    for fr, letter in _ZONE_FR.items():
        offset = _ZONE_BASE[letter]
        zones[f"H{fr}"] = (offset, "generic")
        zones[f"HN{fr}"] = (offset, "standard")
        zones[f"HA{fr}"] = (offset, "daylight")
    return zones


ZONES = _zones()

DATELINE = re.compile(r"\(\s*N[o°º]\.?\s*(?P<number>\d+)\s*-\s*(?P<rest>[^()]*?)\s*\)")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_WORDS = (
    rf"(?:(?:[Ll]e\s+)?\d{{1,2}}(?:er)?\s+(?i:{_MONTH_NAMES})\.?\s+\d{{4}}"
    rf"|(?i:{_MONTH_NAMES})\.?\s+\d{{1,2}},?\s+\d{{4}})"
)
# "April 30, 2012 - The Honourable ...", "Le 30 avril 2012 - L'honorable ..." (or the date alone on a line).
DATED = re.compile(rf"(?P<date>{_DATE_WORDS})(?:\s*-\s*|\s*$)")
# "Ottawa, Ontario, March 3, 2010 - ...", "Ottawa (Ontario), le 3 mars 2010 - ...".
# Also "Ottawa, Ontario - 10 April 2014" and a wire's "OTTAWA, Canada, 11 novembre 2016/APO/ --".
PLACED = re.compile(
    rf"(?P<place>[A-Z][^\d;:!?\"]{{1,80}}?)(?:,|\s+-)\s+(?P<date>{_DATE_WORDS})(?:/[A-Z]+/)?(?:\s*-+\s*|\s*$)"
)
_DATE_MDY = re.compile(r"^(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$")
_DATE_DMY = re.compile(
    r"^(?:le\s+)?(?P<day>\d{1,2})(?:er)?\s+(?P<month>[^\W\d_]+)\.?\s+(?P<year>\d{4})$", re.IGNORECASE
)
_TIME_EN = re.compile(
    r"^(?:(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\.?"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})|(?P<word>noon|midnight))\s+(?P<zone>[A-Z]{2,4})$",
    re.IGNORECASE,
)
_TIME_FR = re.compile(r"^(?P<hour>\d{1,2})\s*h\s*(?P<minute>\d{2})?\s+(?P<zone>[A-Z]{2,4})$")


@dataclass(frozen=True)
class Dateline:
    """What a dateline says; ``problems`` lists what could not be read (``published`` is then None)."""

    number: int | None
    day: str | None
    published: str | None
    problems: tuple[str, ...]


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(weeks=n - 1)


def _last_sunday(year: int, month: int) -> date:
    after = date(year + (month == 12), month % 12 + 1, 1)
    last = after - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def is_daylight_time(local: datetime) -> bool | None:
    """Whether Canadian daylight saving time is in force at a local time; None before 1987."""
    year = local.year
    if year >= 2007:
        start, end = _nth_sunday(year, 3, 2), _nth_sunday(year, 11, 1)
    elif year >= 1987:
        start, end = _nth_sunday(year, 4, 1), _last_sunday(year, 10)
    else:
        return None
    begins = datetime(start.year, start.month, start.day, 2)
    ends = datetime(end.year, end.month, end.day, 2)
    return begins <= local < ends


def _read_date(text: str) -> date | None:
    match = _DATE_MDY.match(text) or _DATE_DMY.match(text)
    if match is None:
        return None
    month = MONTHS.get(match["month"].lower())
    if month is None:
        return None
    try:
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def _read_time(text: str) -> tuple[int, int, str] | None:
    if match := _TIME_FR.match(text):
        return int(match["hour"]), int(match["minute"] or 0), match["zone"]
    match = _TIME_EN.match(text)
    if match is None:
        return None
    if match["word"]:
        hour, minute = (12 if match["word"].lower() == "noon" else 0), 0
    elif match["h24"]:
        hour, minute = int(match["h24"]), int(match["m24"])
    else:
        hour, minute = int(match["hour"]) % 12, int(match["minute"] or 0)
        hour += 12 if match["ampm"].lower() == "p" else 0
    return hour, minute, match["zone"].upper()


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class DatelineAt:
    """A dateline found at ``start:end`` of a block; the lede's own words begin at ``lede``.

    ``words`` is what ``read_dateline`` reads: for a numbered dateline the parts after the number (date,
    time and zone), else the date alone.
    """

    start: int
    end: int
    lede: int
    number: int | None
    words: str


def find_dateline(norm: str, start: int, end: int) -> DatelineAt | None:
    """The dateline of a block of normalised text, in any of the three styles of the family.

    Numbered, anywhere in the block: "(No. 175 - June 22, 2011 - 8:45 p.m. ET)". At the start of the
    block: a date, "April 30, 2012 - ..." ("Le 30 avril 2012 - ..."), or a place and a date, "Ottawa,
    Ontario, March 3, 2010 - ..." ("Ottawa (Ontario), le 3 mars 2010 - ..."); the dash ends the dateline.
    """
    if match := DATELINE.search(norm, start, end):
        return DatelineAt(match.start(), match.end(), match.end(), int(match["number"]), match["rest"])
    for pattern in (DATED, PLACED):
        if match := pattern.match(norm, start, end):
            rest = norm[match.end() : end]
            if re.fullmatch(r"[^.!?:;]+\s-\s[^.!?:;]+", rest.strip()) and len(rest) < 120:
                # a line of its own: "September 21, 2016 - New York City, New York - Global Affairs Canada"
                return DatelineAt(match.start(), end, end, None, match["date"])
            return DatelineAt(match.start(), match.end("date"), match.end(), None, match["date"])
    return None


def read_dateline(inside: str, number: int | None) -> Dateline:
    """Read what a dateline says: the date, then (numbered datelines) the time and zone, if given.

    A date without a time reads as the date alone: no time of day is made up.
    """
    parts = [p.strip() for p in re.split(r"\s+-\s+", inside) if p.strip()]
    problems: list[str] = []
    day = _read_date(" ".join(parts[0].split())) if parts else None
    if day is None:
        problems.append(f"cannot read the date in the dateline: {inside!r}")
        return Dateline(number, None, None, tuple(problems))
    if len(parts) < 2:
        return Dateline(number, day.isoformat(), day.isoformat(), tuple(problems))
    time = _read_time(parts[1])
    if time is None:
        problems.append(f"cannot read the time and time zone in the dateline: {parts[1]!r}")
        return Dateline(number, day.isoformat(), None, tuple(problems))
    hour, minute, zone = time
    if zone not in ZONES or hour > 23 or minute > 59:
        problems.append(f"unknown time zone or time in the dateline: {parts[1]!r}")
        return Dateline(number, day.isoformat(), None, tuple(problems))
    local = datetime(day.year, day.month, day.day, hour, minute)
    standard, kind = ZONES[zone]
    daylight = is_daylight_time(local)
    if kind == "generic":
        if daylight is None:
            problems.append(f"no daylight saving rule known for {day.year}; cannot place {zone}")
            return Dateline(number, day.isoformat(), None, tuple(problems))
        offset = standard + (60 if daylight else 0)
    else:
        offset = standard + (60 if kind == "daylight" else 0)
        if daylight is not None and daylight != (kind == "daylight"):
            state = "daylight" if daylight else "standard"
            problems.append(
                f"the dateline says {zone}, but {day.isoformat()} falls in {state} time; "
                f"the stated zone ({_offset(offset)}) is kept"
            )
    published = f"{local.isoformat()}{_offset(offset)}"
    return Dateline(number, day.isoformat(), published, tuple(problems))
