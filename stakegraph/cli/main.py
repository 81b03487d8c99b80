"""The `stakegraph` command: one Typer app with a sub-command per job."""

from __future__ import annotations

import sys

import typer

from stakegraph import __version__
from stakegraph.cli import (
    backup_cmd,
    documents_cmd,
    export_cmd,
    neo4j_cmd,
    person_cmd,
    plot_cmd,
    schema_cmd,
    up_cmd,
)
from stakegraph.cli.analyse_cmd import analyse_command
from stakegraph.cli.console import err_console
from stakegraph.cli.demo_cmd import demo, generate_cmd
from stakegraph.cli.load_cmd import load, template
from stakegraph.cli.query_cmd import query
from stakegraph.cli.report_cmd import report
from stakegraph.cli.serve_cmd import apikey_app, serve
from stakegraph.schema.errors import ErrorCode, StakegraphError

app = typer.Typer(
    name="stakegraph",
    help="A Neo4j knowledge graph of stakeholder engagement: load, query, analyse, serve.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(neo4j_cmd.app, name="neo4j")
app.add_typer(schema_cmd.app, name="schema")
app.command("up")(up_cmd.up)
app.add_typer(plot_cmd.app, name="plot")
app.command("export")(export_cmd.export)
app.command("report")(report)
app.command("analyse")(analyse_command)
app.command("serve")(serve)
app.command("query")(query)
app.add_typer(apikey_app, name="apikey")
app.add_typer(documents_cmd.app, name="documents")
app.command("demo")(demo)
app.command("generate")(generate_cmd)
app.command("load")(load)
app.command("template")(template)
app.add_typer(person_cmd.app, name="person")
app.command("backup")(backup_cmd.backup)
app.command("restore")(backup_cmd.restore)
app.command("fingerprint")(backup_cmd.fingerprint)

_debug = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stakegraph {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
) -> None:
    """stakegraph: stakeholder engagement as a graph."""
    global _debug
    _debug = debug


def run() -> None:
    """Runs the CLI; errors become one clear line and a non-zero exit unless --debug."""
    try:
        # Without standalone mode a command's `raise typer.Exit(n)` comes back as a return value.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("Aborted.")
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the one place every failure turns into one line
        if _debug or "--debug" in sys.argv:
            raise
        code = error_code(exc)
        message = exc.message if isinstance(exc, StakegraphError) else _describe(exc)
        err_console.print(f"[bold red]error:[/bold red] {message}", highlight=False)
        sys.exit(EXIT_STATUS[code])


# The exit status of each sort of failure: 1 the input was refused, 2 the command line is wrong,
# 3 the machine or Neo4j is not ready, 70 a bug (sysexits' EX_SOFTWARE).
EXIT_STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION: 1,
    ErrorCode.NOT_FOUND: 1,
    ErrorCode.CONFLICT: 1,
    ErrorCode.FORBIDDEN: 1,
    ErrorCode.UNTRUSTED_DOCUMENT: 1,
    ErrorCode.USAGE: 2,
    ErrorCode.UNAVAILABLE: 3,
    ErrorCode.RATE_LIMITED: 3,
    ErrorCode.SETUP: 3,
    ErrorCode.INTERNAL: 70,
}


def error_code(exc: BaseException) -> ErrorCode:
    """Returns the sort of failure ``exc`` is: its own code for stakegraph's errors, USAGE for
    the command-line parser's, INTERNAL for anything else (a bug)."""
    if isinstance(exc, StakegraphError):
        return exc.code
    # Typer vendors its own copy of click, so the class is recognised by name.
    if any(cls.__name__ == "UsageError" for cls in type(exc).__mro__):
        return ErrorCode.USAGE
    return ErrorCode.INTERNAL


def _describe(exc: Exception) -> str:
    format_message = getattr(exc, "format_message", None)
    if callable(format_message):
        return str(format_message())
    return f"{type(exc).__name__}: {exc} (run with --debug for the traceback)"
