"""Fictitious applicants: Vietnamese names, citizen ID numbers, phones and addresses.

Pure: every draw comes from the ``random.Random`` passed in. Names are in NFC. Citizen ID
numbers follow Circular 07/2016/TT-BCA as :func:`motcua.dossiers.rules.citizen_id_problem`
checks them: province of birth registration (001, Hà Nội, for most), sex and century digit,
the last two digits of the year of birth, six digits. E-mail addresses use the reserved domain
``example.com`` so that nothing can ever reach a real person.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date

from motcua.core.text import fold

#: Family names and their approximate share of the population (percent).
FAMILY_NAMES = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 4.0),
    ("Huỳnh", 1.1), ("Phan", 4.5), ("Vũ", 3.0), ("Võ", 0.9), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8),
    ("Trịnh", 0.6), ("Đào", 0.6), ("Mai", 0.4), ("Lương", 0.4), ("Tạ", 0.3), ("Chu", 0.3),
)  # fmt: skip
MIDDLE_NAMES = {
    "male": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Ngọc", "Mạnh",
             "Tiến", "Trung", "Hoàng", "Anh", "Thanh"),
    "female": ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Thùy", "Kim", "Bích", "Hồng",
               "Diệu", "Mai", "Khánh", "Hải", "Lan"),
}  # fmt: skip
GIVEN_NAMES = {
    "male": ("Anh", "Bảo", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
             "Khánh", "Khoa", "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
             "Quang", "Sơn", "Tài", "Thắng", "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh"),
    "female": ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương",
               "Huyền", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung",
               "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Trang", "Tuyết", "Vân", "Yến"),
}  # fmt: skip
#: Provinces other than Hà Nội where applicants' births were registered (CCCD codes).
OTHER_BIRTH_PROVINCES = ("022", "024", "025", "026", "027", "030", "031", "033", "034", "035",
                         "036", "037", "038", "040", "042", "079")  # fmt: skip
HANOI_BIRTH_SHARE = 0.85
EMAIL_SHARE = {"in_person": 0.25, "post": 0.2, "online": 0.6}
_FAMILY = [name for name, _ in FAMILY_NAMES]
_FAMILY_WEIGHTS = [weight for _, weight in FAMILY_NAMES]


@dataclass(frozen=True, slots=True)
class Applicant:
    name: str
    sex: str  # "male" | "female"
    birth_year: int
    id_number: str
    phone: str
    email: str
    address: str


def full_name(rng: random.Random, sex: str) -> str:
    family = rng.choices(_FAMILY, _FAMILY_WEIGHTS)[0]
    middle = rng.choice(MIDDLE_NAMES[sex])
    given = rng.choice(GIVEN_NAMES[sex])
    return unicodedata.normalize("NFC", f"{family} {middle} {given}")


def citizen_id(rng: random.Random, *, sex: str, birth_year: int) -> str:
    """A 12-digit citizen ID consistent with the sex and year of birth."""
    province = "001" if rng.random() < HANOI_BIRTH_SHARE else rng.choice(OTHER_BIRTH_PROVINCES)
    century = (birth_year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    return f"{province}{century}{birth_year % 100:02d}{rng.randrange(1_000_000):06d}"


def phone(rng: random.Random) -> str:
    return f"09{rng.randrange(100_000_000):08d}"


def applicant(rng: random.Random, *, day: date, ward_name: str, channel: str) -> Applicant:
    """A fictitious adult applicant living in ``ward_name``."""
    sex = "female" if rng.random() < 0.52 else "male"
    birth_year = day.year - int(rng.triangular(18, 85, 38))
    name = full_name(rng, sex)
    email = ""
    if rng.random() < EMAIL_SHARE.get(channel, 0.25):
        email = f"{fold(name).replace(' ', '.')}{rng.randrange(100)}@example.com"
    street = f"Số {rng.randint(1, 199)}, ngõ {rng.randint(1, 300)}"
    return Applicant(
        name=name,
        sex=sex,
        birth_year=birth_year,
        id_number=citizen_id(rng, sex=sex, birth_year=birth_year),
        phone=phone(rng),
        email=email,
        address=unicodedata.normalize("NFC", f"{street}, {ward_name}, Hà Nội"),
    )
