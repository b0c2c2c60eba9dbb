"""manage.py simulate_season at a tiny size: the year runs through the services, the invariants
hold at its end, and the report is printed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from donations.models import Device
from households.models import Household
from progress.invariants import season_violations


@pytest.mark.django_db
def test_a_tiny_season_runs_and_adds_up(communes):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "simulate_season", households=200, phones=40, months=2, seed=7, stdout=out, stderr=err
    )
    report = out.getvalue()
    assert "invariants: all hold" in report
    assert "phones by state:" in report and "households by state:" in report
    assert "money (VND):" in report and "time:" in report
    assert "checking the invariants" in err.getvalue()  # the progress bar
    assert Device.objects.count() == 40
    assert Household.objects.count() == 200
    assert Device.objects.filter(status__in=("delivered", "followed_up")).exists()
    assert season_violations() == []
