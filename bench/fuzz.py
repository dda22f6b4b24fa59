"""The long contract run: schemathesis, every check and phase, against granian on PostgreSQL.

    .venv/bin/python -m bench.fuzz [--examples 100] [--database URL] [--port 8766]

A fresh database with the reference data and a receiving officer's token (bench/prepare.py),
the API served as in production, then `st run --checks all` with bench/schemathesis.toml.
Prints schemathesis' summary and writes var/bench/fuzz.json (operations, test cases,
failures) for docs/benchmarks.md. `motcua/core/tests/test_api_fuzz.py` is the short run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import time

from bench.common import BIN, ROOT, fresh_database_with_tokens, report, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/motcua_fuzz")
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    tokens = fresh_database_with_tokens(args.database)
    command = [
        str(BIN / "st"), "--config-file", str(ROOT / "bench" / "schemathesis.toml"), "run",
        f"http://127.0.0.1:{args.port}/api/v1/openapi.json", "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", str(args.examples),
        "--workers", "2", "--header", f"Authorization: Bearer {tokens['CN01']}", "--no-color",
    ]  # fmt: skip
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    with serve(args.database, workers=2, threads=4, port=args.port):
        start = time.monotonic()
        run = subprocess.run(
            command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.monotonic() - start
    print(run.stdout[run.stdout.find("FAILURES") if "FAILURES" in run.stdout else 0 :])
    cases = re.search(r"(\d+) generated, (.*)", run.stdout)
    tested = re.search(r"Tested: (\d+)", run.stdout)
    links = re.search(r"API Links: +(.*)", run.stdout)
    failures = re.search(r"(\d+) (?:unique )?failures?", cases.group(2)) if cases else None
    report(
        "fuzz",
        {
            "command": f"python -m bench.fuzz --examples {args.examples}",
            "operations": int(tested.group(1)) if tested else None,
            "test_cases": int(cases.group(1)) if cases else None,
            "outcome": cases.group(2).strip() if cases else run.stdout[-500:],
            "failures": int(failures.group(1)) if failures else 0,
            "stateful_links": links.group(1).strip() if links else None,
            "seconds": round(seconds, 1),
            "exit_code": run.returncode,
        },
    )
    raise SystemExit(run.returncode)


if __name__ == "__main__":
    main()
