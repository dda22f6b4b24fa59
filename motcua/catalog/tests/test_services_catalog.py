"""Loading the catalogue and editing versions and processes through the services."""

import copy
from datetime import date, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from motcua.catalog.models import Procedure, ProcedureVersion, ProcessStep
from motcua.catalog.rules import Step
from motcua.catalog.selectors import process_of
from motcua.catalog.services import (
    Component,
    catalog_load,
    procedure_version_create,
    procedure_version_update,
    process_set,
    read_data,
)
from motcua.catalog.tests.factories import ProcedureFactory, ProcedureVersionFactory
from motcua.core.errors import Conflict, InvalidInput
from motcua.organization.tests.factories import AgencyFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def steps(*hours):
    """Receipt, appraisal…, signature: a process with these allowances."""
    roles = ["receiving_officer"] + ["agency_specialist"] * (len(hours) - 2) + ["agency_leader"]
    actors = ["one_stop"] + ["agency"] * (len(hours) - 1)
    return [
        Step(n, f"Bước {n}", actor, role, Decimal(str(h)))
        for n, (h, actor, role) in enumerate(zip(hours, actors, roles, strict=True), start=1)
    ]


def version_values(**overrides):
    values = {
        "valid_from": date(2026, 1, 1),
        "level": "province",
        "competence_rule": "fixed",
        "time_limit": 3,
        "time_limit_unit": "working_days",
        "result_kind": "Giấy xác nhận",
        "legal_basis": "Văn bản thử nghiệm, Điều 1",
        "steps": steps(4, 12, 8),
        "components": [Component(order=1, name="Tờ khai")],
    }
    return {**values, **overrides}


# -- the loader ---------------------------------------------------------------------------------


def test_loading_twice_creates_nothing_and_keeps_what_administrators_changed(catalog, db):
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    ProcedureVersion.objects.filter(pk=version.pk).update(fee_note="Sửa bởi quản trị viên")
    counts = ProcedureVersion.objects.count(), ProcessStep.objects.count()
    report = catalog_load()
    assert set(report.created.values()) == {0}
    assert (ProcedureVersion.objects.count(), ProcessStep.objects.count()) == counts
    version.refresh_from_db()
    assert version.fee_note == "Sửa bởi quản trị viên"


def test_a_procedure_added_to_the_data_is_created_alone(catalog, db):
    data = read_data("procedures.toml")
    new = copy.deepcopy(next(p for p in data["procedures"] if p["code"] == "1.004837"))
    new.update(code="9.900001", name="Thủ tục bổ sung thử nghiệm")
    data["procedures"].append(new)
    report = catalog_load(data=data)
    assert report.created["procedures"] == 1 and report.created["versions"] == 1
    added = Procedure.objects.get(code="9.900001")
    assert added.name_folded == "thu tuc bo sung thu nghiem"
    assert added.versions.get().steps.count() == 4


def test_an_unknown_agency_code_is_refused_naming_the_procedure_and_nothing_is_written(catalog, db):
    data = read_data("procedures.toml")
    lltp = next(p for p in data["procedures"] if p["code"] == "3.000333")
    lltp["versions"][0]["competent_agency"] = "CA-TP"
    data["procedures"].append(
        {"code": "9.900002", "name": "Không được ghi", "sector": "ho-tich", "versions": []}
    )
    with pytest.raises(InvalidInput) as caught:
        catalog_load(data=data)
    assert "3.000333 v1: no agency has the code CA-TP." in caught.value.extra["problems"]
    assert "9.900002: the procedure has no version." in caught.value.extra["problems"]
    assert not Procedure.objects.filter(code="9.900002").exists()


def test_a_process_longer_than_the_limit_in_the_data_is_refused(catalog, db):
    data = read_data("procedures.toml")
    data["processes"]["3-ngay"]["steps"][1]["hours"] = 40
    with pytest.raises(InvalidInput) as caught:
        catalog_load(data=data)
    problems = caught.value.extra["problems"]
    assert any(
        p.startswith("1.004873 v1: The steps take 50 working hours, more than the 24")
        for p in problems
    )


def test_overlapping_versions_and_unknown_keys_in_the_data_are_refused(catalog, db):
    data = read_data("procedures.toml")
    permit = next(p for p in data["procedures"] if p["code"] == "1.013225")
    permit["versions"][1]["valid_to"] = date(2026, 7, 31)
    permit["versions"][2]["time_limt"] = 5
    with pytest.raises(InvalidInput) as caught:
        catalog_load(data=data)
    problems = caught.value.extra["problems"]
    assert "1.013225 v3: unknown keys time_limt." in problems
    assert "1.013225 v3: The period overlaps version 2 (from 01/07/2025 to 31/07/2026)." in problems


def test_the_load_catalog_command_prints_what_it_created(catalog, db):
    out = StringIO()
    call_command("load_catalog", stdout=out)
    assert "procedures: 0 created" in out.getvalue()


# -- versions -----------------------------------------------------------------------------------


