"""`upswing sources …`: declare, list, read and remove the tables read in place."""

from __future__ import annotations

from pathlib import Path

import click

EXIT_REFUSED = 1


@click.group()
def sources() -> None:
    """Tables or views already in the warehouse, read in place as facts (docs/sources.md).

    Each source maps one table's columns to a kind of facts, with the same mapping language
    as files, and names a watermark column (e.g. updated_at): every `upswing refresh` reads
    the rows past it, checks them like an import, and refreshes the days they touch."""


@sources.command()
@click.argument("name")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="the source's TOML: [table] name and watermark, and one kind's [<kind>.columns]",
)
@click.option(
    "--replace", is_flag=True, help="redefine an existing source (read again from the start)"
)
def add(name: str, path: Path, replace: bool) -> None:
    """Declare the source NAME from its TOML definition.

    Its table and columns are checked now; its rows are read at the next refresh."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.ingest.tables import SourceError, parse_definition
    from upswing.sources.service import add_source

    if not _is_slug(name):
        _refuse("A source name is letters, digits, - and _ (e.g. crm_calls).")
    try:
        add_source(name, path.read_text(encoding="utf-8"), replace=replace)
    except SourceError as exc:
        _refuse(str(exc))
    parsed = parse_definition(name, path.read_text(encoding="utf-8"))
    click.echo(
        f"Source {name}: {parsed.kind.name} from {parsed.where} by {parsed.watermark}; "
        "read at the next `upswing refresh` (or now: `upswing sources read`)."
    )


@sources.command("list")
def list_sources() -> None:
    """The sources: table, kind, watermark, last read."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.ingest.tables import SourceError, parse_definition
    from upswing.sources.models import WarehouseSource

    rows = list(WarehouseSource.objects.all())
    if not rows:
        click.echo("No sources. Add one: upswing sources add NAME --file source.toml")
        return
    for source in rows:
        try:
            parsed = parse_definition(source.name, source.definition)
            what = f"{parsed.kind.name} from {parsed.where} by {parsed.watermark}"
        except SourceError as exc:
            what = f"definition unreadable: {exc}"
        mark = source.watermark or "(not read yet)"
        last = source.last_read or {}
        read = f"; last read {source.read_at:%Y-%m-%d %H:%M} UTC" if source.read_at else ""
        if last.get("error"):
            read += f": {last['error']}"
        click.echo(f"{source.name}: {what}; watermark {mark}{read}")


@sources.command()
@click.argument("names", nargs=-1)
def read(names: tuple[str, ...]) -> None:
    """Read the sources' new rows now, without a refresh.

    Every source, or those NAMES: the rows past each one's watermark are checked and merged."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.sources.service import read_sources

    outcomes = read_sources(list(names) or None)
    if not outcomes:
        click.echo("No such source." if names else "No sources.")
        return
    for outcome in outcomes:
        click.echo(outcome.describe())
        for line in outcome.problems:
            click.echo(f"  {line}")
    click.echo("Run `upswing refresh` to recompute the scorecards of the days they touched.")


@sources.command()
@click.argument("name")
def remove(name: str) -> None:
    """Forget a source (its facts stay).

    The facts the source NAME brought stay in the warehouse."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.sources.service import remove_source

    if not remove_source(name):
        _refuse(f"No source named {name}.")
    click.echo(f"Source {name} removed; the facts it brought stay.")


def _is_slug(name: str) -> bool:
    return bool(name) and len(name) <= 64 and all(c.isalnum() or c in "-_" for c in name)


def _refuse(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(EXIT_REFUSED)


COMMANDS = (sources,)
