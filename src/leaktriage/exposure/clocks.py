"""Regulatory clocks: which authorities must be told of a leak, and by when.

The rules are data (``rules/jurisdictions.toml``, documented key by key); this module only
validates them and applies them. A clock is either *hours* (``discovered_at`` plus N elapsed
hours) or *business days* (23:59:59 local time on the Nth business day after the discovery day,
skipping weekends and the jurisdiction's public holidays). The TOML file's header defines both
precisely.

Everything here is pure: no I/O beyond reading the rules file, no clock reads (the caller passes
``discovered_at``). A broken rules file raises :class:`~leaktriage.errors.InputError` naming the
file and the key; wrong arguments raise :class:`ValueError`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from leaktriage.errors import InputError
from leaktriage.vocab import COLUMN_TYPES

__all__ = ["Obligation", "load_rules", "obligations"]

#: The only version of the rules file's shape this module reads.
RULES_VERSION = 1

#: Local time of day a business-day deadline falls at, on its last business day.
END_OF_BUSINESS_DAY = dt.time(23, 59, 59)

_PACKAGED = "packaged jurisdictions.toml"
_TOP_KEYS = {"version", "default", "field_sets", "jurisdictions"}
_REQUIRED = {"authority", "timezone", "triggers", "basis", "notes"}
_CLOCK_KEYS = {"hours", "business_days"}
_BUSINESS_DAY_KEYS = {"holiday_country", "holiday_categories", "extra_closed_days"}
_OPTIONAL = {"min_customers"} | _BUSINESS_DAY_KEYS
_TYPE_ORDER = {name: i for i, name in enumerate(COLUMN_TYPES)}

_Fail = Callable[[str], InputError]


@dataclass(frozen=True)
class Obligation:
    """One notification owed to one authority, with its deadline."""

    jurisdiction: str
    """Code of the rule, e.g. ``"PE"``, ``"EU-GDPR"``, ``"US-FCC"``."""
    authority: str
    """Who receives the notification."""
    deadline: dt.datetime
    """Timezone-aware, in the jurisdiction's time zone."""
    clock: str
    """The clock as people say it: ``"48 hours"``, ``"3 business days"``."""
    triggered_by: list[str]
    """Exposed column types that triggered it, then thresholds (``"customers >= 500"``)."""
    basis: str
    """Legal basis, one line."""
    notes: str
    """Conditions and follow-ups the clock does not capture."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; the deadline as ISO 8601 with its UTC offset."""
        return {
            "jurisdiction": self.jurisdiction,
            "authority": self.authority,
            "deadline": self.deadline.isoformat(),
            "clock": self.clock,
            "triggered_by": list(self.triggered_by),
            "basis": self.basis,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class _Rule:
    code: str
    authority: str
    tz: ZoneInfo
    hours: int | None
    business_days: int | None
    holiday_country: str | None
    holiday_categories: tuple[str, ...]
    extra_closed_days: frozenset[dt.date]
    triggers: frozenset[str]
    min_customers: int
    basis: str
    notes: str


def load_rules(path: Path | None = None) -> dict[str, Any]:
    """Read and validate a rules file; by default the packaged ``rules/jurisdictions.toml``.

    Returns the file as a dict, unchanged, once it has passed validation.
    """
    if path is None:
        text = (
            resources.files("leaktriage.exposure")
            .joinpath("rules")
            .joinpath("jurisdictions.toml")
            .read_text(encoding="utf-8")
        )
        where = _PACKAGED
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"cannot read rules file: {exc.__class__.__name__}", path=where
            ) from exc
    try:
        rules = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=where) from exc
    _parse(rules, where)
    return rules


