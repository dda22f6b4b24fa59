"""Admin pages of the organization app. Each module of this package registers its own models
(``network``, ``staff``…); every module found here is imported."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
