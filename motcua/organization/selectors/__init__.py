"""Reads of the organization app, one module per part: ``network`` and ``staff``."""
