"""Fixtures for the HTML report tests: a triage document, planted raw values, obligations."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLE_TRIAGE = Path(__file__).with_name("example_triage.json")

#: Raw values planted as "examples": none of them may reach the HTML. The masked form of each
#: is what the report must show instead.
PLANTED: list[tuple[str, str, str]] = [
    # (column, raw value, masked form)
    ("NRO_DOCUMENTO", "45871234", "*****1234"),
    ("APELLIDOS", "Quispe Rojas", "Q*** R***"),
    ("NOMBRES", "Juana Maribel", "J*** M***"),
    ("FEC_NAC", "17/04/1985", "1985-**-**"),
    ("TELEFONO_MOVIL", "987654821", "*****4821"),
    ("CORREO", "juana.quispe@gmail.com", "j***@g***.com"),
    ("DIRECCION_DOMICILIO", "Av. Javier Prado Este 4321", "Av. ***"),
    ("DISTRITO", "Miraflores", "***"),
    ("COD_CLIENTE", "A987650042", "*****0042"),
    ("UNTYPED_COLUMN", "Secret-Untyped-Value", "***"),
]

OBLIGATIONS: list[dict[str, Any]] = [
    {
        "jurisdiction": "PE",
        "authority": "ANPD (Peru)",
        "deadline": "2025-03-20T14:00:00+00:00",
        "clock": "48 h from awareness",
        "triggered_by": ["national_id", "msisdn"],
        "basis": "Ley 29733 and its regulation",
        "notes": "notify affected customers without undue delay",
    },
    {
        "jurisdiction": "KR",
        "authority": "PIPC (Korea)",
        "deadline": "2025-03-21T05:00:00",
        "clock": "72 h",
        "triggered_by": "personal information of Korean residents",
        "basis": "PIPA art. 34",
        "notes": None,
    },
    {
        "jurisdiction": "EU",
        "authority": "National telecom regulator",
        "deadline": "2025-03-19T09:30:00+01:00",
        "clock": "24 h",
        "triggered_by": ["msisdn"],
        "basis": "ePrivacy breach regulation 611/2013",
        "notes": "initial notification; full report within 3 days",
    },
]


@pytest.fixture
def triage() -> dict[str, Any]:
    """The example triage document (a genuine CRM leak), a fresh copy per test."""
    return copy.deepcopy(json.loads(EXAMPLE_TRIAGE.read_text(encoding="utf-8")))


@pytest.fixture
def planted_examples() -> list[dict[str, str]]:
    """Two example records holding raw values (as a careless caller might pass them)."""
    first = {col: raw for col, raw, _ in PLANTED}
    second = {col: raw for col, raw, _ in PLANTED}
    second["TELEFONO_MOVIL"] = "912340077"
    return [first, second]


@pytest.fixture
def obligations() -> list[dict[str, Any]]:
    return copy.deepcopy(OBLIGATIONS)


@pytest.fixture
def planted() -> list[tuple[str, str, str]]:
    """(column, raw value, expected masked form) for every planted value."""
    return list(PLANTED)
