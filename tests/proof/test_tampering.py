"""Every kind of tampering with the seed graph is refused by `kg validate` (issue 10, item 5).

Each case changes the built seed graph once (as someone editing the published dump would), writes it to a
file and runs the real command line, `kg validate FILE --sources data/sources --format json`: the result is
exit status 1 and a violation whose message says what is wrong, naming the resource by its IRI (never a
blank-node id, never a traceback). The untampered graph conforms.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef

from kg.vocab import DCTERMS, KG, OA, RDFS, SCHEMA, XSD

from .conftest import validate

BASE = Namespace("https://w3id.org/kg-funding/")
RELEASE_KEY = "news-release-175-2011-06-22"
RELEASE = BASE[f"release/{RELEASE_KEY}"]
EVIDENCE = Namespace(BASE["evidence/"])
AMOUNT = Namespace(BASE["amount/"])
PROJECT = Namespace(BASE["project/"])
ORG = Namespace(BASE["organization/"])
SICA_AMOUNT = AMOUNT["grant-sica-unscr-1540-coordinator"]
INTERPOL_PROJECT = PROJECT["interpol-mobile-police-training-program"]
UNOCD_PROJECT = "central-american-network-of-anti-organized-crime-and-narcotic-prosecution-units"
UNOCD_EVIDENCE = f"project-{UNOCD_PROJECT}-implementer-unodc"


def _set(g: Graph, subject: URIRef, predicate: URIRef, value: Literal | URIRef) -> None:
    assert (subject, predicate, None) in g, (subject, predicate)
    g.set((subject, predicate, value))


def _swap_literal(g: Graph, subject: URIRef, predicate: URIRef, edit: Callable[[str], str]) -> None:
    old = g.value(subject, predicate)
    assert isinstance(old, Literal), (subject, predicate)
    new = edit(str(old))
    assert new != str(old) and len(new) == len(str(old)), "a same-length change of other text"
    g.set((subject, predicate, Literal(new, datatype=old.datatype, lang=old.language)))


def _delete(g: Graph, *nodes: URIRef) -> None:
    for node in nodes:
        assert (node, None, None) in g or (None, None, node) in g, node
        g.remove((node, None, None))
        g.remove((None, None, node))


def _evidence_nodes(key: str) -> tuple[URIRef, URIRef, URIRef]:
    evidence = EVIDENCE[key]
    return evidence, URIRef(f"{evidence}#quote"), URIRef(f"{evidence}#position")


def _swap_case(text: str) -> str:
    """Other text of the same length: the first letter's case swapped."""
    index = next(i for i, c in enumerate(text) if c.isalpha())
    return text[:index] + text[index].swapcase() + text[index + 1 :]


def _move_quote(g: Graph) -> None:
    position = URIRef(f"{EVIDENCE['grant-sica-unscr-1540-coordinator-amount']}#position")
    for predicate in (OA.start, OA.end):
        old = g.value(position, predicate)
        assert isinstance(old, Literal)
        g.set((position, predicate, Literal(int(old) + 1, datatype=XSD.nonNegativeInteger)))


def _over_as_exact(g: Graph) -> None:
    total = AMOUNT[f"release-{RELEASE_KEY}-total"]
    figure = g.value(total, SCHEMA.minValue)
    assert figure is not None
    g.remove((total, SCHEMA.minValue, None))
    g.add((total, SCHEMA.value, figure))
    _set(g, total, KG.qualifier, KG.exact)


def _close_to_as_exact(g: Graph) -> None:
    amount = next(a for a, w in g.subject_objects(KG.statedAs) if str(w).startswith("close to"))
    _set(g, amount, KG.qualifier, KG.exact)


def _swap_implementer(g: Graph) -> None:
    """IOM's project said to be UNODC's, in the project and in the evidence (whose quote names IOM)."""
    project = PROJECT[
        "improving-detection-of-false-travel-documents-to-prevent-human-trafficking-and-migrant-smuggling"
    ]
    evidence = EVIDENCE[f"project-{project.rsplit('/', 1)[1]}-implementer-iom"]
    assert (evidence, RDFS.comment, None) not in g, "a fact quoted, not read between the lines"
    g.remove((project, KG.implementer, ORG.iom))
    g.add((project, KG.implementer, ORG.unodc))
    _set(g, evidence, KG.evidenceValue, ORG.unodc)


def _unmark_translation(g: Graph) -> None:
    translation = BASE["translation/project-interpol-mobile-police-training-program-fr"]
    assert (translation, KG.translatedProperty, SCHEMA.name) in g
    g.remove((translation, KG.translatedProperty, SCHEMA.name))


def _second_grant(g: Graph) -> None:
    grant = BASE["grant/interpol-mobile-police-training-program-again"]
    for triple in (
        (grant, KG.announcedIn, RELEASE),
        (grant, SCHEMA.fundedItem, INTERPOL_PROJECT),
        (grant, DCTERMS.type, Literal("tampered")),
    ):
        g.add(triple)
    g.add((grant, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), KG.Contribution))


def _position_gap(g: Graph) -> None:
    last = max((p for _, p in g.subject_objects(SCHEMA.position)), key=int)
    project = g.value(None, SCHEMA.position, last)
    assert project is not None
    _set(g, project, SCHEMA.position, Literal(int(last) + 1))


