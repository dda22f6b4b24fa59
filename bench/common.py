"""Shared plumbing of the benchmarks: a scratch PostgreSQL database, an application server, timing.

Benchmarks are programs, not tests: each prints a JSON result and a Markdown row for
docs/benchmarks.md, and always measures a raw baseline in the same run.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench"


def admin_url(url: str) -> str:
    parsed = urlparse(url)
    return parsed._replace(path="/postgres").geturl()


def recreate_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MOTCUA_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL="0",
        DATABASE_URL=url,
        DATABASE_POOL="1",
        DATABASE_POOL_MAX="8",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    return env


def motcua(*args: str, url: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "motcua"), *args],
        env=server_env(url),
        cwd=ROOT,
        check=check,
        capture_output=True,
        text=True,
    )


SERVERS = ("gunicorn", "granian")


def server_command(server: str, *, workers: int, threads: int, port: int) -> list[str]:
    """The command that serves motcua's WSGI application with ``server``: ``workers``
    processes, each running the application in ``threads`` threads."""
    if server == "granian":
        return [
            str(BIN / "granian"), "--interface", "wsgi", "motcua.wsgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--blocking-threads", str(threads), "--runtime-threads", "1",
            "--respawn-failed-workers", "--log-level", "warning",
        ]  # fmt: skip
    return [
        str(BIN / "gunicorn"), "motcua.wsgi", "-w", str(workers), "-k", "gthread",
        "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--keep-alive", "30",
        "--log-level", "warning",
    ]  # fmt: skip


@contextmanager
def serve(url: str, *, workers: int, threads: int, port: int, server: str = "granian"):
    """Serve motcua on ``port`` with ``server`` for the duration of the block."""
    process = subprocess.Popen(
        server_command(server, workers=workers, threads=threads, port=port),
        env=server_env(url),
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        import http.client

        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"{server} did not start")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(latencies_ms: list[float], seconds: float) -> dict:
    return {
        "count": len(latencies_ms),
        "seconds": round(seconds, 3),
        "per_second": round(len(latencies_ms) / seconds, 1),
        "p50_ms": round(statistics.median(latencies_ms), 2),
        "p99_ms": round(percentile(latencies_ms, 99), 2),
    }


def machine() -> str:
    cores = os.cpu_count()
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    with psycopg.connect(admin_url(DEFAULT_URL)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    python = platform.python_version()
    return f"{platform.machine()}, {cores} cores{memory}, Python {python}, PostgreSQL {pg}"


def report(name: str, result: dict) -> None:
    result = {"benchmark": name, "date": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": machine(), **result}  # fmt: skip
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
