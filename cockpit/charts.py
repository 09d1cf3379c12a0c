"""ECharts options for the cockpit, built on the server from the figures (cockpit.figures).

Every chart carries, beside its ECharts option, what a click opens: for each category (a child
area) either that area's cockpit (a township) or, at the bottom, the records behind the clicked
figure (a village). cockpit.js only wires the clicks; no figure is computed in the browser.
"""

import math
from datetime import date

from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode

from areas import codes
from areas.models import Area
from cockpit import boundaries
from cockpit.figures import (
    INDICATORS,
    breakdown,
    breakdowns,
    by_unit,
    child_length,
    latest_figure_month,
    monthly_spending,
)

HORIZONTAL_ABOVE = 12  # more areas than this: horizontal bars, one line each
PALETTE = ["#c23531", "#e6a23c", "#2f7d32", "#909399", "#1f6fb2", "#6a3d9a", "#d4a017", "#17becf", "#8c564b", "#e377c2"]
LIGHT_COLOURS = {"red": "#c23531", "yellow": "#e6a23c", "green": "#2f7d32", "paused": "#909399"}


def _padded(prefix: str) -> str:
    return prefix if len(prefix) == 15 else prefix.ljust(12, "0")


def children_of(area: Area) -> list[tuple[str, str]]:
    """(code prefix, name) of the areas one level down, or the area itself at village level."""
    length = child_length(area.code)
    if length is None:
        return [(area.code[: codes.PREFIX_LENGTH[codes.VILLAGE]], area.name)]
    below = Area.objects.current().filter(parent=area).order_by("code").values_list("code", "name")
    return [(code[:length], name) for code, name in below]


_PATHS: dict[tuple, str] = {}  # reverse() of the few cockpit paths, once per script prefix (a chart has hundreds)


def _path(name: str, *args: str) -> str:
    key = (get_script_prefix(), name, *args)
    if key not in _PATHS:
        _PATHS[key] = reverse(name, args=list(args))
    return _PATHS[key]


def records_url(indicator: str, key: str, area_code: str, month: date | None = None) -> str:
    query = {"area": area_code, **({"month": month.isoformat()} if month else {})}
    return _path("cockpit:records", indicator, key) + "?" + urlencode(query)


def drill_url(area_code: str) -> str:
    return _path("cockpit:index") + "?" + urlencode({"area": area_code})


def _stacked(
    area: Area,
    indicator: str,
    month: date | None = None,
    colours: dict | None = None,
    children: list | None = None,
    data: dict | None = None,
) -> dict:
    spec = INDICATORS[indicator]
    data = breakdown(indicator, area.code, month) if data is None else data
    children = children_of(area) if children is None else children
    at_bottom = child_length(area.code) is None
    keys = [k for k in spec.keys if any(data.get(c, {}).get(k) for c, _ in children)] or list(spec.keys)[:1]
    series = []
    for index, key in enumerate(keys):
        series.append(
            {
                "name": spec.keys[key],
                "type": "bar",
                "stack": "total",
                "data": [data.get(code, {}).get(key, 0) for code, _ in children],
                "itemStyle": {"color": (colours or {}).get(key, PALETTE[index % len(PALETTE)])},
            }
        )
    # What a click on (category, series) opens.
    clicks = [
        [records_url(indicator, key, _padded(code), month) if at_bottom else drill_url(_padded(code)) for key in keys]
        for code, _ in children
    ]
    totals = [
        {
            "label": spec.keys[key],
            "value": sum(data.get(code, {}).get(key, 0) for code, _ in children),
            "url": records_url(indicator, key, area.code, month),
        }
        for key in spec.keys
    ]
    names = [name for _, name in children]
    category = {"type": "category", "data": names, "axisLabel": {"interval": 0}}
    value = {"type": "value", "minInterval": 1}
    many = len(names) > HORIZONTAL_ABOVE  # a township's villages: one bar a line, names readable
    if not many and len(names) > 6:
        category["axisLabel"]["rotate"] = 40
    option = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": value if many else category,
        "yAxis": {**category, "inverse": True} if many else value,
        "series": series,
    }
    return {
        "id": indicator,
        "title": spec.title,
        "unit": spec.unit,
        "option": option,
        "clicks": clicks,
        "height": max(280, 60 + 18 * len(names)) if many else 280,
        "totals": totals,
    }


def on_time_rate(counts: dict) -> float | None:
    done = counts.get("on_time", 0) + counts.get("late", 0)
    return round(100 * counts.get("on_time", 0) / done, 1) if done else None


def _yuan_10k(fen: int) -> float:
    return round(fen / 1_000_000, 2)