Tamper = Callable[[Graph], None]
CAP = AMOUNT["program-accbp-cap"]
CASES: dict[str, tuple[Tamper, str]] = {
    "figure-vs-words": (
        lambda g: _set(g, SICA_AMOUNT, SCHEMA.value, Literal("850000.0", datatype=XSD.decimal)),
        "The words '$85,000' say 85,000 CAD, but the figure is 850,000",
    ),
    "words-vs-source": (
        lambda g: (
            _set(g, SICA_AMOUNT, KG.statedAs, Literal("$58,000")),
            _set(g, SICA_AMOUNT, SCHEMA.value, Literal("58000.0", datatype=XSD.decimal)),
        ),
        "The words '$58,000' are not in the quote",
    ),
    "over-stored-as-exact": (_over_as_exact, "state a lower bound figure, but the amount is qualified"),
    "close-to-stored-as-exact": (_close_to_as_exact, "state approximate figure, but the amount is qualified"),
    "quote-changed-same-length": (
        lambda g: _swap_literal(
            g, _evidence_nodes("grant-sica-unscr-1540-coordinator-amount")[1], OA.exact, _swap_case
        ),
        "is not its source text at",
    ),
    "offsets-moved": (_move_quote, "is not its source text at"),
    "prefix-changed-same-length": (
        lambda g: _swap_literal(
            g, _evidence_nodes("grant-sica-unscr-1540-coordinator-amount")[1], OA.prefix, _swap_case
        ),
        "prefix",
    ),
    "checksum-replaced": (
        lambda g: _set(g, BASE[f"source/{RELEASE_KEY}"], KG.sha256, Literal("0" * 64)),
        "it is not the text the quotes were read from",
    ),
    "amount-evidence-deleted": (
        lambda g: _delete(g, *_evidence_nodes("grant-sica-unscr-1540-coordinator-amount")),
        "The amount has no evidence",
    ),
    "note-deleted": (
        lambda g: g.remove(
            (
                EVIDENCE[
                    "project-police-training-for-the-prevention-of-violence-against-women-region-americas"
                ],
                RDFS.comment,
                None,
            )
        ),
        "no note (rdfs:comment) marks the fact as read between the lines",
    ),
    "implementer-and-evidence-value-swapped": (
        _swap_implementer,
        "does not name https://w3id.org/kg-funding/organization/unodc",
    ),
    "correction-deleted": (
        lambda g: _delete(g, BASE[f"correction/{UNOCD_EVIDENCE}"]),
        "does not name https://w3id.org/kg-funding/organization/unodc",
    ),
    "french-title-unmarked": (
        _unmark_translation,
        'no kg:Translation into "fr" says it is the kg project\'s own',
    ),
    "release-date-moved": (
        lambda g: _set(
            g, RELEASE, SCHEMA.datePublished, Literal("2011-06-23T20:45:00-04:00", datatype=XSD.dateTime)
        ),
        "is not the one its dateline",
    ),
    "cap-for-another-period": (
        lambda g: _set(g, CAP, KG.period, Literal("P1M")),
        "state the period P1Y, but kg:period is P1M",
    ),
    "cap-for-an-unchecked-period": (
        lambda g: _set(g, CAP, KG.period, Literal("P2Y")),
        "which the cap rule cannot check",
    ),
    "figure-as-plain-string": (
        lambda g: _set(g, SICA_AMOUNT, SCHEMA.value, Literal("85000.0")),
        "a non-negative xsd:decimal (schema:value)",
    ),
    "second-grant-for-a-project": (_second_grant, "grants announced in this release, not exactly one"),
    "position-gap": (_position_gap, "without a gap"),
    "amount-as-blank-node": (
        lambda g: _blank_amount(g),
        "[the value of schema:amount of <https://w3id.org/kg-funding/grant/sica-unscr-1540-coordinator>]",
    ),
}


def _blank_amount(g: Graph) -> None:
    from rdflib import BNode

    node = BNode()
    for p, o in list(g.predicate_objects(SICA_AMOUNT)):
        g.add((node, p, o))
    for s, p in list(g.subject_predicates(SICA_AMOUNT)):
        g.add((s, p, node))
    _delete(g, SICA_AMOUNT)


def _tampered(work: Path, tmp_path: Path, tamper: Tamper) -> Path:
    dataset = Dataset()
    dataset.parse(work / "dist" / "kg.nq", format="nquads")
    tamper(dataset.graph(BASE[f"graph/{RELEASE_KEY}"]))
    path = tmp_path / "tampered.nq"
    dataset.serialize(path, format="nquads")
    return path


def test_the_seed_graph_conforms_and_is_proved(work: Path) -> None:
    code, out = validate(work, work / "dist" / "kg.nq")
    assert code == 0, out
    assert json.loads(out) == {"conforms": True, "results": []}


@pytest.mark.parametrize("case", sorted(CASES))
def test_tampering_is_refused_with_a_readable_violation(work: Path, tmp_path: Path, case: str) -> None:
    tamper, expected = CASES[case]
    code, out = validate(work, _tampered(work, tmp_path, tamper))
    assert code == 1, out
    assert "Traceback" not in out
    report = json.loads(out)
    assert report["conforms"] is False
    texts = [f"{r['focus']} {r['value']} {r['message']}" for r in report["results"]]
    assert any(expected in text for text in texts), "\n".join(texts)
    assert "_:" not in out, "a blank-node id in the report"


def test_a_missing_source_text_is_named(work: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-sources"
    empty.mkdir()
    code, out = validate(work, work / "dist" / "kg.nq", sources=empty)
    assert code == 1
    messages = [r["message"] for r in json.loads(out)["results"]]
    assert any(f"The source text {RELEASE_KEY}.txt is missing" in m for m in messages), messages
