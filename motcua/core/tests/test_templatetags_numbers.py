"""Counts are grouped the active language's way, and only where a template asks."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from motcua.core.templatetags.numbers import grouped


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("vi", 41990, "41.990"),
        ("en", 41990, "41,990"),
        ("vi", 5411685, "5.411.685"),
        ("en", 999, "999"),
        ("vi", 0, "0"),
    ],
)
def test_a_count_is_grouped_the_language_s_way(language, value, shown):
    with translation.override(language):
        assert grouped(value) == shown


@pytest.mark.parametrize("value", [None, "", "N/A", True, 12.5])
def test_anything_but_an_integer_is_left_as_it_is(value):
    assert grouped(value) is value


def test_a_template_groups_only_what_it_filters():
    template = Template("{% load numbers %}{{ n|grouped }} / {{ year }}")
    with translation.override("vi"):
        assert template.render(Context({"n": 41990, "year": 2026})) == "41.990 / 2026"


def test_a_plural_sentence_shows_the_grouped_count():
    template = Template(
        "{% load i18n numbers %}{% blocktranslate count n=total with shown=total|grouped %}"
        "{{ shown }} published answer{% plural %}{{ shown }} published answers"
        "{% endblocktranslate %}"
    )
    with translation.override("vi"):
        assert template.render(Context({"total": 41990})) == "41.990 câu trả lời đã công khai"
    with translation.override("en"):
        assert template.render(Context({"total": 41990})) == "41,990 published answers"
        assert template.render(Context({"total": 1})) == "1 published answer"
