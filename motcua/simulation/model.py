"""The workload model: how many dossiers reach the one-stop network, when, how, and what
becomes of them. Pure data and arithmetic: no ORM, no clock.

Every figure is [ours], a documented working estimate (hanoi-network.md, "Scale"), not a
published statistic; change it here and the plans change with it.

=================================  ==============================================================
figure (constant)                  value
=================================  ==============================================================
city intake at scale 1.0           20,000 dossiers per working day (≈ 5 million a year)
(CITY_DAILY_INTAKE)
counter intake by site kind        in person + post: branches 45 %, reception points 25 %,
(KIND_SHARE, FULL_NETWORK)         commune points 30 %, shared equally among the sites of a
                                   kind of the full network (12 / 18 / 126); a smaller network
                                   (phases 1 and 2) takes less
channel mix (ONLINE_SHARE_FROM,    online 35 % on 2025-01-01 rising linearly to 80 % on
ONLINE_SHARE_TO, POST_SHARE)       2026-12-31 (flat outside); post 2 %; in person the rest
online routing                     spread evenly over the city's wards; each goes to its ward's
                                   commune point (the branch for city-level procedures; before
                                   2025-07 the reception point or branch covering the ward's
                                   district); a ward no site covers files outside the Center
weekday (WEEKDAY_FACTOR)           Mon 1.15, Tue 1.05, Wed 1.00, Thu 0.95, Fri 0.85; a working
                                   Saturday or Sunday (swap) 0.90
season (PRE_TET_DAYS,              × 1.35 in the 21 days before the Tết break (the longest run
PRE_TET_FACTOR, DECEMBER_FACTOR)   of days off in the working calendar's January–March), × 1.20
                                   in December (the larger when both)
non-working day                    no counter intake; online at 15 % of a working day's volume
(NON_WORKING_ONLINE)
hour of day, counter               08 1.0, 09 1.4, 10 1.4, 11 1.0, 13 0.6, 14 1.1, 15 1.1,
(COUNTER_HOURS)                    16 0.7, inside the site's office hours only
hour of day, online                24 h: low at night, peaks 09–10 and 14–15
(ONLINE_HOURS)
procedure mix (SECTOR_MIX,         by sector and the site's area: outer 70 % land (dat-dai);
PROCEDURE_WEIGHT)                  inner certification 34 %, civil status 24 %, land 15 %…;
                                   a few common procedures weigh more within their sector
outer area (OUTER_BRANCHES,        branches CN03–CN08 and CN11; a reception point or commune
RURAL_DIVISION_TYPES)              point by its unit's division type (huyện, xã)
boundary-free share                a ward outside the receiving site's area: 20 % from
(BOUNDARY_FREE_SHARE)              2025-07-01 (phase 3), 5 % before
applicant lives elsewhere          15 % live in another ward than the object's
(APPLICANT_ELSEWHERE)
digitisation (SCAN_SHARE_FROM,     online: every component is an upload, digitised at filing;
SCAN_SHARE_TO)                     in person or by post: the components scanned at receipt,
                                   40 % of dossiers on 2025-01-01 rising linearly to 90 % on
                                   2026-12-31 (flat outside); not at a refusal
electronic result                  a result returned online always carries its electronic
(RESULT_SHARE_FROM,                copy; the others 50 % on 2025-01-01 rising linearly to 90 %
RESULT_SHARE_TO)                   on 2026-12-31; the files are the samples of
                                   :mod:`~motcua.simulation.samples`, stored once
refused at receipt                 1.5 %
withdrawn                          1 %, at a random time before the finish
stopped                            0.5 %, under a regime with a notice of stopping (2025)
supplement requested               8 %, once (the rules allow one); it arrives 1 h to 5 working
                                   days later and the clock pauses meanwhile
apology and extension              3 %: finished after the first due time, before the new one
late                               5 %: finished 30 min to 5 working days after the due time
early                              60 % where the limit allows it (not a same-day procedure):
                                   finished on a date before the due date
on time                            the rest: on the due date, at or before the due time
rejected with a reason             2 % of the completed
result delivered                   90 % of the completed: within 5 working days at a site, 1 h
                                   online, 1–3 working days by post; the rest stay ready
late check, late transfer          5 % each, after the 8-hour check or the transfer deadline
                                   (absorbed when enough time is left before the due time)
return of the result (RETURN_MIX)  counter: same site 88 %, another site 5 %, post 7 %; post:
                                   post 85 %, site 15 %; online: electronically 55 %, site
                                   40 %, post 5 %
rating (FEEDBACK.rate,             30 % of delivered dossiers, 10 minutes to 10 days after the
RATING_LEVELS, FEEDBACK.survey)    hand-over; by timeliness: early or on time 65 % very
                                   satisfied, 30 % satisfied, 5 % not; late 15 / 45 / 40 %;
                                   40 % of raters answer the nine-criterion survey, scoring
                                   2 / 1 / 0 by level (SURVEY_SCORES); 10 % leave a comment
complaint about the dossier        6 % of the applicants of a late dossier, 1 hour to 10 days
(FEEDBACK.complain_late,           after its due time; 0.3 % of the others, within 20 days of
FEEDBACK.complain)                 submission; online, any hour from 07 to 22
suggestion (FEEDBACK.suggest)      0.2 % of applicants, to the receiving site, not about their
                                   dossier, within 20 days of submission
handling of a complaint or         by the receiving site's officer: accepted 10 minutes to 1
suggestion (HANDLING)              working day after receipt; answered 1–13 working days after
                                   (10 % late: 16–25 working days, past the 15-day deadline);
                                   the answer published within 1 working day (5 % late: 3–6)
=================================  ==============================================================

The outcome rows are :data:`OUTCOMES` (:class:`Outcomes`), the delays :data:`DELAYS`, the
ratings and complaints :data:`FEEDBACK`, their handling :data:`HANDLING`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from motcua.worktime.rules import CalendarNotCovered, WorkCalendar

# -- volume -------------------------------------------------------------------------------------

CITY_DAILY_INTAKE = 20_000

#: Share of the in-person and postal intake taken by each kind of site, and how many sites of
#: that kind the full network has (hanoi-network.md: 12 branches, 30 sites with the reception
#: points, 126 commune points). A smaller network (phases 1 and 2) takes less.
KIND_SHARE = MappingProxyType({"branch": 0.45, "reception_point": 0.25, "commune_point": 0.30})
FULL_NETWORK = MappingProxyType({"branch": 12, "reception_point": 18, "commune_point": 126})

ONLINE_SHARE_FROM = (date(2025, 1, 1), 0.35)
ONLINE_SHARE_TO = (date(2026, 12, 31), 0.80)
POST_SHARE = 0.02
NON_WORKING_ONLINE = 0.15

#: Monday … Sunday; Saturday and Sunday count only when they are working days (a swap).
WEEKDAY_FACTOR = (1.15, 1.05, 1.00, 0.95, 0.85, 0.90, 0.90)

PRE_TET_DAYS = 21
PRE_TET_FACTOR = 1.35
DECEMBER_FACTOR = 1.20

# -- time of day --------------------------------------------------------------------------------

#: Relative arrivals at the counter by the hour they start in (Hanoi time).
COUNTER_HOURS = MappingProxyType(
    {8: 1.0, 9: 1.4, 10: 1.4, 11: 1.0, 13: 0.6, 14: 1.1, 15: 1.1, 16: 0.7}
)
#: Relative online submissions by hour, 00 … 23.
ONLINE_HOURS = (
    0.15, 0.08, 0.05, 0.05, 0.08, 0.20, 0.45, 0.80, 1.20, 1.50, 1.50, 1.20,
    0.80, 1.00, 1.40, 1.40, 1.20, 0.90, 0.70, 0.80, 0.90, 0.80, 0.50, 0.30,
)  # fmt: skip

# -- what is asked where ------------------------------------------------------------------------

OUTER = "outer"
INNER = "inner"

#: Branches whose area is mostly rural (hanoi_network.toml): Ba Vì – Sơn Tây – Thạch Thất,
#: Đông Anh – Mê Linh – Sóc Sơn, Hoài Đức – Phúc Thọ – Đan Phượng, Thanh Oai – Ứng Hòa – Mỹ
#: Đức, Hà Đông – Chương Mỹ – Quốc Oai (80 % land, hanoi-network.md), Thường Tín – Phú Xuyên –
#: Thanh Trì, Long Biên – Gia Lâm. CN12 (Đống Đa – Hoàn Kiếm – Ba Đình) is the inner core.
OUTER_BRANCHES = frozenset({"CN03", "CN04", "CN05", "CN06", "CN07", "CN08", "CN11"})
#: Division types of rural units: a reception point or commune point there is "outer".
RURAL_DIVISION_TYPES = frozenset({"huyện", "xã"})

LAND_SECTOR = "dat-dai"

SECTOR_MIX = MappingProxyType(
    {
        OUTER: MappingProxyType(
            {
                "dat-dai": 0.70,
                "chung-thuc": 0.09,
                "ho-tich": 0.08,
                "xay-dung": 0.04,
                "ho-kinh-doanh": 0.03,
                "bao-tro-xa-hoi": 0.02,
                "y-te": 0.015,
                "ly-lich-tu-phap": 0.01,
                "giao-duc": 0.01,
                "nuoi-con-nuoi": 0.005,
            }
        ),  # fmt: skip
        INNER: MappingProxyType(
            {
                "chung-thuc": 0.34,
                "ho-tich": 0.24,
                "dat-dai": 0.15,
                "ho-kinh-doanh": 0.08,
                "ly-lich-tu-phap": 0.06,
                "xay-dung": 0.05,
                "bao-tro-xa-hoi": 0.04,
                "y-te": 0.02,
                "giao-duc": 0.015,
                "nuoi-con-nuoi": 0.005,
            }
        ),  # fmt: skip
    }
)
#: Weight of a sector the mix does not name (a sector added to the catalogue later).
OTHER_SECTOR_WEIGHT = 0.005

#: Procedures asked more often than their sector's others (default weight 1).
PROCEDURE_WEIGHT = MappingProxyType(
    {
        "2.000815": 6.0,  # certified copy from the original
        "2.000884": 3.0,  # signature certification
        "1.001193": 3.0,  # birth registration
        "1.004873": 3.0,  # marital status certificate
        "1.013831": 4.0,  # registration of a change of land use rights
        "1.012783": 2.0,  # exchange of a land use certificate
        "1.013978": 2.0,  # first land registration
        "1.012789": 2.0,  # land information
    }
)

BOUNDARY_FREE_FROM = date(2025, 7, 1)
BOUNDARY_FREE_SHARE = 0.20
BOUNDARY_FREE_SHARE_BEFORE = 0.05
APPLICANT_ELSEWHERE = 0.15

# -- digitisation (Decree 45/2020 art. 25; Decision 766 indicator 4.2) ----------------------------

SCAN_SHARE_FROM = (date(2025, 1, 1), 0.40)
SCAN_SHARE_TO = (date(2026, 12, 31), 0.90)
RESULT_SHARE_FROM = (date(2025, 1, 1), 0.50)
RESULT_SHARE_TO = (date(2026, 12, 31), 0.90)


# -- outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcomes:
    """What becomes of a dossier: shares of all dossiers unless said otherwise."""

    refuse: float = 0.015
    withdraw: float = 0.01
    stop: float = 0.005
    supplement: float = 0.08
    extend: float = 0.03
    late: float = 0.05
    early: float = 0.60
    reject: float = 0.02  # of the completed
    deliver: float = 0.90  # of the completed
    late_transfer: float = 0.05
    late_check: float = 0.05


OUTCOMES = Outcomes()


@dataclass(frozen=True)
class Delays:
    """Working minutes between two actions, drawn uniformly between the bounds."""

    check: tuple[int, int] = (10, 420)  # online dossier checked (limit 8 working hours)
    check_late: tuple[int, int] = (480, 960)
    transfer: tuple[int, int] = (10, 120)  # paper, within the transfer deadline
    transfer_late: tuple[int, int] = (30, 480)  # after the transfer deadline
    transfer_online: tuple[int, int] = (1, 30)
    accept: tuple[int, int] = (5, 240)
    assign: tuple[int, int] = (1, 60)
    supplement_back: tuple[int, int] = (60, 5 * 480)
    late_by: tuple[int, int] = (30, 5 * 480)
    deliver_site: tuple[int, int] = (10, 5 * 480)
    deliver_online: tuple[int, int] = (1, 60)
    deliver_post: tuple[int, int] = (480, 3 * 480)
    extension_days: tuple[int, int] = (2, 7)  # the new appointment, in working days


DELAYS = Delays()


@dataclass(frozen=True)
class Feedback:
    """Ratings, complaints and suggestions: shares of the dossiers named."""

    rate: float = 0.30  # of the delivered
    survey: float = 0.40  # of the rated
    comment: float = 0.10  # of the rated
    complain_late: float = 0.06  # of the late
    complain: float = 0.003  # of the others
    suggest: float = 0.002  # of all
    rate_within_days: int = 10
    complain_within_days: int = 10  # after the due time of a late dossier
    other_within_days: int = 20  # after submission


FEEDBACK = Feedback()


@dataclass(frozen=True)
class Handling:
    """How the office handles a complaint or suggestion, in minutes of working time (480 a
    working day): accept after receipt, answer after acceptance, publish after the answer;
    a share of answers and publications come late (the deadlines are feedback.rules')."""

    accept: tuple[int, int] = (10, 480)
    answer: tuple[int, int] = (480, 13 * 480)
    answer_late_share: float = 0.10
    answer_late: tuple[int, int] = (16 * 480, 25 * 480)
    publish: tuple[int, int] = (10, 480)
    publish_late_share: float = 0.05
    publish_late: tuple[int, int] = (3 * 480, 6 * 480)


HANDLING = Handling()

#: Level shares of a rating by the dossier's timeliness.
_PLEASED = MappingProxyType({"very_satisfied": 0.65, "satisfied": 0.30, "not_satisfied": 0.05})
_LATE = MappingProxyType({"very_satisfied": 0.15, "satisfied": 0.45, "not_satisfied": 0.40})
RATING_LEVELS = MappingProxyType({"early": _PLEASED, "on_time": _PLEASED, "late": _LATE})
#: The score of each survey criterion by level: mostly this score, else one either side.
SURVEY_SCORES = MappingProxyType({"very_satisfied": 2, "satisfied": 1, "not_satisfied": 0})
SURVEY_SPREAD = 0.2

RETURN_MIX = MappingProxyType(
    {
        "in_person": MappingProxyType({"site": 0.88, "other_site": 0.05, "post": 0.07}),
        "post": MappingProxyType({"site": 0.15, "post": 0.85}),
        "online": MappingProxyType({"online": 0.55, "site": 0.40, "post": 0.05}),
    }
)
PAYMENT_MIX = MappingProxyType(
    {
        "in_person": MappingProxyType({"cash": 0.6, "transfer": 0.4}),
        "post": MappingProxyType({"transfer": 1.0}),
        "online": MappingProxyType({"online": 1.0}),
    }
)

# -- texts (data, in Vietnamese as the forms carry them) ----------------------------------------

REFUSAL_REASONS = (
    "Hồ sơ không thuộc phạm vi giải quyết của thủ tục hành chính đã chọn",
    "Người nộp không có quyền yêu cầu thực hiện thủ tục này",
    "Giấy tờ xuất trình đã hết hiệu lực",
)
SUPPLEMENTS = (
    ("Giấy tờ chứng minh nơi cư trú chưa hợp lệ", "Giấy xác nhận thông tin về cư trú"),
    ("Bản sao chưa được chứng thực", "Bản sao có chứng thực giấy tờ tùy thân"),
    ("Thiếu văn bản ủy quyền", "Văn bản ủy quyền có chứng thực"),
    ("Sơ đồ thửa đất chưa khớp với hiện trạng", "Bản trích đo địa chính thửa đất"),
)
EXTENSION_REASONS = (
    "Cần xác minh thêm thông tin tại nơi đăng ký trước đây",
    "Cần lấy ý kiến của cơ quan có liên quan",
    "Cần kiểm tra thực địa thửa đất",
)
STOP_REASONS = (
    "Người yêu cầu đề nghị dừng giải quyết",
    "Có tranh chấp phát sinh trong quá trình giải quyết",
)
WITHDRAWAL_REASONS = (
    "Người nộp đề nghị rút hồ sơ",
    "Người nộp đã nộp lại hồ sơ theo thủ tục khác",
)
REJECTION_NOTES = (
    "Không đủ điều kiện theo quy định",
    "Thông tin kê khai không phù hợp với cơ sở dữ liệu",
)
RATING_COMMENTS = (
    "Cán bộ hướng dẫn tận tình, dễ hiểu",
    "Thời gian chờ tại quầy còn lâu",
    "Nên bố trí thêm chỗ ngồi chờ",
    "Thủ tục nhanh gọn, đúng hẹn",
)
#: (subject, content) of a complaint about a dossier: late, then other reasons.
COMPLAINTS_LATE = (
    ("Hồ sơ trễ hẹn", "Hồ sơ của tôi đã quá ngày hẹn trả kết quả nhưng chưa được giải quyết."),
    ("Chưa nhận được kết quả", "Đã quá hạn mà tôi chưa nhận được kết quả hay thư xin lỗi."),
)
COMPLAINTS = (
    ("Thái độ cán bộ tiếp nhận",
     "Cán bộ tiếp nhận hồ sơ chưa hướng dẫn rõ ràng, thái độ chưa đúng mực."),
    ("Yêu cầu thêm giấy tờ", "Tôi bị yêu cầu nộp thêm giấy tờ không có trong thành phần hồ sơ."),
    ("Thu phí chưa đúng", "Số tiền phí, lệ phí thu chưa đúng với mức đã công khai."),
)  # fmt: skip
SUGGESTIONS = (
    ("Mở rộng giờ làm việc", "Đề nghị điểm phục vụ tiếp nhận hồ sơ vào sáng thứ Bảy."),
    ("Chỗ gửi xe", "Đề nghị bố trí thêm chỗ gửi xe cho người dân đến nộp hồ sơ."),
    ("Dịch vụ công trực tuyến", "Đề nghị đơn giản hóa các bước nộp hồ sơ trực tuyến."),
)
#: The office's answer to each subject of :data:`COMPLAINTS_LATE`, :data:`COMPLAINTS` and
#: :data:`SUGGESTIONS`.
_APOLOGY = (
    "Trung tâm xin lỗi ông/bà vì sự chậm trễ. Hồ sơ đã được ưu tiên giải quyết và trả kết quả; "
    "bộ phận liên quan đã được nhắc nhở."
)
ANSWERS = MappingProxyType(
    {
        "Hồ sơ trễ hẹn": _APOLOGY,
        "Chưa nhận được kết quả": _APOLOGY,
        "Thái độ cán bộ tiếp nhận": "Trung tâm đã làm việc với cán bộ tiếp nhận, nhắc nhở về thái "
        "độ phục vụ và xin lỗi ông/bà.",
        "Yêu cầu thêm giấy tờ": "Trung tâm đã rà soát: thành phần hồ sơ theo thủ tục đã công bố; "
        "cán bộ yêu cầu thêm giấy tờ không đúng đã bị nhắc nhở.",
        "Thu phí chưa đúng": "Trung tâm đã kiểm tra biên lai; khoản thu chênh lệch sẽ được hoàn "
        "trả cho ông/bà.",
        "Mở rộng giờ làm việc": "Trung tâm ghi nhận; các chi nhánh tiếp nhận hồ sơ vào sáng thứ "
        "Bảy theo lịch đã công bố.",
        "Chỗ gửi xe": "Trung tâm cảm ơn ý kiến của ông/bà và sẽ bố trí thêm chỗ gửi xe.",
        "Dịch vụ công trực tuyến": "Trung tâm ghi nhận kiến nghị và đã chuyển bộ phận chuyên môn "
        "xem xét đơn giản hóa các bước nộp hồ sơ.",
    }
)


# -- arithmetic ---------------------------------------------------------------------------------


def _between_anchors(day: date, first: tuple[date, float], last: tuple[date, float]) -> float:
    """Linear between two (date, share) anchors, flat outside."""
    (start, low), (end, high) = first, last
    if day <= start:
        return low
    if day >= end:
        return high
    return low + (high - low) * (day - start).days / (end - start).days


def online_share(day: date) -> float:
    """The share of dossiers filed online on ``day``."""
    return _between_anchors(day, ONLINE_SHARE_FROM, ONLINE_SHARE_TO)


def scan_share(day: date) -> float:
    """The share of paper dossiers (in person, by post) whose components are scanned at
    receipt on ``day``."""
    return _between_anchors(day, SCAN_SHARE_FROM, SCAN_SHARE_TO)


def electronic_result_share(day: date) -> float:
    """The share of results not returned online that also get an electronic copy, for
    dossiers received on ``day``."""
    return _between_anchors(day, RESULT_SHARE_FROM, RESULT_SHARE_TO)


def weekday_factor(day: date) -> float:
    return WEEKDAY_FACTOR[day.weekday()]


def tet_break_start(calendar: WorkCalendar, year: int) -> date | None:
    """The first day of the longest run of days off between 15 January and 10 March.

    That run is the Tết break (the lunar new year falls between 21 January and 20 February),
    as the working calendar has it, overrides included; ``None`` when the calendar does not
    cover ``year``.
    """
    best: tuple[int, date] | None = None
    run_start, run = None, 0
    day = date(year, 1, 15)
    try:
        while day <= date(year, 3, 10):
            if calendar.is_working_day(day):
                run_start, run = None, 0
            else:
                run_start = run_start or day
                run += 1
                if best is None or run > best[0]:
                    best = (run, run_start)
            day += timedelta(days=1)
    except CalendarNotCovered:
        return None
    return best[1] if best else None


def season_factor(day: date, calendar: WorkCalendar) -> float:
    """× 1.35 in the three weeks before the Tết break, × 1.20 in December, else 1."""
    factor = DECEMBER_FACTOR if day.month == 12 else 1.0
    for year in (day.year, day.year + 1):
        start = tet_break_start(calendar, year)
        if start is not None and start - timedelta(days=PRE_TET_DAYS) <= day < start:
            factor = max(factor, PRE_TET_FACTOR)
    return factor


def counter_intake(day: date, calendar: WorkCalendar, scale: float) -> float:
    """Expected in-person and postal dossiers of the full network on ``day`` (0 if off)."""
    if not calendar.is_working_day(day):
        return 0.0
    total = CITY_DAILY_INTAKE * scale * weekday_factor(day) * season_factor(day, calendar)
    return total * (1.0 - online_share(day))


def online_intake(day: date, calendar: WorkCalendar, scale: float) -> float:
    """Expected online dossiers of the whole city on ``day``."""
    base = CITY_DAILY_INTAKE * scale * season_factor(day, calendar) * online_share(day)
    if calendar.is_working_day(day):
        return base * weekday_factor(day)
    return base * NON_WORKING_ONLINE


def site_rate(kind: str, day: date, calendar: WorkCalendar, scale: float) -> float:
    """Expected in-person and postal dossiers at one site of ``kind`` on ``day``."""
    if kind not in KIND_SHARE:
        return 0.0
    return counter_intake(day, calendar, scale) * KIND_SHARE[kind] / FULL_NETWORK[kind]


def expected_intake(day: date, calendar: WorkCalendar, scale: float) -> float:
    """Expected dossiers of the full network on ``day`` (for progress estimates)."""
    return counter_intake(day, calendar, scale) + online_intake(day, calendar, scale)


def boundary_free_share(day: date) -> float:
    return BOUNDARY_FREE_SHARE if day >= BOUNDARY_FREE_FROM else BOUNDARY_FREE_SHARE_BEFORE


def area_of(*, kind: str, code: str, division_type: str) -> str:
    """Outer or inner: a branch by :data:`OUTER_BRANCHES`, any other site by its unit."""
    if kind == "branch":
        return OUTER if code in OUTER_BRANCHES else INNER
    return OUTER if division_type in RURAL_DIVISION_TYPES else INNER
