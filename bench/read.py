"""Benchmark: reads of single dossiers through the HTTP API against a raw psycopg baseline.

    .venv/bin/python -m bench.intake          # makes the database, the accounts and tokens
    .venv/bin/python -m bench.fill            # grows it to a million dossiers
    .venv/bin/python -m bench.read [--reads 8000] [--clients 4]

Each client process asks for random dossiers of the whole city, one at a time on a kept-alive
connection, as the Center's director (who sees every dossier) and as a branch officer (whose
scope filters the query). The baseline reads the same rows with psycopg: the dossier with its
procedure, version, regime, sites and agency, and its components.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import subprocess
import time

import psycopg

from bench.common import DEFAULT_URL, ROOT, SERVERS, report, serve, server_env, summary
from bench.intake import run_pool

RAW_SQL = """
SELECT d.*, p.code, p.name, v.number, r.code, s.code, s.name, rs.code, rs.name, a.code, a.name
FROM dossiers_dossier d
JOIN catalog_procedure p ON p.id = d.procedure_id
JOIN catalog_procedureversion v ON v.id = d.procedure_version_id
JOIN dossiers_regime r ON r.id = d.regime_id
JOIN organization_site s ON s.id = d.receiving_site_id
LEFT JOIN organization_site rs ON rs.id = d.return_site_id
JOIN organization_agency a ON a.id = d.competent_agency_id
WHERE d.code = %s
"""


def api_reader(args) -> list[float]:
    port, token, codes = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    latencies = []
    for code in codes:
        start = time.perf_counter()
        conn.request("GET", f"/api/v1/dossiers/{code}", headers=headers)
        response = conn.getresponse()
        data = response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {data[:300]!r}")
    return latencies


def raw_reader(args) -> list[float]:
    url, codes = args
    latencies = []
    with psycopg.connect(url, autocommit=True) as conn:
        for code in codes:
            start = time.perf_counter()
            row = conn.execute(RAW_SQL, (code,)).fetchone()
            conn.execute(
                'SELECT * FROM dossiers_dossiercomponent WHERE dossier_id = %s ORDER BY "order"',
                (row[0],),
            ).fetchall()
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--reads", type=int, default=8000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--server", choices=SERVERS, default="granian")
    args = parser.parse_args()
    tokens = json.loads(
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "bench/prepare.py", "--tokens-only"],
            env=server_env(args.database), cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    rng = random.Random(20261127)
    with psycopg.connect(args.database) as conn:
        total = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
        all_codes = [r[0] for r in conn.execute(
            "SELECT code FROM dossiers_dossier TABLESAMPLE SYSTEM (2)").fetchall()]  # fmt: skip
        cn01 = [r[0] for r in conn.execute(
            "SELECT code FROM dossiers_dossier WHERE code LIKE '000.01.HC.H26-%%' "
            "ORDER BY random() LIMIT 20000").fetchall()]  # fmt: skip
    per_client = args.reads // args.clients

    def sample(codes):
        return [rng.choice(codes) for _ in range(per_client)]

    results = {"dossiers_in_database": total}
    with serve(args.database, workers=args.workers, threads=args.threads, port=args.port,
                  server=args.server):  # fmt: skip
        api_reader((args.port, tokens["director"], sample(all_codes)[:200]))  # warm up
        for name, token, codes in (
            ("api_director", tokens["director"], all_codes),
            ("api_branch_officer", tokens["CN01"], cn01),
        ):
            jobs = [(args.port, token, sample(codes)) for _ in range(args.clients)]
            latencies, seconds = run_pool(api_reader, jobs)
            results[name] = summary(latencies, seconds)
    jobs = [(args.database, sample(all_codes)) for _ in range(args.clients)]
    latencies, seconds = run_pool(raw_reader, jobs)
    results["raw_psycopg"] = summary(latencies, seconds)
    results["ratio"] = round(
        results["api_director"]["per_second"] / results["raw_psycopg"]["per_second"], 3
    )
    results["command"] = "python -m bench.read " + " ".join(
        f"--{k} {v}" for k, v in vars(args).items() if k != "database"
    )
    report("read", results)


if __name__ == "__main__":
    main()
