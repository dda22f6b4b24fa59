"""Public read API of the territory and the Center's network (mounted at /api/v1/)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.core.api import IsoDate
from motcua.organization.selectors.network import network_on, units_list

router = Router(tags=["network"])

Level = Literal["province", "district", "ward"]


class UnitRef(Schema):
    code: str = Field(description="GSO code, zero-padded as published: 01, 001, 00004.")
    name: str
    level: Level


class SiteOut(Schema):
    code: str
    name: str
    kind: Literal["branch", "reception_point", "commune_point"]
    unit_id: str = Field(description="QCVN 102:2016 electronic unit identifier.")
    address: str
    covers: list[UnitRef]


class NetworkOut(Schema):
    on: date
    sites: list[SiteOut]


class NetworkQuery(Schema):
    on: IsoDate = Field(description="The day to show, YYYY-MM-DD.")


@router.get("/network", response=NetworkOut, auth=None, summary="The network on a day")
def network(request: HttpRequest, filters: Query[NetworkQuery]):
    """The sites that receive dossiers on a day and the units each receives for.

    Branches first (by number), then reception points and commune service points. The Center
    is not listed: it coordinates the network and receives no dossiers itself.
    """
    sites = network_on(day=filters.on)
    return {
        "on": filters.on,
        "sites": [
            {
                "code": s.code,
                "name": s.name,
                "kind": s.kind,
                "unit_id": s.unit_id,
                "address": s.address,
                "covers": [
                    {"code": c.unit.code, "name": c.unit.name, "level": c.unit.level}
                    for c in s.covers_on_day
                ],
            }
            for s in sites
        ],
    }


class UnitOut(UnitRef):
    parent: str | None = Field(None, description="GSO code of the parent unit.")
    valid_from: date | None
    valid_to: date | None


class UnitsQuery(Schema):
    on: IsoDate | None = Field(None, description="Only units in force on this day, YYYY-MM-DD.")
    level: Level | None = None
    parent: str | None = Field(None, max_length=10, description="GSO code of the parent unit.")
    q: str | None = Field(
        None, max_length=100, description="Words of the name; case and diacritics are ignored."
    )


@router.get("/units", response=list[UnitOut], auth=None, summary="Administrative units")
def units(request: HttpRequest, filters: Query[UnitsQuery]):
    """Provinces, districts and communes/wards, at most 200, ordered by level and code."""
    rows = units_list(day=filters.on, level=filters.level, parent_code=filters.parent, q=filters.q)
    return [
        {
            "code": u.code,
            "name": u.name,
            "level": u.level,
            "parent": u.parent.code if u.parent else None,
            "valid_from": u.valid_from,
            "valid_to": u.valid_to,
        }
        for u in rows
    ]
