"""Phone numbers (types ``msisdn`` and ``phone``) to E.164, in SQL.

The country rules are libphonenumber's own metadata (national-number patterns per number type,
possible lengths, national-prefix rules), snapshotted in :mod:`._phone_meta` so that the SQL
agrees with the ``phonenumbers`` oracle without importing it. Supported countries:
PE, ES, KR, BR, CL, MX, CO, EC. Numbers of other countries written internationally keep an
E.164 value with ``country`` and ``valid`` NULL (unknown).

Parsing steps, mirroring libphonenumber's ``parse``:

1. spreadsheet damage is undone (``9.87654321E8``, ``987654321.0``);
2. a ``+`` before the first digit, or a leading ``00``, marks an international number;
3. otherwise, a number starting with the default region's country code whose remainder is a
   national number of that region, while the whole is not, is taken as international
   (``51987654321``); anything else is national to ``region``;
4. the national prefix (trunk ``0``, Korean carrier codes, Brazilian ``0 xx`` carrier codes)
   is stripped unless that would turn a viable number into a non-viable one.

Intentional differences from libphonenumber (documented in the oracle tests):

* ``00`` is always read as the international prefix, whatever the region (libphonenumber needs
  Korea's ``001``/``002`` and Brazil's ``00 xx`` carrier forms);
* Mexico: the retired mobile ``1`` after ``+52`` and the retired trunk prefixes ``01``, ``044``,
  ``045`` are removed when ten digits remain (libphonenumber 8.12+ rejects them);
* letters are never read as keypad digits, and all non-digits are ignored.
"""

from __future__ import annotations

from leaktriage.normalize._phone_meta import PHONE_META
from leaktriage.normalize._sql import digits_only, excel_number, full_match, let, lit

__all__ = ["PHONE_REGIONS", "phone_exprs"]

#: Regions whose numbering plans are known (default region and validity).
PHONE_REGIONS: tuple[str, ...] = tuple(sorted(PHONE_META))

_MX_RETIRED_PREFIX = r"^(?:0(?:1|44|45)|1)([2-9][0-9]{9})$"


def _meta(region: str) -> dict[str, object]:
    try:
        return PHONE_META[region]
    except KeyError:
        raise ValueError(
            f"unknown phone region {region!r}; choose one of {', '.join(PHONE_REGIONS)}"
        ) from None


def _lengths(region: str) -> tuple[int, ...]:
    lengths = _meta(region)["lengths"]
    assert isinstance(lengths, tuple)
    return lengths


def _length_ok(expr: str, region: str) -> str:
    return f"length({expr}) IN ({', '.join(str(n) for n in _lengths(region))})"


def _strip_national_prefix(x: str, region: str) -> str:
    """The national number ``x`` of ``region`` with its national prefix removed, as
    libphonenumber's ``_maybe_strip_national_prefix_carrier_code`` followed by the length
    check of ``parse``."""
    meta = _meta(region)
    if region == "MX":
        return f"regexp_replace({x}, {lit(_MX_RETIRED_PREFIX)}, '\\1')"
    npp = str(meta["national_prefix"])
    if not npp:
        return x
    general = str(meta["general"])
    if meta["prefix_transform"]:
        # Brazil: "0 15 11 91234 5678" keeps the digits after the carrier code (group 2).
        stripped = f"regexp_replace({x}, {lit('^(?:' + npp + ')')}, '\\2')"
    else:
        stripped = f"regexp_replace({x}, {lit('^(?:' + npp + ')')}, '')"
    keep = (
        f"({full_match(x, general)} AND NOT {full_match('_s', general)}) "
        f"OR NOT ({_length_ok('_s', region)} OR length(_s) > {max(_lengths(region))})"
    )
    # Cheap guard first: national prefixes all start with 0 (Brazil's also with 90).
    first = "'0', '9'" if region == "BR" else "'0'"
    return (
        f"CASE WHEN left({x}, 1) NOT IN ({first}) THEN {x} ELSE "
        + let(stripped, "_s", f"CASE WHEN {keep} THEN {x} ELSE _s END")
        + " END"
    )


