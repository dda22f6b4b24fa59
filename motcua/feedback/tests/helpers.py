"""What feedback tests share: a delivered dossier, a sender, and the personal data to hunt."""

from __future__ import annotations

from motcua.dossiers.choices import Status
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive
from motcua.feedback import services as svc
from motcua.public.tests.helpers import personal_data as applicant_data

#: The last four digits of the demo applicant's phone (0987654321) and ID (001190012345).
PHONE_DIGITS = "4321"
ID_DIGITS = "2345"

SENDER = {
    "sender_name": "Phạm Văn Khải",
    "sender_phone": "0912 345 678",
    "sender_email": "khai.pham@example.invalid",
}
SENDER_DIGITS = "5678"

#: Nine survey answers totalling 14 (good).
SURVEY = [2, 2, 1, 2, 2, 1, 2, 1, 1]


def delivered(people, clock, *, at=(2026, 3, 10, 9, 0)):
    """A dossier of the Department of Justice received at Tây Hồ at ``at`` and delivered then."""
    clock.set(*at)
    return advance(people, receive(people, justice_procedure()), Status.DELIVERED)


def in_progress(people, clock, *, at=(2026, 3, 10, 9, 0)):
    clock.set(*at)
    return advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)


def submit(**changes):
    data = {
        "kind": "complaint",
        "subject": "Chờ lâu ở quầy tiếp nhận",
        "content": "Tôi phải chờ hơn hai giờ mới được tiếp nhận hồ sơ.",
        **SENDER,
    }
    data.update(changes)
    return svc.complaint_submit(**data)


def personal_data() -> list[str]:
    """What no public answer may show: the applicant's and the sender's personal data."""
    return [
        *applicant_data(),
        SENDER["sender_name"],
        SENDER["sender_phone"],
        SENDER["sender_phone"].replace(" ", ""),
        SENDER["sender_email"],
    ]
