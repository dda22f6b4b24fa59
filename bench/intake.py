"""Benchmark: dossier intake through the HTTP API against a raw psycopg baseline (PostgreSQL).

    .venv/bin/python bench/intake.py [--dossiers 6000] [--clients 12] [--workers 3 --threads 4]

Both sides write the same rows per dossier in one transaction each: the daily sequence, the
dossier, its components, its first audit event (with its hash) and the background task that
will write and send the notifications (an outbox row, committed with the dossier). The API
side also authenticates, validates, resolves the agency and computes the deadlines; that
difference is what the ratio measures. Clients run as separate processes, each keeping one
HTTP connection (or one database connection) open, spread over the twelve branches as a
city-wide rush would be.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import multiprocessing
import time
import uuid
from datetime import UTC, datetime

import psycopg

from bench.common import (
    DEFAULT_URL,
    ROOT,
    SERVERS,
    recreate_database,
    report,
    serve,
    server_env,
    summary,
)

PROCEDURE = "2.000815"  # certified copies from originals: the most common counter dossier
WARD = "00004"  # phường Ba Đình


def dossier_body(n: int) -> dict:
    return {
        "procedure": PROCEDURE,
        "applicant": {
            "name": f"Nguyễn Văn Thử {n}",
            "id_number": "001085012345",
            "phone": "0912345678",
            "address": "Số 1 phố Điện Biên Phủ, phường Ba Đình, Hà Nội",
            "unit": WARD,
        },
        "return_method": "site",
        "return_site": "CN01",
        "fee_paid": 2000,
        "payment_method": "cash",
    }


def api_client(args) -> list[float]:
    port, token, count, offset = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies = []
    for i in range(count):
        body = json.dumps(dossier_body(offset + i))
        headers["Idempotency-Key"] = uuid.uuid4().hex
        start = time.perf_counter()
        conn.request("POST", "/api/v1/dossiers", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status != 201:
            raise RuntimeError(f"{response.status}: {data[:500]!r}")
    conn.close()
    return latencies


def raw_client(args) -> list[float]:
    """Write the same rows with psycopg alone: no HTTP, no Django, no validation."""
    url, template, count, offset = args
    latencies = []
    with psycopg.connect(url) as conn:
        for i in range(count):
            start = time.perf_counter()
            with conn.transaction():
                now = datetime.now(UTC)
                unit_id = template["unit_id"]
                (seq,) = conn.execute(
                    "INSERT INTO dossiers_dailysequence (unit_id, day, last) VALUES (%s, %s, 1) "
                    "ON CONFLICT (unit_id, day) DO UPDATE "
                    "SET last = dossiers_dailysequence.last + 1 RETURNING last",
                    (unit_id, template["day"]),
                ).fetchone()
                code = f"{unit_id}-{template['yymmdd']}-{seq:04d}"
                row = dict(template["dossier"], code=code, submitted_at=now, created_at=now,
                           updated_at=now, applicant_name=f"Nguyễn Văn Thử {offset + i}",
                           idempotency_key=uuid.uuid4().hex)  # fmt: skip
                columns = ", ".join(row)
                marks = ", ".join(["%s"] * len(row))
                (dossier_id,) = conn.execute(
                    f"INSERT INTO dossiers_dossier ({columns}) VALUES ({marks}) RETURNING id",  # noqa: S608
                    list(row.values()),
                ).fetchone()
                components = template["components"]
                conn.execute(
                    'INSERT INTO dossiers_dossiercomponent (dossier_id, "order", name, '
                    "originals, certified_copies, copies, received, file, sha256, "
                    "content_type) VALUES "
                    + ", ".join(["(%s, %s, %s, 1, 0, 0, true, '', '', '')"] * len(components)),
                    [v for order, name in components for v in (dossier_id, order, name)],
                )
                # The first event of a new dossier: nothing to read before it.
                prev = "0" * 64
                payload = json.dumps({"channel": "in_person", "code": code})
                digest = hashlib.sha256(f"{prev}{code}{payload}{now}".encode()).hexdigest()
                conn.execute(
                    "INSERT INTO dossiers_dossierevent (dossier_id, seq, action, actor_id, "
                    "actor_name, site_id, at, from_status, to_status, payload, prev_hash, hash) "
                    "VALUES (%s, 1, 'receive', %s, '', %s, %s, '', 'received', %s, %s, %s)",
                    (dossier_id, template["dossier"]["created_by_id"],
                     template["dossier"]["receiving_site_id"], now, payload, prev, digest),
                )  # fmt: skip
                conn.execute(template["task_sql"], template["task_params"](now))
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def run_pool(func, jobs) -> tuple[list[float], float]:
    with multiprocessing.Pool(len(jobs)) as pool:
        start = time.perf_counter()
        results = pool.map(func, jobs)
        seconds = time.perf_counter() - start
    return [ms for batch in results for ms in batch], seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--dossiers", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server", choices=SERVERS, default="granian")
    args = parser.parse_args()

    import subprocess

    from bench.common import motcua

    recreate_database(args.database)
    motcua("migrate", "--no-input", "-v", "0", url=args.database)
    tokens = json.loads(
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "bench/prepare.py"],
            env=server_env(args.database), cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    per_client = args.dossiers // args.clients
    branches = [f"CN{n:02d}" for n in range(1, 13)]

    with serve(args.database, workers=args.workers, threads=args.threads, port=args.port,
                  server=args.server):  # fmt: skip
        # Warm up every worker (imports, pools, calendars) before measuring.
        api_client((args.port, tokens["CN01"], 30, 10_000_000))
        jobs = [
            (args.port, tokens[branches[i % 12]], per_client, i * per_client)
            for i in range(args.clients)
        ]
        api_latencies, api_seconds = run_pool(api_client, jobs)

    template = raw_template(args.database)
    raw_jobs = [(args.database, template_for(template, i), per_client, i * per_client)
                for i in range(args.clients)]  # fmt: skip
    raw_latencies, raw_seconds = run_pool(raw_client, raw_jobs)

    api, raw = summary(api_latencies, api_seconds), summary(raw_latencies, raw_seconds)
    report(
        "intake",
        {
            "command": "python bench/intake.py "
            + " ".join(f"--{k} {v}" for k, v in vars(args).items() if k != "database"),
            "api": api,
            "raw_psycopg": raw,
            "ratio": round(api["per_second"] / raw["per_second"], 3),
        },
    )


def raw_template(url: str) -> dict:
    """A dossier row written by the API, to copy its columns in the raw baseline."""
    with psycopg.connect(url) as conn:
        conn.row_factory = psycopg.rows.dict_row
        row = conn.execute("SELECT * FROM dossiers_dossier ORDER BY id DESC LIMIT 1").fetchone()
        components = conn.execute(
            'SELECT "order", name FROM dossiers_dossiercomponent WHERE dossier_id = %s',
            (row["id"],),
        ).fetchall()
        task = conn.execute(
            "SELECT * FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at DESC LIMIT 1"
        ).fetchone()
    for key in ("id", "code", "submitted_at", "created_at", "updated_at", "idempotency_key"):
        row.pop(key)
    return {"dossier": row, "components": [(c["order"], c["name"]) for c in components],
            "task": task}  # fmt: skip


def template_for(template: dict, index: int) -> dict:
    from datetime import date

    site_ids = template["dossier"]["receiving_site_id"]
    dossier = dict(template["dossier"], receiving_site_id=site_ids)
    for key, value in list(dossier.items()):
        if isinstance(value, dict | list):
            dossier[key] = psycopg.types.json.Jsonb(value)
    task = dict(template["task"])
    task.pop("id")
    columns = list(task)
    task_sql = (
        f"INSERT INTO django_tasks_database_dbtaskresult ({', '.join(columns)}, id) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}, gen_random_uuid())"
    )
    values = [psycopg.types.json.Jsonb(v) if isinstance(v, dict | list) else v
              for v in task.values()]  # fmt: skip
    today = date.today()
    return {
        "dossier": dossier,
        "components": template["components"],
        "unit_id": f"RAW.{index:02d}.HC.H26",
        "day": today,
        "yymmdd": f"{today:%y%m%d}",
        "task_sql": task_sql,
        "task_params": _TaskParams(values, columns),
    }


class _TaskParams:
    """Picklable: the task row's values with fresh timestamps."""

    def __init__(self, values, columns):
        self.values, self.columns = values, columns

    def __call__(self, now):
        return [now if c in ("enqueued_at", "run_after") and v is not None else v
                for c, v in zip(self.columns, self.values, strict=True)]  # fmt: skip


if __name__ == "__main__":
    main()
