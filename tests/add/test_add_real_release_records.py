"""`kg add` of records in the format of real releases (RECORD-CHANGES.md): unnumbered, dated by a date alone,
a total without projects, grants stated in the body, a ``reference:`` section, English only.

The records are the INVENTED TEST FIXTURES of tests/sources/records/ (made-up releases; a real one is being
collected). Its safety does not change: a refusal changes nothing on disk.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import kg.add.incremental
import kg.add.stores
from kg.add import add_release
from kg.catalog_stats import STATS_FILE, read_stats_json, store_stats
from kg.dumps import manifest_triples, serialize
from kg.errors import SourceError
from kg.formats import RdfFormat
from kg.fragments import nquads_files
from kg.project import build_project, read_project
from kg.sources import read_reference
from kg.sparql.prepare import build_version, prepared_store
from kg.store import KgStore
from kg.validate import validate
from kg.vocab import KG, SCHEMA, XSD

from .support import BASE, ROOT, file_hashes, settings_of

RECORDS = ROOT / "tests" / "sources" / "records"
TOTAL_ONLY = "invented-2012-04-30-justice-reform"
BODY_GRANTS = "invented-2012-03-05-human-trafficking"


UNION_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"


def _not_whole(*_: object) -> None:
    raise AssertionError("the catalog's figures were counted on the whole store")


def _add(work: Path, name: str, record: Path | None = None) -> None:
    result = add_release(settings_of(work), record or RECORDS / f"{name}.yaml", RECORDS / f"{name}.txt")
    assert result.check.report is not None and result.added, result.check.report.as_text()
    assert (work / "data" / "releases" / f"{name}.yaml").is_file()


@pytest.mark.parametrize("store", ["in memory", "on disk"])
def test_both_records_are_added_and_the_build_conforms(
    work: Path, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each record proposes an organisation, so each add replaces the reference graph: the catalog's figures
    # are still counted on what changed, not on the whole store, whether the graph is loaded in memory or
    # in the on-disk store a server (or, for a large graph, kg add) prepares (kg.add.stores).
    monkeypatch.setattr(kg.add.incremental, "store_stats", _not_whole)
    if store == "on disk":
        monkeypatch.setattr(kg.add.stores, "PREPARE_FROM_BYTES", 0)
    _add(work, BODY_GRANTS)
    _add(work, TOTAL_ONLY)
    monkeypatch.undo()
    build = (work / "dist").resolve()
    made = prepared_store(settings_of(work).store_dir, build_version(build))
    assert (made is not None) == (store == "on disk")
    whole = KgStore()
    whole.load_nquads(nquads_files(build))
    size = int(whole.query(UNION_SIZE).records()[0]["n"])
    assert manifest_triples(build) == size
    assert read_stats_json((build / STATS_FILE).read_text(encoding="utf-8")) == store_stats(whole, size)
    settings = settings_of(work)
    assert "justice-education-society" in read_reference(settings).organizations
    dataset = build_project(settings)
    report = validate(dataset)
    assert report.conforms, report.as_text()
    release = URIRef(f"{BASE}release/{TOTAL_ONLY}")
    graph = dataset.graph(URIRef(f"{BASE}graph/{TOTAL_ONLY}"))
    assert graph.value(release, SCHEMA.datePublished) == Literal("2012-04-30", datatype=XSD.date)
    assert graph.value(release, KG.releaseNumber) is None
    reference = dataset.graph(URIRef(f"{BASE}graph/reference"))
    assert (URIRef(f"{BASE}organization/justice-education-society"), None, None) in reference
    # The N-Quads were rebuilt with them (the second add from the first's build: the reference graph's
    # fragment replaced, as the record proposes an organisation), as a whole build writes them.
    nquads = b"".join(path.read_bytes() for path in nquads_files((work / "dist").resolve()))
    assert b"justice-education-society" in nquads
    assert nquads == serialize(dataset, RdfFormat.NQUADS)


def test_adding_the_same_record_again_is_refused_and_changes_nothing(work: Path) -> None:
    _add(work, BODY_GRANTS)
    before = file_hashes(work)
    with pytest.raises(SourceError, match=r"'justice-education-society' is already defined in .*releases"):
        add_release(settings_of(work), RECORDS / f"{BODY_GRANTS}.yaml", RECORDS / f"{BODY_GRANTS}.txt")
    assert file_hashes(work) == before


def test_a_proposal_of_a_known_organization_is_refused_and_changes_nothing(
    work: Path, tmp_path: Path
) -> None:
    record = tmp_path / f"{BODY_GRANTS}.yaml"
    text = (RECORDS / f"{BODY_GRANTS}.yaml").read_text(encoding="utf-8")
    record.write_text(text.replace("    - id: san-salvador", "    - id: guatemala-city"), encoding="utf-8")
    before = file_hashes(work)
    with pytest.raises(SourceError, match=r"places\[1\]\.id: 'guatemala-city' is already defined"):
        add_release(settings_of(work), record, RECORDS / f"{BODY_GRANTS}.txt")
    assert file_hashes(work) == before
    assert len(read_project(settings_of(work)).releases) == 1
