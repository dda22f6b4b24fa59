"""Load the legal regimes and their form sets (``data/regimes.toml``)."""

from __future__ import annotations

import tomllib
from datetime import time
from pathlib import Path

from django.db import transaction

from motcua.dossiers.models import FormTemplate, Regime

DATA = Path(__file__).resolve().parent.parent / "data" / "regimes.toml"

_COLUMNS = (
    "max_supplements",
    "max_extensions",
    "apology_lead_hours",
    "online_check_hours",
    "obligation_pauses_clock",
    "has_stop_notice",
)


@transaction.atomic
def regimes_load() -> int:
    """Create the regimes and form templates that do not exist yet; return how many rows."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    created = 0
    for spec in data["regimes"]:
        regime, made = Regime.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "legal_basis": spec["legal_basis"],
                "valid_from": spec.get("valid_from"),
                "valid_to": spec.get("valid_to"),
                "default_cutoff": time.fromisoformat(spec["default_cutoff"]),
                **{column: spec[column] for column in _COLUMNS},
            },
        )
        created += made
        for form in spec["forms"]:
            _, made = FormTemplate.objects.get_or_create(
                regime=regime,
                kind=form["kind"],
                version=form.get("version", 1),
                defaults={
                    "number": form["number"],
                    "title": form["title"],
                    "template_name": form["template"],
                    "valid_from": form.get("valid_from"),
                    "valid_to": form.get("valid_to"),
                },
            )
            created += made
    return created
