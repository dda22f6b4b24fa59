"""Writes of the organization app, one module per part: ``network`` (units, agencies, sites)
and ``staff``. Import the functions from their module, e.g.
``from motcua.organization.services.network import network_load``."""
