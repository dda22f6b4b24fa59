"""Rows the public side keeps: the abuse counters every process shares, the one-time codes."""

from __future__ import annotations

from django.db import models


class AbuseCounter(models.Model):
    """How many times one rule was hit for one subject (an address, a code, a site) in the
    current window (docs/decisions/0013-abuse-limits.md).

    ``key`` is the SHA-256 of the rule and the subject, so that no address or code is stored.
    One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` counts a hit atomically in PostgreSQL
    and SQLite alike (:func:`motcua.public.limits.hit`).
    """

    key = models.CharField(max_length=64, primary_key=True)
    count = models.BigIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:12]}…: {self.count} until {self.expires_at:%Y-%m-%d %H:%M}"


class OneTimeCode(models.Model):
    """A code sent to the phone or e-mail on file, to act as a dossier's applicant (collect its
    electronic result, rate it, complain about it). Stored hashed; single-use; a few tries."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", db_index=True
    )
    code_hash = models.CharField(max_length=64)
    sent_to = models.CharField(max_length=10)  # "sms" or "email"
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.created_at:%Y-%m-%d %H:%M}"
