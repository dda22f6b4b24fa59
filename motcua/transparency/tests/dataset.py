"""A small, hand-counted history at Tây Hồ (CN01, with one commune point) and Hà Đông (CN07),
made through the lifecycle and feedback services between Friday 27 February and Tuesday 10
March 2026 (no public holiday among those weekdays). The tests count on it; each dossier's
comment says where it counts and why.

Each Department of Justice dossier has three working days: received Monday 2 March at 09:00,
it is due Thursday 5 March at 09:00. Working minutes: 08:00–12:00 and 13:00–17:00.

March 2026, whole city (the tests repeat these with their arithmetic):

- received (deemed in March): A B D E F H I J K L = 10; C was deemed received in February.
- online 0 (C is February's), outside the territory 1 (L), with a verifier 9 (F has none),
  with fees 2 (D, E), paid online 1 (D; E's last payment was in cash).
- opened in March 11 (the ten, and C, accepted on 2 March); closed 6 (A B H J completed,
  F withdrawn, K stopped): 5 in progress at the end (C D E I L).
- finished 4: early 1 (A), on time 1 (H), late 2 (B with two supplement requests, J).
- processing minutes 1020 (A) + 420 (B) + 1440 (H) + 2460 (J) = 5340.
- digitised 1 (H); flagged 2 (A rated not satisfied, J complained about).
- ratings: not satisfied 1 (A, with a survey of 9 points), very satisfied 1 (H); complaints 2
  (J, I), suggestions 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import Procedure
from motcua.dossiers.choices import ApplicantKind, Status
from motcua.dossiers.models import Dossier, Regime
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import (
    APPLICANT,
    actor,
    advance,
    justice_procedure,
    receive,
)
from motcua.dossiers.tests.samples import pdf_bytes
from motcua.feedback import services as feedback
from motcua.organization.choices import Role, SiteKind
from motcua.organization.models import Site
from motcua.organization.tests.factories import StaffProfileFactory, appoint

NOW = (2026, 3, 10, 17, 0)
VERIFIER = APPLICANT.phone[-4:]
FEE = 50_000
PDF = pdf_bytes("test scan")


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Dataset:
    point: Site
    point_officer: object
    free: object  # the Department of Justice procedure without fees
    paid: object  # the same with fees
    dossiers: dict[str, Dossier]


def build(people, clock) -> Dataset:
    # A regime that allows a second supplement request, so that B can have two.
    Regime.objects.update(max_supplements=2)
    free = justice_procedure()
    paid = justice_procedure(fee=FEE)
    cn01, cn07 = Site.objects.get(code="CN01"), Site.objects.get(code="CN07")
    point = Site.objects.filter(parent=cn01, kind=SiteKind.COMMUNE_POINT).order_by("code").first()
    profile = StaffProfileFactory(user__username="tn.point", full_name="Đinh Thị Hoa")
    appoint(profile.user, Role.RECEIVING_OFFICER, site=point, start=date(2025, 7, 1))
    officer = actor(people["officer_cn01"])
    officer_cn07 = actor(people["officer_cn07"])
    specialist = actor(people["specialist_tp"])
    d: dict[str, Dossier] = {}

    # C: filed online on Friday 27 February at 10:00, fees paid online: deemed received then
    # (February), accepted on Monday 2 March 08:30 (opened in March). In progress.
    clock.set(2026, 2, 27, 10, 0)
    d["C"], _ = svc.dossier_create(
        actor=None, site=cn01, procedure_code=paid.procedure.code, applicant=APPLICANT,
        decision="submit", return_method="online", fee_paid=FEE, payment_method="online",
    )  # fmt: skip
    clock.set(2026, 3, 2, 8, 30)
    svc.dossier_accept_online(actor=officer, code=d["C"].code, site=cn01)

    clock.set(2026, 3, 2, 9, 0)
    d["A"] = receive(people, free)  # completed early Wed 4/3 10:00: 420 + 480 + 120 = 1020 min
    d["B"] = receive(people, free)  # two supplements: late whatever the clock says
    d["H"] = receive(people, free)  # scanned, completed with a file exactly when due: on time
    d["J"] = receive(people, free, site="CN07", return_site="CN07")  # completed late Mon 9/3
    advance(people, d["A"], Status.IN_PROGRESS)
    advance(people, d["H"], Status.IN_PROGRESS)
    for order in (1, 2):
        svc.dossier_attach(
            actor=specialist, code=d["H"].code, order=order, file=pdf(f"h{order}.pdf")
        )
    svc.dossier_transfer(actor=officer_cn07, code=d["J"].code, site=cn07)
    svc.dossier_accept(actor=specialist, code=d["J"].code)

    clock.set(2026, 3, 2, 10, 0)  # B paused from Mon 10:00 to Tue 10:00: 120 + 240 + 120 = 480
    advance(people, d["B"], Status.AWAITING_SUPPLEMENT)

    clock.set(2026, 3, 3, 9, 0)
    d["D"] = receive(people, paid)  # fees unpaid at receipt, paid online at 10:00
    d["E"] = receive(people, paid, fee_paid=FEE, payment_method="online")  # then cash at 10:00
    d["F"] = receive(
        people, free,
        applicant=svc.ApplicantIn(name="Công ty TNHH Ánh Dương",
                                  kind=ApplicantKind.ORGANIZATION),
    )  # fmt: skip  # no phone, no tax code: the public lookup cannot verify it
    d["I"], _ = svc.dossier_create(
        actor=actor(profile.user), site=point, procedure_code=free.procedure.code,
        applicant=APPLICANT, return_method="site", return_site_code="CN01",
    )  # fmt: skip  # at the commune point: counts for the point and for its branch CN01
    land = Procedure.objects.get(code="1.013978").versions.first()
    d["L"] = receive(
        people,
        land,
        applicant=svc.ApplicantIn(name="Nguyễn Văn Bình", id_number="001085012345",
                                  phone="0912345678", address="Thôn Yên Bài, xã Ba Vì",
                                  unit_code="09700"),
        object_unit_code="09700",
    )  # fmt: skip  # a Ba Vì land dossier at Tây Hồ: outside the agency's territory
    # G: filed online and refused at the check: never received, counted nowhere.
    d["G"], _ = svc.dossier_create(
        actor=None, site=cn01, procedure_code=free.procedure.code, applicant=APPLICANT,
        decision="submit", return_method="online",
    )  # fmt: skip
    clock.set(2026, 3, 3, 10, 0)
    svc.dossier_receive_supplement(actor=officer, code=d["B"].code, site=cn01)
    svc.dossier_pay(actor=officer, code=d["D"].code, site=cn01, amount=FEE, method="online")
    svc.dossier_pay(actor=officer, code=d["E"].code, site=cn01, amount=1_000, method="cash")
    svc.dossier_refuse(actor=officer, code=d["G"].code, site=cn01, reason="Sai thẩm quyền")
    clock.set(2026, 3, 3, 11, 0)  # B's second pause, 11:00–15:00: 60 + 120 = 180 minutes
    svc.dossier_request_supplement(
        actor=specialist, code=d["B"].code, reason="Thiếu bản sao",
        items=[svc.SupplementItem("Bản sao giấy khai sinh")],
    )  # fmt: skip
    clock.set(2026, 3, 3, 15, 0)
    svc.dossier_receive_supplement(actor=officer, code=d["B"].code, site=cn01)

    clock.set(2026, 3, 4, 9, 0)
    svc.dossier_withdraw(actor=officer, code=d["F"].code, site=cn01, reason="Rút hồ sơ")
    d["K"] = receive(people, free)  # stopped Thu 5/3: leaves processing, not finished
    advance(people, d["K"], Status.IN_PROGRESS)
    feedback.complaint_submit(
        kind="complaint", subject="Chậm tiếp nhận", content="Phải chờ lâu.",
        sender_name="Trần Thị Lan", sender_phone=APPLICANT.phone, dossier_code=d["I"].code,
        verifier=VERIFIER,
    )  # fmt: skip  # I is still in progress: flagged when (if) it is completed
    feedback.complaint_submit(
        kind="suggestion", subject="Thêm ghế chờ", content="Nên có thêm ghế.",
        sender_name="Lê Văn Tâm", sender_phone="0911222333", site_code="CN01",
    )  # fmt: skip
    clock.set(2026, 3, 4, 10, 0)
    svc.dossier_complete(actor=specialist, code=d["A"].code)
    clock.set(2026, 3, 4, 11, 0)  # B: W(Mon 09:00 → Wed 11:00) = 420 + 480 + 180 = 1080; − 660
    svc.dossier_complete(actor=specialist, code=d["B"].code)

    clock.set(2026, 3, 5, 9, 0)  # H: 420 + 480 + 480 + 60 = 1440 minutes
    svc.dossier_complete(actor=specialist, code=d["H"].code, result_file=pdf("kq.pdf"))
    svc.dossier_stop(
        actor=actor(people["leader_tp"]), code=d["K"].code, reason="Người nộp không bổ sung"
    )
    clock.set(2026, 3, 5, 10, 0)
    for key in ("A", "H"):
        svc.dossier_deliver(actor=officer, code=d[key].code, site=cn01, recipient_name="Lan")

    clock.set(2026, 3, 6, 9, 0)
    feedback.rating_submit(
        dossier_code=d["A"].code, verifier=VERIFIER, level="not_satisfied", criteria=[1] * 9
    )
    feedback.rating_submit(dossier_code=d["H"].code, verifier=VERIFIER, level="very_satisfied")

    clock.set(2026, 3, 9, 10, 0)  # J: 420 + 4 × 480 + 120 = 2460 minutes, late
    svc.dossier_complete(actor=specialist, code=d["J"].code)
    clock.set(2026, 3, 10, 9, 0)
    feedback.complaint_submit(
        kind="complaint", subject="Trả kết quả chậm", content="Quá hẹn bốn ngày.",
        sender_name="Trần Thị Lan", sender_phone=APPLICANT.phone, dossier_code=d["J"].code,
        verifier=VERIFIER,
    )  # fmt: skip

    clock.set(*NOW)
    for key, dossier in d.items():
        d[key] = Dossier.objects.get(pk=dossier.pk)
    return Dataset(point=point, point_officer=profile.user, free=free, paid=paid, dossiers=d)
