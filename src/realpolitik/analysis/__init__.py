"""Analyses over scenarios and models: uncertainty, what-ifs, timeline and backtests."""

from collections.abc import Callable

# ``progress(done, total)``: what a long analysis calls as it goes (the command line draws
# a bar from it; nothing below the command line prints). A total may change between calls.
Progress = Callable[[int, int], None]

TICKS = 1000


class Steps:
    """One ``progress`` shared by parts of a piece of work, each weighted by its expected
    cost (a model run 1, a Monte Carlo run its draws / 250, ...): the caller sees
    ``(ticks done, 1000)``. ``progress`` None: every call does nothing."""

    def __init__(self, progress: Progress | None, weights: list[float]) -> None:
        self.progress = progress
        total = sum(weights) or 1.0
        self.starts = [sum(weights[:k]) / total for k in range(len(weights))]
        self.shares = [w / total for w in weights]
        if progress is not None:
            progress(0, TICKS)

    def part(self, k: int) -> Progress | None:
        """The callback for part ``k`` (its own done/total), or None with no progress."""
        if self.progress is None:
            return None
        report = self.progress

        def update(done: int, total: int) -> None:
            fraction = done / total if total else 1.0
            report(round(TICKS * (self.starts[k] + self.shares[k] * fraction)), TICKS)

        return update

    def done(self, k: int) -> None:
        """Part ``k`` is finished."""
        update = self.part(k)
        if update is not None:
            update(1, 1)
