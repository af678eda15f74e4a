"""The one Numba decorator of the compiled kernels: where their machine code is cached, and
when Numba's parallel backend starts.

Where the cache lives. Numba looks, in turn, in ``NUMBA_CACHE_DIR``, the package's own
``__pycache__`` and the user's cache directory (``~/.cache/numba``); when none of them is
writable (a read-only install run by a user without a writable home) it refuses to define
the function at all ("cannot cache function …: no locator available"), which would make the
package unimportable. :func:`kernel` then caches in a private per-user directory under the
temporary directory (``realpolitik-numba-<uid>``, mode 0700, used only when it is owned by
the user and writable by nobody else, since cache files are unpickled on load), and failing
that compiles without a cache.

When the parallel backend starts. Numba starts its thread pool from a hook recorded with a
``parallel=True`` function's cache entry. A serial function that calls one records the hook
too, but only when its callee was compiled in the same process: if the callee was loaded
from the cache, the caller's entry is written without the hook (Numba issues #8578,
#9938). Loading that entry in a later process and calling it then jumps into a thread pool
that was never started: a segmentation fault. (SMP's ``run_batch`` was written that way
whenever ``forecast`` had cached ``run`` first.) A module whose serial kernels call
parallel ones therefore calls :func:`start_parallel_backend` at import, before any cache
entry is loaded.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from typing import Any, ClassVar

import numba


def start_parallel_backend() -> None:
    """Start Numba's thread pool now (idempotent; what Numba's own reload hook does)."""
    numba.get_num_threads()


def fallback_dir() -> str | None:
    """The private per-user cache directory, created if need be, or None when it cannot be
    trusted (not a directory, someone else's, writable by others) or written."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    owner = "user" if uid is None else str(uid)
    path = os.path.join(tempfile.gettempdir(), f"realpolitik-numba-{owner}")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode) or st.st_mode & 0o022:
            return None
        if uid is not None and st.st_uid != uid:
            return None
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return None
    return path


def _fallback_cache(py_func: Callable[..., Any], directory: str) -> Any:
    """A Numba function cache in ``directory`` (Numba's user-wide locator, moved)."""
    from numba.core import caching

    wide = getattr(caching, "UserWideCacheLocator", None) or caching._UserWideCacheLocator
    impl = getattr(caching, "CompileResultCacheImpl", None) or caching._CacheImpl

    class Locator(wide):  # type: ignore[misc, valid-type]
        def __init__(self, func: Callable[..., Any], py_file: str) -> None:
            super().__init__(func, py_file)
            self._cache_path = os.path.join(directory, self.get_suitable_cache_subpath(py_file))

    class Impl(impl):  # type: ignore[misc, valid-type]
        _locator_classes: ClassVar[list[type]] = [Locator]

    class Cache(caching.FunctionCache):
        _impl_class = Impl

    return Cache(py_func)


def _enable_cache(dispatcher: Any) -> None:
    try:
        dispatcher.enable_caching()
        return
    except RuntimeError as exc:
        if "no locator" not in str(exc):
            raise
    directory = fallback_dir()
    if directory is None:
        return  # compiled in every process: slower, still correct
    try:
        dispatcher._cache = _fallback_cache(dispatcher.py_func, directory)
    except Exception:  # another Numba's internals: compile without a cache
        return


def cached(dispatcher: Any) -> bool | None:
    """Whether the next call of a kernel loads machine code rather than compiling it: it
    was compiled in this process, or Numba's disk cache holds an entry for its current
    source (any signature: the kernels are called with one). None: no disk cache."""
    if numba.config.DISABLE_JIT or dispatcher.overloads:
        return True
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if cache_file is None:
        return None
    try:
        return bool(cache_file._load_index())  # {} when absent, stale or another version
    except Exception:  # an unreadable index: Numba recompiles, so say so
        return False


def kernel(func: Callable[..., Any] | None = None, **options: Any) -> Any:
    """``numba.njit(cache=True, **options)``, caching where it can (see the module text).
    Use as ``@kernel``, ``@kernel()`` or ``@kernel(parallel=True)``."""

    def wrap(f: Callable[..., Any]) -> Any:
        dispatcher = numba.njit(**options)(f)
        if numba.config.DISABLE_JIT:  # NUMBA_DISABLE_JIT=1: njit gave the plain function
            return dispatcher
        _enable_cache(dispatcher)
        return dispatcher

    return wrap(func) if func is not None else wrap
