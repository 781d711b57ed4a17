"""`upswing backup` and `upswing restore` (added to `upswing` by _register_feature_commands)."""

from __future__ import annotations

from pathlib import Path

import click

EXIT_FAILED = 1


def _targets():
    from django.conf import settings

    from upswing.backup.service import stores

    db = settings.DATABASES["default"]
    return stores(db, settings.UPSWING_WAREHOUSE_URL), db.get("PASSWORD") or ""


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="folder that receives the backup folder (default: $UPSWING_HOME/backups)",
)
@click.option("--wait", default=300, show_default=True, help="seconds to wait for an import")
def backup(out: Path | None, wait: int) -> None:
    """Copy the operational database and the warehouse, consistently, while the app runs."""
    from upswing.boot import home, setup_django

    setup_django()
    from upswing.audit.verify import audit_head
    from upswing.backup.service import BackupError, back_up

    try:
        targets, password = _targets()
        head = audit_head()
        folder = back_up(
            out or home() / "backups",
            targets,
            audit_head=str(head) if head else "",
            password=password,
            wait=wait,
        )
    except BackupError as exc:
        click.echo(f"backup failed: {exc}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    click.echo(str(folder))


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="replace the current data (stop the app first)")
def restore(folder: Path, yes: bool) -> None:
    """Put a backup back: both stores are replaced by the copies in FOLDER."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.backup.service import BackupError, read_manifest
    from upswing.backup.service import restore as do_restore

    try:
        manifest = read_manifest(folder)
        if not yes:
            raise click.UsageError(
                f"this replaces every record with the backup of {manifest['created_at']}; "
                "stop the web app and the jobs, then run again with --yes"
            )
        targets, password = _targets()
        do_restore(folder, targets, password=password)
    except BackupError as exc:
        click.echo(f"restore failed: {exc}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    click.echo(f"Restored the backup of {manifest['created_at']}.")
    if manifest.get("audit_head"):
        click.echo(f"Check it: upswing audit verify --anchor {manifest['audit_head']}")


COMMANDS = [backup, restore]
