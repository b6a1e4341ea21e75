"""Regulatory clocks: deadlines computed by hand, written out literally, checked against code.

Calendars used (checked against a printed calendar, not against the code under test):
US federal holidays 2026: Thanksgiving Thu 2026-11-26, Christmas Fri 2026-12-25, New Year Fri
2027-01-01, Veterans Day Wed 2026-11-11. Brazil 2027: Carnival Mon-Tue 02-08/09 (ponto
facultativo, not a national holiday), Ash Wednesday 02-10, Tiradentes Wed 04-21. DST: Europe
ends Sun 2026-10-25 (CEST +02 → CET +01), New York ends Sun 2026-11-01 (EDT -04 → EST -05).
Brazil has had no DST since 2019 (-03 all year); Peru -05 all year; Korea +09 all year.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from leaktriage.errors import InputError
from leaktriage.exposure.clocks import Obligation, load_rules, obligations

UTC = dt.UTC


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


def at(text: str) -> dt.datetime:
    """An aware datetime from ISO text with an explicit offset."""
    value = dt.datetime.fromisoformat(text)
    assert value.tzinfo is not None
    return value


PERSONAL = {"msisdn": 1000, "national_id": 1000, "ki": 0}


def only(code: str, discovered: str, *, customers: int = 1000, rules: Any = None) -> Obligation:
    owed = obligations(
        exposed_fields={k: min(v, customers) for k, v in PERSONAL.items()},
        customers=customers,
        discovered_at=at(discovered),
        jurisdictions=[code],
        rules=rules,
    )
    assert len(owed) == 1, owed
    return owed[0]


def with_br_categories(categories: list[str]) -> dict[str, Any]:
    rules = copy.deepcopy(load_rules())
    rules["jurisdictions"]["BR"]["holiday_categories"] = categories
    return rules


def with_ny_hour_rule() -> dict[str, Any]:
    """The packaged rules plus a 24-hour clock read in New York, to test the US DST change."""
    rules = copy.deepcopy(load_rules())
    rules["jurisdictions"]["US-TEST"] = {
        "authority": "test authority",
        "timezone": "America/New_York",
        "hours": 24,
        "triggers": ["@personal"],
        "basis": "test",
        "notes": "test",
    }
    return rules


DEADLINES = [
    # --- business days: weekends -------------------------------------------------------------
    pytest.param(
        "US-FCC", "2026-12-04T20:00:00-05:00", None,
        # Fri evening; Mon 12-07 is day 1 ... Fri 12-11 day 5, Mon 12-14 day 6, Tue 12-15 day 7
        "2026-12-15T23:59:59-05:00", "2026-12-16T04:59:59+00:00",
        id="us-friday-evening-crosses-weekend",
    ),
    pytest.param(
        "BR", "2026-12-05T01:30:00+00:00", None,
        # Sat 01:30 UTC is Fri 22:30 in São Paulo: the discovery day is Friday 12-04, so
        # Mon 12-07 = 1, Tue 12-08 = 2, Wed 12-09 = 3
        "2026-12-09T23:59:59-03:00", "2026-12-10T02:59:59+00:00",
        id="br-friday-evening-local-saturday-utc",
    ),
    pytest.param(
        "BR", "2026-11-27T19:00:00-03:00", None,
        # Fri 11-27: Mon 11-30 = 1, Tue 12-01 = 2, Wed 12-02 = 3
        "2026-12-02T23:59:59-03:00", "2026-12-03T02:59:59+00:00",
        id="br-friday-evening-crosses-weekend",
    ),
    pytest.param(
        "BR", "2026-12-05T10:00:00-03:00", None,
        # discovered on a Saturday: Mon 12-07 = 1, Tue = 2, Wed 12-09 = 3
        "2026-12-09T23:59:59-03:00", "2026-12-10T02:59:59+00:00",
        id="br-discovered-on-saturday",
    ),
    # --- business days: holidays -------------------------------------------------------------
    pytest.param(
        "US-FCC", "2026-11-25T09:00:00-05:00", None,
        # Thu 11-26 Thanksgiving skipped; Fri 11-27 = 1, Mon 11-30 = 2, Tue 12-01 = 3,
        # Wed 12-02 = 4, Thu 12-03 = 5, Fri 12-04 = 6, Mon 12-07 = 7
        "2026-12-07T23:59:59-05:00", "2026-12-08T04:59:59+00:00",
        id="us-thanksgiving-2026",
    ),
    pytest.param(
        "US-FCC", "2026-12-21T12:00:00-05:00", None,
        # Tue 12-22 = 1, Wed = 2, Thu 12-24 = 3 (Christmas Eve is not federal), Fri 12-25
        # Christmas skipped, Mon 12-28 = 4, Tue = 5, Wed = 6, Thu 12-31 = 7
        "2026-12-31T23:59:59-05:00", "2027-01-01T04:59:59+00:00",
        id="us-christmas-2026",
    ),
    pytest.param(
        "US-FCC", "2026-12-24T16:00:00-05:00", None,
        # Christmas Fri 12-25 skipped, Mon 12-28 = 1 ... Thu 12-31 = 4, Fri 2027-01-01 New
        # Year skipped, Mon 01-04 = 5, Tue = 6, Wed 01-06 = 7
        "2027-01-06T23:59:59-05:00", "2027-01-07T04:59:59+00:00",
        id="us-christmas-and-new-year",
    ),
    pytest.param(
        "US-FCC", "2026-10-30T18:00:00-04:00", None,
        # Fri 10-30 EDT; Mon 11-02 = 1 ... Fri 11-06 = 5, Mon 11-09 = 6, Tue 11-10 = 7; the
        # deadline falls after the DST change, so in EST (-05); Veterans Day 11-11 is after it
        "2026-11-10T23:59:59-05:00", "2026-11-11T04:59:59+00:00",
        id="us-business-days-across-dst-end",
    ),
    pytest.param(
        "BR", "2027-02-05T15:00:00-03:00", None,
        # packaged rules: Carnival is ponto facultativo, counted as business days:
        # Mon 02-08 = 1, Tue 02-09 = 2, Wed 02-10 = 3
        "2027-02-10T23:59:59-03:00", "2027-02-11T02:59:59+00:00",
        id="br-carnival-2027-counted-by-default",
    ),
    pytest.param(
        "BR", "2027-02-05T15:00:00-03:00", with_br_categories(["public", "optional"]),
        # with optional holidays skipped: Mon 02-08, Tue 02-09 Carnival and Wed 02-10 Ash
        # Wednesday skipped; Thu 02-11 = 1, Fri 02-12 = 2, Mon 02-15 = 3
        "2027-02-15T23:59:59-03:00", "2027-02-16T02:59:59+00:00",
        id="br-carnival-2027-skipped-when-optional-days-configured",
    ),
    pytest.param(
        "BR", "2027-04-19T10:00:00-03:00", None,
        # Tue 04-20 = 1, Wed 04-21 Tiradentes skipped, Thu 04-22 = 2, Fri 04-23 = 3
        "2027-04-23T23:59:59-03:00", "2027-04-24T02:59:59+00:00",
        id="br-tiradentes-2027",
    ),
    # --- hours -------------------------------------------------------------------------------
    pytest.param(
        "PE", "2026-11-25T04:20:00-05:00", None,
        "2026-11-27T04:20:00-05:00", "2026-11-27T09:20:00+00:00",
        id="pe-48-hours",
    ),
    pytest.param(
        "KR-KISA", "2026-11-27T23:30:00+09:00", None,
        "2026-11-28T23:30:00+09:00", "2026-11-28T14:30:00+00:00",
        id="kr-kisa-24-hours",
    ),
    pytest.param(
        "KR-PIPC", "2026-11-27T23:30:00+09:00", None,
        "2026-11-30T23:30:00+09:00", "2026-11-30T14:30:00+00:00",
        id="kr-pipc-72-hours",
    ),
    pytest.param(
        "EU-GDPR", "2026-10-23T12:00:00+02:00", None,
        # 72 elapsed hours across the end of CEST (Sun 10-25): 12:00 CEST + 72 h = 11:00 CET
        "2026-10-26T11:00:00+01:00", "2026-10-26T10:00:00+00:00",
        id="eu-gdpr-72-hours-across-eu-dst-end",
    ),
    pytest.param(
        "EU-TELECOM", "2026-10-24T20:00:00+02:00", None,
        # 20:00 CEST Sat + 24 h = 19:00 CET Sun (the night of 10-25 has 25 hours)
        "2026-10-25T19:00:00+01:00", "2026-10-25T18:00:00+00:00",
        id="eu-telecom-24-hours-across-eu-dst-end",
    ),
    pytest.param(
        "US-TEST", "2026-10-31T22:00:00-04:00", with_ny_hour_rule(),
        # 22:00 EDT Sat = 02:00 UTC Sun; + 24 h = 02:00 UTC Mon = 21:00 EST Sun (not 22:00)
        "2026-11-01T21:00:00-05:00", "2026-11-02T02:00:00+00:00",
        id="ny-24-hours-across-us-dst-end",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("code", "discovered", "rules", "local", "in_utc"), DEADLINES)
def test_deadline(code: str, discovered: str, rules: Any, local: str, in_utc: str) -> None:
    owed = only(code, discovered, rules=rules)
    assert owed.deadline == at(in_utc)
    assert owed.deadline.isoformat() == local
    assert owed.to_json()["deadline"] == local


def test_all_jurisdictions_sorted_by_deadline() -> None:
    # Wed 2026-11-25 09:00 UTC = 04:00 Lima, 04:00 New York, 06:00 São Paulo, 18:00 Seoul
    owed = obligations(
        exposed_fields={"msisdn": 1000, "national_id": 1000},
        customers=1000,
        discovered_at=utc("2026-11-25T09:00:00+00:00"),
    )
    assert [(o.jurisdiction, o.deadline.astimezone(UTC).isoformat(), o.clock) for o in owed] == [
        ("EU-NIS2", "2026-11-26T09:00:00+00:00", "24 hours"),  # tie: by code
        ("EU-TELECOM", "2026-11-26T09:00:00+00:00", "24 hours"),
        ("KR-KISA", "2026-11-26T09:00:00+00:00", "24 hours"),
        ("PE", "2026-11-27T09:00:00+00:00", "48 hours"),
        ("EU-GDPR", "2026-11-28T09:00:00+00:00", "72 hours"),
        ("KR-PIPC", "2026-11-28T09:00:00+00:00", "72 hours"),
        # Thu 11-26 = 1, Fri 11-27 = 2, Mon 11-30 = 3 (São Paulo)
        ("BR", "2026-12-01T02:59:59+00:00", "3 business days"),
        # Thanksgiving skipped: Fri 11-27 = 1 ... Mon 12-07 = 7 (New York)
        ("US-FCC", "2026-12-08T04:59:59+00:00", "7 business days"),
    ]
    assert owed[-1].triggered_by == ["msisdn", "national_id", "customers >= 500"]
    assert owed[0].triggered_by == ["msisdn", "national_id"]


TRIGGERS = [
    pytest.param({"msisdn": 10}, 10,
                 {"PE", "EU-GDPR", "EU-TELECOM", "EU-NIS2", "KR-PIPC", "KR-KISA", "BR"},
                 id="msisdn-only-under-500"),
    pytest.param({"email": 499}, 499,
                 {"PE", "EU-GDPR", "EU-TELECOM", "EU-NIS2", "KR-PIPC", "KR-KISA", "BR"},
                 id="fcc-499-customers-not-owed"),
    pytest.param({"email": 500}, 500,
                 {"PE", "EU-GDPR", "EU-TELECOM", "EU-NIS2", "KR-PIPC", "KR-KISA", "BR", "US-FCC"},
                 id="fcc-500-customers-owed"),
    pytest.param({"ki": 3, "imsi": 3}, 600,
                 {"PE", "EU-GDPR", "EU-TELECOM", "EU-NIS2", "KR-PIPC", "KR-KISA", "BR", "US-FCC"},
                 id="sim-secrets-are-personal"),
    pytest.param({"full_name": 5}, 5,
                 {"PE", "EU-GDPR", "EU-TELECOM", "EU-NIS2", "KR-PIPC", "KR-KISA", "BR"},
                 id="name-alone-is-personal-data-for-pe"),
    pytest.param({"msisdn": 0, "national_id": 0, "email": 0}, 0, set(), id="zero-counts"),
    pytest.param({"date": 900, "other": 900}, 900, set(), id="only-non-personal-types"),
    pytest.param({}, 0, set(), id="nothing-exposed"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "customers", "expected"), TRIGGERS)
def test_triggers(fields: dict[str, int], customers: int, expected: set[str]) -> None:
    owed = obligations(
        exposed_fields=fields, customers=customers, discovered_at=utc("2026-11-25T09:00:00+00:00")
    )
    assert {o.jurisdiction for o in owed} == expected
    for o in owed:
        assert all(f in fields and fields[f] > 0 for f in o.triggered_by if " " not in f)


def test_jurisdictions_filter_keeps_only_named_codes() -> None:
    owed = obligations(
        exposed_fields={"national_id": 2000},
        customers=2000,
        discovered_at=utc("2026-11-25T09:00:00+00:00"),
        jurisdictions=["US-FCC", "PE", "PE"],
    )
    assert [o.jurisdiction for o in owed] == ["PE", "US-FCC"]


def test_unknown_jurisdiction_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"unknown jurisdiction.*'XX'"):
        obligations(
            exposed_fields={"msisdn": 1},
            customers=1,
            discovered_at=utc("2026-11-25T09:00:00+00:00"),
            jurisdictions=["XX"],
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"discovered_at": dt.datetime(2026, 11, 25, 9)}, "timezone-aware", id="naive"),
        pytest.param({"exposed_fields": {"shoe_size": 1}}, "unknown column type", id="bad-type"),
        pytest.param({"exposed_fields": {"msisdn": 11}}, "not within", id="field-over-customers"),
        pytest.param({"customers": -1, "exposed_fields": {}}, "customers", id="negative"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {
        "exposed_fields": {"msisdn": 1},
        "customers": 10,
        "discovered_at": utc("2026-11-25T09:00:00+00:00"),
    }
    with pytest.raises(ValueError, match=message):
        obligations(**(args | kwargs))


def test_to_json_round_trips_through_json() -> None:
    owed = only("US-FCC", "2026-11-25T09:00:00-05:00")
    data = json.loads(json.dumps(owed.to_json()))
    assert data == {
        "jurisdiction": "US-FCC",
        "authority": owed.authority,
        "deadline": "2026-12-07T23:59:59-05:00",
        "clock": "7 business days",
        "triggered_by": ["msisdn", "national_id", "customers >= 500"],
        "basis": owed.basis,
        "notes": owed.notes,
    }


def test_packaged_rules_shape() -> None:
    rules = load_rules()
    assert rules["version"] == 1
    assert rules["default"] == ["PE"]
    assert set(rules["jurisdictions"]) == {
        "PE", "EU-GDPR", "EU-TELECOM", "EU-NIS2", "KR-PIPC", "KR-KISA", "US-FCC", "BR"
    }  # fmt: skip
    for code, spec in rules["jurisdictions"].items():
        assert spec["basis"].strip() and "\n" not in spec["basis"], code


def test_every_rule_key_is_documented_in_the_file() -> None:
    """Top-level keys and field sets have a comment right above; rule keys are in the key list."""
    path = Path(__file__).parents[2] / "src/leaktriage/exposure/rules/jurisdictions.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    rules = load_rules(path)
    for key in ["version", "default", *rules["field_sets"]]:
        (row,) = [i for i, line in enumerate(lines) if line.startswith(f"{key} =")]
        assert lines[row - 1].startswith("#"), key
    (row,) = [i for i, line in enumerate(lines) if line == "[field_sets]"]
    assert lines[row + 1].startswith("#")
    rule_keys = set().union(*(set(spec) for spec in rules["jurisdictions"].values()))
    rule_keys |= {"hours", "business_days", "holiday_categories", "extra_closed_days"}
    for key in sorted(rule_keys):
        assert any(re.match(rf"#\s+{key}\s", line) for line in lines), key


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_RULE = """
version = 1
[jurisdictions.XX]
authority = "a"
timezone = "Europe/Brussels"
hours = 24
triggers = ["msisdn"]
basis = "b"
notes = "n"
"""

INVALID_RULES = [
    pytest.param("version = 1\n[jurisdictions.XX\n", "not valid TOML", id="toml-syntax"),
    pytest.param(GOOD_RULE.replace("version = 1", "version = 2"), "version must be 1",
                 id="wrong-version"),
    pytest.param(GOOD_RULE.replace("hours = 24", "weeks = 1"), "unknown key", id="unknown-key"),
    pytest.param(GOOD_RULE.replace('basis = "b"', ""), r"missing key\(s\) \['basis'\]",
                 id="missing-basis"),
    pytest.param(GOOD_RULE.replace("hours = 24", "hours = 24\nbusiness_days = 1"),
                 "exactly one of", id="two-clocks"),
    pytest.param(GOOD_RULE.replace("hours = 24", "hours = -3"), "positive integer",
                 id="negative-hours"),
    pytest.param(GOOD_RULE.replace("Europe/Brussels", "Mars/Olympus"), "unknown time zone",
                 id="bad-timezone"),
    pytest.param(GOOD_RULE.replace('["msisdn"]', '["shoe_size"]'), "unknown column type",
                 id="bad-trigger"),
    pytest.param(GOOD_RULE.replace('["msisdn"]', '["@contact"]'), "no field set 'contact'",
                 id="unknown-field-set"),
    pytest.param(GOOD_RULE.replace("hours = 24", 'business_days = 3\nholiday_country = "ZZ"'),
                 "not a country", id="bad-holiday-country"),
    pytest.param(GOOD_RULE.replace("hours = 24", 'business_days = 3\nholiday_country = "BR"\n'
                                   'holiday_categories = ["festa"]'),
                 "holiday_categories", id="bad-holiday-category"),
    pytest.param(GOOD_RULE.replace("hours = 24", 'business_days = 3\nholiday_country = "BR"\n'
                                   'extra_closed_days = ["tomorrow"]'),
                 "not a date", id="bad-closed-day"),
    pytest.param(GOOD_RULE.replace("hours = 24", 'hours = 24\nholiday_country = "US"'),
                 "only apply to business_days", id="holidays-on-hour-clock"),
    pytest.param(GOOD_RULE.replace("version = 1", 'version = 1\ndefault = ["PE"]'),
                 "default names unknown", id="default-unknown"),
    pytest.param(GOOD_RULE + 'extra = "x"\n', "unknown key", id="unknown-key-in-rule"),
    pytest.param(GOOD_RULE.replace("version = 1", "version = 1\ncolour = 3"),
                 "unknown top-level", id="unknown-top-level"),
    pytest.param("version = 1\n", "jurisdictions must be", id="no-jurisdictions"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), INVALID_RULES)
def test_invalid_rules_file_names_file_and_problem(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=message) as info:
        load_rules(path)
    assert str(path) in str(info.value)


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read rules file"):
        load_rules(tmp_path / "absent.toml")


def test_invalid_rules_dict_is_rejected_by_obligations() -> None:
    rules = copy.deepcopy(load_rules())
    rules["jurisdictions"]["PE"]["hours"] = "48"
    with pytest.raises(InputError, match=r"jurisdictions\.PE\.hours must be a positive integer"):
        obligations(
            exposed_fields={"msisdn": 1},
            customers=1,
            discovered_at=utc("2026-11-25T09:00:00+00:00"),
            rules=rules,
        )


def test_custom_rules_file_with_extra_closed_day(tmp_path: Path) -> None:
    text = GOOD_RULE.replace(
        "hours = 24",
        'business_days = 1\nholiday_country = "BR"\nextra_closed_days = [2026-11-26]',
    )
    rules = load_rules(_write(tmp_path, text))
    (owed,) = obligations(
        exposed_fields={"msisdn": 1},
        customers=1,
        discovered_at=at("2026-11-25T10:00:00+01:00"),
        rules=rules,
    )
    # Thu 11-26 closed by the file; Fri 11-27 is business day 1 (Brussels time)
    assert owed.deadline.isoformat() == "2026-11-27T23:59:59+01:00"
