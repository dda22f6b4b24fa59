"""Benchmark: one year of Hanoi-scale history (scale 1.0, about 5 million dossiers) written by
the workload generator's bulk path into a fresh PostgreSQL database.

    .venv/bin/python -m bench.year --measure 5     # the phases of 5 working days, one process
    .venv/bin/python -m bench.year                 # the whole year, then verify-audit

The database is dropped and created again, migrated and loaded with the reference data (units,
network, regimes, catalogue) before either run. ``--measure`` plans, computes the rows of and
writes the first N working days one after the other in this process, timing each phase
(planning; rows; COPY and commit) to show where the time goes. The full run is the documented
command, ``motcua simulate --path bulk --workers 2``, timed from the outside; then
``motcua verify-audit`` recomputes every hash chain. Results go to ``var/bench/year*.json``
and a Markdown summary to stdout.

The baseline of the other benchmarks (raw psycopg writing the same rows) is the bulk path
itself here: it is COPY of precomputed rows. The table of the measured phases says how much of
a day is Python (planning, rows) and how much is PostgreSQL (COPY with every index and
constraint of the schema, foreign keys checked at commit).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

from bench.common import BIN, ROOT, machine, motcua, recreate_database, report, server_env

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_s_year"
TABLES = (
    "dossiers_dossier",
    "dossiers_dossierevent",
    "dossiers_handover",
    "dossiers_dossiercomponent",
    "dossiers_dailysequence",
    "simulation_simulatedday",
)


def prepare(url: str) -> float:
    """A fresh database with the schema and the reference data; the seconds it took."""
    began = time.perf_counter()
    recreate_database(url)
    motcua("migrate", "--no-input", "-v", "0", url=url)
    motcua("load_units", "--province", "1", url=url)
    motcua("load_network", url=url)
    motcua("load_regimes", url=url)
    motcua("load_catalog", url=url)
    return time.perf_counter() - began


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` so far (Linux), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Backends:
    """The CPU time of the PostgreSQL backends serving a database, sampled while they live."""

    def __init__(self, url: str):
        self.url, self.seen = url, {}

    def sample(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            me = conn.info.backend_pid
            pids = [p for (p,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            ).fetchall() if p != me]  # fmt: skip
        for pid in pids:
            self.seen[pid] = max(self.seen.get(pid, 0.0), cpu_seconds(pid))

    @property
    def total(self) -> float:
        return sum(self.seen.values())


def sizes(url: str) -> dict:
    with psycopg.connect(url) as conn:
        rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {"rows": rows, "database_bytes": size, "database_gb": round(size / 1024**3, 2)}


def measure(args) -> None:
    """Plan, compute rows and write the first ``args.measure`` working days, timed apart."""
    os.environ.update(server_env(args.database))
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    django.setup()
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from motcua.simulation import bulk, rows
    from motcua.simulation.plan import plan_day
    from motcua.simulation.selectors import book_on, reference_on
    from motcua.simulation.services import (
        simulation_calendar,
        simulation_staff_ensure,
        simulation_until,
        staff_needed,
    )

    scale = Decimal(args.scale)
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    calendar, calendars = simulation_calendar(start, end), {}
    until = simulation_until(end)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    days, day = [], start
    while len(days) < args.measure:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    results = []
    # As bulk_simulate_day does: no cycle collection during a day's work.
    import gc

    gc.disable()
    for day in days:
        cpu_before, pg_before = time.process_time(), cpu_seconds(backend)
        began = time.perf_counter()
        reference = reference_on(day=day)
        plans = plan_day(
            day=day, seed=args.seed, scale=float(scale), sites=reference.sites,
            procedures=reference.procedures, wards=reference.wards, calendar=calendar,
            regime=reference.regime, now=until,
        )  # fmt: skip
        planned = time.perf_counter()
        sites, agencies = staff_needed(plans)
        simulation_staff_ensure(sites=sites, agencies=agencies)
        usernames = [rows.officer_username(s) for s in sites] + [
            rows.agency_username(a, actor) for a in agencies for actor in ("specialist", "leader")
        ]
        book = book_on(day=day, calendar=calendar, usernames=usernames, calendars=calendars)
        ready = time.perf_counter()
        numbers, ids, events = {}, iter(range(1, 10**9)), 0
        for plan in plans:
            unit = book.sites[plan.site].unit_id
            numbers[unit] = numbers.get(unit, 0) + 1
            made = rows.dossier_rows(
                plan, book, dossier_id=next(ids), sequence=numbers[unit], handover_ids=ids,
                written_at=timezone.now(),
            )  # fmt: skip
            events += len(made.events)
        computed = time.perf_counter()
        cpu_python = time.process_time() - cpu_before
        bulk.bulk_write_day(day=day, plans=plans, book=book, seed=args.seed, scale=scale,
                            until=until)  # fmt: skip
        written = time.perf_counter()
        pg_cpu = cpu_seconds(backend) - pg_before
        write = written - computed
        rows_time = computed - ready
        results.append(
            {
                "day": day.isoformat(),
                "dossiers": len(plans),
                "events": events,
                "plan_s": round(planned - began, 2),
                "reference_and_staff_s": round(ready - planned, 2),
                "rows_s": round(rows_time, 2),
                # bulk_write_day computes the rows again, then copies and commits.
                "copy_and_commit_s": round(write - rows_time, 2),
                "python_cpu_s_before_writing": round(cpu_python, 2),
                "postgres_cpu_s": round(pg_cpu, 2),
            }
        )
        print(results[-1], flush=True)
    total = {k: round(sum(r[k] for r in results), 2) for k in results[0] if k != "day"}
    seconds = total["plan_s"] + total["reference_and_staff_s"] + total["rows_s"]
    seconds += total["copy_and_commit_s"]
    total["dossiers_per_s_one_process"] = round(total["dossiers"] / seconds, 1)
    report(f"year-measure-{args.measure}d", {"scale": args.scale, "days": results,
                                             "total": total, **sizes(args.database)})  # fmt: skip
    print("\n| phase | seconds | share |\n|---|---|---|")
    for key in ("plan_s", "reference_and_staff_s", "rows_s", "copy_and_commit_s"):
        print(f"| {key} | {total[key]} | {total[key] / seconds:.0%} |")


def full(args) -> None:
    """The documented command over the whole range, timed; then verify-audit and sizes."""
    command = [
        str(BIN / "motcua"), "simulate", "--from", args.start, "--to", args.end,
        "--scale", args.scale, "--seed", str(args.seed), "--path", "bulk",
        "--workers", str(args.workers),
    ]  # fmt: skip
    log = ROOT / "var" / "bench" / "year-simulate.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    backends, python = Backends(args.database), {}
    began = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=server_env(args.database), cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        while process.poll() is None:
            time.sleep(5)
            backends.sample()
            for pid in [process.pid, *children(process.pid)]:
                python[pid] = max(python.get(pid, 0.0), cpu_seconds(pid))
    wall = time.perf_counter() - began
    verified = time.perf_counter()
    audit = motcua("verify_audit", url=args.database, check=False)
    audit_s = time.perf_counter() - verified
    found = sizes(args.database)
    dossiers = found["rows"]["dossiers_dossier"]
    result = {
        "command": " ".join(command[1:]),
        "scale": args.scale,
        "from": args.start,
        "to": args.end,
        "workers": args.workers,
        "returncode": process.returncode,
        "wall_s": round(wall, 1),
        # CPU seconds: what the load costs whatever else runs on the machine; half of the sum
        # is the wall time two idle cores would need at best.
        "python_cpu_s": round(sum(python.values()), 1),
        "postgres_cpu_s": round(backends.total, 1),
        "load_average_at_end": os.getloadavg(),
        "dossiers_per_s": round(dossiers / wall, 1),
        "verify_audit": (audit.stdout + audit.stderr).strip().splitlines()[-1:],
        "verify_audit_s": round(audit_s, 1),
        "log": str(log.relative_to(ROOT)),
        **found,
    }
    report("year", result)
    print(
        "\n| wall | dossiers | dossiers/s | events | database | verify-audit |\n"
        "|---|---|---|---|---|---|\n"
        f"| {wall / 60:.1f} min | {dossiers:,} | {dossiers / wall:,.0f} | "
        f"{found['rows']['dossiers_dossierevent']:,} | {found['database_gb']} GB | "
        f"{'passed' if audit.returncode == 0 else 'FAILED'} in {audit_s / 60:.1f} min |"
    )


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--from", dest="start", default="2025-11-27")
    parser.add_argument("--to", dest="end", default="2026-11-26")
    parser.add_argument("--scale", default="1.0")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--measure", type=int, default=0, help="Working days to time apart.")
    parser.add_argument("--keep", action="store_true", help="Do not recreate the database.")
    args = parser.parse_args()
    if not args.keep:
        print(f"prepared in {prepare(args.database):.0f} s; {machine()}", flush=True)
    if args.measure:
        measure(args)
    else:
        full(args)


if __name__ == "__main__":
    main()
