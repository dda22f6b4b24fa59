"""The set-up scripts behave as the README promises."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_find_python_names_what_it_looked_for_when_there_is_none(tmp_path):
    # A PATH with the shell tools the script uses and an old python3, and no pyenv.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sort", "cat", "ls"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    old_python = bin_dir / "python3"
    old_python.write_text("#!/bin/sh\nexit 1\n")
    old_python.chmod(0o755)
    result = subprocess.run(
        ["/bin/sh", str(ROOT / "scripts" / "find-python")],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "needs Python 3.12 or newer" in result.stderr
    assert "PYTHON=/path/to/python3.12" in result.stderr


def test_find_python_prefers_an_explicit_interpreter():
    result = subprocess.run(
        ["/bin/sh", str(ROOT / "scripts" / "find-python")],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == sys.executable


def test_motcua_command_is_manage_py():
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "envvars"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "DATABASE_URL=" in result.stdout
