"""Pure-Python twins of the national ID checks, for :func:`detect_scheme` on a small sample.

They mirror the SQL of :mod:`.national_id` rule for rule (a test holds them equal); they are
never used on the hot path.
"""

from __future__ import annotations

import datetime as _dt
import re

from leaktriage.normalize.national_id import CURP_ALPHABET, CURP_BLOCKED, CURP_STATES

__all__ = ["canonical_id", "detect_scheme", "id_is_valid"]

_SEPARATORS = re.compile(r"[\s.\-_/,]")
_SCHEME_ORDER = ("pe.dni", "pe.ruc", "pe.ce", "es.dni", "es.nie", "kr.rrn", "br.cpf", "cl.rut",
                 "mx.curp")  # fmt: skip
_REGION_SCHEMES = {
    "PE": ("pe.dni", "pe.ruc", "pe.ce"),
    "ES": ("es.dni", "es.nie"),
    "KR": ("kr.rrn",),
    "BR": ("br.cpf",),
    "CL": ("cl.rut",),
    "MX": ("mx.curp",),
}


def _compact(text: str) -> str:
    text = text.strip()
    if re.fullmatch(r"[+]?[0-9]+(?:[.][0-9]+)?[eE][+]?[0-9]+", text):
        try:
            text = str(int(float(text)))
        except (ValueError, OverflowError):
            return ""
    else:
        if re.fullmatch(r"\s*[+]?[0-9]+[.]0+\s*", text):
            text = re.sub(r"[.]0+\s*$", "", text)
    return _SEPARATORS.sub("", text.upper())


def _pad(v: str, length: int, shortest: int) -> str | None:
    return v.zfill(length) if re.fullmatch(rf"[0-9]{{{shortest},{length}}}", v) else None


def _date_ok(yyyymmdd: str) -> bool:
    try:
        _dt.datetime.strptime(yyyymmdd, "%Y%m%d")
    except ValueError:
        return False
    return True


def _wsum(v: str, weights: tuple[int, ...]) -> int:
    return sum(w * int(c) for w, c in zip(weights, v, strict=False))


def canonical_id(text: str | None, scheme: str) -> str | None:
    """The canonical value the SQL normalizer gives ``text`` under ``scheme``."""
    if text is None:
        return None
    v = _compact(text)
    if scheme == "pe.dni":
        if re.fullmatch(r"[0-9]{8}[0-9A-K]", v):
            return v[:8]
        return _pad(v, 8, 6)
    if scheme == "pe.ruc":
        return v if re.fullmatch(r"[0-9]{11}", v) else None
    if scheme == "pe.ce":
        return _pad(v, 9, 6)
    if scheme == "es.dni":
        return v.zfill(9) if re.fullmatch(r"[0-9]{6,8}[A-Z]", v) else None
    if scheme == "es.nie":
        return v if re.fullmatch(r"[XYZ][0-9]{7}[A-Z]", v) else None
    if scheme == "kr.rrn":
        return _pad(v, 13, 11)
    if scheme == "br.cpf":
        return _pad(v, 11, 9)
    if scheme == "cl.rut":
        v = re.sub(r"^(?:CL)?0*", "", v)
        return v if re.fullmatch(r"[0-9]{6,8}[0-9K]", v) else None
    if scheme == "mx.curp":
        return v if re.fullmatch(r"[A-Z]{4}[0-9]{6}[A-Z]{6}[0-9A-Z][0-9]", v) else None
    raise ValueError(f"unknown national ID scheme {scheme!r}")


def id_is_valid(text: str | None, scheme: str) -> bool | None:
    """The ``valid`` flag the SQL normalizer gives ``text`` under ``scheme``."""
    if text is None or not text.strip():
        return None
    w = canonical_id(text, scheme)
    if w is None:
        return False
    if scheme == "pe.dni":
        v = _compact(text)
        if len(v) == 9:
            c = _wsum(v, (3, 2, 7, 6, 5, 4, 3, 2)) % 11
            return v[8] in ("65432110987"[c], "KJIHGFEDCBA"[c])
        return True
    if scheme == "pe.ruc":
        check = (11 - _wsum(w, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) % 11) % 10
        return w[:2] in ("10", "15", "17", "20") and w[-1] == str(check)
    if scheme == "pe.ce":
        return True
    if scheme == "es.dni":
        return w[-1] == "TRWAGMYFPDXBNJZSQVHLCKE"[int(w[:8]) % 23]
    if scheme == "es.nie":
        return w[-1] == "TRWAGMYFPDXBNJZSQVHLCKE"[int(str("XYZ".index(w[0])) + w[1:8]) % 23]
    if scheme == "kr.rrn":
        century = "19" if w[6] in "1256" else "20" if w[6] in "3478" else "18"
        birth = century + w[:6]
        if not _date_ok(birth):
            return False
        if birth >= "20201001":
            return True
        check = (11 - _wsum(w, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)) % 11) % 10
        return int(w[7:9]) <= 96 and w[-1] == str(check)
    if scheme == "br.cpf":
        if len(set(w)) == 1:
            return False
        d1 = (11 - _wsum(w, (10, 9, 8, 7, 6, 5, 4, 3, 2)) % 11) % 11 % 10
        d2 = (11 - (_wsum(w, (11, 10, 9, 8, 7, 6, 5, 4, 3)) + 2 * d1) % 11) % 11 % 10
        return w[-2:] == f"{d1}{d2}"
    if scheme == "cl.rut":
        total = sum(wt * int(c) for wt, c in zip((9, 8, 7, 6, 5, 4, 9, 8), w[-2::-1], strict=False))
        return len(w) in (8, 9) and w[-1] == "0123456789K"[total % 11]
    if scheme == "mx.curp":
        century = "19" if w[16].isdigit() else "20"
        total = sum(CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(w[:17]))
        return (
            w[:4] not in CURP_BLOCKED
            and _date_ok(century + w[4:10])
            and w[10] in "HM"
            and w[11:13] in CURP_STATES
            and w[-1] == str((10 - total % 10) % 10)
        )
    raise ValueError(f"unknown national ID scheme {scheme!r}")


def detect_scheme(values: list[str], region: str = "PE") -> tuple[str | None, float]:
    """The ID scheme most of ``values`` (a sample) are valid under, and that share (0..1).

    Blank values are ignored. Ties go to the schemes of ``region`` first, then to schemes with
    a checksum over format-only ones (``pe.dni`` without check letter, ``pe.ce``), in the order
    of :data:`leaktriage.vocab.ID_SCHEMES`. ``(None, 0.0)`` when nothing is valid.
    """
    sample = [v for v in values if v is not None and str(v).strip()]
    if not sample:
        return None, 0.0
    preferred = _REGION_SCHEMES.get(region.upper(), ())
    format_only = ("pe.ce", "pe.dni")
    best: tuple[float, int, int, int] | None = None
    best_scheme = None
    for index, scheme in enumerate(_SCHEME_ORDER):
        share = sum(bool(id_is_valid(str(v), scheme)) for v in sample) / len(sample)
        key = (share, scheme in preferred, scheme not in format_only, -index)
        if best is None or key > best:
            best, best_scheme = key, scheme
    assert best is not None
    if best[0] == 0.0:
        return None, 0.0
    return best_scheme, best[0]