def obligations(
    *,
    exposed_fields: Mapping[str, int],
    customers: int,
    discovered_at: dt.datetime,
    jurisdictions: Sequence[str] | None = None,
    rules: dict[str, Any] | None = None,
) -> list[Obligation]:
    """The notifications owed for an exposure, sorted by deadline (then jurisdiction code).

    ``exposed_fields`` maps column types to exposed customers; ``customers`` is the number of
    exposed customers; ``discovered_at`` (timezone-aware) starts every clock. ``jurisdictions``
    restricts the answer to those codes (``None``: every jurisdiction of the rules). ``rules``
    defaults to the packaged rules file.
    """
    if discovered_at.tzinfo is None or discovered_at.utcoffset() is None:
        raise ValueError("discovered_at must be timezone-aware")
    if customers < 0:
        raise ValueError("customers must be >= 0")
    for field, count in exposed_fields.items():
        if field not in _TYPE_ORDER:
            raise ValueError(f"unknown column type in exposed_fields: {field!r}")
        if count < 0 or count > customers:
            raise ValueError(f"exposed_fields[{field!r}] = {count} is not within 0..customers")

    parsed = _packaged_rules() if rules is None else _parse(rules, "rules")
    if jurisdictions is None:
        selected = list(parsed.values())
    else:
        unknown = [code for code in jurisdictions if code not in parsed]
        if unknown:
            raise ValueError(f"unknown jurisdiction(s) {unknown}; known: {sorted(parsed)}")
        selected = [parsed[code] for code in dict.fromkeys(jurisdictions)]

    exposed = {field for field, count in exposed_fields.items() if count > 0}
    owed = []
    for rule in selected:
        hit = exposed & rule.triggers
        if not hit or customers < rule.min_customers:
            continue
        triggered_by = sorted(hit, key=_TYPE_ORDER.__getitem__)
        if rule.min_customers > 0:
            triggered_by.append(f"customers >= {rule.min_customers}")
        owed.append(
            Obligation(
                jurisdiction=rule.code,
                authority=rule.authority,
                deadline=_deadline(rule, discovered_at),
                clock=_clock_label(rule),
                triggered_by=triggered_by,
                basis=rule.basis,
                notes=rule.notes,
            )
        )
    owed.sort(key=lambda o: (o.deadline, o.jurisdiction))
    return owed


def _deadline(rule: _Rule, discovered_at: dt.datetime) -> dt.datetime:
    if rule.hours is not None:
        # Elapsed time: add in UTC so a DST change cannot stretch or shrink the window.
        utc = discovered_at.astimezone(dt.UTC) + dt.timedelta(hours=rule.hours)
        return utc.astimezone(rule.tz)
    assert rule.business_days is not None and rule.holiday_country is not None
    closed = holidays.country_holidays(rule.holiday_country, categories=rule.holiday_categories)
    day = discovered_at.astimezone(rule.tz).date()
    counted = 0
    while counted < rule.business_days:
        day += dt.timedelta(days=1)
        if day.isoweekday() < 6 and day not in closed and day not in rule.extra_closed_days:
            counted += 1
    return dt.datetime.combine(day, END_OF_BUSINESS_DAY, tzinfo=rule.tz)


def _clock_label(rule: _Rule) -> str:
    if rule.hours is not None:
        return f"{rule.hours} hour{'s' * (rule.hours != 1)}"
    return f"{rule.business_days} business day{'s' * (rule.business_days != 1)}"


@lru_cache(maxsize=1)
def _packaged_rules() -> dict[str, _Rule]:
    return _parse(load_rules(), _PACKAGED)


def _parse(rules: Mapping[str, Any], where: str) -> dict[str, _Rule]:
    """Validate a rules dict; return its jurisdictions by code. Errors name ``where``."""

    def fail(message: str) -> InputError:
        return InputError(message, path=where)

    if not isinstance(rules, Mapping):
        raise fail("rules must be a table")
    extra = set(rules) - _TOP_KEYS
    if extra:
        raise fail(f"unknown top-level key(s) {sorted(extra)}; expected {sorted(_TOP_KEYS)}")
    if rules.get("version") != RULES_VERSION:
        raise fail(f"version must be {RULES_VERSION}, found {rules.get('version')!r}")

    field_sets = rules.get("field_sets", {})
    if not isinstance(field_sets, Mapping):
        raise fail("field_sets must be a table")
    sets: dict[str, frozenset[str]] = {}
    for name, members in field_sets.items():
        sets[name] = frozenset(_types(members, f"field_sets.{name}", fail))

    table = rules.get("jurisdictions")
    if not isinstance(table, Mapping) or not table:
        raise fail("jurisdictions must be a non-empty table of [jurisdictions.CODE]")
    parsed = {code: _parse_rule(code, spec, sets, fail) for code, spec in table.items()}

    default = rules.get("default", [])
    if not _is_str_list(default):
        raise fail("default must be a list of jurisdiction codes")
    unknown = [code for code in default if code not in parsed]
    if unknown:
        raise fail(f"default names unknown jurisdiction(s) {unknown}")
    return parsed


