"""motcua settings: twelve-factor, every variable declared in :mod:`motcua.settings.env`."""

from motcua.settings.base import *  # noqa: F403
