"""Charts for the HTML report: Vega-Lite specs rendered offline to inline SVG.

Specs are built here from the triage document's aggregate figures (counts and shares, never
identifier values) and rendered by ``vl-convert-python`` without a browser or a network.
Each SVG is post-processed so several can live in one page: ids are prefixed per chart (Vega
reuses ``clip1``-style ids), and the root element gets ``role="img"``, an ``aria-label`` and a
``<title>`` for screen readers.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

__all__ = [
    "agreement_chart",
    "exposure_field_chart",
    "exposure_tier_chart",
    "hit_rate_chart",
    "prior_leak_chart",
    "render_svg",
    "snapshot_chart",
]

Spec = dict[str, Any]

FONT = "Liberation Sans, Helvetica, Arial, sans-serif"
INK = "#1d2330"
MUTED = "#5b6472"
ACCENT = "#1f4e79"
CHANCE = "#8d99a8"
#: Total widths in CSS pixels: a full-width card, and half of a two-column row.
FULL = 900
HALF = 420

#: Risk tiers from most to least severe, with their colours (red → grey).
TIER_ORDER = ["sim_replacement", "sim_swap", "identity_theft", "phishing", "low"]
TIER_COLOURS = ["#8e1b1b", "#c0392b", "#d35400", "#b7950b", "#7f8c8d"]

_CONFIG: Spec = {
    "font": FONT,
    "background": "white",
    "view": {"stroke": None},
    "axis": {
        "labelColor": INK,
        "titleColor": MUTED,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "gridColor": "#e6e9ee",
        "domainColor": "#9aa3ae",
        "tickColor": "#9aa3ae",
    },
    "legend": {"labelColor": INK, "titleColor": MUTED, "labelFontSize": 12, "orient": "top"},
    "text": {"fontSize": 11, "color": INK},
}


def render_svg(spec: Spec, *, chart_id: str, label: str) -> str:
    """Render a Vega-Lite spec to an SVG string fit for inlining in HTML."""
    import vl_convert as vlc  # heavy native module: load on first chart only

    full = {
        "config": _CONFIG,
        # room on the right for value labels written past the end of the longest bar
        "padding": {"left": 4, "top": 4, "bottom": 4, "right": 64},
        "autosize": {"type": "fit-x", "contains": "padding"},
        **spec,
        "description": label,
    }
    svg: str = vlc.vegalite_to_svg(full)
    return _inline_ready(svg, chart_id=chart_id, label=label)


def _inline_ready(svg: str, *, chart_id: str, label: str) -> str:
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{chart_id}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    safe = html.escape(label, quote=True)
    svg = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: (
            f'<svg{_drop_attr(m.group(1), "aria-label", "role")} role="img" '
            f'aria-label="{safe}" focusable="false"><title>{safe}</title>'
        ),
        svg,
        count=1,
    )
    return svg


def _drop_attr(attrs: str, *names: str) -> str:
    for name in names:
        attrs = re.sub(rf'\s{name}="[^"]*"', "", attrs)
    return attrs


def _pct_label(x: float) -> str:
    if x == 0:
        return "0%"
    if x >= 0.1:
        return f"{100 * x:.0f}%"
    if x >= 0.001:
        return f"{100 * x:.1f}%"
    return f"{100 * x:.2f}%"


def hit_rate_chart(by_type: list[dict[str, Any]]) -> Spec | None:
    """Share of leak values found in our references, next to the share expected by chance."""
    rows = []
    for h in by_type:
        for series, key in (("found in our data", "rate"), ("expected by chance", "chance_rate")):
            v = h.get(key)
            if v is None:
                continue
            rows.append(
                {"type": h["type"], "series": series, "pct": 100 * v, "label": _pct_label(v)}
            )
    if not rows:
        return None
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": ["found in our data", "expected by chance"],
            "range": [ACCENT, CHANCE],
        },
    }
    x = {
        "field": "pct",
        "type": "quantitative",
        "title": "share of values (%, symmetric log scale)",
        "scale": {"type": "symlog", "constant": 0.01, "domain": [0, 100]},
        "axis": {"values": [0, 0.01, 0.1, 1, 10, 100], "labelExpr": "datum.value + '%'"},
    }
    y = {"field": "type", "type": "nominal", "title": None, "sort": None}
    return {
        "width": FULL,
        "data": {"values": rows},
        "encoding": {"y": y, "yOffset": {"field": "series", "sort": None}, "x": x},
        "layer": [
            {"mark": {"type": "bar", "height": {"band": 0.9}}, "encoding": {"color": colour}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4},
                "encoding": {"text": {"field": "label"}},
            },
        ],
        "height": {"step": 16},
    }


def agreement_chart(by_source: list[dict[str, Any]]) -> Spec | None:
    """Per reference source: leak records that hit it, could be compared on other fields, agreed."""
    series = [
        ("hit a customer", "hit_rows", "#8fb6df"),
        ("comparable on other fields", "comparable_rows", "#4a86c5"),
        ("agreeing on other fields", "agreeing_rows", ACCENT),
    ]
    rows = [
        {"source": s["source"], "series": name, "n": int(s.get(key) or 0)}
        for s in by_source
        for name, key, _ in series
    ]
    if not rows:
        return None
    return {
        "width": FULL,
        "height": {"step": 14},
        "data": {"values": rows},
        "encoding": {
            "y": {"field": "source", "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "series", "sort": None},
            "x": {"field": "n", "type": "quantitative", "title": "leak records"},
        },
        "layer": [
            {
                "mark": {"type": "bar", "height": {"band": 0.9}},
                "encoding": {
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [n for n, _, _ in series],
                            "range": [c for _, _, c in series],
                        },
                    }
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
                "encoding": {"text": {"field": "n", "format": ","}},
            },
        ],
    }


def _histogram_rows(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Activation-date histogram bins if the evidence provides one, under any of a few keys."""
    for key in ("activation_histogram", "histogram", "activations"):
        bins = snapshot.get(key)
        if isinstance(bins, list) and bins:
            out = []
            for b in bins:
                if not isinstance(b, dict):
                    continue
                start = b.get("start") or b.get("date") or b.get("month") or b.get("bin_start")
                n = b.get("count", b.get("n"))
                if start and isinstance(n, int | float):
                    out.append({"start": str(start), "n": n})
            return out
    return []


