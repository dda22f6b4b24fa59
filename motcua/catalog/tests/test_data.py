"""The shipped catalogue (data/procedures.toml) loads on a real database and keeps its rules."""

import unicodedata
from datetime import date

from motcua.catalog.models import Procedure, ProcedureVersion, Sector
from motcua.catalog.rules import process_problems
from motcua.catalog.selectors import process_of
from motcua.catalog.services import DATA_DIR

REQUIRED = [
    "1.013978",
    "2.000908",
    "1.001193",
    "2.000815",
    "1.013831",
    "1.001612",
    "2.001263",
    "3.000333",
    "1.013225",
]


def test_the_catalogue_has_at_least_45_procedures_in_at_least_9_sectors(catalog, db):
    assert Procedure.objects.count() >= 45
    assert Sector.objects.filter(procedures__isnull=False).distinct().count() >= 9
    assert set(REQUIRED) <= set(Procedure.objects.values_list("code", flat=True))
    assert catalog.created["procedures"] == Procedure.objects.count()


def test_every_process_fits_its_statutory_limit(catalog, db):
    versions = ProcedureVersion.objects.select_related("procedure").prefetch_related("steps")
    problems = {f"{v}": process_problems(process_of(v)) for v in versions}
    assert {k: p for k, p in problems.items() if p} == {}
    assert all(v.steps.all() for v in versions)


def test_every_version_cites_its_legal_basis_and_its_source_with_a_confidence_mark(catalog, db):
    for version in ProcedureVersion.objects.select_related("procedure"):
        assert len(version.legal_basis) > 10, version
        assert "found:" in version.source or "memory" in version.source, version
        assert version.result_kind, version
        assert version.components.exists(), version


def test_the_data_file_is_nfc_vietnamese():
    text = (DATA_DIR / "procedures.toml").read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text
    assert "Đăng ký khai sinh" in text


def test_versions_of_a_procedure_never_overlap_and_follow_each_other(catalog, db):
    for procedure in Procedure.objects.prefetch_related("versions"):
        versions = sorted(procedure.versions.all(), key=lambda v: v.valid_from or date.min)
        for before, after in zip(versions, versions[1:], strict=False):
            assert before.valid_to is not None and before.valid_to < after.valid_from, procedure


def test_the_first_land_certificate_is_given_by_the_commune_in_20_working_days(catalog, db):
    version = ProcedureVersion.objects.get(procedure__code="1.013978")
    assert (version.competence_rule, version.level) == ("commune_committee", "commune")
    assert (version.time_limit, version.time_limit_unit) == (20, "working_days")
    assert "151/2025/NĐ-CP" in version.legal_basis
    assert version.valid_from == date(2025, 7, 1)


def test_the_building_permit_changed_limit_on_1_july_2026(catalog, db):
    v = {
        x.number: x
        for x in ProcedureVersion.objects.filter(procedure__code="1.013225").order_by("number")
    }
    assert (v[1].competence_rule, v[1].valid_to) == ("district_committee", date(2025, 6, 30))
    assert (v[2].time_limit, v[2].time_limit_unit, v[2].valid_to) == (
        15,
        "calendar_days",
        date(2026, 6, 30),
    )
    assert "175/2024" in v[2].legal_basis
    assert (v[3].time_limit, v[3].time_limit_unit, v[3].valid_from) == (
        7,
        "working_days",
        date(2026, 7, 1),
    )
    assert "217/2026" in v[3].legal_basis


def test_several_procedures_moved_from_district_to_commune_on_1_july_2025(catalog, db):
    moved = set(
        ProcedureVersion.objects.filter(
            competence_rule="district_committee", valid_to=date(2025, 6, 30)
        ).values_list("procedure__code", flat=True)
    )
    assert {"2.000528", "2.000806", "2.000992", "1.001612", "2.000720", "1.013225"} <= moved
    for code in moved:
        successor = ProcedureVersion.objects.get(procedure__code=code, valid_from=date(2025, 7, 1))
        assert successor.competence_rule == "commune_committee"


def test_criminal_records_stop_at_the_department_of_justice_on_30_june_2026(catalog, db):
    (version,) = ProcedureVersion.objects.filter(procedure__code="3.000333")
    assert version.competent_agency.code == "SO-TP"
    assert version.valid_to == date(2026, 6, 30)
    assert (version.time_limit, version.time_limit_unit, version.fee) == (
        10,
        "calendar_days",
        200000,
    )


def test_same_day_procedures_have_the_15h_cutoff(catalog, db):
    same_day = ProcedureVersion.objects.filter(time_limit=0)
    assert same_day.count() >= 10
    assert {v.cutoff.hour for v in same_day} == {15}
    birth = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert "khoản 2 Điều 16" in birth.legal_basis and "khoản 3 Điều 5" in birth.legal_basis
