"""Chaos, repeatable: concurrent intake with idempotency keys while a worker dies and PostgreSQL
restarts, then an account of what was acknowledged against what the database holds.

    .venv/bin/python -m bench.chaos [--dossiers 3200] [--clients 8] [--kill-at 4]
                                    [--restart-at 12] [--deadline 150]

Two application processes (granian, two workers each, with --respawn-failed-workers when the
installed granian has it) serve one scratch database (motcua_chaos). Clients, each a process,
register dossiers through both servers in turn, each with its own Idempotency-Key, retrying
the same key (and body) on a connection error or a 5xx until it is acknowledged or the deadline
passes. During the run one worker of the first server is killed with SIGKILL and the PostgreSQL
cluster is restarted (pg_ctlcluster). Then it counts: acknowledged dossiers present, missing,
present but never acknowledged, duplicates (one key, several dossiers), gaps in the daily code
sequences, half-written dossiers (no first event or no components), and runs verify-audit.
Loopback only; bounded in count (--dossiers) and time (--deadline).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import psycopg

from bench.common import (
    BIN,
    ROOT,
    fresh_database_with_tokens,
    motcua,
    report,
    server_command,
    server_env,
)
from bench.intake import dossier_body

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/motcua_chaos"
CODE = re.compile(r"^(?P<unit>.+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def pg_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])
    return versions[-1]


def has_respawn() -> bool:
    help_text = subprocess.run(
        [str(BIN / "granian"), "--help"], capture_output=True, text=True, check=False
    ).stdout
    return "--respawn-failed-workers" in help_text


def start_server(url: str, port: int, *, workers: int, respawn: bool) -> subprocess.Popen:
    command = server_command("granian", workers=workers, threads=4, port=port)
    if respawn and "--respawn-failed-workers" not in command:
        command += ["--respawn-failed-workers", "--respawn-interval", "1"]
    return subprocess.Popen(command, env=server_env(url), cwd=ROOT)


def healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


def wait_healthy(port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if healthy(port):
            return True
        time.sleep(0.3)
    return False


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


def client(args) -> dict:
    """Register ``count`` dossiers, retrying each (same key, same body) until acknowledged."""
    ports, token, count, offset, deadline = args
    acked, lost, refused = [], [], []
    retries = errors_5xx = errors_conn = 0
    conn = None
    for i in range(count):
        key = uuid.uuid4().hex
        body = json.dumps(dossier_body(offset + i))
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        attempt = 0
        while True:
            if time.time() > deadline:
                lost.append(key)
                break
            port = ports[(i + attempt) % len(ports)]
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/api/v1/dossiers", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                conn.close()
            except (OSError, http.client.HTTPException):
                errors_conn += 1
                status, data = None, b""
            else:
                status = response.status
            if status in (200, 201):
                acked.append((key, json.loads(data)["code"], status, attempt))
                break
            if status is not None and status < 500 and status not in (409, 429):
                refused.append((key, status, data[:300].decode(errors="replace")))
                break
            if status is not None:
                errors_5xx += 1
            attempt += 1
            retries += 1
            time.sleep(min(1.0, 0.1 * attempt))
    return {
        "acked": acked,
        "lost": lost,
        "refused": refused,
        "retries": retries,
        "errors_5xx": errors_5xx,
        "errors_connection": errors_conn,
    }


def chaos(server: subprocess.Popen, kill_at: float, restart_at: float, log: dict) -> None:
    start = time.monotonic()
    time.sleep(kill_at)
    workers = children(server.pid)
    if workers:
        os.kill(workers[0], signal.SIGKILL)
        log["killed_worker"] = workers[0]
        log["killed_at_s"] = round(time.monotonic() - start, 1)
    time.sleep(max(0.0, restart_at - (time.monotonic() - start)))
    begun = time.monotonic()
    done = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "restart"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    log["database_restart_at_s"] = round(begun - start, 1)
    log["database_restart_s"] = round(time.monotonic() - begun, 1)
    log["database_restart_ok"] = done.returncode == 0
    if done.returncode:
        log["database_restart_error"] = done.stderr.strip()[-500:]


def account(url: str, results: list[dict]) -> dict:
    acked = [a for r in results for a in r["acked"]]
    lost = [k for r in results for k in r["lost"]]
    keys = [a[0] for a in acked] + lost
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT idempotency_key, code FROM dossiers_dossier WHERE idempotency_key = ANY(%s)",
            (keys,),
        ).fetchall()
        codes = [c for (c,) in conn.execute("SELECT code FROM dossiers_dossier").fetchall()]
        no_event = conn.execute(
            "SELECT COUNT(*) FROM dossiers_dossier d WHERE NOT EXISTS (SELECT 1 FROM "
            "dossiers_dossierevent e WHERE e.dossier_id = d.id AND e.seq = 1)"
        ).fetchone()[0]
        no_component = conn.execute(
            "SELECT COUNT(*) FROM dossiers_dossier d WHERE NOT EXISTS (SELECT 1 FROM "
            "dossiers_dossiercomponent c WHERE c.dossier_id = d.id)"
        ).fetchone()[0]
    by_key: dict[str, list[str]] = defaultdict(list)
    for key, code in rows:
        by_key[key].append(code)
    present = sum(1 for key, code, *_ in acked if code in by_key.get(key, []))
    sequences: dict[tuple[str, str], list[int]] = defaultdict(list)
    for code in codes:
        match = CODE.match(code)
        if match:
            sequences[(match["unit"], match["day"])].append(int(match["seq"]))
    gaps = sum(max(s) - len(set(s)) for s in sequences.values())
    acked_keys = {a[0] for a in acked}
    return {
        "sent": len(keys),
        "acknowledged": len(acked),
        "acknowledged_present": present,
        "acknowledged_missing": len(acked) - present,
        "acknowledged_after_retry": sum(1 for a in acked if a[3] > 0),
        "acknowledged_as_replay": sum(1 for a in acked if a[2] == 200),
        "never_acknowledged": len(lost),
        "present_not_acknowledged": sum(1 for k in by_key if k not in acked_keys),
        "duplicates": sum(len(c) - 1 for c in by_key.values() if len(c) > 1)
        + (len(codes) - len(set(codes))),
        "gaps": gaps,
        "half_written": no_event + no_component,
        "refused": sum(len(r["refused"]) for r in results),
        "refused_examples": [x for r in results for x in r["refused"]][:3],
        "retries": sum(r["retries"] for r in results),
        "answers_5xx": sum(r["errors_5xx"] for r in results),
        "connection_errors": sum(r["errors_connection"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--dossiers", type=int, default=3200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="Workers of each server.")
    parser.add_argument("--ports", default="8771,8772")
    parser.add_argument("--kill-at", type=float, default=4.0)
    parser.add_argument("--restart-at", type=float, default=12.0)
    parser.add_argument("--deadline", type=float, default=150.0)
    args = parser.parse_args()
    if not args.database.startswith("postgres://postgres@127.0.0.1"):
        raise SystemExit("chaos runs on the loopback PostgreSQL only")

    tokens = fresh_database_with_tokens(args.database)
    ports = [int(p) for p in args.ports.split(",")]
    respawn = has_respawn()
    servers = [start_server(args.database, p, workers=args.workers, respawn=respawn) for p in ports]
    log: dict = {}
    try:
        if not all(wait_healthy(p) for p in ports):
            raise SystemExit("the servers did not start")
        per_client = args.dossiers // args.clients
        branches = [f"CN{n:02d}" for n in range(1, 13)]
        deadline = time.time() + args.deadline
        jobs = [
            (ports, tokens[branches[i % 12]], per_client, i * per_client, deadline)
            for i in range(args.clients)
        ]
        monkey = threading.Thread(
            target=chaos, args=(servers[0], args.kill_at, args.restart_at, log)
        )
        start = time.monotonic()
        with multiprocessing.Pool(args.clients) as pool:
            pending = pool.map_async(client, jobs)
            monkey.start()
            results = pending.get()
        seconds = time.monotonic() - start
        monkey.join()
        log["first_server_alive_after"] = servers[0].poll() is None
        log["first_server_answers_after"] = wait_healthy(ports[0], 10)
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    counts = account(args.database, results)
    audit = motcua("verify_audit", url=args.database, check=False)
    report(
        "chaos",
        {
            "command": "python -m bench.chaos "
            + " ".join(
                f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k != "database"
            ),  # fmt: skip
            "servers": f"2 granian × {args.workers} workers"
            + (" with --respawn-failed-workers" if respawn else " (no respawn flag)"),
            "seconds": round(seconds, 1),
            "chaos": log,
            **counts,
            "verify_audit": (audit.stdout + audit.stderr).strip().splitlines()[-1:],
            "verify_audit_ok": audit.returncode == 0,
        },
    )


if __name__ == "__main__":
    main()