def _spending(area: Area) -> dict:
    months = monthly_spending(area.code)
    labels = [f"{m['month']:%Y年%-m月}" for m in months]
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 40}},
        "yAxis": [{"type": "value", "name": "人", "minInterval": 1}, {"type": "value", "name": "万元"}],
        "series": [
            {
                "name": "城镇保障人数",
                "type": "bar",
                "stack": "n",
                "data": [m["urban"] for m in months],
                "itemStyle": {"color": "#1f6fb2"},
            },
            {
                "name": "农村保障人数",
                "type": "bar",
                "stack": "n",
                "data": [m["rural"] for m in months],
                "itemStyle": {"color": "#2f7d32"},
            },
            {
                "name": "应发金额",
                "type": "line",
                "yAxisIndex": 1,
                "data": [_yuan_10k(m["fen_urban"] + m["fen_rural"]) for m in months],
                "itemStyle": {"color": "#e6a23c"},
            },
            {
                "name": "名册实发金额",
                "type": "line",
                "yAxisIndex": 1,
                "data": [_yuan_10k(m["fen_paid"]) for m in months],
                "itemStyle": {"color": "#c23531"},
            },
        ],
    }
    clicks = [[records_url("recipients", "all", area.code, m["month"])] * 4 for m in months]
    totals = [
        {
            "label": f"{label}：城镇{m['urban']}人、农村{m['rural']}人，应发{(m['fen_urban'] + m['fen_rural']) / 100:,.2f}元",
            "value": "",
            "url": records_url("recipients", "all", area.code, m["month"]),
        }
        for label, m in list(zip(labels, months, strict=True))[-2:]
    ]
    return {
        "id": "spending",
        "title": "保障人数与金额（按月，城乡）",
        "unit": "",
        "option": option,
        "clicks": clicks,
        "totals": totals,
    }


def build(area: Area) -> list[dict]:
    """Every chart of the cockpit for one area."""
    month = latest_figure_month(area.code)
    children = children_of(area)  # once for the seven bar charts
    data = breakdowns(["case_light", "case_status", "on_time", "supervision", "warnings", "findings"], area.code)
    charts = [
        _stacked(area, "case_light", colours=LIGHT_COLOURS, children=children, data=data["case_light"]),
        _stacked(area, "case_status", children=children, data=data["case_status"]),
        _stacked(
            area, "on_time", colours={"on_time": "#2f7d32", "late": "#c23531"}, children=children, data=data["on_time"]
        ),
        _stacked(
            area,
            "supervision",
            colours={"supervision": "#6a3d9a", "overdue_steps": "#c23531"},
            children=children,
            data=data["supervision"],
        ),
        _stacked(area, "recipients", month=month, children=children),
        _spending(area),
        _stacked(area, "warnings", children=children, data=data["warnings"]),
        _stacked(area, "findings", children=children, data=data["findings"]),
    ]
    on_time = {t["label"]: t["value"] for t in charts[2]["totals"]}
    rate = on_time_rate({"on_time": on_time.get("按时办结", 0), "late": on_time.get("超期办结", 0)})
    charts[2]["title"] += f"（按时办结率 {rate}%）" if rate is not None else "（近一年无办结）"
    if month:
        charts[4]["title"] = f"保障人数（{month:%Y年%-m月}，按项目）"
    return charts


def units_table(area: Area, today: date) -> list[dict]:
    """督办 and overdue steps by responsible unit, each count linking to its records."""
    rows = []
    for unit in by_unit(area.code, today):
        query = urlencode({"area": area.code, "unit": unit["id"]})
        rows.append(
            {
                **unit,
                "supervision_url": reverse("cockpit:records", args=["supervision", "supervision"]) + "?" + query,
                "overdue_url": reverse("cockpit:records", args=["supervision", "overdue_steps"]) + "?" + query,
            }
        )
    return rows


# ---- the schematic grid map ---------------------------------------------------------------------

MAP_INDICATORS = {
    "overdue": ("超期办件", "case_light", lambda c: c.get("red", 0)),
    "supervision": ("督办中", "supervision", lambda c: c.get("supervision", 0)),
    "on_time_rate": ("按时办结率（%）", "on_time", on_time_rate),
    "warnings": ("近一年预警", "warnings", lambda c: c.get("raised", 0)),
    "findings": ("比对发现", "findings", lambda c: sum(c.values())),
}


