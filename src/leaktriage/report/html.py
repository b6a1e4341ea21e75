"""The HTML report: one self-contained file (no network at view time), masked values only.

The report is what a CISO forwards to management, the DPO and the regulator: a headline
(verdict, confidence, who and how many are exposed, where the data came from and as of when,
the nearest regulatory deadline), the reasons in plain language, the evidence as charts, the
deadlines, the hacker's claims against what we can verify, masked example records and a
methodology note.

Self-contained: CSS is inline, charts are SVG rendered offline from Vega-Lite specs
(:mod:`leaktriage.report.charts`), there is no script and no URL the browser would fetch.
The triage document holds counts and shares only; the one place values enter is
``examples``, and every example value is (re-)masked by :func:`~leaktriage.report.mask.mask_value`
here, so the template never sees a value that did not come out of the mask.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from leaktriage import __version__
from leaktriage.report import charts
from leaktriage.report.mask import mask_value

__all__ = [
    "TIER_MEANING",
    "VERDICT_MEANING",
    "chart_svgs",
    "deadline_rows",
    "render_html",
    "snapshot_window",
    "tier_rows",
    "verdict_summary",
    "write_html",
]

log = logging.getLogger(__name__)

_env = Environment(
    loader=PackageLoader("leaktriage.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

#: What each verdict label means, in one sentence a non-specialist can act on.
VERDICT_MEANING = {
    "genuine": "The records are real customers of ours, and their fields agree with our systems.",
    "recycled": "The records were already public in an earlier leak: not a new breach.",
    "fabricated": "The records do not match our customers beyond chance: the data looks invented.",
    "mixed": "Part of the file is our real customer data; the rest is padding (recycled or "
    "invented).",
    "unrelated": "The records look like real people, but they are not our customers.",
    "inconclusive": "The evidence does not support a firm conclusion yet.",
}

#: Readable names of the risk tiers, and what each enables.
TIER_MEANING = {
    "sim_replacement": "SIM cloning: Ki/OPc keys leaked; the SIM must be replaced",
    "sim_swap": "SIM swap / port-out fraud: number with ID or name and birth date",
    "identity_theft": "Identity theft: national ID with name and birth date",
    "phishing": "Targeted phishing: contact details with name",
    "low": "Low: no combination that enables fraud on its own",
}

#: Example records shown at most (one column each).
MAX_EXAMPLES = 5

#: IANA zone for jurisdictions with a single legal time zone, keyed by ISO country code.
_JURISDICTION_TZ = {
    "PE": "America/Lima",
    "KR": "Asia/Seoul",
    "BR": "America/Sao_Paulo",
    "ES": "Europe/Madrid",
    "CL": "America/Santiago",
    "MX": "America/Mexico_City",
    "CO": "America/Bogota",
    "AR": "America/Argentina/Buenos_Aires",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "IT": "Europe/Rome",
    "PT": "Europe/Lisbon",
    "IE": "Europe/Dublin",
    "NL": "Europe/Amsterdam",
    "GB": "Europe/London",
    "UK": "Europe/London",
    "US": "America/New_York",
}


def _pct(x: object, digits: int = 1) -> str:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return "–"
    if 0 < x < 0.001:
        return f"{100 * x:.2f}%"
    return f"{100 * x:.{digits}f}%"


def _num(x: object) -> str:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return "–"
    if isinstance(x, float) and not x.is_integer():
        return f"{x:,.2f}"
    return f"{int(x):,}"


def _ratio(x: object) -> str:
    """A coefficient with two decimals, or '–' when there is none (not computable)."""
    if not isinstance(x, int | float) or isinstance(x, bool):
        return "– (not computable)"
    return f"{x:.2f}"


def _human(name: object) -> str:
    return str(name).replace("_", " ")


_env.filters["pct"] = _pct
_env.filters["num"] = _num
_env.filters["human"] = _human


def render_html(
    result: dict[str, Any],
    *,
    examples: list[dict[str, Any]] | None = None,
    obligations: list[dict[str, Any]] | None = None,
) -> str:
    """The report as an HTML string.

    ``result`` is a triage document (schema version 1). ``examples`` are a few records of
    the leak, column name → value (normally already masked; they are masked again here).
    ``obligations`` are regulatory deadlines: ``{jurisdiction, authority, deadline (ISO
    8601), clock, triggered_by, basis, notes}``.
    """
    deadlines = _deadlines(obligations or [])
    charts_svg = _charts(result)
    context = {
        "r": result,
        "verdict": _verdict(result),
        "deadlines": deadlines,
        "nearest": deadlines[0] if deadlines else None,
        "charts": charts_svg,
        "charts_missing": not charts_svg,
        "attribution": _attribution(result),
        "consistency": _consistency(result),
        "tiers": _tiers(result),
        "examples": _masked_examples(result, examples or []),
        "version": __version__,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "snapshot_label": _window_label(result.get("snapshot") or {}),
        "input_name": Path(str((result.get("input") or {}).get("path") or "")).name,
        "custody": _custody(result),
    }
    return _env.get_template("report.html.j2").render(**context)


def write_html(
    result: dict[str, Any],
    path: Path,
    *,
    examples: list[dict[str, Any]] | None = None,
    obligations: list[dict[str, Any]] | None = None,
) -> None:
    """Write the report atomically: a complete file or none."""
    path = Path(path)
    text = render_html(result, examples=examples, obligations=obligations)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lt-", suffix=".html", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- pieces the web UI shows too (:mod:`leaktriage.api.web`) ------------------------------------
def chart_svgs(result: dict[str, Any]) -> dict[str, Markup | None]:
    """The report's evidence charts as inline SVG (``{}`` without the renderer); keys
    ``hit_rates agreement snapshot tiers fields prior``, a value ``None`` when there is no
    data for that chart."""
    return _charts(result)


def tier_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Exposed customers per risk tier, most severe first: ``{tier, n, meaning, colour}``."""
    return _tiers(result)


