"""Backup and restore: the database and the stored files as one archive.

The archive is a tar file holding ``manifest.json`` (what it is and what it holds), the
database (``database.dump``, PostgreSQL's custom format from ``pg_dump -Fc``, or
``database.sqlite3``, a copy by SQLite's online backup API) and ``media/``, the stored files
(scans, results). Both are taken while the service runs: ``pg_dump`` reads one consistent
snapshot, SQLite's backup API copies a consistent image. Files written between the database
snapshot and the copy of ``media/`` are extra files no row points to, never rows without files,
because the files are copied after the database.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _libpq(alias: str) -> tuple[list[str], dict[str, str]]:
    """The connection arguments and environment of pg_dump / pg_restore for ``alias``."""
    db = connections[alias].settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _counts(alias: str) -> dict[str, int]:
    with connections[alias].cursor() as cursor:
        counts = {}
        for key, table in (("dossiers", "dossiers_dossier"), ("events", "dossiers_dossierevent")):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed names)
            counts[key] = cursor.fetchone()[0]
    return counts


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup(path: Path, *, alias: str = "default") -> dict:
    """Write the archive to ``path`` (through a temporary name, so a failed backup leaves no
    file that looks complete); return its manifest."""
    vendor = _vendor(alias)
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        if vendor == "postgresql":
            database = Path(tmp) / PG_DUMP
            args, env = _libpq(alias)
            _run(["pg_dump", "--format=custom", "--file", str(database), *args], env)
        else:
            database = Path(tmp) / SQLITE_FILE
            source = connections[alias]
            source.ensure_connection()
            target = sqlite3.connect(database)
            try:
                source.connection.backup(target)
            finally:
                target.close()
        media = _media_root()
        files = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
        manifest = {
            "format": FORMAT,
            "engine": vendor,
            "database": database.name,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **_counts(alias),
            "files": len(files),
            "file_bytes": sum(p.stat().st_size for p in files),
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w") as archive:
            archive.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            archive.add(database, arcname=database.name)
            for file in files:
                archive.add(file, arcname=f"{MEDIA}/{file.relative_to(media).as_posix()}")
        partial.replace(path)
    return manifest


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("This is not a motcua backup: it has no manifest.json.")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _holds_dossiers(alias: str) -> bool:
    connection = connections[alias]
    if "dossiers_dossier" not in connection.introspection.table_names():
        return False
    return _counts(alias)["dossiers"] > 0


def restore(path: Path, *, alias: str = "default", force: bool = False) -> dict:
    """Restore the archive at ``path`` into the database of ``alias`` and MEDIA_ROOT.

    Refuses a database that already holds dossiers, or a non-empty MEDIA_ROOT, unless
    ``force`` (the database's objects are then dropped and replaced). Returns the manifest."""
    vendor = _vendor(alias)
    media = _media_root()
    with tarfile.open(path, "r") as archive, tempfile.TemporaryDirectory() as tmp:
        manifest = read_manifest(archive)
        if manifest["engine"] != vendor:
            raise BackupError(
                f"This backup is of {manifest['engine']}; the database here is {vendor}."
            )
        if not force:
            if _holds_dossiers(alias):
                raise BackupError("The target database already holds dossiers (use --force).")
            if media.is_dir() and any(media.iterdir()):
                raise BackupError(f"{media} is not empty (use --force).")
        archive.extractall(tmp, filter="data")
        database = Path(tmp) / manifest["database"]
        if vendor == "postgresql":
            connections[alias].close()
            args, env = _libpq(alias)
            _run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                 "--single-transaction", "--exit-on-error", *args, str(database)],
                env,
            )  # fmt: skip
        else:
            connection = connections[alias]
            connection.close()
            connection.ensure_connection()
            source = sqlite3.connect(database)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        restored_media = Path(tmp) / MEDIA
        if restored_media.is_dir():
            media.mkdir(parents=True, exist_ok=True)
            shutil.copytree(restored_media, media, dirs_exist_ok=True)
    counts = _counts(alias)
    expected = {key: manifest[key] for key in counts}
    if counts != expected:
        raise BackupError(f"Restored {counts}, the manifest says {expected}.")
    return manifest
