"""The ``realpolitik`` command line.

Commands live in modules of this package, each adding to the one Typer ``app`` (see
:mod:`realpolitik.cli.common`). Bad input never shows a traceback: :func:`main` turns an
InputError into one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

import typer

from ..errors import InputError
from . import deal as _deal  # noqa: F401  (registers commands)
from . import exchanges as _exchanges  # noqa: F401
from . import forecast as _forecast  # noqa: F401
from . import inspect as _inspect  # noqa: F401
from . import ledger as _ledger  # noqa: F401
from . import report as _report  # noqa: F401
from . import simulate as _simulate  # noqa: F401
from . import whatif as _whatif  # noqa: F401
from . import whether as _whether  # noqa: F401
from . import workflow as _workflow  # noqa: F401
from .common import app, in_cli_words

__all__ = ["app", "main"]


def usage_message(exc: Exception) -> str:
    """A usage error (click's, as Typer raises it) as one line, naming the command and
    where its help is."""
    format_message = getattr(exc, "format_message", None)
    text = " ".join((format_message() if format_message else str(exc)).split())
    text = text.replace("Value error, ", "")  # pydantic's prefix, as Typer passes it on
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and getattr(ctx, "command_path", None):
        return f"{ctx.command_path}: {text} (see '{ctx.command_path} --help')"
    return text


def main(argv: list[str] | None = None) -> int:
    try:
        code = app(args=argv, prog_name="realpolitik", standalone_mode=False)
    except InputError as exc:
        print(f"realpolitik: error: {in_cli_words(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("realpolitik: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except typer.Abort:
        print("realpolitik: aborted", file=sys.stderr)
        return 130
    except typer.TyperException as exc:  # usage errors: bad option, bad choice, bad value
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, as asked
            exc.show()  # type: ignore[attr-defined]
        else:
            print(f"realpolitik: error: {usage_message(exc)}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    return code if isinstance(code, int) else 0
