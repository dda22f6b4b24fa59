"""Factories for the catalogue's tests. Add to them; do not remove."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from motcua.catalog.choices import CompetenceRule, OnlineLevel, ProcedureLevel, StepActor
from motcua.catalog.models import (
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from motcua.organization.choices import Role
from motcua.organization.tests.factories import AgencyFactory
from motcua.worktime.choices import TimeLimitUnit


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["code"]

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    sector = factory.SubFactory(SectorFactory)


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    """Three working days, a fixed agency, two components, a three-step process."""

    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True  # with_parts adds rows; the version itself is unchanged

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    valid_from = date(2020, 1, 1)
    level = ProcedureLevel.PROVINCE
    competence_rule = CompetenceRule.FIXED
    competent_agency = factory.SubFactory(AgencyFactory)
    time_limit = 3
    time_limit_unit = TimeLimitUnit.WORKING_DAYS
    fee = 0
    result_kind = "Giấy xác nhận"
    online_level = OnlineLevel.FULL
    legal_basis = "Văn bản thử nghiệm"

    @factory.post_generation
    def with_parts(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        ProcedureComponent.objects.create(version=obj, order=1, name="Tờ khai")
        ProcedureComponent.objects.create(
            version=obj, order=2, name="Giấy tờ tùy thân", copy_kind="copy"
        )
        for order, (name, actor, role, hours) in enumerate(
            [
                ("Tiếp nhận, chuyển hồ sơ", StepActor.ONE_STOP, Role.RECEIVING_OFFICER, "4"),
                ("Thẩm định hồ sơ", StepActor.AGENCY, Role.AGENCY_SPECIALIST, "12"),
                ("Phê duyệt, ký kết quả", StepActor.AGENCY, Role.AGENCY_LEADER, "8"),
            ],
            start=1,
        ):
            ProcessStep.objects.create(
                version=obj,
                order=order,
                name=name,
                actor=actor,
                role=role,
                allowance_hours=Decimal(hours),
            )
