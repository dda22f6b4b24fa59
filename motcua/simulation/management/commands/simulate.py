"""``motcua simulate``: write the history the one-stop mechanism would have produced.

    motcua simulate --from 2026-10-01 --to 2026-11-26 [--scale 0.01] [--seed 2026]
    motcua simulate --from 2025-11-27 --to 2026-11-26 --scale 1 --path bulk --workers 2

One transaction per day; a day already simulated with the same seed and scale is skipped, so
running the same command again after an interruption continues where it stopped. Both paths
write the same rows; ``--path bulk`` writes them directly (COPY on PostgreSQL), for scale.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from motcua.core import clock
from motcua.simulation.bulk import simulation_bulk_run
from motcua.simulation.selectors import simulation_missing, simulation_summary
from motcua.simulation.services import (
    FIRST_DAY,
    MAX_DAYS,
    DayResult,
    expected_weights,
    simulation_run,
)

BAR_WIDTH = 24


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date like 2026-10-01.") from None


def _scale(value: str) -> Decimal:
    try:
        scale = Decimal(value)
    except InvalidOperation:
        raise CommandError(f"--scale {value!r} is not a number.") from None
    if not 0 < scale <= 10 or scale != scale.quantize(Decimal("0.000001")):
        raise CommandError("--scale runs from 0.000001 to 10, with at most 6 decimals.")
    return scale


class Command(BaseCommand):
    help = (
        "Generate dossiers and all their events as the one-stop mechanism would have, from "
        "--from to --to (at most two years, from 2025-01-01, not after today), through the "
        "lifecycle services or, with --path bulk, directly as the rows they would write. "
        "Scale 1.0 is about 20,000 dossiers per working day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--scale", default="0.01", help="1.0 is Hanoi (default 0.01).")
        parser.add_argument("--seed", type=int, default=2026, help="Default 2026.")
        parser.add_argument(
            "--path",
            choices=["services", "bulk"],
            default="services",
            help="services: through the lifecycle services, a few hundred dossiers a second. "
            "bulk: the same rows written directly (COPY on PostgreSQL), for a year at scale 1.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Bulk path on PostgreSQL: processes that plan and write days side by side "
            "(default 2; 0 writes in this process). Ignored on SQLite.",
        )

    def handle(self, *args, start, end, scale, seed, path, workers, verbosity, **options):
        start, end, scale = _day(start), _day(end), _scale(scale)
        if workers is None:
            workers = 2 if connection.vendor == "postgresql" else 0
        if not 0 <= workers <= 16:
            raise CommandError("--workers runs from 0 to 16.")
        if start < FIRST_DAY:
            raise CommandError(f"The simulation starts on {FIRST_DAY.isoformat()} at the earliest.")
        if end < start:
            raise CommandError("--to is before --from.")
        if (end - start).days + 1 > MAX_DAYS:
            raise CommandError(f"A run covers at most two years ({MAX_DAYS} days); split it.")
        if end > clock.today():
            raise CommandError("--to is after today: the simulation writes history.")
        missing = simulation_missing()
        if missing:
            raise CommandError(
                "Missing: " + "; ".join(missing) + ". Run `motcua setup_demo` (demo mode), or "
                "`motcua load_network`, `motcua load_regimes` and `motcua load_catalog`."
            )
        progress = Progress(self.stderr, expected_weights(start, end, scale), verbosity)
        if verbosity:
            how = "through the services" if path == "services" else "on the bulk path"
            if path == "bulk" and workers and connection.vendor == "postgresql":
                how += f", {workers} worker processes"
            self.stderr.write(
                f"Simulating {start.isoformat()} → {end.isoformat()}, scale {scale}, "
                f"seed {seed}, {how}."
            )
        try:
            if path == "bulk":
                result = simulation_bulk_run(
                    start=start, end=end, scale=scale, seed=seed, workers=workers,
                    on_day=progress.day_done,
                )  # fmt: skip
            else:
                result = simulation_run(
                    start=start, end=end, scale=scale, seed=seed, on_day=progress.day_done
                )
        except KeyboardInterrupt:
            progress.finish()
            raise CommandError(
                f"Interrupted: {progress.days} day(s) committed ({progress.dossiers} dossiers); "
                "the days in progress were rolled back. Run the same command to continue.",
                returncode=130,
            ) from None
        progress.finish()
        elapsed = progress.elapsed  # the days' writing, not what follows
        # The summary reads what is committed; on PostgreSQL it reads on a connection of its
        # own while the figures are recomputed (a scan of the period's dossiers: seconds for
        # a year, which the other core has).
        summary = _alongside(simulation_summary, start=start, end=end)
        figures = self._figures(path)
        self._summary(result, elapsed, start, end, summary())
        self.stdout.write(figures)

    def _figures(self, path: str) -> str:
        """Bring the transparency portal's figures up to date with what was just written."""
        from motcua.transparency.services import figures_fold_all, figures_rebuild_all

        began = time.monotonic()
        if path == "bulk":
            # Millions of new events: recomputing every day with GROUP BY beats folding them.
            figures_rebuild_all()
            what = "rebuilt from the dossier tables"
        else:
            figures_fold_all()
            what = "folded"
        took = timedelta(seconds=round(time.monotonic() - began))
        return f"Transparency figures {what} in {took}."

    def _summary(self, result, elapsed: float, start: date, end: date, summary) -> None:
        rate = result.dossiers / elapsed if elapsed else 0.0
        self.stdout.write(
            f"{result.days_done} day(s) simulated, {result.days_skipped} already done; "
            f"{result.dossiers} dossiers in {timedelta(seconds=round(elapsed))} "
            f"({rate:.1f}/s); actions up to {result.until.isoformat(timespec='minutes')}."
        )
        self.stdout.write(f"Dossiers submitted {start.isoformat()} – {end.isoformat()}:")
        for title, counts in summary.tables():
            cells = ", ".join(f"{key} {value}" for key, value in counts)
            self.stdout.write(f"  {title}: {cells}")
        self.stdout.write(
            f"  received outside the competent agency's territory: {summary.outside_share:.1%}"
        )


