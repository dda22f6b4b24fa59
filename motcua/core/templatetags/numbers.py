"""Counts the locale's way: ``41.990`` in Vietnamese, ``41,990`` in English.

Grouping is not switched on for the whole site (``USE_THOUSAND_SEPARATOR``): it would also
group years, codes and identifiers rendered as numbers. Templates ask for it where a count is
shown: ``{% load numbers %}{{ total|grouped }}``.
"""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value):
    """An integer count with the active language's thousands separator; anything else as is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return number_format(value, force_grouping=True)
