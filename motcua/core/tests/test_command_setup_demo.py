from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.organization.models import Site


@pytest.mark.django_db
def test_setup_demo_loads_the_network_and_shows_passwords_only_the_first_time(settings):
    settings.DEMO = True
    first = StringIO()
    call_command("setup_demo", stdout=first)
    assert "tiepnhan.cn1" in first.getvalue()
    assert "motcua-demo-2026" in first.getvalue()
    assert Site.objects.filter(kind="branch").count() == 12

    second = StringIO()
    call_command("setup_demo", stdout=second)
    assert "motcua-demo-2026" not in second.getvalue()
    assert "Demo data ready." in second.getvalue()


def test_setup_demo_refuses_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="MOTCUA_ENV=demo"):
        call_command("setup_demo")
