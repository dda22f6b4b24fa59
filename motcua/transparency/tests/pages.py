"""Reading the portal's pages back in tests: the ranking table as numbers."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

from django.utils import translation


def page_number(text: str) -> Decimal | None:
    """``50,00 %`` or ``1.234`` (Vietnamese) or ``50.00 %`` (English) as a number; N/A → None."""
    text = text.replace("%", "").replace("\xa0", "").strip()
    with translation.override("vi"):
        not_applicable = {"N/A", "–", "", translation.gettext("N/A")}
    if text in not_applicable:
        return None
    if "," in text:  # Vietnamese: dots group thousands, the comma is the decimal point
        text = text.replace(".", "").replace(",", ".")
    return Decimal(text)


class RankingTable(HTMLParser):
    """The rows of the first ``table.tp-ranking``: each a list of cell texts, the unit's code
    (from its link) first."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self._in_table = self._in_body = False
        self._cells: list[str] | None = None
        self._text: list[str] | None = None
        self._code = ""
        self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "tp-ranking" in (attrs.get("class") or "") and not self._done:
            self._in_table = True
        elif self._in_table and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self._cells, self._code = [], ""
        elif self._in_body and tag in ("td", "th") and self._cells is not None:
            self._text = []
        elif self._in_body and tag == "a" and attrs.get("href", "").count("/") >= 4:
            self._code = attrs["href"].split("?")[0].rstrip("/").rsplit("/", 1)[-1]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._text is not None and self._cells is not None:
            self._cells.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._cells is not None:
            if self._code:
                self.rows.append({"key": self._code, "cells": self._cells})
            self._cells = None
        elif tag == "table" and self._in_table:
            self._in_table = self._in_body = False
            self._done = True

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def ranking(html: str) -> dict[str, list[str]]:
    parser = RankingTable()
    parser.feed(html)
    return {row["key"]: row["cells"] for row in parser.rows}
