"""What every govreport command shares at the command-line level: a usage error is one
line on stderr (exit 2), and a reader that closes the pipe early ends the command quietly
(exit 141) instead of as an error."""
from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any, Optional

import typer
import typer.main
from typer.core import TyperGroup

from ..limits import Limits
from ..output import EXIT_PIPE, quiet_closed_pipe

# click's UsageError as typer uses it: recent typer releases carry their own copy of click
UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def usage_line(e: Any) -> str:
    where = e.ctx.command_path if e.ctx is not None else "govreport"
    message = " ".join(e.format_message().split())
    return f"{where}: {message} (see '{where} --help')"


class Group(TyperGroup):
    """The top-level command group (typer.Typer(cls=Group)).

    Commands named in `lazy` (name -> "module:function", listed after the registered ones)
    are built when they run or a help lists them: typer reads a command's whole signature
    to build it, and `govreport extract` should not pay that for every other command."""

    lazy: dict[str, str] = {}

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return [*super().list_commands(ctx), *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: typer.Context, cmd_name: str):  # type: ignore[override]
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, function = self.lazy[cmd_name].split(":")
            one = typer.Typer(add_completion=False)
            one.command(cmd_name)(getattr(importlib.import_module(module), function))
            self.commands[cmd_name] = typer.main.get_command(one)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: typer.Context, args: list[str]):  # type: ignore[override]
        if args and args[0] not in self.commands and args[0] not in self.lazy:
            for name in self.lazy:                     # a typo: "did you mean" looks among every command
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

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


# --limit NAME=N, the same for every command that reads files (extract, validate, batch)
LimitOption = Annotated[Optional[list[str]], typer.Option(
    "--limit", metavar="NAME=N", help="Raise (or lower) a limit on what is read, e.g. file-mb=1024; "
    "limits: " + ", ".join(Limits.names()))]


def parse_limits(settings: list[str] | None) -> Limits:
    """The limits that --limit settings make of the defaults; a bad one is a usage error."""
    limits = Limits()
    for setting in settings or ():
        try:
            limits = limits.with_setting(setting)
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="--limit") from None
    return limits