def _parse_rule(code: str, spec: Any, sets: Mapping[str, frozenset[str]], fail: _Fail) -> _Rule:
    key = f"jurisdictions.{code}"
    if not isinstance(spec, Mapping):
        raise fail(f"{key} must be a table")
    keys = set(spec)
    missing = _REQUIRED - keys
    if missing:
        raise fail(f"{key}: missing key(s) {sorted(missing)}")
    extra = keys - _REQUIRED - _CLOCK_KEYS - _OPTIONAL
    if extra:
        raise fail(f"{key}: unknown key(s) {sorted(extra)}")
    clocks = keys & _CLOCK_KEYS
    if len(clocks) != 1:
        raise fail(f"{key}: needs exactly one of 'hours' or 'business_days'")
    (clock,) = clocks
    amount = spec[clock]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise fail(f"{key}.{clock} must be a positive integer")

    for text_key in ("authority", "basis", "notes", "timezone"):
        if not isinstance(spec[text_key], str) or not spec[text_key].strip():
            raise fail(f"{key}.{text_key} must be a non-empty string")
    try:
        tz = ZoneInfo(spec["timezone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise fail(f"{key}.timezone: unknown time zone {spec['timezone']!r}") from exc

    triggers: set[str] = set()
    if not _is_str_list(spec["triggers"]) or not spec["triggers"]:
        raise fail(f"{key}.triggers must be a non-empty list of column types or @sets")
    for trigger in spec["triggers"]:
        if trigger.startswith("@"):
            if trigger[1:] not in sets:
                raise fail(f"{key}.triggers: no field set {trigger[1:]!r} in [field_sets]")
            triggers |= sets[trigger[1:]]
        else:
            triggers |= _types([trigger], f"{key}.triggers", fail)

    min_customers = spec.get("min_customers", 0)
    if not isinstance(min_customers, int) or isinstance(min_customers, bool) or min_customers < 0:
        raise fail(f"{key}.min_customers must be an integer >= 0")

    country: str | None = None
    categories: tuple[str, ...] = ()
    closed: frozenset[dt.date] = frozenset()
    if clock == "hours":
        stray = keys & _BUSINESS_DAY_KEYS
        if stray:
            raise fail(f"{key}: {sorted(stray)} only apply to business_days clocks")
    else:
        country = spec.get("holiday_country")
        if not isinstance(country, str) or country not in holidays.list_supported_countries():
            raise fail(f"{key}.holiday_country: {country!r} is not a country of `holidays`")
        categories = tuple(spec.get("holiday_categories", ["public"]))
        supported = holidays.country_holidays(country).supported_categories
        if not _is_str_list(list(categories)) or not set(categories) <= set(supported):
            raise fail(f"{key}.holiday_categories must be a list among {sorted(supported)}")
        closed = frozenset(
            _dates(spec.get("extra_closed_days", []), f"{key}.extra_closed_days", fail)
        )

    return _Rule(
        code=code,
        authority=spec["authority"],
        tz=tz,
        hours=amount if clock == "hours" else None,
        business_days=amount if clock == "business_days" else None,
        holiday_country=country,
        holiday_categories=categories,
        extra_closed_days=closed,
        triggers=frozenset(triggers),
        min_customers=min_customers,
        basis=spec["basis"],
        notes=spec["notes"],
    )


def _types(members: Any, key: str, fail: _Fail) -> set[str]:
    if not _is_str_list(members):
        raise fail(f"{key} must be a list of column types")
    unknown = [m for m in members if m not in _TYPE_ORDER]
    if unknown:
        raise fail(f"{key}: unknown column type(s) {unknown}")
    return set(members)


def _dates(values: Any, key: str, fail: _Fail) -> list[dt.date]:
    """TOML dates, or ISO ``YYYY-MM-DD`` strings from a dict built in code or read from JSON."""
    if not isinstance(values, list):
        raise fail(f"{key} must be a list of dates (YYYY-MM-DD)")
    days = []
    for value in values:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            days.append(value)
            continue
        try:
            days.append(dt.date.fromisoformat(value))
        except (TypeError, ValueError) as exc:
            raise fail(f"{key}: {value!r} is not a date (YYYY-MM-DD)") from exc
    return days


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
