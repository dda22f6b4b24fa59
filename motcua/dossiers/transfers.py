"""The transfer list of a reorganization (danh sách bàn giao hồ sơ): every dossier handed to a
successor, as the Center prints it for the ceasing and the receiving agencies (PDF, CSV).

Read from the handover events themselves (action ``succeed``), so the list is what happened.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.template.loader import render_to_string

from motcua.core import clock
from motcua.dossiers.choices import Action, Status
from motcua.dossiers.forms import PLACE, LocalTime, _agency_issuer, _cell, html_to_pdf, local
from motcua.dossiers.models import DossierEvent, Reorganization

TITLE = "Danh sách bàn giao hồ sơ đang giải quyết"
HEADER = [
    "STT",
    "Mã hồ sơ",
    "Thủ tục",
    "Người nộp",
    "Nơi tiếp nhận",
    "Hẹn trả",
    "Trạng thái khi bàn giao",
    "Cơ quan tiếp nhận",
    "Bàn giao hồ sơ giấy",
    "Thời điểm bàn giao",
]


@dataclass(frozen=True)
class TransferRow:
    line: int
    code: str
    procedure: str
    applicant: str
    site: str
    appointment: LocalTime | None
    status: str
    successor: str
    paper: bool
    at: LocalTime | None

    @property
    def code_wrapped(self) -> str:
        # As the ledger: a break opportunity after the unit identifier.
        return self.code.replace("-", "-\u200b", 1)


def transfer_rows(reorganization: Reorganization) -> list[TransferRow]:
    events = (
        DossierEvent.objects.filter(
            action=Action.SUCCEED, payload__reorganization=reorganization.pk
        )
        .select_related("dossier__procedure", "dossier__receiving_site", "agency")
        .order_by("agency__name", "dossier__code")
    )
    return [
        TransferRow(
            line=n,
            code=e.dossier.code,
            procedure=f"{e.dossier.procedure.code} {e.dossier.procedure.name}",
            applicant=e.dossier.applicant_name,
            site=e.dossier.receiving_site.name,
            appointment=local(e.payload.get("due_at")),
            status=str(Status(e.from_status).label),
            successor=e.agency.name if e.agency else e.payload.get("to_agency", ""),
            paper=bool(e.payload.get("handover")),
            at=local(e.at),
        )
        for n, e in enumerate(events, start=1)
    ]


def transfer_list_html(reorganization: Reorganization) -> str:
    rows = transfer_rows(reorganization)
    return render_to_string(
        "dossiers/forms/transfer_list.html",
        {
            "form": {"number": "", "title": TITLE},
            "issuer": _agency_issuer(reorganization.agency),
            "reorganization": reorganization,
            "rows": rows,
            "successors": sorted({r.successor for r in rows}),
            "place": PLACE,
            "printed": local(clock.now()),
        },
    )


def transfer_list_pdf(reorganization: Reorganization) -> bytes:
    """The list as landscape A4 PDF, with the signatures of both sides."""
    return html_to_pdf(transfer_list_html(reorganization))


def transfer_list_csv(reorganization: Reorganization) -> str:
    """The list as CSV text that starts with a BOM, so Excel reads it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in transfer_rows(reorganization):
        writer.writerow(
            [
                r.line, r.code, _cell(r.procedure), _cell(r.applicant), r.site,
                r.appointment.short if r.appointment else "", r.status, r.successor,
                "Có" if r.paper else "Không", r.at.short if r.at else "",
            ]
        )  # fmt: skip
    return out.getvalue()