def snapshot_chart(snapshot: dict[str, Any]) -> Spec | None:
    """The snapshot window as a band on a time axis, over activation dates when available."""
    earliest, latest = snapshot.get("earliest"), snapshot.get("latest")
    if not earliest and not latest:
        return None
    lo = date.fromisoformat(str(earliest or latest))
    hi = date.fromisoformat(str(latest or earliest))
    hist = _histogram_rows(snapshot)
    if hist:
        starts = [date.fromisoformat(h["start"][:10]) for h in hist]
        d0, d1 = min(min(starts), lo), max(max(starts), hi)
    else:
        d0, d1 = lo, hi
    pad = max(timedelta(days=45), (d1 - d0) / 8)
    domain = [(d0 - pad).isoformat(), (d1 + pad + timedelta(days=1)).isoformat()]
    band_end = (hi + timedelta(days=1)).isoformat()
    x_scale = {"domain": domain}
    window = f"snapshot window {lo.isoformat()} – {hi.isoformat()}"
    layers: list[Spec] = []
    if hist:
        layers.append(
            {
                "data": {"values": hist},
                "mark": {"type": "bar", "color": CHANCE},
                "encoding": {
                    "x": {
                        "field": "start",
                        "type": "temporal",
                        "scale": x_scale,
                        "title": "activation date of matched customers",
                    },
                    "y": {"field": "n", "type": "quantitative", "title": "customers"},
                },
            }
        )
    band = {"start": lo.isoformat(), "end": band_end, "label": window}
    layers += [
        {
            "data": {"values": [band]},
            "mark": {"type": "rect", "color": "#c0392b", "opacity": 0.35, "minWidth": 3},
            "encoding": {
                "x": {
                    "field": "start",
                    "type": "temporal",
                    "scale": x_scale,
                    "title": None if hist else "date",
                    "axis": {"format": "%b %Y", "tickCount": "month", "grid": True},
                },
                "x2": {"field": "end"},
            },
        },
        {
            "data": {"values": [band]},
            "mark": {"type": "rule", "color": "#c0392b", "strokeWidth": 2},
            "encoding": {"x": {"field": "start", "type": "temporal"}},
        },
        {
            "data": {"values": [band]},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "top",
                "dx": 6,
                "y": 6,
                "fontWeight": "bold",
                "color": "#8e1b1b",
            },
            "encoding": {
                "x": {"field": "end", "type": "temporal"},
                "text": {"field": "label"},
            },
        },
    ]
    return {"width": FULL, "height": 140 if hist else 60, "layer": layers}


def _simple_bars(
    rows: list[dict[str, Any]], *, x_title: str, colour: Spec | str, sort: Any
) -> Spec:
    mark_colour = {} if isinstance(colour, dict) else {"color": colour}
    enc_colour = {"color": colour} if isinstance(colour, dict) else {}
    return {
        "width": HALF,
        "height": {"step": 20},
        "data": {"values": rows},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "title": None, "sort": sort},
            "x": {"field": "n", "type": "quantitative", "title": x_title},
        },
        "layer": [
            {"mark": {"type": "bar", **mark_colour}, "encoding": enc_colour},
            {
                "mark": {"type": "text", "align": "left", "dx": 4},
                "encoding": {"text": {"field": "text"}},
            },
        ],
    }


def exposure_tier_chart(by_tier: dict[str, int]) -> Spec | None:
    """Exposed customers per risk tier, most severe first."""
    if not by_tier:
        return None
    order = TIER_ORDER + sorted(t for t in by_tier if t not in TIER_ORDER)
    rows = [{"name": t, "n": by_tier.get(t, 0), "text": f"{by_tier.get(t, 0):,}"} for t in order]
    colour = {
        "field": "name",
        "type": "nominal",
        "legend": None,
        "scale": {
            "domain": order,
            "range": TIER_COLOURS + ["#7f8c8d"] * (len(order) - len(TIER_COLOURS)),
        },
    }
    return _simple_bars(rows, x_title="customers", colour=colour, sort=order)


def exposure_field_chart(by_field: dict[str, int]) -> Spec | None:
    """Exposed customers per leaked field."""
    if not by_field:
        return None
    rows = [{"name": f, "n": n, "text": f"{n:,}"} for f, n in by_field.items()]
    return _simple_bars(rows, x_title="customers", colour=ACCENT, sort="-x")


def prior_leak_chart(prior: list[dict[str, Any]]) -> Spec | None:
    """Share of leak records already seen in each known prior leak."""
    if not prior:
        return None
    rows = []
    for p in prior:
        text = _pct_label(float(p.get("overlap") or 0))
        if p.get("rows") is not None:
            text += f"  ({int(p['rows']):,} records)"
        rows.append({"name": p["corpus"], "n": 100 * float(p.get("overlap") or 0), "text": text})
    spec = _simple_bars(
        rows, x_title="leak records also in the prior leak (%)", colour="#7d5ba6", sort="-x"
    )
    spec["encoding"]["x"]["scale"] = {"domain": [0, 100]}
    return spec