def _international_digits(col: str, region: str) -> str:
    """Country code + national number (digits only), or NULL when there are no digits."""
    meta = _meta(region)
    cc = str(meta["cc"])
    general = str(meta["general"])
    cleaned = "_c"
    digits = "_d"
    rest = f"substr({digits}, {len(cc) + 1})"
    cc_prefixed = (
        f"starts_with({digits}, {lit(cc)}) AND ((NOT {full_match(digits, general)} AND "
        f"{full_match(_strip_national_prefix(rest, region), general)}) "
        f"OR length({digits}) > {max(_lengths(region))})"
    )
    body = (
        f"CASE WHEN {digits} = '' THEN NULL "
        f"WHEN contains({cleaned}, '+') AND regexp_matches({cleaned}, '^[^0-9]*[+]') "
        f"THEN {digits} "
        f"WHEN starts_with({digits}, '00') THEN substr({digits}, 3) "
        f"WHEN {cc_prefixed} THEN {digits} "
        f"ELSE {lit(cc)} || {digits} END"
    )
    # The '+' test reads the raw text (spreadsheet repair never adds or removes one), so a
    # single lambda level binds the digits.
    return let(digits_only(excel_number(col)), "_d", body.replace("_c", f"({col})"))


def _e164(intl_expr: str) -> str:
    intl = "_i"
    branches = []
    for region in PHONE_REGIONS:
        cc = str(_meta(region)["cc"])
        nsn = _strip_national_prefix(f"substr({intl}, {len(cc) + 1})", region)
        branches.append(
            f"WHEN starts_with({intl}, {lit(cc)}) THEN "
            + let(nsn, "_n", f"CASE WHEN {_length_ok('_n', region)} THEN '+{cc}' || _n END")
        )
    body = (
        f"CASE {' '.join(branches)} "
        f"WHEN length({intl}) BETWEEN 8 AND 15 AND NOT starts_with({intl}, '0') "
        f"THEN '+' || {intl} END"
    )
    return let(intl_expr, "_i", body)


def _country(value: str) -> str:
    whens = " ".join(
        f"WHEN starts_with({value}, '+{_meta(r)['cc']}') THEN {lit(r)}" for r in PHONE_REGIONS
    )
    return f"CASE {whens} END"


def _valid(value: str, *, mobile_only: bool) -> str:
    whens = []
    for region in PHONE_REGIONS:
        meta = _meta(region)
        cc = str(meta["cc"])
        nsn = f"substr({value}, {len(cc) + 2})"
        if mobile_only:
            cond = f"{full_match(nsn, str(meta['mobile']))}"
            if meta["special"]:
                cond += f" AND NOT {full_match(nsn, str(meta['special']))}"
        else:
            patterns = [str(meta[k]) for k in ("fixed", "mobile", "special") if meta[k]]
            cond = full_match(nsn, "|".join(f"(?:{p})" for p in patterns))
        whens.append(f"WHEN starts_with({value}, '+{cc}') THEN {cond}")
    return f"CASE WHEN {value} IS NULL THEN false {' '.join(whens)} END"


def phone_exprs(col: str, *, region: str = "PE", mobile_only: bool = False) -> dict[str, str]:
    """``value`` (E.164 VARCHAR), ``valid`` (BOOLEAN), ``country`` (ISO 3166 alpha-2).

    Accepts any punctuation and spacing, ``+CC``/``00CC``/bare ``CC`` international forms,
    national forms with or without trunk prefix, spreadsheet-mangled numbers. ``valid`` follows
    libphonenumber: any number type for ``phone``; for ``msisdn`` (``mobile_only``) the number
    must be a mobile number (or one the plan cannot tell from a fixed line, as in CL and MX).
    ``value`` is NULL when no digits are present or the length is impossible for the country.
    ``valid`` is NULL for a blank input or a number of an unknown country, FALSE for other
    text that yields no value.
    """
    value = _e164(_international_digits(col, region))
    return {
        "value": value,
        "valid": f"CASE WHEN nullif(trim({col}), '') IS NULL THEN NULL ELSE "
        + let(value, "_v", _valid("_v", mobile_only=mobile_only))
        + " END",
        "country": let(value, "_v", _country("_v")),
    }
