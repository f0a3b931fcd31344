"""What every govreport command shares at the command-line level: a usage error is one
line on stderr (exit 2), and a reader that closes the pipe early ends the command quietly
(exit 141) instead of as an error."""
from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from ..output import EXIT_PIPE, quiet_closed_pipe

# click's UsageError as typer uses it: recent typer releases carry their own copy of click
UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def usage_line(e: Any) -> str:
    where = e.ctx.command_path if e.ctx is not None else "govreport"
    message = " ".join(e.format_message().split())
    return f"{where}: {message} (see '{where} --help')"


class Group(TyperGroup):
    """The top-level command group (typer.Typer(cls=Group))."""

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            try:
                return super().invoke(ctx)
            finally:
                if not sys.stdout.closed:
                    sys.stdout.flush()                 # EPIPE surfaces here, not at interpreter exit
        except BrokenPipeError:
            quiet_closed_pipe()
            raise typer.Exit(EXIT_PIPE) from None
        except UsageError as e:
            if type(e).__name__ == "NoArgsIsHelpError":  # click >= 8.2: a bare command prints its help
                raise
            sys.stderr.write(usage_line(e) + "\n")
            raise typer.Exit(2) from None


def stdout_console(**kwargs):
    """A rich Console on stdout that lets a closed pipe reach Group (rich's own handling
    exits with 1, the code of "error findings")."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _Console(**kwargs)
