"""The agency inbox: urgency in working time, filters, and a leader's bulk assignment."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.translation import ngettext

from motcua.dossiers.choices import Action, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.organization.models import Site

pytestmark = pytest.mark.django_db


def fresh(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def listed(response) -> dict[str, str]:
    """Each dossier of the page and its urgency group, as the page groups them."""
    assert response.status_code == 200
    return {row["d"].code: row["group"] for row in response.context["rows"]}


def kpis(response) -> dict[str, int]:
    return {k["name"]: k["n"] for k in response.context["kpis"]}


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def transferred(people, version, *, site="CN01", **kwargs) -> Dossier:
    dossier = receive(people, version, site=site, return_site=site, **kwargs)
    officer = people["officer_cn01"] if site == "CN01" else people["officer_cn07"]
    return svc.dossier_transfer(
        actor=actor(officer), code=dossier.code, site=Site.objects.get(code=site)
    )


def test_dossiers_are_grouped_by_urgency_in_working_time(client, people, clock):
    clock.set(2026, 3, 9, 9, 0)  # Monday
    late = transferred(people, justice_procedure(time_limit=2))  # due Wed 11/03 09:00
    paused = advance(
        people, receive(people, justice_procedure(time_limit=2)), Status.AWAITING_SUPPLEMENT
    )
    clock.set(2026, 3, 10, 9, 0)
    soon = transferred(people, justice_procedure())  # due Fri 13/03 09:00
    clock.set(2026, 3, 12, 8, 30)  # Thursday
    today = transferred(people, justice_procedure(time_limit=0))  # due today 17:00
    rest = transferred(people, justice_procedure())  # due Tue 17/03 08:30

    clock.set(2026, 3, 12, 10, 0)
    client.force_login(people["specialist_tp"])
    response = client.get("/workspace/inbox/")
    groups = listed(response)
    assert groups == {
        late.code: "late",
        today.code: "today",
        soon.code: "soon",  # 7 working hours left: Thu 10:00–17:00 less lunch, Fri 08:00–09:00
        rest.code: "ok",
        paused.code: "ok",  # its clock is paused: no longer urgent, whatever its old due time
    }
    assert list(groups) == [late.code, today.code, soon.code, rest.code, paused.code]
    assert kpis(response) == {"late": 1, "today": 1, "soon": 1, "ok": 2}
    html = response.content.decode()
    assert html.index("group-late") < html.index("group-today") < html.index("group-soon")
    assert "quá hạn 1 ngày làm việc 1 giờ" in html  # Wed 09:00 → Thu 10:00
    assert "tạm dừng tính thời gian" in html

    # The cards filter: only what is late.
    assert list(listed(client.get("/workspace/inbox/", {"group": "late"}))) == [late.code]

    # At 17:30 the same dossiers move on: today's is late, Friday's is due "within a day".
    clock.set(2026, 3, 12, 17, 30)
    groups = listed(client.get("/workspace/inbox/"))
    assert groups[today.code] == "late" and groups[soon.code] == "soon"


def test_only_the_agencys_dossiers_that_need_work_are_listed(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    waiting = transferred(people, version)
    received_only = receive(people, version)  # still at the one-stop site
    done = advance(people, receive(people, version), Status.RESULT_READY)
    client.force_login(people["leader_tp"])
    assert set(listed(client.get("/workspace/inbox/"))) == {waiting.code}
    assert received_only.code and done.code
    client.force_login(people["leader"])  # Ba Vì's leader: none of these are theirs
    assert listed(client.get("/workspace/inbox/")) == {}


def test_filters(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    births, deaths = justice_procedure(), justice_procedure()
    mine = advance(people, receive(people, births), Status.IN_PROGRESS)
    svc.dossier_assign(actor=actor(people["leader_tp"]), code=mine.code, assignee="cv.sotp")
    at_cn07 = transferred(
        people,
        deaths,
        site="CN07",
        applicant=svc.ApplicantIn(name="Đặng Văn Đức", id_number="001085020019"),
    )
    waiting = transferred(people, births)
    client.force_login(people["specialist_tp"])

    def codes(**query):
        return set(listed(client.get("/workspace/inbox/", query)))

    assert codes() == {mine.code, at_cn07.code, waiting.code}
    assert codes(assignee="mine") == {mine.code}
    assert codes(assignee="cv.sotp") == {mine.code}
    assert codes(assignee="unassigned") == {at_cn07.code, waiting.code}
    assert codes(status="transferred") == {at_cn07.code, waiting.code}
    assert codes(site="CN07") == {at_cn07.code}
    assert codes(procedure=deaths.procedure.code) == {at_cn07.code}
    assert codes(q="dang van duc") == {at_cn07.code}  # diacritics ignored
    assert codes(q=waiting.code) == {waiting.code}
    assert codes(status="delivered") == {mine.code, at_cn07.code, waiting.code}  # not a choice


def test_pagination_keeps_the_filters(client, people, clock, monkeypatch):
    monkeypatch.setattr("motcua.workspace.views.inbox.PAGE_SIZE", 2)
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    made = {transferred(people, version).code for _ in range(3)}
    client.force_login(people["specialist_tp"])
    first = client.get("/workspace/inbox/", {"status": "transferred"})
    assert len(listed(first)) == 2
    assert "status=transferred&amp;page=2" in first.content.decode()
    second = client.get("/workspace/inbox/", {"status": "transferred", "page": 2})
    assert set(listed(first)) | set(listed(second)) == made


def test_a_leader_accepts_and_assigns_in_bulk(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    new = transferred(people, version)
    taken = advance(people, receive(people, version), Status.IN_PROGRESS)
    client.force_login(people["leader_tp"])
    html = client.get("/workspace/inbox/").content.decode()
    assert f'name="codes" value="{new.code}"' in html
    assert '<option value="cv.sotp">Trần Văn Nam</option>' in html
    response = client.post(
        "/workspace/inbox/assign/",
        {
            "codes": [new.code, taken.code],
            "assignee": "cv.sotp",
            f"v-{new.code}": new.version,
            f"v-{taken.code}": taken.version,
            "next": "/workspace/inbox/?status=transferred",
        },
    )
    assert (
        response.status_code == 302
        and response["Location"] == "/workspace/inbox/?status=transferred"
    )
    for dossier in (new, taken):
        dossier = fresh(dossier)
        assert dossier.status == Status.IN_PROGRESS
        assert dossier.assignee == people["specialist_tp"]
        assert dossier.custodian == people["specialist_tp"]
    actions = list(fresh(new).events.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == [Action.ACCEPT, Action.ASSIGN]
    with translation.override("vi"):
        expected = ngettext(
            "%(n)d dossier assigned to %(person)s: %(codes)s.",
            "%(n)d dossiers assigned to %(person)s: %(codes)s.",
            2,
        ) % {"n": 2, "person": "Trần Văn Nam", "codes": f"{new.code}, {taken.code}"}
    assert flashed(response) == [expected]


def test_bulk_assignment_never_half_applies_a_dossier(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    new, stale = transferred(people, version), transferred(people, version)
    before = fresh(new).version
    client.force_login(people["leader_tp"])
    response = client.post(
        "/workspace/inbox/assign/",
        {
            "codes": [new.code, stale.code],
            "assignee": "cv.bavi",  # works for Ba Vì, not for the Department of Justice
            f"v-{new.code}": new.version,
            f"v-{stale.code}": stale.version - 1,
        },
    )
    assert response.status_code == 302
    # Accepting went through, assigning did not: both are undone together.
    new = fresh(new)
    assert new.status == Status.TRANSFERRED and new.version == before and new.assignee is None
    assert not new.events.filter(action=Action.ACCEPT).exists()
    assert fresh(stale).status == Status.TRANSFERRED
    messages = flashed(response)
    assert len(messages) == 2
    assert (
        new.code in messages[0] and "cv.bavi hôm nay không làm việc tại Sở Tư pháp." in messages[0]
    )
    assert stale.code in messages[1] and "đã thay đổi từ khi bạn mở" in messages[1]


def test_a_specialist_may_not_assign_in_bulk(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    new = transferred(people, justice_procedure())
    client.force_login(people["specialist_tp"])
    html = client.get("/workspace/inbox/").content.decode()
    assert 'name="codes"' not in html
    response = client.post(
        "/workspace/inbox/assign/",
        {"codes": [new.code], "assignee": "cv.sotp", f"v-{new.code}": new.version},
    )
    assert response.status_code == 403
    assert fresh(new).status == Status.TRANSFERRED and fresh(new).assignee is None


def test_people_without_an_agency_go_to_the_dossier_search(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    client.force_login(people["officer_cn01"])
    response = client.get("/workspace/inbox/")
    assert response.status_code == 302 and response["Location"] == "/workspace/dossiers/"


def test_the_inbox_reads_a_fixed_number_of_queries(
    client, people, clock, django_assert_max_num_queries
):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    client.force_login(people["leader_tp"])
    for _ in range(2):
        transferred(people, version)
    client.get("/workspace/inbox/")
    with django_assert_max_num_queries(12):
        client.get("/workspace/inbox/")
    for _ in range(6):
        advance(people, receive(people, version), Status.IN_PROGRESS)
    with django_assert_max_num_queries(12):
        assert len(listed(client.get("/workspace/inbox/"))) == 8