def test_a_version_is_created_with_the_next_number_its_components_and_process(db):
    procedure = ProcedureFactory()
    ProcedureVersionFactory(procedure=procedure, valid_to=date(2025, 12, 31))
    version = procedure_version_create(
        procedure=procedure,
        competent_agency=AgencyFactory(),
        cutoff=time(15),
        **version_values(result_kind="  Giấy   xác nhận "),
    )
    assert version.number == 2
    assert version.result_kind == "Giấy xác nhận"
    assert [s.allowance_hours for s in version.steps.all()] == [4, 12, 8]
    assert [c.name for c in version.components.all()] == ["Tờ khai"]


def test_a_process_that_does_not_fit_the_limit_is_refused(db):
    procedure = ProcedureFactory()
    with pytest.raises(InvalidInput) as caught:
        procedure_version_create(
            procedure=procedure,
            competent_agency=AgencyFactory(),
            **version_values(steps=steps(4, 16, 8)),
        )
    assert caught.value.extra["problems"] == [
        "The steps take 28 working hours, more than the 24 working hours that the statutory "
        "limit of 3 working days allows."
    ]
    assert not procedure.versions.exists()


def test_a_version_overlapping_another_one_is_refused(db):
    procedure = ProcedureFactory()
    ProcedureVersionFactory(procedure=procedure)  # from 2020-01-01, open
    with pytest.raises(InvalidInput, match=r"overlaps version 1 \(from 01/01/2020, with no end"):
        procedure_version_create(
            procedure=procedure, competent_agency=AgencyFactory(), **version_values()
        )


def test_a_fixed_rule_needs_an_agency_in_force_for_the_whole_version(db):
    procedure = ProcedureFactory()
    with pytest.raises(InvalidInput, match="A fixed competent agency must be chosen"):
        procedure_version_create(procedure=procedure, **version_values())
    old = AgencyFactory(name="Sở cũ", valid_to=date(2025, 2, 28))
    with pytest.raises(InvalidInput, match="Sở cũ exists only until 28/02/2025"):
        procedure_version_create(procedure=procedure, competent_agency=old, **version_values())
    with pytest.raises(InvalidInput, match="leave the fixed agency empty"):
        procedure_version_create(
            procedure=procedure,
            competent_agency=AgencyFactory(),
            **version_values(competence_rule="commune_committee"),
        )


def test_a_taken_version_number_is_a_conflict(db):
    version = ProcedureVersionFactory(valid_to=date(2025, 12, 31))
    with pytest.raises(Conflict):
        procedure_version_create(
            procedure=version.procedure,
            number=1,
            competent_agency=AgencyFactory(),
            **version_values(),
        )


def test_shortening_a_limit_below_the_process_is_refused_unless_the_process_shrinks(db):
    version = ProcedureVersionFactory()  # 3 working days, 4 + 12 + 8 hours
    with pytest.raises(InvalidInput, match="more than the 16 working hours"):
        procedure_version_update(version=version, time_limit=2)
    procedure_version_update(version=version, time_limit=2, steps=steps(2, 8, 6))
    version.refresh_from_db()
    assert version.time_limit == 2
    assert [s.allowance_hours for s in version.steps.all()] == [2, 8, 6]


def test_update_refuses_unknown_fields(db):
    with pytest.raises(InvalidInput, match="procedure"):
        procedure_version_update(version=ProcedureVersionFactory(), procedure=None)


# -- processes ----------------------------------------------------------------------------------


def test_process_set_replaces_the_steps_when_they_fit(db):
    version = ProcedureVersionFactory()
    process_set(version=version, steps=steps(2, 10, 6, 4))
    assert [(s.order, s.allowance_hours) for s in version.steps.all()] == [
        (1, 2),
        (2, 10),
        (3, 6),
        (4, 4),
    ]


def test_process_set_refuses_a_process_exceeding_the_limit_and_keeps_the_old_one(db):
    version = ProcedureVersionFactory()
    with pytest.raises(InvalidInput) as caught:
        process_set(version=version, steps=steps(4, 20, 8))
    assert caught.value.field == "steps"
    assert "32 working hours" in caught.value.detail
    assert [s.allowance_hours for s in version.steps.all()] == [4, 12, 8]


def test_process_set_refuses_misnumbered_steps(db):
    version = ProcedureVersionFactory()
    bad = [
        Step(1, "a", "one_stop", "receiving_officer", Decimal(1)),
        Step(3, "b", "agency", "agency_leader", Decimal(1)),
    ]
    with pytest.raises(InvalidInput, match="numbered 1 to 2"):
        process_set(version=version, steps=bad)


def test_once_dossiers_exist_the_process_and_components_are_frozen(db, monkeypatch):
    version = ProcedureVersionFactory()
    monkeypatch.setattr("motcua.catalog.services._has_dossiers", lambda version: True)
    with pytest.raises(Conflict, match="add a new version"):
        process_set(version=version, steps=steps(2, 10, 6, 4))
    with pytest.raises(Conflict, match="add a new version"):
        procedure_version_update(version=version, components=[Component(1, "Đơn mới")])
    # The same process, or a change of the version's own fields, is still accepted.
    process_set(version=version, steps=process_of(version).steps)
    procedure_version_update(version=version, legal_basis="Văn bản đã sửa,  Điều 2")
    version.refresh_from_db()
    assert version.legal_basis == "Văn bản đã sửa, Điều 2"
