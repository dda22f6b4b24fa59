"""Template helpers of the reports: rates and averages the locale's way, "N/A" for none."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pct(value: Decimal | None) -> str:
    """A rate as ``87,50%`` (Vietnamese) or ``87.50%``; "N/A" when there is none."""
    if value is None:
        return _("N/A")
    return f"{number_format(value, 2)}%"


@register.filter
def decimal2(value: Decimal | None) -> str:
    """A figure with 2 decimals the locale's way; "N/A" when there is none."""
    if value is None:
        return _("N/A")
    return number_format(value, 2)
