"""A handful of demo dossiers at Branch No. 1 (Tây Hồ), made through the lifecycle services.

For ``make run`` only: enough for every page and endpoint to show something (received, in
progress, awaiting a supplement, extended, ready, delivered, boundary-free). The year of
Hanoi-scale data is the workload generator's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model

from motcua.core import clock
from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import actor_for
from motcua.dossiers.services import lifecycle as svc
from motcua.organization.models import Site
from motcua.worktime.rules import HANOI
from motcua.worktime.selectors import calendar_for

User = get_user_model()


@dataclass(frozen=True)
class Scenario:
    procedure: str
    applicant: str
    id_number: str
    unit: str  # the applicant's (and the object's) ward
    working_days_ago: int
    goal: str
    return_site: str = "CN01"


SCENARIOS = [
    Scenario("2.000815", "Nguyễn Thị Thu Hà", "001186004512", "00103", 1, Status.RECEIVED),
    Scenario("2.000884", "Trần Quốc Bảo", "001079012877", "00103", 1, Status.RECEIVED),
    Scenario("1.001193", "Lê Minh Tuấn", "001092031245", "00103", 1, Status.DELIVERED),
    Scenario("1.004873", "Phạm Thu Trang", "001195008765", "00103", 2, Status.RESULT_READY),
    Scenario("2.000815", "Đặng Văn Long", "001066002231", "00103", 3, Status.IN_PROGRESS),
    Scenario("1.004873", "Vũ Thị Hồng", "001188017654", "00103", 4, Status.AWAITING_SUPPLEMENT),
    Scenario("1.001022", "Hoàng Đức Anh", "001085020019", "00103", 3, "extended"),
    Scenario("1.004859", "Bùi Thị Ngọc", "001190044321", "00103", 6, Status.TRANSFERRED),
    Scenario("1.013978", "Ngô Văn Thắng", "001070009876", "09700", 2, Status.TRANSFERRED, "CN07"),
]


def _working_day_back(day: date, n: int, calendar) -> date:
    while n > 0 or not calendar.is_working_day(day):
        if calendar.is_working_day(day):
            n -= 1
        day -= timedelta(days=1)
    return day


def demo_dossiers_create() -> list[str]:
    """Create the demo dossiers once (none when any dossier exists); return their codes."""
    if Dossier.objects.exists():
        return []
    users = {u.username: u for u in User.objects.filter(username__in=[
        "tiepnhan.cn1", "chuyenvien.tayho", "lanhdao.tayho"])}  # fmt: skip
    if len(users) < 3:
        return []
    site = Site.objects.get(code="CN01")
    today = clock.today()
    calendar = calendar_for(site)
    officer = actor_for(users["tiepnhan.cn1"], today)
    specialist = actor_for(users["chuyenvien.tayho"], today)
    leader = actor_for(users["lanhdao.tayho"], today)
    made = []
    for index, s in enumerate(SCENARIOS):
        day = _working_day_back(today, s.working_days_ago, calendar)
        start = datetime.combine(day, time(8, 20 + 4 * index), HANOI)
        at = [start + timedelta(minutes=25 * k) for k in range(8)]
        dossier, _ = svc.dossier_create(
            actor=officer, site=site, procedure_code=s.procedure,
            applicant=svc.ApplicantIn(
                name=s.applicant, id_number=s.id_number, phone="0912000" + f"{index:03d}",
                address="Hà Nội", unit_code=s.unit,
            ),
            object_unit_code=s.unit, return_site_code=s.return_site, at=at[0],
        )  # fmt: skip
        code = dossier.code
        if s.goal != Status.RECEIVED:
            svc.dossier_transfer(actor=officer, code=code, site=site, at=at[1])
        if s.goal == Status.TRANSFERRED or s.procedure == "1.013978":
            made.append(code)
            continue
        if s.goal != Status.RECEIVED:
            svc.dossier_accept(actor=specialist, code=code, at=at[2])
        if s.goal == Status.AWAITING_SUPPLEMENT:
            svc.dossier_request_supplement(
                actor=specialist, code=code, at=at[3],
                reason="Giấy tờ chứng minh nơi cư trú chưa hợp lệ",
                items=[svc.SupplementItem("Giấy xác nhận thông tin về cư trú", originals=1)],
            )  # fmt: skip
        if s.goal == "extended":
            svc.dossier_handover(actor=specialist, code=code, to="lanhdao.tayho", at=at[3])
            due = Dossier.objects.get(code=code).due_at
            svc.dossier_extend(
                actor=leader, code=code, at=at[4], new_due_at=due + timedelta(days=5),
                reason="Cần xác minh thêm thông tin tại nơi đăng ký trước đây",
            )  # fmt: skip
        if s.goal in (Status.RESULT_READY, Status.DELIVERED):
            svc.dossier_handover(actor=specialist, code=code, to="lanhdao.tayho", at=at[3])
            svc.dossier_complete(actor=leader, code=code, at=at[4], note="Đã ký")
        if s.goal == Status.DELIVERED:
            svc.dossier_deliver(
                actor=officer, code=code, site=site, at=at[5], recipient_name=s.applicant,
                recipient_id_number=s.id_number,
            )  # fmt: skip
        made.append(code)
    return made
