"""The catalogue's admin pages: they render, and a save goes through the services' rules."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.tests.factories import ProcedureFactory, ProcedureVersionFactory


@pytest.fixture(autouse=True)
def english(admin_client):
    """Messages in English, whatever the catalogue translates (the admin follows the request)."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def version_post(version, *, steps, time_limit=None, valid_to=""):
    """The change form of ``version`` as the browser would post it, with these steps."""
    data = {
        "procedure": version.procedure_id,
        "number": version.number,
        "valid_from": version.valid_from.isoformat() if version.valid_from else "",
        "valid_to": valid_to,
        "competent_agency": version.competent_agency_id or "",
        "level": version.level,
        "competence_rule": version.competence_rule,
        "competent_title": version.competent_title,
        "time_limit": version.time_limit if time_limit is None else time_limit,
        "time_limit_unit": version.time_limit_unit,
        "time_limit_note": version.time_limit_note,
        "cutoff": "",
        "fee": version.fee,
        "fee_note": version.fee_note,
        "result_kind": version.result_kind,
        "online_level": version.online_level,
        "boundary_free": "on",
        "legal_basis": version.legal_basis,
        "source": version.source,
    }
    components = list(version.components.all())
    data |= {
        "components-TOTAL_FORMS": len(components),
        "components-INITIAL_FORMS": len(components),
    }
    for i, c in enumerate(components):
        data |= {
            f"components-{i}-id": c.pk,
            f"components-{i}-version": version.pk,
            f"components-{i}-order": c.order,
            f"components-{i}-name": c.name,
            f"components-{i}-copy_kind": c.copy_kind,
            f"components-{i}-quantity": c.quantity,
            f"components-{i}-required": "on",
            f"components-{i}-note": c.note,
        }
    existing = list(version.steps.all())
    data |= {"steps-TOTAL_FORMS": len(steps), "steps-INITIAL_FORMS": len(existing)}
    for i, (order, actor, role, hours) in enumerate(steps):
        data |= {
            f"steps-{i}-version": version.pk,
            f"steps-{i}-order": order,
            f"steps-{i}-name": f"Bước {order}",
            f"steps-{i}-actor": actor,
            f"steps-{i}-role": role,
            f"steps-{i}-allowance_hours": hours,
        }
        if i < len(existing):
            data[f"steps-{i}-id"] = existing[i].pk
    return data


STEPS = [
    (1, "one_stop", "receiving_officer", "4"),
    (2, "agency", "agency_specialist", "12"),
    (3, "agency", "agency_leader", "8"),
]


@pytest.mark.parametrize("model", ["sector", "procedure", "procedureversion"])
def test_every_catalogue_changelist_renders_and_searches(catalog, admin_client, model):
    response = admin_client.get(reverse(f"admin:catalog_{model}_changelist"), {"q": "khai sinh"})
    assert response.status_code == 200


def test_a_procedure_page_lists_its_versions(catalog, admin_client):
    from motcua.catalog.models import Procedure

    permit = Procedure.objects.get(code="1.013225")
    response = admin_client.get(reverse("admin:catalog_procedure_change", args=[permit.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("catalog/procedureversion/") >= 3


def test_a_version_page_shows_its_components_and_process(catalog, admin_client):
    version = ProcedureVersion.objects.get(procedure__code="1.013978")
    response = admin_client.get(reverse("admin:catalog_procedureversion_change", args=[version.pk]))
    assert response.status_code == 200
    assert "niêm yết công khai" in response.content.decode()


def test_a_process_longer_than_the_limit_is_shown_as_an_error_and_not_saved(admin_client):
    version = ProcedureVersionFactory()
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    too_long = [*STEPS[:2], (3, "agency", "agency_leader", "9")]
    response = admin_client.post(url, version_post(version, steps=too_long))
    assert response.status_code == 200
    assert "The steps take 25 working hours, more than the 24" in response.content.decode()
    assert [s.allowance_hours for s in version.steps.all()] == [4, 12, 8]


def test_shortening_the_limit_under_the_process_is_refused(admin_client):
    version = ProcedureVersionFactory()
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    response = admin_client.post(url, version_post(version, steps=STEPS, time_limit=2))
    assert response.status_code == 200
    assert "more than the 16 working hours" in response.content.decode()
    version.refresh_from_db()
    assert version.time_limit == 3


def test_a_valid_change_is_saved_through_the_service(admin_client):
    version = ProcedureVersionFactory()
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    shorter = [*STEPS[:2], (3, "agency", "agency_leader", "4")]
    response = admin_client.post(url, version_post(version, steps=shorter, valid_to="2026-12-31"))
    assert response.status_code == 302, response.content.decode()[:3000]
    version.refresh_from_db()
    assert version.valid_to == date(2026, 12, 31)
    assert [s.allowance_hours for s in version.steps.all()] == [4, 12, 4]


def test_a_new_version_overlapping_the_current_one_is_refused(admin_client):
    current = ProcedureVersionFactory(procedure=ProcedureFactory())
    data = version_post(current, steps=STEPS)
    data |= {"number": 2, "valid_from": "2026-01-01"}
    data = {k: v for k, v in data.items() if not k.endswith("-id") and not k.endswith("-version")}
    data |= {"components-INITIAL_FORMS": 0, "steps-INITIAL_FORMS": 0}
    response = admin_client.post(reverse("admin:catalog_procedureversion_add"), data)
    assert response.status_code == 200
    assert "The period overlaps version 1" in response.content.decode()
    assert current.procedure.versions.count() == 1


def test_a_new_version_after_the_current_one_is_created_with_its_parts(admin_client):
    current = ProcedureVersionFactory(procedure=ProcedureFactory(), valid_to=date(2025, 12, 31))
    data = version_post(current, steps=STEPS)
    data |= {"number": 2, "valid_from": "2026-01-01"}
    data = {k: v for k, v in data.items() if not k.endswith("-id") and not k.endswith("-version")}
    data |= {"components-INITIAL_FORMS": 0, "steps-INITIAL_FORMS": 0}
    response = admin_client.post(reverse("admin:catalog_procedureversion_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    new = current.procedure.versions.get(number=2)
    assert (new.valid_from, new.steps.count(), new.components.count()) == (date(2026, 1, 1), 3, 2)