def deadline_rows(obligations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Obligations sorted by deadline: ``when`` (aware datetime or None), ``utc``, ``local``,
    ``jurisdiction``, ``authority``, ``clock``, ``triggered_by``, ``basis``, ``notes``."""
    return _deadlines(obligations)


def verdict_summary(result: dict[str, Any]) -> dict[str, Any]:
    """``{label, css, meaning, confidence, reasons}`` of the triage verdict."""
    return _verdict(result)


def snapshot_window(snapshot: dict[str, Any]) -> str:
    """The snapshot window as text: '13–14 Mar 2025', or 'unknown'."""
    return _window_label(snapshot)


def _verdict(result: dict[str, Any]) -> dict[str, Any]:
    v = result.get("verdict") or {}
    label = str(v.get("label") or "inconclusive")
    return {
        "label": label,
        "css": label if label in VERDICT_MEANING else "inconclusive",
        "meaning": VERDICT_MEANING.get(label, ""),
        "confidence": v.get("confidence"),
        "reasons": list(v.get("reasons") or []),
    }


def _window_label(snapshot: dict[str, Any]) -> str:
    """'13–14 Mar 2025', '28 Feb – 3 Mar 2025', '13 Mar 2025' or 'unknown'."""
    try:
        lo = date.fromisoformat(str(snapshot.get("earliest") or snapshot.get("latest")))
        hi = date.fromisoformat(str(snapshot.get("latest") or snapshot.get("earliest")))
    except ValueError:
        return "unknown"
    if lo == hi:
        return f"{lo.day} {lo:%b %Y}"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.day}–{hi.day} {hi:%b %Y}"
    if lo.year == hi.year:
        return f"{lo.day} {lo:%b} – {hi.day} {hi:%b %Y}"
    return f"{lo.day} {lo:%b %Y} – {hi.day} {hi:%b %Y}"


def _tiers(result: dict[str, Any]) -> list[dict[str, Any]]:
    by_tier = (result.get("exposure") or {}).get("by_tier") or {}
    order = charts.TIER_ORDER + sorted(t for t in by_tier if t not in charts.TIER_ORDER)
    colours = dict(zip(charts.TIER_ORDER, charts.TIER_COLOURS, strict=True))
    return [
        {
            "tier": t,
            "n": by_tier[t],
            "meaning": TIER_MEANING.get(t, _human(t)),
            "colour": colours.get(t, "#7f8c8d"),
        }
        for t in order
        if by_tier.get(t)
    ]


def _chart(spec: dict[str, Any] | None, chart_id: str, label: str) -> Markup | None:
    if spec is None:
        return None
    # the SVG comes from vl-convert over aggregate figures only; its text nodes are escaped
    return Markup(charts.render_svg(spec, chart_id=chart_id, label=label))


def _renderer_available() -> bool:
    return importlib.util.find_spec("vl_convert") is not None


def _charts(result: dict[str, Any]) -> dict[str, Markup | None]:
    """The report's charts as inline SVG; all ``None`` when the renderer is not installed.

    A report without charts still carries every figure in its tables: during an incident a
    plain report beats none.
    """
    if not _renderer_available():
        log.warning("vl-convert-python is not installed: the HTML report has no charts")
        return {}
    ev = result.get("evidence") or {}
    exposure = result.get("exposure") or {}
    snapshot = {**(result.get("snapshot") or {}), **(ev.get("snapshot") or {})}
    prior = ev.get("prior_leaks") or result.get("recycled_from") or []
    return {
        "hit_rates": _chart(
            charts.hit_rate_chart((ev.get("hit_rates") or {}).get("by_type") or []),
            "c-hits",
            "Share of leak identifiers found in our customer data, per identifier type, "
            "next to the share expected by chance",
        ),
        "agreement": _chart(
            charts.agreement_chart((ev.get("agreement") or {}).get("by_source") or []),
            "c-agree",
            "Per reference source: leak records that hit a customer, that could be compared "
            "on other fields, and that agreed",
        ),
        "snapshot": _chart(
            charts.snapshot_chart(snapshot),
            "c-snap",
            f"Snapshot window on a time axis: {snapshot.get('earliest') or 'unknown'} to "
            f"{snapshot.get('latest') or 'unknown'}",
        ),
        "tiers": _chart(
            charts.exposure_tier_chart(exposure.get("by_tier") or {}),
            "c-tier",
            "Exposed customers per risk tier",
        ),
        "fields": _chart(
            charts.exposure_field_chart(exposure.get("by_field") or {}),
            "c-field",
            "Exposed customers per leaked field",
        ),
        "prior": _chart(
            charts.prior_leak_chart(prior),
            "c-prior",
            "Share of leak records already present in known prior leaks",
        ),
    }


def _attribution(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per candidate source: attribution score, schema fit, field agreement, canaries."""
    ev = result.get("evidence") or {}
    attribution = result.get("attribution") or {}
    schema = {s["source"]: s for s in ev.get("schema") or [] if "source" in s}
    agree = {
        s["source"]: s for s in (ev.get("agreement") or {}).get("by_source") or [] if "source" in s
    }
    canaries = {c["source"]: c.get("count", 0) for c in attribution.get("canary_hits") or []}
    rows = []
    for c in attribution.get("candidates") or []:
        src = c.get("source")
        rows.append(
            {
                "source": src,
                "chosen": src == attribution.get("source"),
                "score": c.get("score"),
                "schema": (schema.get(src) or {}).get("score"),
                "hit_rows": (agree.get(src) or {}).get("hit_rows"),
                "agree_share": (agree.get(src) or {}).get("agree_share"),
                "canaries": canaries.get(src, 0),
            }
        )
    return rows


def _custody(result: dict[str, Any]) -> dict[str, Any] | None:
    """``custody`` of a divested source's leak: who held the copy, as of when, and why."""
    c = result.get("custody")
    if not isinstance(c, dict) or not c.get("holder"):
        return None
    return {
        "holder": str(c["holder"]),
        "buyer": c.get("buyer"),
        "divested_on": c.get("divested_on"),
        "as_of": c.get("as_of"),
        "reasons": [str(r) for r in c.get("reasons") or []],
    }


def _consistency(result: dict[str, Any]) -> list[tuple[str, str]]:
    """Internal-consistency facts as (check, finding) lines."""
    c = (result.get("evidence") or {}).get("consistency") or {}
    out: list[tuple[str, str]] = []
    for ck in c.get("checksums") or []:
        out.append(
            (
                f"{_human(ck.get('type'))} values well-formed",
                f"{_pct(ck.get('valid_share'))}",
            )
        )
    dup = c.get("duplicates") or {}
    if dup:
        out.append((f"duplicate {_human(dup.get('type'))}", _pct(dup.get("rate"))))
    corr = c.get("dni_birth_year_correlation") or {}
    if corr:
        # either side is None when it has no birth dates (a leak of IDs and phones, an HSS dump)
        out.append(
            (
                "ID number vs birth year correlation",
                f"leak {_ratio(corr.get('leak'))} · our data {_ratio(corr.get('reference'))}",
            )
        )
    mix = c.get("surname_mix") or {}
    if mix:
        out.append(
            (
                "share of the most common surnames",
                f"leak {_pct(mix.get('leak_top_share'))} · our data "
                f"{_pct(mix.get('reference_top_share'))}",
            )
        )
    if "too_clean" in c:
        out.append(
            (
                "formatting noise",
                "none: the file looks like a system export"
                if c["too_clean"]
                else "present: typical of hand-assembled or re-keyed data",
            )
        )
    return out


def _zone_for(obligation: dict[str, Any]) -> ZoneInfo | None:
    name = obligation.get("timezone") or obligation.get("tz")
    if not name:
        code = str(obligation.get("jurisdiction") or "").replace("-", ".").split(".")[0]
        name = _JURISDICTION_TZ.get(code.upper()[:2]) if len(code) == 2 else None
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _utc_offset(moment: datetime) -> str:
    """'UTC−5', 'UTC+9', 'UTC+5:30'."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _deadlines(obligations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Obligations sorted by deadline, each with UTC and local renderings."""
    rows = []
    for ob in obligations:
        raw = ob.get("deadline")
        when: datetime | None = None
        if raw:
            try:
                when = datetime.fromisoformat(str(raw))
            except ValueError:
                log.warning("obligation deadline is not ISO 8601; shown as given")
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        zone = _zone_for(ob)
        local = None
        if when is not None:
            if zone is not None:
                lt = when.astimezone(zone)
                city = zone.key.rsplit("/", 1)[-1].replace("_", " ")
                local = f"{lt:%Y-%m-%d %H:%M} {city} ({_utc_offset(lt)})"
            elif when.utcoffset():
                local = f"{when:%Y-%m-%d %H:%M} ({_utc_offset(when)})"
        rows.append(
            {
                **{k: ob.get(k) for k in ("jurisdiction", "authority", "clock", "basis", "notes")},
                "triggered_by": ob.get("triggered_by"),
                "when": when,
                "utc": f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if when else str(raw or "–"),
                "short": f"{when.astimezone(UTC):%-d %b %H:%M}" if when else str(raw or "–"),
                "local": local,
            }
        )
    far = datetime.max.replace(tzinfo=UTC)
    rows.sort(key=lambda d: d["when"] or far)
    return rows


def _column_types(result: dict[str, Any]) -> dict[str, str]:
    return {
        str(c.get("name")): str(c.get("type") or "other")
        for c in result.get("columns") or []
        if c.get("name") is not None
    }


def _masked_examples(
    result: dict[str, Any], examples: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """Example records with every value passed through the mask for its column type.

    A column the triage did not type is masked fully (``***``) unless named after a type.
    Values are masked even when the caller says they already are: masks are idempotent, raw
    values are not safe.
    """
    if not examples:
        return None
    shown = examples[:MAX_EXAMPLES]
    types = _column_types(result)
    columns: list[str] = []
    for ex in shown:
        columns += [str(k) for k in ex if str(k) not in columns]
    # a column the triage did not type may be named after its type ("msisdn"); anything
    # else falls through to the mask's catch-all
    header = [
        {"name": col, "type": types.get(col, col), "label": types.get(col, "untyped")}
        for col in columns
    ]
    rows = [[mask_value(ex.get(h["name"]), h["type"]) for h in header] for ex in shown]
    return {"header": header, "rows": rows, "total": len(examples)}
