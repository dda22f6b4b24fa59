"""The override table in the Django admin: a thin screen over the services."""

from datetime import date

import pytest

from motcua.worktime.models import CalendarOverride

pytestmark = pytest.mark.django_db

ADD = "/admin/worktime/calendaroverride/add/"


def test_admin_adds_an_override_through_the_service(admin_client):
    response = admin_client.post(
        ADD,
        {"date": "2026-01-02", "kind": "day_off", "legal_basis": "  QĐ  1/2026 ", "note": ""},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.date, override.kind, override.legal_basis) == (
        date(2026, 1, 2),
        "day_off",
        "QĐ 1/2026",
    )


def test_admin_refuses_a_blank_legal_basis(admin_client):
    response = admin_client.post(
        ADD, {"date": "2026-01-02", "kind": "day_off", "legal_basis": "   ", "note": ""}
    )
    assert response.status_code == 200
    assert not CalendarOverride.objects.exists()


def test_admin_edits_and_deletes_an_override(admin_client):
    override = CalendarOverride.objects.create(
        date=date(2026, 1, 2), kind="day_off", legal_basis="QĐ 1/2026"
    )
    change = f"/admin/worktime/calendaroverride/{override.pk}/change/"
    response = admin_client.post(
        change, {"kind": "working_day", "legal_basis": "QĐ 2/2026", "note": "Đổi"}
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert (override.kind, override.legal_basis, override.note) == (
        "working_day",
        "QĐ 2/2026",
        "Đổi",
    )
    delete = f"/admin/worktime/calendaroverride/{override.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not CalendarOverride.objects.exists()
