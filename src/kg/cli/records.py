"""``kg extract``, ``kg add`` and ``kg synth`` (issue 4): the commands that draft, add and make release
records. Registered on the ``kg`` group by ``kg.cli``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.support import one_line_errors
from kg.settings import Settings
from kg.textfiles import write_text_once


@click.command()
@click.argument("release", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the draft here (default: stdout).",
)
@click.pass_obj
@one_line_errors
def extract(settings: Settings, release: Path, output: Path | None) -> None:
    """Draft a release record from RELEASE.txt or RELEASE.html; exit 1 when it has problems to review.

    Each problem is printed on stderr with its line in the source text. For an HTML page, the text the
    offsets count in is written next to the record (or next to the page), as NAME.txt.
    """
    from kg.extract import extract_file
    from kg.sources import read_reference

    result = extract_file(release, read_reference(settings))
    text_path = release
    if result.html_source is not None:
        text_path = (output.parent if output else release.parent) / result.source_name
        write_text_once(text_path, result.source_text)
    if output is not None:
        output.write_bytes(result.to_yaml().encode("utf-8"))
    else:
        click.echo(result.to_yaml(), nl=False)
    for problem in result.problems:
        click.echo(f"{text_path}:{problem.line}: {problem.message}", err=True)
    sys.exit(1 if result.problems else 0)


@click.command()
@click.argument("record", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--source",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="The record's source text (default: the file the record names, next to it).",
)
@click.option(
    "--translation",
    "translations",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="The project's translation of the release (as in data/translations/{lang}/): a French release "
    "needs its English. Repeatable.",
)
@click.pass_obj
@one_line_errors
def add(settings: Settings, record: Path, source: Path | None, translations: tuple[Path, ...]) -> None:
    """Add RECORD.yaml to data/ and rebuild dist/ if it conforms to the shapes; else exit 1, changing nothing.

    The release is validated with the shapes on its own nodes, against the built graph (its on-disk store,
    or dist/kg.nq). RECORD
    may also be a release text (.txt, .html): it is extracted first, and refused if the draft has problems.
    Every title is published in English and French: a release in one language needs the project's
    translation into the other (--translation).
    """
    from kg.add import add_release, add_release_text
    from kg.finish import finish_pending

    if record.suffix.lower() in (".yaml", ".yml"):
        outcome = add_release(settings, record, source, translations=translations)
    else:
        draft, added = add_release_text(settings, record, translations=translations)
        if added is None:
            for problem in draft.problems:
                click.echo(f"{draft.source_name}:{problem.line}: {problem.message}", err=True)
            click.echo(
                f"kg: refused: the draft record has {len(draft.problems)} problem(s) to review: run "
                f"`kg extract {record} -o RECORD.yaml`, review it, then `kg add RECORD.yaml`",
                err=True,
            )
            sys.exit(1)
        outcome = added
    check = outcome.check
    if outcome.added:
        finish_pending(settings)
        seconds = sum(check.timings.values())
        click.echo(
            f"Added {outcome.release_id} ({outcome.projects} projects): {outcome.record_path}, "
            f"{outcome.source_path}; validated {check.focus_nodes} nodes against {check.data_triples} "
            f"triples in {seconds:.2f} s; rebuilt {settings.dist_dir} (a running `kg serve` serves it "
            "within KG_RELOAD_INTERVAL seconds)"
        )
        return
    if check.duplicates:
        click.echo("".join(f"- Duplicate: {problem}\n" for problem in check.duplicates), nl=False)
        reason = "it reuses ids of the graph, or changes what the graph states (a program's cap)"
    else:
        assert check.report is not None
        click.echo(check.report.as_text(), nl=False)
        reason = f"it does not conform to the shapes ({len(check.report.results)} result(s))"
    click.echo(f"kg: refused: {outcome.release_id}: {reason}; nothing was changed", err=True)
    sys.exit(1)


@click.command()
@click.argument("count", type=click.IntRange(min=1))
@click.option("--seed", default=0, type=int, show_default=True, help="Same seed, same records.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("synthetic"),
    show_default=True,
    help="Folder for the records and their source texts.",
)
@click.pass_obj
@one_line_errors
def synth(settings: Settings, count: int, seed: int, output: Path) -> None:
    """Write COUNT synthetic release records (with their texts) that can be added to this project.

    They reuse no id of the records in data/, and keep each capped program within its yearly cap.
    """
    from kg.sources import merge_reference, read_reference_dir, read_release
    from kg.synth import synth_releases

    existing = [read_release(path) for path in sorted(settings.releases_dir.glob("*.yaml"))]
    reference = merge_reference(read_reference_dir(settings.reference_dir), existing)
    releases = synth_releases(count, seed=seed, reference=reference, existing=existing)
    for release in releases:
        release.write(output)
    projects = sum(len(r.record["projects"]) for r in releases)
    click.echo(f"Wrote {len(releases)} synthetic releases ({projects} projects) to {output}")
