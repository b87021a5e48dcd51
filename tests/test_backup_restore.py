"""The restore drill: back up with scripts/backup.sh (pg_dump -Fc and the media files),
restore with scripts/restore.sh into a new empty database, and find every row and file again.

PostgreSQL only (CI runs the suite against it); skipped on SQLite.
"""

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from reporting.models import Attachment, Report, ReportEntry, ReportEvent
from reporting.services import attachments as attachment_services
from reporting.services import reports as report_services

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
    ),
]

SCRIPTS = Path(django_settings.BASE_DIR) / "scripts"


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgresql://{db['USER']}{password}@{host}:{port}/{name}"


def _admin_connection():
    db = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    admin.autocommit = True
    return admin


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _run(script: str, folder: Path, *, database_url: str, media_root: Path) -> None:
    result = subprocess.run(  # noqa: S603 - the project's own scripts
        [str(SCRIPTS / script), str(folder)],
        env={**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)},
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _contents(cursor, table: str) -> list[tuple]:
    # Sorted whole rows: the first column of a history table (the model's id) repeats.
    cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
    return sorted(cursor.fetchall(), key=repr)


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_every_report_entry_history_row_and_attachment(
    own_report, coordinator, tmp_path, settings, restored_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = report_services.report_save(
        actor=coordinator,
        report=own_report,
        expected_version=own_report.version,
        entries=[],
        answers={},
        council_body="Sundhedsudvalget",
        council_date=None,
    )
    entries = list(report.entries.filter(initiative_kind="mandatory")[:2])
    for number, entry in enumerate(entries):
        entry.narrative = f"Beskrivelse {number}"
        entry.save()
        attachment_services.attachment_add(
            actor=coordinator,
            entry=entry,
            upload=SimpleUploadedFile(f"plan-{number}.pdf", b"%PDF-1.7\n" + bytes([number]) * 99),
        )
    counts = {
        "reports": Report.objects.count(),
        "entries": ReportEntry.objects.count(),
        "report history": Report.history.count(),
        "entry history": ReportEntry.history.count(),
        "attachment history": Attachment.history.count(),
        "events": ReportEvent.objects.count(),
        "attachments": Attachment.objects.count(),
    }
    assert counts["reports"] == 29
    assert counts["entries"] == 29 * 24
    assert counts["entry history"] > counts["entries"]  # created with the round, then changed
    assert counts["attachments"] == 2
    tables = _tables()
    with connection.cursor() as cursor:
        before = {table: _contents(cursor, table) for table in tables}

    backup = tmp_path / "backup"
    restored_media = tmp_path / "media-restored"
    _run(
        "backup.sh",
        backup,
        database_url=_url(connection.settings_dict["NAME"]),
        media_root=settings.MEDIA_ROOT,
    )
    _run("restore.sh", backup, database_url=_url(restored_database), media_root=restored_media)

    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    restored = psycopg2.connect(_url(restored_database))
    try:
        with restored.cursor() as cursor:
            after = {table: _contents(cursor, table) for table in tables}
    finally:
        restored.close()
    for table in tables:
        assert after[table] == before[table], f"{table} differs after the restore"
    assert len(after["reporting_report"]) == counts["reports"]
    assert len(after["reporting_historicalreportentry"]) == counts["entry history"]
    for attachment in Attachment.objects.all():
        original = Path(settings.MEDIA_ROOT) / attachment.file.name
        copy = restored_media / attachment.file.name
        assert copy.read_bytes() == original.read_bytes()
