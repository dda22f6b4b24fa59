"""A small, hand-counted set of dossiers at Tây Hồ (CN01, with one commune point) and Hà Đông
(CN07), made through the lifecycle services between Monday 2 and Tuesday 10 March 2026 (no
public holiday on those weekdays). The reports tests count on it; the comments say why each
dossier is where it is at Tuesday 10 March, 09:00, when the tests look.

Each dossier of the Department of Justice procedure has three working days: received Monday
2 March at 09:00, it is due Thursday 5 March at 09:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from motcua.catalog.models import Procedure
from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import (
    APPLICANT,
    actor,
    advance,
    justice_procedure,
    receive,
    submit_online,
)
from motcua.organization.choices import Role, SiteKind
from motcua.organization.models import Site
from motcua.organization.tests.factories import StaffProfileFactory, appoint

NOW = (2026, 3, 10, 9, 0)


@dataclass
class Dataset:
    version: object
    point: Site
    point_officer: object
    dossiers: dict[str, Dossier]


def build(people, clock) -> Dataset:
    version = justice_procedure()
    cn01 = Site.objects.get(code="CN01")
    point = Site.objects.filter(parent=cn01, kind=SiteKind.COMMUNE_POINT).order_by("code").first()
    profile = StaffProfileFactory(user__username="tn.point", full_name="Đinh Thị Hoa")
    appoint(profile.user, Role.RECEIVING_OFFICER, site=point, start=date(2025, 7, 1))
    officer, leader = actor(people["officer_cn01"]), actor(people["leader_tp"])
    d: dict[str, Dossier] = {}

    clock.set(2026, 3, 2, 9, 0)
    d["late"] = receive(people, version)  # never transferred: late since Thu 5/3 09:00
    d["early"] = receive(people, version)
    d["late_done"] = receive(people, version)
    d["paused_done"] = receive(people, version)
    d["cn07"] = receive(people, version, site="CN07", return_site="CN07")  # late at CN07

    clock.set(2026, 3, 2, 10, 0)
    advance(people, d["paused_done"], Status.AWAITING_SUPPLEMENT)
    clock.set(2026, 3, 3, 10, 0)  # a pause of 8 working hours; due moves to Fri 6/3 09:00
    svc.dossier_receive_supplement(actor=officer, code=d["paused_done"].code, site=cn01)
    clock.set(2026, 3, 4, 10, 0)
    svc.dossier_complete(actor=leader, code=d["paused_done"].code)  # early, 9 h of work
    advance(people, d["early"], Status.RESULT_READY)  # early, 17 working hours

    clock.set(2026, 3, 5, 10, 0)
    d["due_soon"] = receive(people, version)  # due Tue 10/3 10:00
    clock.set(2026, 3, 5, 11, 0)
    d["waiting"] = advance(people, receive(people, version), Status.AWAITING_SUPPLEMENT)

    clock.set(2026, 3, 10, 8, 30)
    advance(people, d["late_done"], Status.RESULT_READY)  # late today, 47.5 working hours
    d["today"] = receive(people, version)
    d["point"], _ = svc.dossier_create(
        actor=actor(profile.user), site=point, procedure_code=version.procedure.code,
        applicant=APPLICANT, return_method="site", return_site_code="CN01",
    )  # fmt: skip
    land = Procedure.objects.get(code="1.013978").versions.first()
    d["outside"] = receive(
        people,
        land,
        applicant=svc.ApplicantIn(name="Nguyễn Văn Bình", id_number="001085012345",
                                  phone="0912345678", address="xã Ba Vì", unit_code="09700"),
        object_unit_code="09700",
    )  # fmt: skip
    clock.set(2026, 3, 10, 8, 40)
    d["online"] = submit_online(version)
    svc.dossier_accept_online(actor=officer, code=d["online"].code, site=cn01)
    d["unchecked"] = submit_online(version)  # not received: not counted
    d["refused"], _ = svc.dossier_create(
        actor=officer, site=cn01, procedure_code=version.procedure.code, applicant=APPLICANT,
        decision="refuse", reason="Không thuộc thẩm quyền", return_site_code="CN01",
    )  # fmt: skip

    clock.set(*NOW)
    for key, dossier in d.items():
        d[key] = Dossier.objects.get(pk=dossier.pk)
    return Dataset(version=version, point=point, point_officer=profile.user, dossiers=d)
