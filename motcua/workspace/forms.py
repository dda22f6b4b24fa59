"""Shared form plumbing: a refusal from a service shown next to the field it names."""

from __future__ import annotations

from django import forms

from motcua.core.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError, field_map: dict | None = None) -> None:
    """Put every message of ``exc`` on its form field (or on the form when it names none).

    Service fields are dotted (``applicant.id_number``); ``field_map`` maps them to the form's
    own names, and a field's last part is tried when the map has no entry.
    """
    field_map = field_map or {}
    errors = exc.extra.get("errors") or [{"field": exc.field, "message": exc.detail}]
    for error in errors:
        name = error.get("field") or ""
        target = field_map.get(name) or name.rsplit(".", 1)[-1]
        form.add_error(target if target in form.fields else None, error["message"])


class BootstrapMixin:
    """Give every widget the attributes the counter needs: labels tied, autocomplete off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")
