"""The demo's directors, inspector and administrator get an authenticator, printed once."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.testing import current_code
from motcua.core.management.commands.setup_demo import Command as SetupDemo
from motcua.organization.services.staff import demo_accounts_create
from motcua.organization.tests.factories import AgencyFactory, CenterFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_demo_accounts_that_need_it_get_a_key_and_demo_otp_prints_its_code(settings):
    settings.DEMO = True
    CenterFactory()
    SiteFactory(code="CN01", name="Chi nhánh số 1 Tây Hồ", number=1)
    AgencyFactory(code="STP", name="Sở Tư pháp")
    created = demo_accounts_create()
    out = io.StringIO()
    command = SetupDemo(stdout=out)
    command._second_factors([username for username, _password, _role in created])
    printed = out.getvalue()
    with_key = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)
    )
    assert {"quantri", "giamdoc.cn1", "thanhtra"} <= with_key
    assert "tiepnhan.cn1" not in with_key and "chuyenvien.sotp" not in with_key
    for username in with_key:
        assert username in printed
    device = TOTPDevice.objects.get(user__username="giamdoc.cn1")
    code = io.StringIO()
    call_command("demo_otp", "giamdoc.cn1", stdout=code)
    assert code.getvalue().strip() == current_code(device)
    settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("demo_otp", "giamdoc.cn1")
    assert get_user_model().objects.filter(username="giamdoc.cn1").exists()
