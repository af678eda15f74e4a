"""The ``realpolitik`` command line.

Commands live in modules of this package, each adding to the one Typer ``app`` (see
:mod:`realpolitik.cli.common`). Bad input never shows a traceback: :func:`main` turns an
InputError into one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

from ..errors import InputError
from . import forecast as _forecast  # noqa: F401  (registers commands)
from . import inspect as _inspect  # noqa: F401
from .common import app

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    try:
        code = app(args=argv, prog_name="realpolitik", standalone_mode=False)
    except InputError as exc:
        print(f"realpolitik: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("realpolitik: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            print("realpolitik: aborted", file=sys.stderr)
            return 130
        raise
    return code if isinstance(code, int) else 0
