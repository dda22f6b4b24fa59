"""Factories for the organization app's tests (factory_boy). Add to them; do not remove."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model

from motcua.organization.choices import AgencyKind, SiteKind, UnitLevel
from motcua.organization.models import AdministrativeUnit, Agency, Site, StaffProfile


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n + 100:03d}")
    name = factory.Sequence(lambda n: f"Quận {n}")
    level = UnitLevel.DISTRICT
    valid_from = date(2008, 8, 1)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"AG{n:03d}")
    name = factory.Sequence(lambda n: f"Sở {n}")
    kind = AgencyKind.CITY_DEPARTMENT
    territory = factory.SubFactory(AdministrativeUnitFactory, level=UnitLevel.PROVINCE)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"CN{n:02d}")
    name = factory.Sequence(lambda n: f"Chi nhánh số {n}")
    kind = SiteKind.BRANCH
    # "F…" keeps test sites apart from the loader's ids (000.NN.HC.H26).
    unit_id = factory.Sequence(lambda n: f"F{n // 100 % 100:02d}.{n % 100:02d}.TS.H26")


class CenterFactory(SiteFactory):
    code = "TTPVHCC"  # as motcua/organization/data/hanoi_network.toml names it
    name = "Trung tâm Phục vụ hành chính công thành phố Hà Nội"
    kind = SiteKind.CENTER
    unit_id = "000.00.HC.H26"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"canbo{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password("motcua-test-pass")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")


def appoint(user, role, site=None, agency=None, *, start=date(2025, 1, 1), end=None):
    """Appoint ``user`` through the service, with a decision number, from 2025-01-01 by default."""
    from motcua.organization.services.staff import assignment_create

    return assignment_create(
        user=user,
        role=role,
        site=site,
        agency=agency,
        valid_from=start,
        valid_to=end,
        decision_number="QĐ-1",
    )
