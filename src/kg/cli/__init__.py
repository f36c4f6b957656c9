"""The ``kg`` command line: thin wrappers that parse arguments, call the core and print.

Every failure the user can fix prints one line naming the file and line, and exits with status 2;
``kg validate`` exits with status 1 when the graph does not conform.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import __version__
from kg.cli.records import add, extract, synth
from kg.cli.support import one_line_errors
from kg.formats import RdfFormat, ResultsFormat
from kg.settings import Settings
from kg.textfiles import read_query_file
from kg.vocab import PREFIXES

NQUADS_DUMP = "kg.nq"


@click.group()
@click.version_option(__version__, prog_name="kg")
@click.option("--base-iri", envvar="KG_BASE_IRI", help="Base of every minted IRI.")
@click.option("--data-dir", envvar="KG_DATA_DIR", type=click.Path(path_type=Path), help="Records folder.")
@click.option(
    "--dist-dir", envvar="KG_DIST_DIR", type=click.Path(path_type=Path), help="Build output folder."
)
@click.option(
    "--store-dir",
    envvar="KG_STORE_DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the on-disk stores `kg serve` prepares and `kg add` reads (default ~/.cache/kg/stores).",
)
@click.pass_context
def main(
    ctx: click.Context,
    base_iri: str | None,
    data_dir: Path | None,
    dist_dir: Path | None,
    store_dir: Path | None,
) -> None:
    """kg: publish government funding announcements as linked data."""
    try:
        ctx.obj = Settings.from_env(
            {}, base_iri=base_iri, data_dir=data_dir, dist_dir=dist_dir, store_dir=store_dir
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.result_callback()  # with KG_STORE set, `kg build` and `kg add` load the new build into that store
@click.pass_context
@one_line_errors
def _load_store(ctx: click.Context, /, *_: object, **__: object) -> None:
    from kg.store.push import push_configured

    if ctx.invoked_subcommand in ("build", "add") and (said := push_configured(ctx.obj)):
        click.echo(said, err=True)


@main.command()
@click.option("--finish", is_flag=True, help="Only write the files a `kg add` left pending, in a new build.")
@click.option("--jobs", type=click.IntRange(min=1), help="Processes for the release graphs (default: CPUs).")
@click.option(
    "--store",
    "prepare",
    is_flag=True,
    help="Also prepare the on-disk store `kg serve` and `kg add` read (--store-dir): neither waits for it.",
)
@click.pass_obj
@one_line_errors
def build(settings: Settings, finish: bool, jobs: int | None, prepare: bool) -> None:
    """Turn the records in data/ into the graph and write every dump to dist/."""
    from datetime import UTC, datetime

    if finish:
        from kg.finish import finish as finish_build

        click.echo(f"Finished {settings.dist_dir}" if finish_build(settings) else "Nothing to finish")
        return

    from kg.assets import load_ontology
    from kg.build_parts import build_parts
    from kg.dumps import staged_build, write_fragments_build
    from kg.exports.files import union_exports
    from kg.fragment_files import FragmentFiles
    from kg.iris import Iris
    from kg.project import read_project
    from kg.publication import locked, prune

    # The lock `kg add` takes too: a build never publishes records read before an add committed its own.
    with locked(settings):
        with staged_build(settings.dist_dir) as build:
            # Each graph's fragment goes to its file in the new build as it is made: none is held here.
            fragments = FragmentFiles(build)
            project, iris = read_project(settings), Iris(settings.base_iri)
            parts = build_parts(project, load_ontology(), iris, jobs, into=fragments)
            triples = len(parts.union)
            # Exports, tables and the DCAT catalog go into the same atomic build (and its manifest); the
            # union graph is let go once the tables are written.
            beside, extra = union_exports([parts.union], settings, datetime.now(UTC).replace(microsecond=0))
            del parts, project
            infos = write_fragments_build(fragments, build, beside=beside, extra=extra, triples=triples)
        prune(settings)
        click.echo(
            f"Built {triples} triples in {len(fragments)} named graphs; "
            f"wrote {len(infos)} files to {settings.dist_dir}"
        )
        if prepare:  # made from the last build's store when few graphs changed; the stores of builds gone go
            from kg.sparql.prepare import prepare_published

            click.echo(f"Prepared the store {prepare_published(settings.dist_dir, settings.store_dir)}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--sources",
    "sources_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the source texts the quotes are proved against (default: data/sources/).",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Processes for the release graphs (default: CPUs).")
@click.pass_obj
@one_line_errors
def validate(
    settings: Settings, files: tuple[Path, ...], output: str, sources_dir: Path | None, jobs: int | None
) -> None:
    """Validate the built graph (one release graph at a time, in parallel, with the rules across releases;
    or FILES, whole) with the SHACL shapes and prove its facts against the source texts (quotes, checksums,
    amounts, dates); exit 1 when it does not conform."""
    from kg.fragments import read_index
    from kg.validate import data_graph
    from kg.validate_parts import load_dataset, validate_build, validate_graph

    folder, build = sources_dir or settings.sources_dir, settings.dist_dir.resolve()
    if not files and read_index(build) is not None:
        report = validate_build(build, folder, settings.base_iri, jobs=jobs)
    else:
        report = validate_graph(data_graph(load_dataset(settings, files)), folder)
    text = {"text": report.as_text, "turtle": report.as_turtle, "json": report.as_json}[output]()
    click.echo(text, nl=False)
    sys.exit(0 if report.conforms else 1)


def _query_text(query: str, settings: Settings) -> str:
    candidates = [Path(query)]
    if "/" not in query and not query.endswith(".rq"):
        candidates.append(settings.data_dir.parent / "queries" / f"{query}.rq")
    for path in candidates:
        try:
            is_file = path.suffix == ".rq" and path.is_file()
        except OSError:  # query text too long for a file name
            continue
        if is_file:
            return read_query_file(path)
        if path.suffix == ".rq" and path.parent.is_dir() and len(query) < 256 and "{" not in query:
            raise click.BadParameter(f"{path}: no such query file")
    return query


@main.command()
@click.argument("query")
@click.option("--data", "files", multiple=True, type=click.Path(path_type=Path), help="RDF files to query.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples"]),
    default="table",
    show_default=True,
)
@click.option(
    "--timeout",
    envvar="KG_QUERY_TIMEOUT",
    default=60.0,
    type=click.FloatRange(min=0, min_open=True),
    show_default=True,
    help="Seconds the query may run (after loading the data); it is then stopped.",
)
@click.pass_obj
@one_line_errors
def query(settings: Settings, query: str, files: tuple[Path, ...], output: str, timeout: float) -> None:
    """Run QUERY (a .rq file, a name in queries/, or SPARQL text) over the built graph.

    The query passes the SPARQL endpoint's guard (no SERVICE, no update, no deep nesting) and runs in a
    separate process that is stopped at the time limit.
    """
    from kg.errors import BuildError
    from kg.fragments import nquads_files
    from kg.rdf_input import read_untrusted
    from kg.sparql import QueryLimits
    from kg.sparql.local import run_local_query
    from kg.table import format_table

    text = _query_text(query, settings)
    data: list[Path | bytes] = []
    for path in files:  # anyone's files: checked and parsed in a child process (kg.rdf_input)
        data.append(read_untrusted(path, base_iri=settings.base_iri))
    if not files:  # the build's own dump (or the fragments it joins before `kg build --finish`)
        built = nquads_files(settings.dist_dir)
        if not built:
            raise BuildError(f"{settings.dist_dir / NQUADS_DUMP}: no such file (run `kg build` first)")
        data += built
    limits = QueryLimits(timeout_s=timeout, memory_mb=4096)
    result = run_local_query(text, data, base_iri=settings.base_iri, prefixes=PREFIXES, limits=limits)
    if output == "table":
        click.echo(format_table(result), nl=False)
        return
    if result.kind == "graph":
        fmt: RdfFormat | ResultsFormat = RdfFormat.NTRIPLES if output == "ntriples" else RdfFormat.TURTLE
    else:
        if output in ("turtle", "ntriples"):
            raise click.BadParameter(f"--format {output} is for CONSTRUCT and DESCRIBE queries")
        fmt = ResultsFormat.from_name(output)
    sys.stdout.buffer.write(result.serialize(fmt))


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--host", envvar="KG_HOST", default="127.0.0.1", show_default=True, help="Interface to listen on."
)
@click.option(
    "--port", envvar="KG_PORT", default=5000, type=int, show_default=True, help="Port (0 picks a free one)."
)
@click.option(
    "--timeout",
    envvar="KG_TIMEOUT",
    default=10.0,
    type=float,
    show_default=True,
    help="Seconds a SPARQL query may run.",
)
@click.option(
    "--workers",
    envvar="KG_WORKERS",
    default=2,
    type=int,
    show_default=True,
    help="SPARQL query worker processes.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Server processes answering on the port, each with its own query workers (env KG_PROCESSES, "
    "default 1; about one per core for throughput).",
)
@click.option("--store", envvar="KG_STORE", help="A remote store to serve from (docs/serving.md).")
@click.option(
    "--public-url",
    envvar="KG_PUBLIC_URL",
    default=None,
    help="Public base URL written in every answer (e.g. https://data.example.org/kg/); "
    "its host is allowed besides KG_ALLOWED_HOSTS.",
)
@click.pass_context
@one_line_errors
def serve(
    ctx: click.Context,
    files: tuple[Path, ...],
    host: str,
    port: int,
    timeout: float,
    workers: int,
    processes: int | None,
    store: str | None,
    public_url: str | None,
) -> None:
    """Serve the built graph (or RDF FILES) as Linked Data with a SPARQL endpoint."""
    from kg.dumps import MANIFEST_FILE
    from kg.finish import finish_pending
    from kg.publication import locked
    from kg.web.config import WebOptions
    from kg.web.serve import run

    settings: Settings = ctx.obj
    if not files:
        with locked(settings, wait=False):  # finish a crashed `kg add` (unless one is running now)
            pass
    if not files and not (settings.dist_dir / MANIFEST_FILE).is_file():
        click.echo(f"No build in {settings.dist_dir}: building first.", err=True)
        ctx.invoke(build, finish=False)
    if not files:
        finish_pending(settings)  # files a `kg add` left pending (its background step did not run)
    try:
        options = WebOptions.from_env(
            host=host,
            port=port,
            timeout=timeout,
            workers=workers,
            processes=processes,
            public_url=public_url,
            store=store,
            store_dir=settings.store_dir,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    run(settings, files, options, announce=lambda line: click.echo(line, err=True))


# kg extract / kg add / kg synth (issue 4): the commands that write records, in kg.cli.records.
for command in (extract, add, synth):
    main.add_command(command)
