"""Reading and writing scenarios in every supported format."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import InputError, read_bytes, read_text
from ..scenario import Scenario
from .registry import Reader, Writer, reader_named, readers, suffix_of, writers

__all__ = ["Reader", "Writer", "atomic_write", "check_output", "read", "readers", "write",
           "writers"]


def read(path: str | Path, *, fmt: str | None = None, **options: object) -> Scenario:
    """Read a scenario file; the format is chosen by ``fmt`` or by suffix and content."""
    if fmt is not None:
        reader = reader_named(fmt)
        if reader is None:
            raise InputError(f"unknown input format '{fmt}'", source=path,
                             allowed=", ".join(r.name for r in readers()))
        data = read_bytes(path) if reader.binary else \
            read_text(path, fallback_encodings=reader.encodings)
        return reader.read(data, path, **options)
    suffix = suffix_of(path)
    candidates = [r for r in readers() if suffix in r.suffixes]
    if candidates and all(r.binary for r in candidates):
        data = read_bytes(path)
        for reader in candidates:
            if reader.sniff(data) or len(candidates) == 1:
                return reader.read(data, path, **options)
    encodings = tuple(dict.fromkeys(e for r in candidates for e in r.encodings))
    text = read_text(path, fallback_encodings=encodings)
    if not candidates:
        known = sorted({s for r in readers() for s in r.suffixes})
        raise InputError(f"unrecognised file type '{suffix or '(none)'}'", source=path,
                         allowed=", ".join(known))
    for reader in candidates:
        if reader.sniff(text):
            return reader.read(text, path, **options)
    if len(candidates) == 1:  # let the one reader say what is wrong
        return candidates[0].read(text, path, **options)
    names = ", ".join(r.name for r in candidates)
    raise InputError(f"the content matches no known {suffix} format", source=path,
                     allowed=f"{names} (or name the format: fmt)")


def check_output(path: str | Path, field: str = "path") -> Path:
    """Refuse an output path that cannot be written as a new or replaced file: a directory,
    a file in a directory that does not exist (it is not created), an unwritable place."""
    target = Path(path)
    allowed = "a file in an existing, writable directory"
    if target.is_dir():
        raise InputError("is a directory, not a file", source=target, field=field,
                         allowed=allowed)
    parent = target.parent
    if not parent.exists():
        raise InputError(f"directory '{parent}' does not exist", source=target, field=field,
                         allowed=f"{allowed}; create the directory first")
    if not parent.is_dir():
        raise InputError(f"'{parent}' is not a directory", source=target, field=field,
                         allowed=allowed)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"directory '{parent}' is not writable", source=target, field=field,
                         allowed=allowed)
    return target


def atomic_write(path: str | Path, text: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename."""
    target = check_output(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", source=target, field="path",
                         allowed="a file in an existing, writable directory") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", source=target, field="path",
                         allowed="a file in an existing, writable directory") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def dumps(scenario: Scenario, path: str | Path, *, fmt: str | None = None) -> str | bytes:
    """The text of ``scenario`` in the format named by ``fmt`` or by ``path``'s suffix."""
    suffix = suffix_of(path)
    for writer in writers():
        if (fmt is not None and writer.name == fmt) or (fmt is None and suffix in writer.suffixes):
            return writer.dump(scenario)
    names = ", ".join(w.name for w in writers())
    suffixes = " ".join(s for w in writers() for s in w.suffixes)
    allowed = f"a format name ({names}) or a file suffix ({suffixes})"
    raise InputError(f"no writer for {fmt or suffix or 'this file'}", source=path, allowed=allowed)


def write(scenario: Scenario, path: str | Path, *, fmt: str | None = None) -> None:
    """Write ``scenario`` atomically in the format named by ``fmt`` or by the suffix."""
    atomic_write(path, dumps(scenario, path, fmt=fmt))
