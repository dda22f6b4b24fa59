"""``motcua simulate``: arguments, progress, summary, resume and interruption."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from motcua.dossiers.models import Dossier
from motcua.simulation import services
from motcua.simulation.models import SimulatedDay
from motcua.transparency.models import Figure

pytestmark = pytest.mark.django_db


def simulate(*args):
    out, err = StringIO(), StringIO()
    call_command("simulate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


DAYS = ("--from", "2026-03-02", "--to", "2026-03-03", "--scale", "0.002", "--seed", "5")


def test_the_command_simulates_with_progress_and_a_summary(hanoi_data, clock):
    out, err = simulate(*DAYS)
    assert "Simulating 2026-03-02 → 2026-03-03, scale 0.002, seed 5" in err
    assert "[" in err and "2/2 days" in err and "/s" in err and "left" in err
    count = Dossier.objects.count()
    assert count > 0
    assert f"2 day(s) simulated, 0 already done; {count} dossiers" in out
    assert "status:" in out and "channel:" in out and "receiving site:" in out
    assert "outside the competent agency's territory" in out
    assert "Transparency figures folded" in out
    city = Figure.objects.filter(kind="city").aggregate(received=Sum("received"))["received"]
    assert (
        city
        == Dossier.objects.exclude(deemed_received_at=None)
        .exclude(status__in=["submitted", "guided", "refused"])
        .count()
    )
    # Indicator 4.2: finished with every component scanned and an electronic result.
    done = Figure.objects.filter(kind="city").aggregate(d=Sum("digitised"), f=Sum("finished"))
    assert 0 < done["d"] < done["f"]


def test_the_bulk_path_writes_the_same_history_with_progress(hanoi_data, clock):
    out, err = simulate(*DAYS, "--path", "bulk")
    assert "on the bulk path" in err and "2/2 days" in err and "left" in err
    count = Dossier.objects.count()
    assert count > 0
    assert f"2 day(s) simulated, 0 already done; {count} dossiers" in out
    assert "Transparency figures rebuilt from the dossier tables" in out
    assert Figure.objects.filter(kind="city").exists()
    out, _ = simulate(*DAYS)
    assert "0 day(s) simulated, 2 already done" in out


def test_running_it_again_continues_where_it_stopped(hanoi_data, clock):
    simulate(*DAYS[:3], "2026-03-02", *DAYS[4:])
    out, _ = simulate(*DAYS)
    assert "1 day(s) simulated, 1 already done" in out
    assert SimulatedDay.objects.count() == 2


def test_ctrl_c_keeps_the_finished_days_and_rolls_back_the_current_one(
    hanoi_data, clock, monkeypatch
):
    real, calls = services.simulate_day, []

    def interrupted(**kwargs):
        calls.append(kwargs["day"])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(**kwargs)

    monkeypatch.setattr(services, "simulate_day", interrupted)
    with pytest.raises(CommandError, match="Interrupted: 1 day") as caught:
        simulate(*DAYS)
    assert caught.value.returncode == 130
    assert list(SimulatedDay.objects.values_list("day", flat=True)) == [calls[0]]
    assert not Dossier.objects.filter(submitted_at__date=calls[1]).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2024-12-31", "--to", "2025-01-05"), "2025-01-01 at the earliest"),
        (("--from", "2025-01-01", "--to", "2027-01-02"), "at most two years"),
        (("--from", "2026-03-05", "--to", "2026-03-04"), "--to is before --from"),
        (("--from", "2026-03-01", "--to", "2026-03-11"), "after today"),
        (("--from", "2026-03-01", "--to", "yesterday"), "not a date"),
        (("--from", "2026-03-01", "--to", "2026-03-02", "--scale", "0"), "--scale runs"),
        (("--from", "2026-03-01", "--to", "2026-03-02", "--scale", "x"), "not a number"),
        (("--from", "2026-03-01", "--to", "2026-03-02", "--workers", "-1"), "--workers runs"),
    ],
)
def test_bad_arguments_are_refused(clock, args, message):
    with pytest.raises(CommandError, match=message):
        simulate(*args)


def test_a_database_without_reference_data_is_refused_with_what_to_run(clock):
    with pytest.raises(CommandError, match="setup_demo.*load_network.*load_catalog"):
        simulate("--from", "2026-03-02", "--to", "2026-03-02")
