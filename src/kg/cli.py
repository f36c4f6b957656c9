"""The ``kg`` command line: thin wrappers that parse arguments, call the core and print.

Every failure the user can fix prints one line naming the file and line, and exits with status 2;
``kg validate`` exits with status 1 when the graph does not conform.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.errors import KgError
from kg.formats import RdfFormat, ResultsFormat
from kg.settings import Settings
from kg.vocab import PREFIXES

F = TypeVar("F", bound=Callable[..., Any])
NQUADS_DUMP = "kg.nq"


def _one_line_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="kg")
@click.option("--base-iri", envvar="KG_BASE_IRI", help="Base of every minted IRI.")
@click.option("--data-dir", envvar="KG_DATA_DIR", type=click.Path(path_type=Path), help="Records folder.")
@click.option(
    "--dist-dir", envvar="KG_DIST_DIR", type=click.Path(path_type=Path), help="Build output folder."
)
@click.pass_context
def main(ctx: click.Context, base_iri: str | None, data_dir: Path | None, dist_dir: Path | None) -> None:
    """kg: publish government funding announcements as linked data."""
    try:
        ctx.obj = Settings.from_env({}, base_iri=base_iri, data_dir=data_dir, dist_dir=dist_dir)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command()
@click.pass_obj
@_one_line_errors
def build(settings: Settings) -> None:
    """Turn the records in data/ into the graph and write every dump to dist/."""
    from kg.dumps import union_graph, write_dumps
    from kg.project import build_project

    dataset = build_project(settings)
    infos = write_dumps(dataset, settings.dist_dir)
    graphs = sum(1 for g in dataset.graphs() if len(g))
    click.echo(
        f"Built {len(union_graph(dataset))} triples in {graphs} named graphs; "
        f"wrote {len(infos)} files to {settings.dist_dir}"
    )


def _load_dataset(settings: Settings, files: tuple[Path, ...]) -> Any:
    from rdflib import Dataset

    from kg.errors import BuildError

    dataset = Dataset()
    paths = list(files) or [settings.dist_dir / NQUADS_DUMP]
    for path in paths:
        if not path.is_file():
            raise BuildError(f"{path}: no such file (run `kg build` first)")
        fmt = RdfFormat.from_path(path.name)
        try:
            dataset.parse(path, format=fmt.rdflib_name, publicID=settings.base_iri)
        except Exception as exc:  # rdflib raises many unrelated types for bad input
            raise BuildError(f"{path}: cannot parse as {fmt.label}: {exc}") from exc
    return dataset


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
)
@click.pass_obj
@_one_line_errors
def validate(settings: Settings, files: tuple[Path, ...], output: str) -> None:
    """Validate the built graph (or FILES) with the SHACL shapes; exit 1 when it does not conform."""
    from kg.validate import validate as run

    report = run(_load_dataset(settings, files))
    text = {"text": report.as_text, "turtle": report.as_turtle, "json": report.as_json}[output]()
    click.echo(text, nl=False)
    sys.exit(0 if report.conforms else 1)


def _query_text(query: str, settings: Settings) -> str:
    candidates = [Path(query)]
    if "/" not in query and not query.endswith(".rq"):
        candidates.append(settings.data_dir.parent / "queries" / f"{query}.rq")
    for path in candidates:
        if path.suffix == ".rq" and path.is_file():
            return path.read_text(encoding="utf-8")
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
@click.pass_obj
@_one_line_errors
def query(settings: Settings, query: str, files: tuple[Path, ...], output: str) -> None:
    """Run QUERY (a .rq file, a name in queries/, or SPARQL text) over the built graph."""
    from kg.errors import BuildError
    from kg.store import KgStore
    from kg.table import format_table

    store = KgStore()
    for path in files or (settings.dist_dir / NQUADS_DUMP,):
        if not path.is_file():
            raise BuildError(f"{path}: no such file (run `kg build` first)")
        store.load_file(path, base_iri=settings.base_iri)
    result = store.query(_query_text(query, settings), prefixes=PREFIXES)
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


if __name__ == "__main__":  # pragma: no cover
    main()
