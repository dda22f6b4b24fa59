"""The server as docs/deployment.md starts it survives the loss of one worker (before: a
kill -9 of one granian worker shut the whole server down, about 12 s of outage)."""

from __future__ import annotations

import http.client
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def documented_command() -> list[str]:
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    found = re.search(r"^(granian .*?)(?<!\\)$", text, flags=re.MULTILINE | re.DOTALL)
    assert found, "docs/deployment.md names no granian command"
    return shlex.split(found.group(1).replace("\\\n", " "))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def healthz(port: int) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    except OSError:
        return None


def test_the_documented_granian_command_respawns_a_killed_worker(tmp_path):
    command = documented_command()
    assert "--respawn-failed-workers" in command
    port = free_port()
    command[command.index("--port") + 1] = str(port)
    command[0] = str(BIN / "granian")
    env = {
        **os.environ,
        "MOTCUA_ENV": "development",
        "DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MOTCUA_VAR_DIR": str(tmp_path),
        "GRANIAN_RESPAWN_INTERVAL": "0.5",
    }
    server = subprocess.Popen(
        [*command, "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while healthz(port) != 200 or len(children(server.pid)) < 2:
            assert server.poll() is None and time.monotonic() < deadline, "granian did not start"
            time.sleep(0.3)
        workers = children(server.pid)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        answers = []
        for _ in range(20):
            answers.append(healthz(port))
            time.sleep(0.25)
        assert server.poll() is None, "granian stopped after losing one worker"
        assert answers.count(200) >= 18, answers
        deadline = time.monotonic() + 30
        while len(children(server.pid) - {victim}) < 2:
            assert time.monotonic() < deadline, "the killed worker was not replaced"
            time.sleep(0.3)
        assert healthz(port) == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.mark.parametrize("flag", ["--respawn-failed-workers"])
def test_the_benchmarks_start_granian_the_same_way(flag):
    from bench.common import server_command

    assert flag in server_command("granian", workers=2, threads=4, port=8000)
