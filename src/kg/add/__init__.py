"""``kg add``: check one new release against the graph; merge it into ``data/`` and ``dist/`` only if it fits.

1. Read and check the record (``read_release`` + ``check_release``) and build its named graph.
2. Refuse it when it would reuse what another release already defined: its release id, a project id, an
   event (any resource the release mints that the built store already describes), or when it states a
   program's cap other than the one in the graph (``kg.add.caps``; restating the same cap is fine).
3. Validate it with the shapes, on its own nodes only (``kg.validate.validate_focus``). The data graph is the
   new release's graph + the reference graph + the ontology + the few existing nodes the cross-record rules
   read: the yearly cap of each program it funds and that program's grants of the same calendar year
   (``kgsh:ProgramYearWithinCap``), fetched from the built store with a SPARQL CONSTRUCT made only of IRIs
   minted here. Its size, and so the time, does not grow with the graph.
4. Merge only when it conforms: the source text, the record and its translations are written under hidden
   names, the new build into a folder of its own, and ``kg.publication.commit`` publishes them together
   (``kg.add.publish``): a crash leaves ``data/`` and ``dist/`` both old or both new once the next command
   has run. The project's lock (``kg.publication.locked``) is shared with ``kg build``.

The built store is the linked build's on-disk store, or ``dist/kg.nq`` loaded into memory (``load_store``,
``kg.add.stores``): ``kg add`` trusts it to reflect ``data/``, as ``kg build`` leaves it.
Pure orchestration: no click, no printing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from kg.add.candidate import AddResult, Candidate, Check, read_candidate
from kg.add.check import Setup, check_candidate, context_graph, find_duplicates, focus_nodes, load_store
from kg.add.publish import Publish, merge, publish, stage
from kg.add.stores import retire_old_stores
from kg.extract import ExtractResult, extract_file
from kg.publication import locked
from kg.settings import Settings
from kg.store import KgStore


def add_release(
    settings: Settings,
    record: Path,
    source: Path | None = None,
    *,
    store: KgStore | None = None,
    setup: Setup | None = None,
    publish: Publish = stage,
    translations: Sequence[Path] = (),
) -> AddResult:
    """Check one release record (with the project's translations of it) and merge it when it conforms; a
    refusal changes nothing on disk."""
    setup = setup or Setup.load(settings)
    candidate = read_candidate(
        record, source, setup.reference, setup.iris, settings.sources_dir, translations
    )
    projects = len(candidate.release.projects)
    with locked(settings):  # shared with `kg build`; finishes or undoes a crashed publication first
        built = store or load_store(settings)
        check = check_candidate(candidate, built, setup, settings)
        language = candidate.release.language
        if not check.ok:
            return AddResult(candidate.release.id, projects, check, language=language)
        # The store given by a caller may not be the linked build's: then the whole rebuild.
        record_path, source_path = merge(settings, candidate, publish, store=None if store else built)
        if store is None:
            del built  # the linked build's store, which may now be retired
            retire_old_stores(settings)  # of the builds published meanwhile, if gone (kg.add.stores)
    return AddResult(candidate.release.id, projects, check, record_path, source_path, language)


def add_release_text(
    settings: Settings,
    path: Path,
    *,
    store: KgStore | None = None,
    setup: Setup | None = None,
    publish: Publish = stage,
    translations: Sequence[Path] = (),
) -> tuple[ExtractResult, AddResult | None]:
    """``kg add RELEASE.txt|.html``: extract the draft record; add it only when it has no problem to review.

    The draft and its text (for HTML, the text extracted from the page, in which its offsets count) are
    written to a temporary folder and added from there, exactly as a reviewed record would be.
    """
    setup = setup or Setup.load(settings)
    draft = extract_file(path, setup.reference)
    if draft.problems:
        return draft, None
    with tempfile.TemporaryDirectory(prefix="kg-add-") as folder:
        record = Path(folder) / "draft.yaml"
        text = Path(folder) / draft.source_name
        record.write_bytes(draft.to_yaml().encode("utf-8"))
        text.write_bytes(draft.source_text.encode("utf-8"))
        added = add_release(
            settings, record, text, store=store, setup=setup, publish=publish, translations=translations
        )
        return draft, added


__all__ = [
    "AddResult",
    "Candidate",
    "Check",
    "Setup",
    "add_release",
    "add_release_text",
    "check_candidate",
    "context_graph",
    "find_duplicates",
    "focus_nodes",
    "load_store",
    "merge",
    "publish",
    "read_candidate",
    "stage",
]