def _alongside[T](read: Callable[..., T], **kwargs) -> Callable[[], T]:
    """Start ``read(**kwargs)`` in a thread with its own database connection (PostgreSQL,
    outside a transaction: another connection sees the same committed rows), or run it now;
    the function returned gives its result (or raises its error)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        value = read(**kwargs)
        return lambda: value

    def run() -> T:
        try:
            return read(**kwargs)
        finally:
            connection.close()

    pool = ThreadPoolExecutor(1, thread_name_prefix="simulate-summary")
    future = pool.submit(run)
    pool.shutdown(wait=False)
    return future.result


class Progress:
    """A bar on stderr with the rate and the time left, redrawn after each day."""

    def __init__(self, stream, weights: dict[date, float], verbosity: int):
        self.stream, self.weights, self.verbosity = stream, weights, verbosity
        self.stream.style_func = None
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.total = len(weights)
        self.seen = self.days = self.dossiers = 0
        self.done_weight = 0.0
        self.left_weight = sum(weights.values())
        self.drawn = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def day_done(self, report: DayResult) -> None:
        self.seen += 1
        self.left_weight -= self.weights.get(report.day, 0.0)
        if not report.skipped:
            self.days += 1
            self.dossiers += report.dossiers
            self.done_weight += self.weights.get(report.day, 0.0)
        if self.verbosity:
            self._draw(report.day)

    def _draw(self, day: date) -> None:
        elapsed = self.elapsed
        filled = round(BAR_WIDTH * self.seen / max(1, self.total))
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        rate = self.dossiers / elapsed if elapsed else 0.0
        left = "?"
        if self.done_weight > 0:
            seconds = elapsed * max(0.0, self.left_weight) / self.done_weight
            left = str(timedelta(seconds=round(seconds)))
        line = (
            f"[{bar}] {self.seen}/{self.total} days  {self.dossiers} dossiers  "
            f"{rate:.1f}/s  left {left}  {day.isoformat()}"
        )
        if self.tty:
            self.stream.write("\r" + line, ending="")
            self.stream.flush()
            self.drawn = True
        else:
            self.stream.write(line)

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("")
            self.drawn = False
