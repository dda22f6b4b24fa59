"""Save screenshots of the main pages of a running motcua into docs/screenshots/.

Drives Debian's ``chromium`` through Playwright (never a downloaded browser). Start the server
first (``make run``), then: ``motcua screenshots --username quantri --password …``.
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
    ("api-docs", "/api/v1/docs"),
    ("network-2025-04-15", "/api/v1/network?on=2025-04-15"),
]
STAFF_PAGES = [
    ("admin-index", "/admin/"),
    ("admin-sites", "/admin/organization/site/"),
    ("admin-agencies", "/admin/organization/agency/"),
    ("admin-assignments", "/admin/organization/assignment/"),
    ("admin-calendar-overrides", "/admin/worktime/calendaroverride/"),
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise CommandError("Debian's chromium is not installed (apt-get install chromium).")
    return path


class Command(BaseCommand):
    help = "Save screenshots of the main pages of a running server into docs/screenshots/."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", default=str(settings.BASE_DIR / "docs" / "screenshots"))
        parser.add_argument("--username", help="an administrator, for the admin pages")
        parser.add_argument("--password")
        parser.add_argument("--width", type=int, default=1366)
        parser.add_argument("--height", type=int, default=768)

    def handle(self, *args, base_url, out, username, password, width, height, **options):
        from playwright.sync_api import sync_playwright

        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": width, "height": height}, locale="vi-VN")
            pages = list(PUBLIC_PAGES)
            if username:
                page.goto(f"{base_url}/admin/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", password or "")
                page.click("input[type=submit]")
                pages += STAFF_PAGES
            for name, path in pages:
                page.goto(base_url + path)
                page.wait_for_load_state("networkidle")
                target = out_dir / f"{name}.png"
                page.screenshot(path=str(target), full_page=False)
                self.stdout.write(str(target))
            browser.close()
