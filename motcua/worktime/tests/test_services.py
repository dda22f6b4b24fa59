"""Changing the override table: only through the services, always with a legal basis."""

import unicodedata
from datetime import date

import pytest
from django.db import IntegrityError

from motcua.core.errors import InvalidInput, NotFound
from motcua.worktime import services
from motcua.worktime.choices import OverrideKind
from motcua.worktime.models import CalendarOverride

pytestmark = pytest.mark.django_db

DAY = date(2026, 1, 2)
BASIS = "Công văn 9999/TTg-KGVX (ví dụ)"


def test_override_table_is_empty_on_a_fresh_install():
    assert not CalendarOverride.objects.exists()


def test_set_creates_the_override():
    override = services.calendar_override_set(
        day=DAY, kind=OverrideKind.DAY_OFF, legal_basis=BASIS, note="Nghỉ bù"
    )
    assert (override.date, override.kind, override.legal_basis, override.note) == (
        DAY,
        "day_off",
        BASIS,
        "Nghỉ bù",
    )


def test_set_again_replaces_the_decision_for_that_date():
    services.calendar_override_set(day=DAY, kind=OverrideKind.DAY_OFF, legal_basis=BASIS)
    services.calendar_override_set(day=DAY, kind="working_day", legal_basis="Quyết định khác")
    override = CalendarOverride.objects.get()
    assert (override.kind, override.legal_basis) == ("working_day", "Quyết định khác")


def test_legal_basis_is_stored_in_nfc_without_extra_blanks():
    decomposed = unicodedata.normalize("NFD", "  Công văn  số 1  ")
    override = services.calendar_override_set(day=DAY, kind="day_off", legal_basis=decomposed)
    assert override.legal_basis == "Công văn số 1"


@pytest.mark.parametrize("basis", ["", "   "])
def test_empty_legal_basis_is_refused(basis):
    with pytest.raises(InvalidInput) as error:
        services.calendar_override_set(day=DAY, kind="day_off", legal_basis=basis)
    assert error.value.field == "legal_basis"
    assert not CalendarOverride.objects.exists()


def test_too_long_legal_basis_is_refused():
    with pytest.raises(InvalidInput) as error:
        services.calendar_override_set(day=DAY, kind="day_off", legal_basis="x" * 501)
    assert error.value.field == "legal_basis"


def test_unknown_kind_is_refused():
    with pytest.raises(InvalidInput) as error:
        services.calendar_override_set(day=DAY, kind="half_day", legal_basis=BASIS)
    assert error.value.field == "kind"


def test_delete_removes_the_override():
    services.calendar_override_set(day=DAY, kind="day_off", legal_basis=BASIS)
    services.calendar_override_delete(day=DAY)
    assert not CalendarOverride.objects.exists()


def test_delete_of_a_missing_override_is_not_found():
    with pytest.raises(NotFound):
        services.calendar_override_delete(day=DAY)


def test_database_refuses_a_row_without_legal_basis():
    with pytest.raises(IntegrityError):
        CalendarOverride.objects.create(date=DAY, kind="day_off", legal_basis="")


def test_database_refuses_an_unknown_kind():
    with pytest.raises(IntegrityError):
        CalendarOverride.objects.create(date=DAY, kind="half_day", legal_basis=BASIS)
