"""Recording reads of personal data, and exporting a citizen's data on request."""

from __future__ import annotations

import csv
import io
import json

from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.core.text import normalize
from motcua.privacy.models import Channel, DataAccess

#: One statement on PostgreSQL: the row, committed without waiting for the WAL to reach the
#: disk (``synchronous_commit`` off for this transaction only). A read then costs one round
#: trip and no flush; a database crash can lose the last fraction of a second of log rows,
#: never corrupt them (docs/decisions/0012, docs/benchmarks.md).
_PG_INSERT = """
WITH quick AS (SELECT set_config('synchronous_commit', 'off', true))
INSERT INTO privacy_dataaccess (at, user_id, dossier_id, channel, detail)
SELECT %s, %s, %s, %s, %s FROM quick
"""


def access_record(
    *, user: AbstractBaseUser, channel: Channel, dossier_id: int | None = None, detail: str = ""
) -> None:
    """Record that ``user`` read personal data: one INSERT.

    Not atomic of its own: a read has nothing else to keep consistent with, and a savepoint
    would double the cost. Inside a caller's transaction the row is part of it (an ordinary
    insert); on its own, on PostgreSQL, it commits without waiting for the disk. Anonymous
    callers (the public lookup has its own rules) are not staff reads and are not recorded.
    """
    if not getattr(user, "is_authenticated", False):
        return
    row = (clock.now(), user.pk, dossier_id, str(channel), detail[:200])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(_PG_INSERT, row)
        return
    at, user_id, dossier_id, channel, detail = row
    DataAccess.objects.create(
        at=at, user_id=user_id, dossier_id=dossier_id, channel=channel, detail=detail
    )


def _may_export(user: AbstractBaseUser) -> bool:
    from motcua.dossiers.permissions import actor_for
    from motcua.organization.choices import Role

    if getattr(user, "is_superuser", False):
        return True
    actor = actor_for(user, clock.today())
    roles = {r for rs in actor.roles_at_sites.values() for r in rs}
    return Role.CENTER_DIRECTOR in roles


EXPORT_FIELDS = [
    "code",
    "procedure",
    "status",
    "submitted_at",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "return_address",
]


@transaction.atomic
def citizen_data_export(*, user: AbstractBaseUser, id_number: str) -> dict:
    """All dossiers of ``id_number``, their ratings and complaints, for the person on request.

    Only the Center's director and the administrator may export; each export is logged as a
    read of every dossier in it.
    """
    from motcua.dossiers.models import Dossier
    from motcua.feedback.models import Complaint, Rating

    if not _may_export(user):
        raise PermissionDenied(_("Only the Center's director or the administrator may export."))
    id_number = normalize(id_number or "").replace(" ", "")
    if not id_number:
        raise InvalidInput(_("Enter the citizen ID or tax code."), field="id_number")
    dossiers = list(
        Dossier.objects.filter(applicant_id_number=id_number)
        .select_related("procedure")
        .order_by("submitted_at", "pk")
    )
    ids = [d.pk for d in dossiers]
    ratings = Rating.objects.filter(dossier_id__in=ids)
    complaints = Complaint.objects.filter(dossier_id__in=ids)
    now = clock.now()
    DataAccess.objects.bulk_create(
        [
            DataAccess(
                at=now,
                user_id=user.pk,
                dossier_id=pk,
                channel=Channel.CITIZEN_EXPORT,
                detail=f"id:{id_number[-4:]}",
            )
            for pk in ids
        ]
        or [
            DataAccess(
                at=now,
                user_id=user.pk,
                channel=Channel.CITIZEN_EXPORT,
                detail=f"id:{id_number[-4:]}",
            )
        ]
    )
    return {
        "id_number": id_number,
        "exported_at": now,
        "dossiers": [
            {
                "code": d.code,
                "procedure": d.procedure.code,
                "status": d.status,
                "submitted_at": d.submitted_at,
                "applicant_kind": d.applicant_kind,
                "applicant_name": d.applicant_name,
                "applicant_id_number": d.applicant_id_number,
                "applicant_phone": d.applicant_phone,
                "applicant_email": d.applicant_email,
                "applicant_address": d.applicant_address,
                "return_address": d.return_address,
            }
            for d in dossiers
        ],
        "ratings": list(ratings.values()),
        "complaints": list(complaints.values()),
    }


def export_as_json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def export_as_csv(data: dict) -> str:
    """The dossiers as CSV (ratings and complaints are in the JSON form)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in data["dossiers"]:
        writer.writerow({k: row[k] for k in EXPORT_FIELDS})
    return out.getvalue()
