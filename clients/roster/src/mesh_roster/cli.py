"""mesh-roster: import a program's roster for a term start.

  mesh-roster import FILE --program P [--format csv|jsonl] [--url URL] [--token T]
                                      [--state FILE] [--errors FILE] [--batch N]

The token (``--token`` or ``MESH_TOKEN``) is an admin's or the program's coordinator's access token;
locally, ``mesh-local token nadia``. Exit status: 0 every row taken, 1 some rows rejected (see the
error report), 2 the import could not run (the file's columns, the program, the token)."""

import argparse
import asyncio
import os
import sys
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from mesh_roster.importer import (
    ImportRefused,
    file_digest,
    load_progress,
    send_rows,
    write_error_report,
)
from mesh_roster.reading import RosterFileError, read_roster

DEFAULT_URL = "http://127.0.0.1:18001"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mesh-roster", description="Import a program's roster into Mentoring Mesh.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("import", help="import a CSV or JSON Lines roster (see docs/programs.md)")
    run.add_argument("file", type=Path)
    run.add_argument("--program", required=True, help="the program's id")
    run.add_argument("--format", choices=("csv", "jsonl"), help="default: by the file's extension")
    run.add_argument("--url", default=os.environ.get("MESH_PROFILE_URL", DEFAULT_URL), help="profile's API")
    run.add_argument("--token", default=os.environ.get("MESH_TOKEN"), help="access token (default: $MESH_TOKEN)")
    run.add_argument("--state", type=Path, help="where progress is kept (default: FILE.roster-state.json)")
    run.add_argument("--errors", type=Path, help="the error report (default: FILE.errors.csv)")
    run.add_argument("--batch", type=int, default=500, help="rows per request (at most 1000)")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    if not args.token:
        console.print("mesh-roster: no token: pass --token or set MESH_TOKEN (locally: mesh-local token nadia)")
        return 2
    try:
        return asyncio.run(import_file(args, console))
    except (RosterFileError, ImportRefused, OSError) as error:
        console.print(f"mesh-roster: {error}")
        return 2


async def import_file(args: argparse.Namespace, console: Console) -> int:
    rows, file_errors = read_roster(args.file, args.format)
    state = args.state or args.file.with_name(args.file.name + ".roster-state.json")
    errors = args.errors or args.file.with_name(args.file.name + ".errors.csv")
    progress = load_progress(state, file_digest(args.file), args.program)
    if progress.sent_rows:
        console.print(f"resuming: {progress.sent_rows:,} of {len(rows):,} rows were taken before")
    headers = {"Authorization": f"Bearer {args.token}"}
    async with httpx.AsyncClient(base_url=args.url, headers=headers, timeout=120) as client:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        ) as bar:
            task = bar.add_task(f"importing into {args.program}", total=len(rows), completed=progress.sent_rows)
            progress = await send_rows(
                client,
                args.program,
                rows,
                progress,
                state,
                on_batch=lambda n: bar.advance(task, n),
                batch_size=min(max(args.batch, 1), 1000),
            )
    counts = dict(progress.counts)
    counts["rejected"] += len(file_errors)
    rejected = write_error_report(errors, file_errors, progress)
    print(
        f"{args.file.name}: {len(rows) + len(file_errors):,} rows: new {counts['new']:,}, updated {counts['updated']:,}, "
        f"unchanged {counts['unchanged']:,}, rejected {counts['rejected']:,}" + (f" (why, by line: {errors})" if rejected else "")
    )
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main())
