"""The pure parts of the bulk path: its hashes and instants are those of the audit module."""

import json
from datetime import UTC, datetime

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers import audit
from motcua.simulation import rows
from motcua.worktime.rules import HANOI

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=10,
)
ids = st.none() | st.integers(min_value=1, max_value=2**40)
instants = st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.sampled_from([UTC, HANOI]))


@given(
    prev=st.text(max_size=64), code=st.text(max_size=30), seq=st.integers(1, 10**6),
    action=st.text(max_size=20), actor=ids, site=ids, agency=ids, at=instants,
    before=st.text(max_size=20), after=st.text(max_size=20),
    payload=st.dictionaries(st.text(max_size=12), json_values, max_size=6),
)  # fmt: skip
def test_the_fast_hash_is_the_audit_hash(
    prev, code, seq, action, actor, site, agency, at, before, after, payload
):
    common = {
        "prev_hash": prev, "dossier_code": code, "seq": seq, "action": action,
        "actor_id": actor, "site_id": site, "agency_id": agency, "at": at,
        "from_status": before, "to_status": after,
    }  # fmt: skip
    assert rows.event_hash(**common, payload=rows.payload_json(payload)) == audit.event_hash(
        **common, payload=payload
    )


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 2, 9, 30, tzinfo=HANOI),
        datetime(2026, 3, 2, 9, 30, 5, 123456, tzinfo=HANOI),
        datetime(2026, 3, 2, 2, 30, tzinfo=UTC),
        datetime(2026, 3, 2, 2, 30, 0, 500, tzinfo=UTC),
    ],
)
def test_instants_are_written_as_the_json_encoder_writes_them(moment):
    assert rows.json_instant(moment) == DjangoJSONEncoder().default(moment)
    assert rows._stored(moment).tzinfo is UTC


@given(payload=st.dictionaries(st.text(max_size=12), json_values, max_size=6))
def test_payloads_are_written_as_json_dumps_writes_them(payload):
    expected = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert rows.payload_json(payload) == expected


def test_a_payload_that_is_not_json_is_refused():
    with pytest.raises(TypeError, match="datetime"):
        rows.payload_json({"at": datetime(2026, 3, 2, tzinfo=UTC)})
