"""The release itself: number, date, headline, who announced what, where, through which programs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kg.extract.body import RECALLED
from kg.extract.context import UNKNOWN, Context, cited, quoted
from kg.extract.dates import read_dateline
from kg.extract.layout import Layout
from kg.extract.money import Found, amount_fields, find_amounts
from kg.extract.names import Mention
from kg.extract.proposals import propose_place, propose_program
from kg.extract.text import Span
from kg.iris import slugify

_PLACE_PHRASE = re.compile(
    r"(?:St\.\s+)?[A-Z][\w'-]*(?:\s+(?:(?:of|de|del|la|las|los|du|au)\s+)?[A-Z][\w'-]*)*"
)
_POST_WORDS = re.compile(r"^,\s*(?P<post>(?:Minister|ministre|Secretary|Secrétaire|Parliamentary)[^,]*)")
_UNKNOWN_PROGRAM = {
    "en": re.compile(
        r"(?<![\w'-])(?!(?:The|This|That|Its|Our|Their|Each|Every)\s)"
        r"(?:[A-Z][\w'-]*\s+(?:(?:and|of|for|on|against)\s+(?=[A-Z]))?){1,8}"
        r"Program(?:me)?\b(?:\s+\([A-Z][A-Za-z]{1,8}\))?"
    ),
    "fr": re.compile(r"\bProgramme\s+(?:d'|de\s+|du\s+|des\s+|pour\s+)[^,.;()]+?(?=\s*[(,.;]|$)"),
}


@dataclass(frozen=True)
class Body:
    """The release body: its dateline, if any, and its sentences (the dateline is not one)."""

    dateline: Span | None
    number: int | None
    dateline_inside: str
    sentences: list[Span]


def read_body(ctx: Context, layout: Layout) -> Body:
    dateline: Span | None = None
    found = layout.dateline
    sentences: list[Span] = []
    for block in layout.body:
        start = block.start
        if found is not None and block.start <= found.start < block.end:
            dateline = ctx.doc.span(found.start, found.end)
            start = found.lede
            if found.start > block.start:  # words before a numbered dateline are a sentence of their own
                sentences.extend(ctx.doc.sentences(block.start, found.start))
        sentences.extend(ctx.doc.sentences(start, block.end))
    if dateline is None:
        return Body(None, None, "", sentences)
    assert found is not None
    return Body(dateline, found.number, found.words, sentences)


def _release_id(ctx: Context, body: Body, day: str, headline: Span | None) -> str:
    """``news-release-{number}-{day}`` when the release is numbered, else ``news-release-{day}-{words}``
    from the first words of the headline (two releases of one day have different headlines)."""
    suffix = "" if ctx.lang.code == "en" else f"-{ctx.lang.code}"
    if body.number is not None:
        return f"news-release-{body.number}-{day}{suffix}"
    words = slugify(headline.text if headline else "").split("-")
    short = "-".join(words[:6]).strip("-")
    return f"news-release-{day}-{short}{suffix}" if short else f"news-release-{day}{suffix}"


def header_fields(ctx: Context, layout: Layout, body: Body, source_stem: str) -> dict[str, Any]:
    """id, language, number (when stated), headline, dateline and published (in record order)."""
    record: dict[str, Any] = {}
    day: str | None = None
    published: str | None = None
    line = layout.headline.line if layout.headline else 1
    if body.dateline is None:
        styles = "'(No. N - date - time)', 'Month D, YYYY -' or 'City, Month D, YYYY -'"
        ctx.problem(line, f"no dateline ({styles}) found at the start of the release")
    else:
        dateline = read_dateline(body.dateline_inside, body.number)
        for message in dateline.problems:
            ctx.problem(body.dateline.line, message)
        day, published = dateline.day, dateline.published
    if day is not None:
        record["id"] = _release_id(ctx, body, day, layout.headline)
    else:
        record["id"] = slugify(source_stem) or UNKNOWN
        ctx.problem(line, f"release id taken from the file name ({record['id']}): no date read")
    record["language"] = ctx.lang.code
    if body.number is not None:
        record["number"] = body.number
    if layout.headline is None:
        # A copy that starts at its dateline has no headline; the record has none (never a made-up one).
        ctx.problem(line, "no headline found above the dateline: the release is recorded without one")
    else:
        record["headline"] = quoted(layout.headline)
    if body.dateline is not None:
        record["dateline"] = quoted(body.dateline)
    record["published"] = published or UNKNOWN
    return record


def _first_sentence(sentences: list[Span], pattern: re.Pattern[str], ctx: Context) -> Span | None:
    for sentence in sentences:
        if pattern.search(ctx.doc.norm, sentence.start, sentence.end):
            return sentence
    return None


def _check_post(ctx: Context, person: str, mention: Mention, sentence: Span) -> None:
    after = ctx.doc.norm[mention.end : sentence.end]
    stated = _POST_WORDS.match(after)
    posts = [p for p in ctx.lex.posts.find(ctx.doc, mention.end, sentence.end) if p.start - mention.end <= 3]
    held = ctx.reference.people[person].holds
    name = ctx.reference.people[person].name
    if posts:
        if not set(posts[0].refs) & set(held):
            ctx.problem(
                sentence.line,
                f"{name} is called {ctx.doc.text[posts[0].start : posts[0].end]!r}, "
                "a post data/reference/people.yaml does not give them",
            )
    elif stated:
        ctx.problem(
            sentence.line,
            f"{name} is called {stated['post'].strip()!r}, a post not in data/reference/posts.yaml",
        )


_BEHALF = re.compile(r"\b(?:on\s+behalf\s+of|au\s+nom\s+de)\b.*", re.IGNORECASE)
_TITLED = r"(?:Minister(?:\s+of\s+State)?|Secretary|ministre(?:\s+d'État)?|secrétaire\s+parlementaire)\s+"


def _people(ctx: Context, sentence: Span) -> list[Mention]:
    """The known people a sentence names as its actors: by full name, or by surname after a title ("Minister
    Baird", "Parliamentary Secretary Oliphant"); not those it acts "on behalf of"."""
    stop = sentence.end
    if behalf := _BEHALF.search(ctx.doc.norm, sentence.start, sentence.end):
        stop = behalf.start()
    found = ctx.lex.people.find(ctx.doc, sentence.start, stop)
    for person in ctx.reference.people.values():
        surname = re.escape(person.name.split()[-1])
        pattern = re.compile(rf"(?<![\w-]){_TITLED}(?P<name>{surname})(?![\w-])", re.IGNORECASE)
        for match in pattern.finditer(ctx.doc.norm, sentence.start, stop):
            if not any(m.start <= match.start("name") < m.end for m in found):
                found.append(Mention(match.start("name"), match.end("name"), (person.id,), person.name))
    return sorted(found, key=lambda m: m.start)


def announced_by(ctx: Context, body: Body) -> tuple[list[dict[str, Any]], Span | None]:
    """The people who announce the release: those of the sentence that says "announced", else those of the
    lede (the first sentences), as the release names them."""
    sentence = _first_sentence(body.sentences, ctx.lang.announce, ctx)
    people = _people(ctx, sentence) if sentence else []
    if not people:
        for lede in body.sentences[:2]:
            if _people(ctx, lede) or ctx.lang.honourable.search(ctx.doc.norm, lede.start, lede.end):
                sentence, people = lede, _people(ctx, lede)
                break
    if sentence is None:
        line = body.sentences[0].line if body.sentences else 1
        ctx.problem(line, "no sentence says who announced the release")
        return [], None
    entries: list[dict[str, Any]] = []
    for mention in people:
        if any(e["person"] == mention.refs[0] for e in entries):
            continue
        entries.append(cited("person", mention.refs[0], sentence))
        _check_post(ctx, mention.refs[0], mention, sentence)
    behalf = _BEHALF.search(ctx.doc.norm, sentence.start, sentence.end)
    for match in ctx.lang.honourable.finditer(ctx.doc.norm, sentence.start, sentence.end):
        if behalf and match.start() > behalf.start():
            continue
        if not any(m.start < match.end("name") and match.start("name") < m.end for m in people):
            ctx.problem(
                sentence.line,
                f"unknown person {match['name']!r} announces the release (not in data/reference/people.yaml)",
            )
            entries.append(cited("person", UNKNOWN, sentence))
    if not entries:
        ctx.problem(sentence.line, "the announcement names nobody known in data/reference/people.yaml")
        entries.append(cited("person", UNKNOWN, sentence))
    return entries, sentence


def _place(ctx: Context, start: int, *, prefer_city: bool) -> tuple[str | None, str]:
    """The known place named by the capitalised words at ``start``, and those words."""
    match = _PLACE_PHRASE.match(ctx.doc.norm, start)
    if match is None:
        return None, ""
    words = ctx.doc.text[match.start() : match.end()]
    for mention in ctx.lex.places.find(ctx.doc, match.start(), match.end()):
        if (mention.start, mention.end) == (match.start(), match.end()):
            types = {r: ctx.reference.places[r].type for r in mention.refs}
            refs = sorted(mention.refs, key=lambda r: (types[r] == "city") != prefer_city)
            return refs[0], words
    return None, words


def location_and_event(ctx: Context, body: Body) -> dict[str, Any]:
    """Where the announcement was made ("made the announcement from X") and at which event."""
    record: dict[str, Any] = {}
    place: str | None = None
    for sentence in body.sentences:
        match = ctx.lang.location.search(ctx.doc.norm, sentence.start, sentence.end)
        if match is None:
            continue
        place, words = _place(ctx, match.end(), prefer_city=True)
        if place is None and words:
            # a city the reference lacks: proposed when the sentence names its (known) country after it
            after = match.end() + len(words)
            country, _ = (
                _place(ctx, after + 2, prefer_city=False)
                if ctx.doc.norm[after : after + 2] == ", "
                else (None, "")
            )
            if country is not None and ctx.reference.places[country].type == "country":
                place = propose_place(ctx, words, sentence, parent=country)
            else:
                message = f"the announcement was made in {words!r}, a place not in data/reference/"
                ctx.problem(
                    sentence.line, f"{message} whose country the release does not state: not recorded"
                )
                break
        elif place is None:
            ctx.problem(sentence.line, "the announcement was made in a place that cannot be read")
            break
        record["location"] = cited("place", place, sentence)
        break
    for sentence in body.sentences:
        match = ctx.lang.event.search(ctx.doc.norm, sentence.start, sentence.end)
        match = match or ctx.lang.event_at.search(ctx.doc.norm, sentence.start, sentence.end)
        if match is None:
            continue
        rest = ctx.doc.norm[match.end() : sentence.end]
        length = len(re.split(r"[,;]|\.\s*$|\.\s+(?=[A-Z])", rest, maxsplit=1)[0].rstrip(" ."))
        name = ctx.doc.text[match.end() : match.end() + length]
        if not name or not (name[0].isupper() or name[0].isdigit()):
            continue
        if place is None:  # an event the release mentions, not one it was announced at
            ctx.problem(
                sentence.line, f"the event {name!r} has no place stated: not recorded as the release's"
            )
            break
        record["event"] = {
            "id": slugify(name),
            "name": name,
            "place": place or UNKNOWN,
            "quote": sentence.text,
            "at": sentence.start,
        }
        break
    return record


def _amount(found: Found, sentence: Span) -> dict[str, Any]:
    return {**amount_fields(found), "quote": sentence.text, "at": sentence.start}


_GIVING = {
    "en": re.compile(
        r"\b(?:is|are|will\s+be|will)\s+(?:(?:contribut|provid|invest|allocat|giv|fund|support|extend)\w*"
        r"|make\s+(?:an?\s+)?(?:\w+\s+)?contribution)",
        re.I,
    ),
    "fr": re.compile(
        r"\b(?:verse|versera|fournit|fournira|contribue|contribuera|investit|investira|accorde)\b", re.I
    ),
}


def total(ctx: Context, body: Body, announcing: Span | None) -> dict[str, Any] | None:
    """The announced total: the first amount (not a yearly rate) of the announcing sentence; failing that,
    of the first sentence saying what Canada is giving now ("Our government is contributing nearly $4
    million"). An amount recalled from the past ("Since 2011, Canada has provided ...") is not the total."""
    others = [
        s
        for s in body.sentences
        if s != announcing
        and _GIVING[ctx.lang.code].search(ctx.doc.norm, s.start, s.end)
        and not RECALLED.search(ctx.doc.norm, s.start, s.end)
    ]
    sentences = ([announcing] if announcing else []) + others
    for sentence in sentences:
        lump = [
            f
            for f in find_amounts(ctx.doc, sentence.start, sentence.end, ctx.lang.code)
            if not f.figure.period
        ]
        if lump:
            if sentence != announcing:
                message = "the announced total is taken from a sentence that does not announce"
                ctx.problem(sentence.line, message)
            ctx.used_amounts.add(lump[0].start)
            return _amount(lump[0], sentence)
    return None


def _in_quotation(ctx: Context, sentence: Span) -> bool:
    """Whether the sentence belongs to a paragraph of quoted speech (one that opens with a quote mark)."""
    line = ctx.doc.lines[sentence.line - 1]
    return ctx.doc.norm[line.start : line.start + 1] == '"'


def programs(ctx: Context, body: Body, later: list[Span]) -> list[dict[str, Any]]:
    """The funding programs named, with a yearly cap where one is stated.

    Each program is quoted from the first sentence naming it outside quoted speech (a minister's words
    are not where the release says how it is funded), else from the first quoted one.
    """
    first: dict[str, Span] = {}
    cap: dict[str, tuple[Found, Span]] = {}
    known_spans: list[tuple[int, int]] = []
    speech = [s for s in body.sentences + later if _in_quotation(ctx, s)]
    for sentence in [s for s in body.sentences + later if s not in speech] + speech:
        rates = [
            f for f in find_amounts(ctx.doc, sentence.start, sentence.end, ctx.lang.code) if f.figure.period
        ]
        for mention in ctx.lex.programs.find(ctx.doc, sentence.start, sentence.end):
            known_spans.append((mention.start, mention.end))
            ref = mention.refs[0]
            first.setdefault(ref, sentence)
            after = [f for f in rates if f.start > mention.start]
            if ref not in cap and after:
                cap[ref] = (after[0], sentence)
    entries: list[dict[str, Any]] = []
    for ref, sentence in sorted(first.items(), key=lambda item: item[1].start):
        entry = cited("program", ref, sentence)
        if ref in cap:
            found, where = cap[ref]
            ctx.used_amounts.add(found.start)
            entry["cap"] = amount_fields(found)
            if where != sentence:
                message = f"the cap of {ref} is stated in a later sentence than its first mention"
                ctx.problem(where.line, message)
        entries.append(entry)
    pattern = _UNKNOWN_PROGRAM[ctx.lang.code]
    for sentence in body.sentences:
        for match in pattern.finditer(ctx.doc.norm, sentence.start, sentence.end):
            if any(a < match.end() and match.start() < b for a, b in known_spans):
                continue
            name = ctx.doc.text[match.start() : match.end()].strip()
            if not ctx.doc.text[match.end() :].strip():
                ctx.problem(sentence.line, f"the text ends inside a program's name: {name!r}")
                continue
            ref = propose_program(ctx, name, sentence)
            if all(e["program"] != ref for e in entries):
                entries.append(cited("program", ref, sentence))
    if not entries:
        opening = body.sentences[0] if body.sentences else None
        ctx.problem(opening.line if opening else 1, "no funding program named")
    return entries


def instruments(
    ctx: Context, sentences: list[Span], masks: list[tuple[int, int]] | None = None
) -> list[dict[str, Any]]:
    """Instruments and strategies the sentences support, each with the first sentence naming it.

    A strategy counts when named, or when "strategy of X" names its author; names inside ``masks``
    (an event named after a strategy) do not count.
    """
    masks = masks or []
    found: dict[str, Span] = {}
    strategies = [i for i in ctx.reference.instruments.values() if i.type == "strategy" and i.author]
    for sentence in sentences:
        hits: list[tuple[int, str]] = []
        for mention in ctx.lex.instruments.find(ctx.doc, sentence.start, sentence.end, masks):
            hits.append((mention.start, mention.refs[0]))
        for word in ctx.lang.strategy.finditer(ctx.doc.norm, sentence.start, sentence.end):
            if any(a <= word.start() < b for a, b in masks):
                continue
            for org in ctx.lex.organizations.find(ctx.doc, sentence.start, sentence.end, masks):
                between_after = ctx.doc.norm[word.end() : org.start]
                between_before = ctx.doc.norm[org.end : word.start()]
                tied = (org.start >= word.end() and _STRATEGY_OF[ctx.lang.code].match(between_after)) or (
                    org.end <= word.start() and _ORG_STRATEGY.match(between_before)
                )
                if tied:
                    hits.extend((word.start(), s.id) for s in strategies if s.author in org.refs)
        for _, ref in sorted(hits):
            found.setdefault(ref, sentence)
    return [cited("instrument", ref, sentence) for ref, sentence in found.items()]


_STRATEGY_OF = {
    "en": re.compile(r"^\s+(?:of|by)\s+(?:the\s+)?$"),
    "fr": re.compile(r"^(?:\s+[\w'-]+){0,4}?\s+(?:du|de\s+la|de\s+l'|des|de)\s*$"),
}
_ORG_STRATEGY = re.compile(r"^(?:'s)?(?:\s+[\w-]+){0,3}\s+$")
