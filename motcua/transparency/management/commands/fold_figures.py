"""``motcua fold_figures``: bring the transparency figures up to date (or rebuild days)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.transparency.services import (
    FOLD_BATCH,
    figures_fold_all,
    figures_rebuild,
    figures_rebuild_all,
)


class Command(BaseCommand):
    help = (
        "Fold the dossier events, ratings and complaints added since the last run into the "
        "transparency figures. With --rebuild FIRST LAST, recompute those days (Hanoi dates) "
        "from the dossier tables instead, to repair; with --rebuild-all, recompute every day "
        "without folding the new rows one by one: after a bulk load, while nothing else writes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=FOLD_BATCH, help="Rows per transaction.")
        parser.add_argument(
            "--rebuild", nargs=2, metavar=("FIRST", "LAST"), help="e.g. 2026-01-01 2026-12-31"
        )
        parser.add_argument("--rebuild-all", action="store_true", help="After a bulk load.")

    def handle(self, *args, batch: int, rebuild: list[str] | None, rebuild_all: bool, **options):
        if rebuild_all:
            result = figures_rebuild_all()
            if result is None:
                self.stdout.write("Nothing to count.")
            else:
                days = f" ({result.first_day}–{result.last_day})" if result.first_day else ""
                self.stdout.write(
                    f"Rebuilt every day{days}: "
                    f"{result.written} figure rows in {result.seconds:.1f} s."
                )
            return
        if rebuild:
            try:
                first, last = (date.fromisoformat(d) for d in rebuild)
            except ValueError as exc:
                raise CommandError("Give the days as YYYY-MM-DD.") from exc
            result = figures_rebuild(first_day=first, last_day=last)
            self.stdout.write(
                f"Rebuilt {first}–{last}: {result.written} figure rows "
                f"({result.deleted} replaced) in {result.seconds:.1f} s."
            )
            return
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        result = figures_fold_all(limit=batch)
        self.stdout.write(
            f"Folded {result.events} dossier events, {result.ratings} ratings and "
            f"{result.complaints} complaints into {result.figures} figure rows."
        )
