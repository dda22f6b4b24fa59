"""Backup and restore round trips on the test's database engine, ending with verify-audit."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from motcua.dossiers.models import DossierComponent, DossierEvent
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import justice_procedure, receive
from motcua.dossiers.tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

SCAN = pdf_bytes("the declaration, scanned")
MOTCUA = str(Path(sys.executable).parent / "motcua")


@pytest.fixture
def filled(people, clock, settings, tmp_path):
    """Two dossiers, one with a stored scan, in a MEDIA_ROOT of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    receive(people, version, components=[
        svc.ComponentIn(order=1, file=SimpleUploadedFile("a.pdf", SCAN)),
        svc.ComponentIn(order=2),
    ])  # fmt: skip
    receive(people, version)
    return tmp_path


def _scratch_url(tmp_path: Path) -> str:
    """A database to restore into: a new SQLite file, or a new PostgreSQL database."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    auth = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    server = f"{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(f"postgres://{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{server}/{name}"


def _motcua(*args: str, url: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([MOTCUA, *args], env=env, capture_output=True, text=True, check=False)


def test_a_backup_restores_into_a_scratch_database_with_its_audit_trail_intact(filled):
    archive = filled / "motcua.tar"
    call_command("backup", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert ("database.dump" if connection.vendor == "postgresql" else "database.sqlite3") in names
    events = DossierEvent.objects.count()
    stored = DossierComponent.objects.exclude(file="").get()

    url, media = _scratch_url(filled), filled / "restored-media"
    restored = _motcua("restore", str(archive), url=url, media=media)
    assert restored.returncode == 0, restored.stderr
    assert f"Audit trail intact: {events} events checked." in restored.stdout
    copy = (media / stored.file.name).read_bytes()
    assert hashlib.sha256(copy).hexdigest() == stored.sha256
    # A second restore over the first is refused without --force, accepted with it.
    again = _motcua("restore", str(archive), url=url, media=media)
    assert again.returncode != 0 and "already holds dossiers" in again.stderr
    forced = _motcua("restore", str(archive), "--force", url=url, media=media)
    assert forced.returncode == 0, forced.stderr
    assert f"Audit trail intact: {events} events checked." in forced.stdout


def test_a_tampered_backup_fails_verification_after_restore(filled):
    archive = filled / "motcua.tar"
    event = DossierEvent.objects.order_by("pk").first()
    with connection.cursor() as cursor:  # behind the model's back, as an intruder would
        if connection.vendor == "postgresql":  # and past the append-only trigger, as a superuser
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE dossiers_dossierevent SET to_status = %s WHERE id = %s", ["done", event.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    call_command("backup", str(archive))
    restored = _motcua(
        "restore", str(archive), url=_scratch_url(filled), media=filled / "restored-media"
    )
    assert restored.returncode != 0
    assert "break(s) in the audit trail" in restored.stderr


def test_restore_refuses_a_database_that_holds_dossiers_and_what_is_not_a_backup(filled):
    archive = filled / "motcua.tar"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="already holds dossiers"):
        call_command("restore", str(archive))
    other = filled / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(archive, arcname="something.tar")
    with pytest.raises(CommandError, match="not a motcua backup"):
        call_command("restore", str(other), "--force")
