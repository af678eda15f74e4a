"""The one error type for bad input.

Every reader, validator and CLI parameter parser raises :class:`InputError`, which says
which file, where in it (a line, or a field path), what was wrong and what is allowed.
The CLI prints ``str(error)`` as one line on stderr and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad input: names the source, the place in it, the problem and what is allowed."""

    def __init__(
        self,
        problem: str,
        *,
        source: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        allowed: str | None = None,
    ) -> None:
        self.problem = problem
        self.source = str(source) if source is not None else None
        self.line = line
        self.field = field
        self.allowed = allowed
        # every problem found, where a validator reports more than one (this one first)
        self.problems: tuple[InputError, ...] = (self,)
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.source:
            where.append(self.source if self.line is None else f"{self.source}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(self.field)
        text = ": ".join([*where, self.problem])
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return " ".join(text.split())

    def located(
        self,
        *,
        source: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> InputError:
        """A copy with missing location details filled in."""
        return InputError(
            self.problem,
            source=self.source or (str(source) if source is not None else None),
            line=self.line if self.line is not None else line,
            field=self.field or field,
            allowed=self.allowed,
        )


# Scenario files larger than this are refused before parsing: the biggest real
# scenarios (DEU-sized, 1,000 actors × 20 issues with evidence) stay far below it.
MAX_INPUT_BYTES = 32 * 1024 * 1024


def read_bytes(path: str | Path, *, max_bytes: int | None = None) -> bytes:
    """A file's bytes, refusing missing files, directories and oversized files."""
    max_bytes = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", source=p)
    if p.is_dir():
        raise InputError("is a directory, not a file", source=p)
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"file is {size:,} bytes, too large to be a scenario",
            source=p,
            allowed=f"at most {max_bytes:,} bytes",
        )
    return p.read_bytes()


def read_text(path: str | Path, *, max_bytes: int | None = None,
              fallback_encodings: tuple[str, ...] = ()) -> str:
    """Read a UTF-8 text file, refusing binaries, bad encodings and oversized files.

    ``fallback_encodings`` are tried in turn when the bytes are not UTF-8 (some tools write
    cp1252)."""
    p = Path(path)
    data = read_bytes(p, max_bytes=max_bytes)
    if b"\x00" in data[:8192]:
        raise InputError("not a text file (binary content)", source=p, allowed="UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        for encoding in fallback_encodings:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        line = data[: exc.start].count(b"\n") + 1
        allowed = ", ".join(("UTF-8", *fallback_encodings)) + " text"
        raise InputError(
            f"not valid UTF-8 text (byte {exc.start})", source=p, line=line, allowed=allowed
        ) from None
