"""`stakegraph person export|erase`: a person's personal-data rights (see docs/privacy.md)."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from stakegraph.cli.console import console, err_console, graph_db
from stakegraph.schema.errors import StakegraphError

app = typer.Typer(
    help="Export everything held on a person, or erase their personal data (both audited).",
    no_args_is_help=True,
)

ActorOption = Annotated[
    str | None,
    typer.Option("--actor", help="Who is doing this, for the audit trail (default: OS user)."),
]


def _actor(actor: str | None) -> str:
    if actor is not None and actor.strip():
        return actor.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"


@app.command("export")
def export(
    ident: Annotated[str, typer.Argument(metavar="ID", help="The person's stakeholder id.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the JSON here (default: stdout).")
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Write everything held on a person as JSON, and record the export in the audit trail."""
    from stakegraph.queries.privacy import export_person

    if out is not None and not out.parent.is_dir():
        raise StakegraphError(f"cannot write {out}: folder {out.parent} does not exist")
    with graph_db() as db:
        document = export_person(db, ident, _actor(actor))
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    err_console.print(f"Exported {ident} to {out} (recorded in the audit trail).",
                      highlight=False)


@app.command("erase")
def erase(
    ident: Annotated[str, typer.Argument(metavar="ID", help="The person's stakeholder id.")],
    actor: ActorOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person's personal data, keep their anonymised engagement history, and record
    the erasure in the audit trail. Running it again is harmless."""
    from stakegraph.queries.privacy import erase_person

    if not yes:
        if not sys.stdin.isatty():
            raise StakegraphError("erasing cannot be undone: add --yes to confirm")
        typer.confirm(f"Erase the personal data of {ident}? This cannot be undone", abort=True)
    with graph_db() as db:
        done = erase_person(db, ident, _actor(actor))
    if done.changed:
        removed = ", ".join(done.removed) or "no personal properties"
        console.print(
            f"Erased {ident}: removed {removed}; name now {done.pseudonym!r}; free text removed "
            f"from {done.ties_cleared} ties and {done.assessments_cleared} assessments.",
            highlight=False,
        )
    else:
        console.print(f"Nothing personal left to erase for {ident}.", highlight=False)
    console.print(
        f"Kept {done.ties} ties, {done.participations} participations, {done.memberships} "
        f"memberships, {done.assessments} assessments, {done.scores} scores. "
        f"Audit event {done.audit_event['id']}.",
        highlight=False,
    )
