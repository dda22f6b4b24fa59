"""Fill the benchmark database with N dossiers by COPY, cloned from dossiers the API made.

    .venv/bin/python -m bench.fill --dossiers 1000000

A stand-in until the workload generator (its own issue) loads realistic data: the clones copy
the shape of real rows (every column, two components and one event each) under unique codes
spread over the twelve branches and the past year, so that indexes and tables have the size a
year of Hanoi brings. They are not a realistic mix, and their audit hashes are not chained.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, date, datetime, timedelta

import psycopg
from psycopg.types.json import Jsonb

from bench.common import DEFAULT_URL

BRANCH_UNITS = [f"000.{n:02d}.HC.H26" for n in range(1, 13)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    start = time.perf_counter()
    with psycopg.connect(args.database) as conn:
        conn.row_factory = psycopg.rows.dict_row
        template = conn.execute(
            "SELECT * FROM dossiers_dossier ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if template is None:
            raise SystemExit("Run bench/intake.py first: the clones copy a dossier it made.")
        sites = {
            r["unit_id"]: r["id"]
            for r in conn.execute(
                "SELECT unit_id, id FROM organization_site WHERE unit_id = ANY(%s)",
                (BRANCH_UNITS,),
            ).fetchall()
        }
        first_id = conn.execute(
            "SELECT coalesce(max(id), 0) + 1 AS n FROM dossiers_dossier"
        ).fetchone()["n"]
        columns = [c for c in template if c != "id"]
        per_day_unit = max(1, args.dossiers // (args.days * len(BRANCH_UNITS)) + 1)
        today = date.today()
        made = 0
        with conn.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
            with cur.copy(
                f"COPY dossiers_dossier (id, {', '.join(columns)}) FROM STDIN"  # noqa: S608
            ) as copy:
                for day_index in range(args.days):
                    day = today - timedelta(days=day_index + 1)
                    for unit in BRANCH_UNITS:
                        for seq in range(1, per_day_unit + 1):
                            if made >= args.dossiers:
                                break
                            row = dict(template)
                            moment = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
                            moment += timedelta(seconds=seq * 7)
                            row.update(
                                id=first_id + made,
                                code=f"{unit}-{day:%y%m%d}-{seq:04d}",
                                receiving_site_id=sites[unit],
                                custodian_site_id=sites[unit],
                                submitted_at=moment,
                                deemed_received_at=moment,
                                due_at=moment + timedelta(days=3),
                                original_due_at=moment + timedelta(days=3),
                                created_at=moment,
                                updated_at=moment,
                                idempotency_key="",
                                applicant_name=f"Nguyễn Văn Mẫu {made}",
                            )
                            copy.write_row(
                                [row["id"]]
                                + [Jsonb(row[c]) if isinstance(row[c], dict) else row[c]
                                   for c in columns]
                            )  # fmt: skip
                            made += 1
            last_id = first_id + made - 1
            print(f"dossiers: {made} in {time.perf_counter() - start:.0f} s", flush=True)
            cur.execute(
                'INSERT INTO dossiers_dossiercomponent (dossier_id, "order", name, originals, '
                "certified_copies, copies, received, file, sha256, content_type) "
                "SELECT d.id, o, 'Thành phần ' || o, 1, 0, 0, true, '', '', '' "
                "FROM dossiers_dossier d, generate_series(1, 2) o WHERE d.id BETWEEN %s AND %s",
                (first_id, last_id),
            )
            cur.execute(
                "INSERT INTO dossiers_dossierevent (dossier_id, seq, action, actor_name, at, "
                "from_status, to_status, payload, prev_hash, hash) "
                "SELECT d.id, 1, 'receive', '', d.submitted_at, '', 'received', %s, %s, "
                "md5(d.code) || md5(d.code || 'x') FROM dossiers_dossier d "
                "WHERE d.id BETWEEN %s AND %s",
                (json.dumps({"channel": "in_person"}), "0" * 64, first_id, last_id),
            )
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), %s)", (last_id,)
            )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE dossiers_dossier")
        conn.execute("VACUUM ANALYZE dossiers_dossiercomponent")
        conn.execute("VACUUM ANALYZE dossiers_dossierevent")
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database())) AS s")
        print(f"filled {made} dossiers in {time.perf_counter() - start:.0f} s; "
              f"database {size.fetchone()['s']}")  # fmt: skip


if __name__ == "__main__":
    main()