def grid_map(area: Area, indicator: str) -> dict:
    """Areas one level down as tiles in a grid (no township or village boundaries ship with the
    platform), coloured by the chosen indicator; a click opens that area's cockpit, or at the
    bottom the overdue cases behind it."""
    label, source, value_of = MAP_INDICATORS[indicator]
    data = breakdown(source, area.code)
    children = children_of(area)
    columns = max(1, math.ceil(math.sqrt(len(children) * 1.6)))
    rows = max(1, math.ceil(len(children) / columns))
    at_bottom = child_length(area.code) is None
    tiles, clicks, values = [], [], []
    for index, (code, name) in enumerate(children):
        value = value_of(data.get(code, {}))
        column, row = index % columns, rows - 1 - index // columns
        tiles.append({"value": [column, row, value if value is not None else "-"], "name": name})
        values.append(value or 0)
        key = {"case_light": "red", "supervision": "supervision", "on_time": "late", "warnings": "raised"}.get(source)
        if at_bottom:
            clicks.append(records_url(source, key or next(iter(data.get(code, {})), "death"), _padded(code)))
        else:
            clicks.append(drill_url(_padded(code)))
    high = max(values) if values else 0
    reversed_scale = indicator == "on_time_rate"
    option = {
        "tooltip": {"position": "top"},
        "grid": {"left": 4, "right": 4, "top": 4, "bottom": 40, "containLabel": False},
        "xAxis": {"type": "category", "data": list(range(columns)), "show": False},
        "yAxis": {"type": "category", "data": list(range(rows)), "show": False},
        "visualMap": {
            "min": 0,
            "max": 100 if reversed_scale else max(high, 1),
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "itemHeight": 120,
            "inRange": {
                "color": ["#c23531", "#f3d9a4", "#e8f3e8"] if reversed_scale else ["#eef5ee", "#f3d9a4", "#c23531"]
            },
        },
        "series": [
            {
                "name": label,
                "type": "heatmap",
                "data": tiles,
                "label": {"show": True, "fontSize": 11},
                "itemStyle": {"borderColor": "#fff", "borderWidth": 2},
            }
        ],
    }
    return {
        "id": "map",
        "kind": "tiles",
        "title": f"{label}分布示意图",
        "option": option,
        "clicks": clicks,
        "rows": rows,
        "links": [[name, url] for (_, name), url in zip(children, clicks, strict=True)],
    }


def _scale(values: list, reversed_scale: bool) -> dict:
    high = max([v for v in values if v is not None] or [0])
    return {
        "min": 0,
        "max": 100 if reversed_scale else max(high, 1),
        "calculable": True,
        "orient": "horizontal",
        "left": "center",
        "bottom": 0,
        "itemHeight": 120,
        "inRange": {
            "color": ["#c23531", "#f3d9a4", "#e8f3e8"] if reversed_scale else ["#eef5ee", "#f3d9a4", "#c23531"]
        },
    }


def outline_map(area: Area, indicator: str) -> dict | None:
    """A province's or city's counties on their real outlines (cockpit.boundaries), coloured by the
    chosen indicator; a click opens the county's cockpit. None where no outlines are at hand (then
    the tiles are drawn)."""
    level = codes.level_of(area.code)
    if level not in (codes.PROVINCE, codes.CITY):
        return None
    prefix = area.code[: codes.PREFIX_LENGTH[level]]
    if not boundaries.has_outlines(prefix):
        return None
    outlined = boundaries.county_codes(prefix)
    label, source, value_of = MAP_INDICATORS[indicator]
    data = breakdown(source, area.code, length=codes.PREFIX_LENGTH[codes.COUNTY])
    counties = Area.objects.current().filter(code__startswith=prefix).filter(code__endswith="000000")
    counties = list(counties.order_by("code").values_list("code", "name"))
    items, clicks, values = [], {}, []
    for code, name in counties:
        clicks[code[:6]] = drill_url(code)
        if code[:6] not in outlined:  # a county whose code changed since the package was made: a link only
            continue
        value = value_of(data.get(code[:6], {}))
        values.append(value)
        items.append({"name": code[:6], "value": value if value is not None else "-", "area": name})
    option = {
        "tooltip": {"trigger": "item"},
        "visualMap": _scale(values, indicator == "on_time_rate"),
        "series": [
            {
                "name": label,
                "type": "map",
                "map": f"mz-{prefix}",
                "roam": False,
                "data": items,
                "label": {"show": True, "fontSize": 10},
                "itemStyle": {"borderColor": "#fff", "borderWidth": 1},
                "top": 8,
                "left": 8,
                "right": 8,
                "bottom": 48,
            }
        ],
    }
    return {
        "id": "map",
        "kind": "outline",
        "title": f"{label}分布图（按县级行政区边界）",
        "option": option,
        "geo_url": reverse("cockpit:outlines", args=[prefix]),
        "map_name": f"mz-{prefix}",
        "clicks": clicks,
        "rows": 6,
        "links": [[name, clicks[code[:6]]] for code, name in counties],
    }
