"""`kg add` of a French release: with the project's English translation (--translation), which lands in
data/translations/en/ with the record, or without one, published in French only (docs/data-model.md)."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from kg.add import add_release
from kg.cli import main
from kg.store import KgStore
from kg.vocab import PREFIXES

from .support import BASE, ROOT, settings_of

FIXTURES = ROOT / "tests" / "extract" / "fixtures"
TEXT = FIXTURES / "fr-2011-08-09-numbered.txt"
RECORD = FIXTURES / "fr-2011-08-09-numbered.expected.yaml"  # the reviewed draft of an invented release
RELEASE = "news-release-212-2011-08-09-fr"
ENGLISH = {
    "release": RELEASE,
    "language": "en",
    "headline": "Canada Supports the Fight against Transnational Crime in Central America",
    "backgrounder_title": "Backgrounder - Security Projects in the Americas",
    "event_name": "International Conference in Support of the Central America Security Strategy",
    "projects": {
        "reseau-de-procureurs-contre-le-crime-organise": {
            "title": "Network of Prosecutors against Organized Crime",
            "description": "UNODC will create a network of specialized prosecution units in Central America "
            "to strengthen prosecutors' capacity to handle complex transnational cases.",
        },
        "formation-policiere-pour-la-prevention-de-la-violence-faite-aux-femmes": {
            "title": "Police Training for the Prevention of Violence against Women",
            "description": "This SMS project improves women's security by strengthening police prevention "
            "of violence against women.",
        },
        "detection-de-faux-documents-de-voyage": {
            "title": "Detection of False Travel Documents",
            "description": "The International Organization for Migration is strengthening border controls "
            "in Central and South America by helping officials detect falsified travel documents.",
        },
    },
}


def _english(folder: Path) -> Path:
    path = folder / f"{RELEASE}.en.yaml"
    path.write_text(yaml.safe_dump(ENGLISH, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_french_release_is_added_with_its_english(work: Path, tmp_path: Path) -> None:
    settings = settings_of(work)
    result = add_release(settings, RECORD, TEXT, translations=[_english(tmp_path)])
    assert result.added, result.check.report.as_text() if result.check.report else result.check.duplicates
    kept = settings.data_dir / "translations" / "en" / f"{RELEASE}.yaml"
    assert yaml.safe_load(kept.read_text(encoding="utf-8")) == ENGLISH
    store = KgStore()
    store.load_file(settings.dist_dir / "kg.nq")
    rows = store.query(
        f"""SELECT ?lang ?headline ?notice WHERE {{
            <{BASE}release/{RELEASE}> schema:headline ?headline ; kg:translation ?t .
            ?t rdfs:comment ?notice . FILTER(lang(?notice) = "en")
            BIND(lang(?headline) AS ?lang)
        }} ORDER BY ?lang""",
        prefixes=PREFIXES,
    ).records()
    assert [(r["lang"], r["headline"]) for r in rows] == [
        ("en", ENGLISH["headline"]),
        ("fr", "Le Canada appuie la lutte contre la criminalité transnationale en Amérique centrale"),
    ]
    assert {r["notice"] for r in rows} == {"Translation by the kg project; not the official English text."}
    dirs = ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist")]
    validated = CliRunner().invoke(main, [*dirs, "validate"])
    assert validated.exit_code == 0, validated.stdout
    rebuilt = CliRunner().invoke(main, [*dirs, "build"])  # the translation is read back from data/ too
    assert rebuilt.exit_code == 0, rebuilt.output


def test_a_french_release_without_its_english_is_published_in_french_only(work: Path) -> None:
    """No English is made up: the release and its projects keep their French texts, and no @en text at all."""
    dirs = ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist")]
    added = CliRunner().invoke(main, [*dirs, "add", str(RECORD), "--source", str(TEXT)])
    assert added.exit_code == 0, added.output
    store = KgStore()
    store.load_file(work / "dist" / "kg.nq")
    rows = store.query(
        f"""SELECT ?thing (LANG(?text) AS ?lang) WHERE {{
            BIND(<{BASE}release/{RELEASE}> AS ?release)
            ?thing (kg:announcedIn|schema:isPartOf)? ?release ; schema:name|schema:headline ?text .
        }}""",
        prefixes=PREFIXES,
    ).records()
    assert rows and {r["lang"] for r in rows} == {"fr"}
    validated = CliRunner().invoke(main, [*dirs, "validate"])
    assert validated.exit_code == 0, validated.stdout


def test_a_translation_of_another_release_is_an_error(work: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({**ENGLISH, "release": "news-release-1-2011-01-01"}), encoding="utf-8")
    dirs = ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist")]
    done = CliRunner().invoke(
        main, [*dirs, "add", str(RECORD), "--source", str(TEXT), "--translation", str(other)]
    )
    assert done.exit_code == 2
    assert (
        "translates release 'news-release-1-2011-01-01', not 'news-release-212-2011-08-09-fr'" in done.stderr
    )
