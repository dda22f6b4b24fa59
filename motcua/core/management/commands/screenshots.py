"""Save screenshots of the main pages of a running motcua into docs/screenshots/.

Drives Debian's ``chromium`` through Playwright (never a downloaded browser). Start the demo
first (``make run``), then ``motcua screenshots`` signs in as each demo account in turn (their
shared password is the demo one unless ``--password`` says otherwise) and saves each role's
pages. Dossier pages are picked from the same database the server uses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PUBLIC_PAGES = [
    ("home", "/"),
    ("public-lookup", "/tra-cuu/"),
    ("public-procedures", "/thu-tuc/?q=khai+sinh"),
    ("public-procedure", "/thu-tuc/2.000815/"),
    ("public-file-online", "/thu-tuc/2.000815/nop-truc-tuyen/"),
    ("login", "/workspace/login/"),
    ("api-docs", "/api/v1/docs"),
]


def _dossier(status: str | None = None, **filters) -> str:
    from motcua.dossiers.models import Dossier

    qs = Dossier.objects.filter(**filters)
    if status:
        qs = qs.filter(status=status)
    found = qs.order_by("-submitted_at").values_list("code", flat=True).first()
    return found or ""


def role_pages() -> list[tuple[str, list[tuple[str, str]]]]:
    """(account, [(name, path)]) for every role's working pages."""
    # Each account's pages show dossiers in its own scope: Branch No. 1's counter, and the
    # People's Committee of phường Tây Hồ (the demo agency accounts).
    tay_ho = {"competent_agency__code": "UBND-X-00103-2025"}
    in_progress = _dossier("in_progress", **tay_ho)
    supplement = _dossier("awaiting_supplement", **tay_ho)
    extended = _dossier(extension_count=1, **tay_ho)
    ready = _dossier("result_ready", return_site__code="CN01")
    delivered = _dossier("delivered", receiving_site__code="CN01")
    pages = [
        ("tiepnhan.cn1", [
            ("counter", "/workspace/counter/"),
            ("online-check-queue", "/workspace/online/"),
            ("counter-intake", "/workspace/counter/procedures/2.000815/"),
            ("return-desk", "/workspace/returns/"),
            ("dossier-search", "/workspace/dossiers/"),
            ("dossier-ready", f"/workspace/dossiers/{ready}/"),
        ]),
        ("chuyenvien.tayho", [
            ("inbox-specialist", "/workspace/inbox/"),
            ("dossier-in-progress", f"/workspace/dossiers/{in_progress}/"),
            ("dossier-supplement", f"/workspace/dossiers/{supplement}/"),
        ]),
        ("lanhdao.tayho", [
            ("inbox-leader", "/workspace/inbox/"),
            ("dossier-extended", f"/workspace/dossiers/{extended}/"),
        ]),
        ("lanhdao.vpdk", [("inbox-land-office", "/workspace/inbox/")]),
        ("giamdoc.cn1", [
            ("dashboard-branch", "/workspace/dashboard/branch/"),
            ("dossier-delivered", f"/workspace/dossiers/{delivered}/"),
        ]),
        ("giamdoc.trungtam", [("dashboard-center", "/workspace/dashboard/center/")]),
        ("quantri", [
            ("admin-index", "/admin/"),
            ("admin-dossiers", "/admin/dossiers/dossier/"),
            ("admin-sites", "/admin/organization/site/"),
            ("admin-assignments", "/admin/organization/assignment/"),
        ]),
    ]  # fmt: skip
    return [(account, [p for p in paths if not p[1].endswith("//")]) for account, paths in pages]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise CommandError("Debian's chromium is not installed (apt-get install chromium).")
    return path


class _Code:
    """The codes of one authenticator, computed without the database."""

    def __init__(self, device):
        from django_otp.oath import TOTP

        self._totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self._digits = device.digits

    def now(self) -> str:
        return f"{self._totp.token():0{self._digits}d}"


def authenticator_keys(usernames: list[str]) -> dict[str, _Code]:
    """The demo accounts' authenticators (directors, inspector, administrator), read up front."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user__username__in=usernames, confirmed=True)
    return {d.user.username: _Code(d) for d in devices.select_related("user")}


class Command(BaseCommand):
    help = "Save screenshots of the main pages of a running server into docs/screenshots/."

    def add_arguments(self, parser):
        from motcua.organization.services.staff import DEMO_PASSWORD

        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", default=str(settings.BASE_DIR / "docs" / "screenshots"))
        parser.add_argument("--password", default=DEMO_PASSWORD, help="the demo accounts'")
        parser.add_argument("--width", type=int, default=1366)
        parser.add_argument("--height", type=int, default=768)
        parser.add_argument("--full-page", action="store_true")

    def handle(self, *args, base_url, out, password, width, height, full_page, **options):
        from playwright.sync_api import sync_playwright

        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        # Read the database before Playwright starts its event loop (Django refuses queries
        # from inside one).
        jobs = [("", PUBLIC_PAGES), *role_pages()]
        keys = authenticator_keys([account for account, _pages in jobs if account])
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            viewport = {"width": width, "height": height}
            for account, pages in jobs:
                context = browser.new_context(viewport=viewport, locale="vi-VN")
                page = context.new_page()
                if account:
                    page.goto(f"{base_url}/workspace/login/")
                    page.fill("#id_username", account)
                    page.fill("#id_password", password)
                    page.click("main button[type=submit]")
                    page.wait_for_load_state("networkidle")
                    if "/security/verify/" in page.url and account in keys:
                        page.fill("#id_token", keys[account].now())
                        page.click("main button[type=submit]")
                        page.wait_for_load_state("networkidle")
                    if "/login/" in page.url or "/security/" in page.url:
                        raise CommandError(f"Could not sign in as {account}.")
                for name, path in pages:
                    page.goto(base_url + path)
                    page.wait_for_load_state("networkidle")
                    target = out_dir / f"{name}.png"
                    page.screenshot(path=str(target), full_page=full_page)
                    self.stdout.write(str(target))
                context.close()
            browser.close()
