"""Placeholder while this area is being built; replaced by its owner."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("not built yet")


desk = _missing
