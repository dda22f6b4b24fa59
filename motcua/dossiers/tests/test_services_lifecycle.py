"""The lifecycle services: deadlines, every exception path, and nothing half-written."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import Conflict, InvalidInput, InvalidTransition, StaleVersion
from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.choices import Status, Timeliness
from motcua.dossiers.files import StoredFile
from motcua.dossiers.models import DailySequence, Dossier, DossierEvent, Handover
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import (
    APPLICANT,
    actor,
    advance,
    justice_procedure,
    receive,
    submit_online,
)
from motcua.dossiers.tests.samples import pdf_bytes
from motcua.organization.models import Site
from motcua.worktime.choices import TimeLimitUnit

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: datetime) -> datetime:
    return moment.astimezone(HANOI).replace(tzinfo=None)


def test_receipt_after_the_cut_off_counts_from_the_next_working_day(people, clock):
    clock.set(2026, 3, 10, 15, 30)  # Tuesday
    dossier = receive(people, justice_procedure())
    assert local(dossier.deemed_received_at) == datetime(2026, 3, 11, 8, 0)
    assert local(dossier.due_at) == datetime(2026, 3, 13, 17, 0)  # 3 working days: Fri 17:00
    # After 15:00 a paper dossier goes to the agency by the next working morning.
    assert local(dossier.transfer_due_at) == datetime(2026, 3, 11, 12, 0)
    assert dossier.regime.code == "2025" and dossier.forms["stop"]["number"] == "05"


def test_receipt_on_a_weekend_and_before_tet(people, clock):
    clock.set(2026, 2, 13, 10, 0)  # Friday before Tết 2026: off from Sat 14/02 to Sun 22/02
    dossier = receive(people, justice_procedure())
    assert local(dossier.deemed_received_at) == datetime(2026, 2, 13, 10, 0)
    # 6 h on Friday, then Tết; 8 h on Mon 23/02, 8 h on Tue 24/02, 2 h on Wed 25/02.
    assert local(dossier.due_at) == datetime(2026, 2, 25, 10, 0)


def test_same_day_procedures_are_due_at_closing(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure(time_limit=0))
    assert local(dossier.due_at) == datetime(2026, 3, 10, 17, 0)


def test_calendar_day_limits_end_at_closing_of_the_next_working_day(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure(time_limit=15, time_limit_unit=TimeLimitUnit.CALENDAR_DAYS)
    dossier = receive(people, version)
    assert local(dossier.due_at) == datetime(2026, 3, 25, 17, 0)
    clock.set(2026, 3, 13, 9, 0)  # + 15 days = Saturday 28/03 → Monday 30/03
    assert local(receive(people, version).due_at) == datetime(2026, 3, 30, 17, 0)


def test_a_dossier_received_under_regime_2018_keeps_its_forms(people, clock):
    clock.set(2025, 6, 20, 9, 0)
    dossier = receive(people, justice_procedure())
    assert dossier.regime.code == "2018"
    assert "stop" not in dossier.forms and dossier.forms["ledger"]["number"] == "06"
    dossier = advance(people, dossier, Status.IN_PROGRESS)
    with pytest.raises(InvalidTransition):
        svc.dossier_stop(actor=actor(people["leader_tp"]), code=dossier.code, reason="Dừng")


def test_the_applicant_is_checked_field_by_field(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    bad = svc.ApplicantIn(name="  ", id_number="12345", phone="12", email="not-an-email")
    with pytest.raises(InvalidInput) as caught:
        receive(people, justice_procedure(), applicant=bad)
    fields = {e["field"] for e in caught.value.extra["errors"]}
    assert fields == {"applicant.name", "applicant.id_number", "applicant.phone", "applicant.email"}
    assert not Dossier.objects.exists()
    assert not DailySequence.objects.exists()


def test_names_are_stored_nfc(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"  # "Nguyễn Văn A" typed with combining marks
    applicant = svc.ApplicantIn(name=decomposed, id_number="001085012345")
    dossier = receive(people, justice_procedure(), applicant=applicant)
    assert dossier.applicant_name == "Nguyễn Văn A"


def test_a_required_component_missing_means_guidance_not_receipt(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    only_first = [svc.ComponentIn(order=1), svc.ComponentIn(order=2, received=False)]
    with pytest.raises(InvalidInput) as caught:
        receive(people, version, components=only_first)
    assert caught.value.field == "components"
    guided = receive(people, version, components=only_first, decision="guide")
    assert guided.status == Status.GUIDED and guided.due_at is None
    event = guided.events.get()
    assert event.payload["items"][0]["name"] == "Giấy tờ tùy thân"
    # The applicant comes back complete two days later: the clock starts then.
    clock.set(2026, 3, 12, 14, 0)
    received = svc.dossier_accept_online(
        actor=actor(people["officer_cn01"]), code=guided.code, site=Site.objects.get(code="CN01")
    )
    assert received.status == Status.RECEIVED
    assert local(received.deemed_received_at) == datetime(2026, 3, 12, 14, 0)
    assert local(received.due_at) == datetime(2026, 3, 17, 14, 0)
    assert received.code == guided.code


def test_refusal_needs_a_reason_and_finishes_the_dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    with pytest.raises(InvalidInput):
        receive(people, justice_procedure(), decision="refuse")
    refused = receive(
        people, justice_procedure(), decision="refuse", reason="Không thuộc thẩm quyền"
    )
    assert refused.status == Status.REFUSED and refused.national_status == 3
    assert refused.finished_at is not None


def test_online_dossiers_wait_for_the_check_within_8_working_hours(people, clock):
    clock.set(2026, 3, 13, 16, 0)  # Friday after the cut-off
    dossier = submit_online(justice_procedure())
    assert dossier.status == Status.SUBMITTED and dossier.national_status == 1
    assert local(dossier.deemed_received_at) == datetime(2026, 3, 16, 8, 0)
    assert local(dossier.check_due_at) == datetime(2026, 3, 16, 17, 0)
    # Electronic: within a working hour of receipt (Friday's 16:00 filing → 17:00 at the latest).
    assert local(dossier.transfer_due_at) == datetime(2026, 3, 13, 17, 0)
    clock.set(2026, 3, 16, 10, 0)
    received = svc.dossier_accept_online(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=Site.objects.get(code="CN01")
    )
    assert local(received.transfer_due_at) == datetime(2026, 3, 16, 11, 0)


def test_the_second_supplement_request_is_refused(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.AWAITING_SUPPLEMENT)
    clock.set(2026, 3, 11, 9, 0)
    dossier = svc.dossier_receive_supplement(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=Site.objects.get(code="CN01")
    )
    # Paused 10/03 09:00 → 11/03 09:00 = 8 working hours: 13/03 09:00 + 8 h = 16/03 09:00.
    assert local(dossier.due_at) == datetime(2026, 3, 16, 9, 0)
    with pytest.raises(Conflict) as caught:
        svc.dossier_request_supplement(
            actor=actor(people["specialist_tp"]),
            code=dossier.code,
            reason="Lại thiếu",
            items=[svc.SupplementItem("Bản sao")],
        )
    assert caught.value.code == "supplement_already_requested"


def test_a_second_request_allowed_by_the_regime_makes_the_dossier_late(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.AWAITING_SUPPLEMENT)
    dossier.regime.max_supplements = 2
    dossier.regime.save()
    specialist, cn01 = actor(people["specialist_tp"]), Site.objects.get(code="CN01")
    svc.dossier_receive_supplement(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=cn01
    )
    svc.dossier_request_supplement(
        actor=specialist, code=dossier.code, reason="Thiếu", items=[svc.SupplementItem("X")]
    )
    svc.dossier_receive_supplement(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=cn01
    )
    done = svc.dossier_complete(actor=specialist, code=dossier.code)
    assert done.timeliness == Timeliness.LATE  # even though it finished the same day


def test_apology_rules(people, clock):
    clock.set(2026, 3, 10, 9, 0)  # due Fri 13/03 09:00
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    leader = actor(people["leader_tp"])
    later = datetime(2026, 3, 18, 17, 0, tzinfo=HANOI)
    with pytest.raises(InvalidInput):
        svc.dossier_extend(
            actor=leader, code=dossier.code, new_due_at=dossier.due_at, reason="Chờ xác minh"
        )
    clock.set(2026, 3, 12, 9, 1)  # less than 8 working hours before the due time
    with pytest.raises(Conflict) as caught:
        svc.dossier_extend(actor=leader, code=dossier.code, new_due_at=later, reason="Chờ")
    assert caught.value.code == "apology_too_late"
    clock.set(2026, 3, 12, 9, 0)
    extended = svc.dossier_extend(actor=leader, code=dossier.code, new_due_at=later, reason="Chờ")
    assert extended.due_at == later and local(extended.original_due_at) == datetime(2026, 3, 13, 9)


def test_a_financial_obligation_pauses_the_clock(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.AWAITING_OBLIGATION)
    assert dossier.national_status == 6
    clock.set(2026, 3, 10, 13, 0)  # 3 working hours later (lunch excluded)
    dossier = svc.dossier_fulfil_obligation(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=Site.objects.get(code="CN01")
    )
    assert dossier.status == Status.IN_PROGRESS
    assert local(dossier.due_at) == datetime(2026, 3, 13, 12, 0)


def test_no_stop_or_withdrawal_once_the_result_is_done(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.RESULT_READY)
    with pytest.raises(InvalidTransition) as caught:
        svc.dossier_stop(actor=actor(people["leader_tp"]), code=dossier.code, reason="Dừng")
    assert "deliver" in caught.value.extra["allowed_actions"]
    with pytest.raises(InvalidTransition):
        svc.dossier_withdraw(
            actor=actor(people["officer_cn01"]),
            code=dossier.code,
            site=Site.objects.get(code="CN01"),
        )


def test_stop_under_regime_2025_finishes_and_grades(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    stopped = svc.dossier_stop(actor=actor(people["leader_tp"]), code=dossier.code, reason="Dừng")
    assert stopped.status == Status.STOPPED and stopped.national_status == 8
    assert stopped.timeliness == Timeliness.EARLY


def test_withdrawal(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    withdrawn = svc.dossier_withdraw(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=Site.objects.get(code="CN01"),
        reason="Công dân rút hồ sơ",
    )  # fmt: skip
    assert withdrawn.national_status == 7


def test_a_stale_version_is_refused(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    with pytest.raises(StaleVersion):
        svc.dossier_transfer(
            actor=actor(people["officer_cn01"]), code=dossier.code,
            site=Site.objects.get(code="CN01"), expected_version=dossier.version + 1,
        )  # fmt: skip


def test_every_step_is_graded_on_the_control_slip(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    clock.set(2026, 3, 10, 14, 30)  # step 1 allows 4 working hours: due 14:00 → late
    dossier = svc.dossier_transfer(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=Site.objects.get(code="CN01")
    )
    clock.set(2026, 3, 10, 15, 0)
    svc.dossier_accept(actor=actor(people["specialist_tp"]), code=dossier.code)
    clock.set(2026, 3, 11, 10, 0)  # step 2 allows 12 h: due 12/03 10:00; done the day before
    svc.dossier_handover(actor=actor(people["specialist_tp"]), code=dossier.code, to="ld.sotp")
    clock.set(2026, 3, 12, 16, 0)  # step 3 allows 8 h: due 12/03 10:00 → late
    svc.dossier_complete(actor=actor(people["leader_tp"]), code=dossier.code)
    rows = list(Handover.objects.filter(dossier=dossier).order_by("given_at"))
    assert [(r.step, r.timeliness) for r in rows] == [
        (1, Timeliness.LATE),
        (2, Timeliness.EARLY),
        (3, Timeliness.LATE),
    ]
    assert rows[0].receiver == people["specialist_tp"]
    assert rows[0].received_at is not None


def test_scans_are_checked_and_stored_with_a_checksum(people, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    officer, cn01 = actor(people["officer_cn01"]), Site.objects.get(code="CN01")
    with pytest.raises(InvalidInput):
        svc.dossier_attach(
            actor=officer, code=dossier.code, order=1, site=cn01,
            file=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"),
        )  # fmt: skip
    content = pdf_bytes("scan of the declaration")
    component = svc.dossier_attach(
        actor=officer, code=dossier.code, order=1, site=cn01,
        file=SimpleUploadedFile("to-khai.pdf", content),
    )  # fmt: skip
    assert component.sha256 == hashlib.sha256(content).hexdigest()
    assert component.digitised_at is not None and component.content_type == "application/pdf"
    with component.file.open("rb") as stored:
        assert stored.read() == content


def test_scans_given_at_receipt_digitise_their_components_in_the_receipt_event(
    people, clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    content = pdf_bytes("the declaration, scanned at the counter")
    stored = StoredFile("samples/copy.pdf", "ab" * 32, 1234, "application/pdf")
    dossier = receive(
        people, justice_procedure(),
        components=[svc.ComponentIn(order=1, file=SimpleUploadedFile("a.pdf", content)),
                    svc.ComponentIn(order=2, file=stored)],
    )  # fmt: skip
    one, two = dossier.components.order_by("order")
    assert one.sha256 == hashlib.sha256(content).hexdigest() and one.size == len(content)
    assert one.file.name.endswith(f"/{dossier.code}-01.pdf")
    with one.file.open("rb") as kept:
        assert kept.read() == content
    assert (two.file.name, two.sha256, two.size) == ("samples/copy.pdf", "ab" * 32, 1234)
    assert one.digitised_at == two.digitised_at == dossier.submitted_at
    event = DossierEvent.objects.get(dossier=dossier)
    assert event.action == "receive" and dossier.version == 1  # no event per scan
    assert event.payload["scans"] == {"1": one.sha256, "2": "ab" * 32}
    assert list(chain_breaks([dossier.pk])) == []


def test_a_scan_refused_at_receipt_is_named_and_nothing_is_written(people, clock, tmp_path,
                                                                   settings):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    with pytest.raises(InvalidInput) as refused:
        receive(people, version, components=[
            svc.ComponentIn(order=1, file=SimpleUploadedFile("x.pdf", b"MZ not a pdf")),
            svc.ComponentIn(order=2),
        ])  # fmt: skip
    assert refused.value.field == "components.1.file"
    with pytest.raises(InvalidInput) as refused:
        receive(people, version, decision="guide", components=[
            svc.ComponentIn(order=1),
            svc.ComponentIn(order=2, received=False,
                            file=SimpleUploadedFile("b.pdf", pdf_bytes())),
        ])  # fmt: skip
    assert refused.value.field == "components.2.file"
    assert not Dossier.objects.exists() and not list(tmp_path.glob("**/*.pdf"))


def test_the_electronic_result_is_kept_with_its_checksum(people, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    leader = actor(people["leader_tp"])
    stored = StoredFile("samples/result.pdf", "cd" * 32, 999, "application/pdf")
    done = svc.dossier_complete(actor=leader, code=dossier.code, result_file=stored)
    assert (done.result_file.name, done.result_sha256) == ("samples/result.pdf", "cd" * 32)
    event = DossierEvent.objects.filter(dossier=done).latest("seq")
    assert event.payload["result_sha256"] == "cd" * 32


def test_nothing_is_half_written_when_the_event_cannot_be_written(people, clock, monkeypatch):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("motcua.dossiers.services.lifecycle.event_append", broken)
    with pytest.raises(RuntimeError):
        svc.dossier_transfer(
            actor=actor(people["officer_cn01"]),
            code=dossier.code,
            site=Site.objects.get(code="CN01"),
        )
    with pytest.raises(RuntimeError):
        receive(people, justice_procedure())
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.version == 1
    assert not Handover.objects.exists()
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1
    assert DailySequence.objects.get().last == 1  # the failed receipt gave its number back


def test_codes_run_per_unit_and_day(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    first, second = receive(people, version), receive(people, version)
    other = receive(people, version, site="CN07", return_site="CN07")
    clock.set(2026, 3, 11, 9, 0)
    next_day = receive(people, version)
    assert [d.code for d in (first, second, other, next_day)] == [
        "000.01.HC.H26-260310-0001",
        "000.01.HC.H26-260310-0002",
        "000.07.HC.H26-260310-0001",
        "000.01.HC.H26-260311-0001",
    ]


def test_idempotent_create_returns_the_first_dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    first = svc.dossier_create(
        actor=actor(people["officer_cn01"]), site=Site.objects.get(code="CN01"),
        procedure_code=version.procedure.code, applicant=APPLICANT, return_site_code="CN01",
        idempotency_key="k1", digest="d1",
    )  # fmt: skip
    again = svc.dossier_create(
        actor=actor(people["officer_cn01"]), site=Site.objects.get(code="CN01"),
        procedure_code=version.procedure.code, applicant=APPLICANT, return_site_code="CN01",
        idempotency_key="k1", digest="d1",
    )  # fmt: skip
    assert first[1] is True and again == (first[0], False)
    with pytest.raises(InvalidInput):
        svc.dossier_create(
            actor=actor(people["officer_cn01"]), site=Site.objects.get(code="CN01"),
            procedure_code=version.procedure.code, applicant=APPLICANT, return_site_code="CN07",
            idempotency_key="k1", digest="d2",
        )  # fmt: skip
    assert Dossier.objects.count() == 1


def test_a_procedure_version_is_frozen_at_receipt(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    old = justice_procedure(valid_to=date(2026, 6, 30))
    from motcua.catalog.tests.factories import ProcedureVersionFactory

    ProcedureVersionFactory(
        procedure=old.procedure, number=2, valid_from=date(2026, 7, 1), time_limit=1,
        competent_agency=old.competent_agency,
    )  # fmt: skip
    before = receive(people, old)
    clock.set(2026, 7, 1, 9, 0)
    after = receive(people, old)
    assert (before.procedure_version.number, before.time_limit) == (1, 3)
    assert (after.procedure_version.number, after.time_limit) == (2, 1)
    assert local(after.due_at) == datetime(2026, 7, 2, 9, 0)  # one working day


def test_boundary_free_means_received_outside_the_agency_territory(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    applicant = svc.ApplicantIn(name="Lê Thị Hoa", id_number="001190012345", unit_code="00103")
    at_tay_ho = receive(people, _certification(), applicant=applicant)  # CN01 is in Tây Hồ
    at_ha_dong = receive(
        people, _certification(), applicant=applicant, site="CN07", return_site="CN07"
    )
    assert at_tay_ho.competent_agency.code == "UBND-X-00103-2025"
    assert at_tay_ho.outside_territory is False
    assert at_ha_dong.outside_territory is True


def _certification():
    from motcua.catalog.models import ProcedureVersion

    return ProcedureVersion.objects.filter(procedure__code="2.000815").first()
