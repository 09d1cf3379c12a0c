"""python manage.py load_demo [--county 430522]"""

import unicodedata

from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, DemoAccountsError, load_demo
from areas.demo import DEFAULT_COUNTY, DemoError


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _ljust(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    help = (
        "为一个县生成演示数据：村/社区和网格（演示区划）、县民政局、乡镇民政办、村(居)委会、其他部门，"
        "以及每个角色一个演示账号。可重复运行。需先运行 load_areas。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", default=DEFAULT_COUNTY, help=f"县级区划代码（默认 {DEFAULT_COUNTY} 新邵县）")

    def handle(self, *args, **options):
        try:
            report = load_demo(options["county"])
        except (DemoError, DemoAccountsError) as exc:
            raise CommandError(f"{exc}（数据库未做任何修改）") from exc

        areas, units = report.areas, report.units
        out = self.stdout
        out.write(
            f"{areas.county.full_name or areas.county.name}：{areas.townships} 个乡镇，"
            f"{areas.communities} 个社区、{areas.villages} 个村，{areas.grids} 个网格"
            f"（本次新增 {areas.created}，更新 {areas.updated}）"
        )
        if areas.skipped_real:
            out.write(f"  已有真实区划占用的代码 {areas.skipped_real} 个，未生成演示数据。")
        out.write(
            f"单位：{units.bureau.name} 1 个，乡镇民政办 {units.township_offices} 个，"
            f"村(居)委会 {units.village_committees} 个，其他部门 {units.departments} 个"
            f"（本次新增 {units.created}，更新 {units.updated}）"
        )
        rows = [("用户名", "密码", "角色", "单位", "姓名")]
        rows += [(a.username, report.password, a.role, a.unit, a.full_name) for a in report.accounts]
        widths = [max(_width(row[i]) for row in rows) + 2 for i in range(len(rows[0]))]
        out.write("")
        out.write("演示账号：")
        for row in rows:
            out.write("  " + "".join(_ljust(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
        for item in report.skipped_accounts:
            out.write(self.style.WARNING(f"  跳过：{item}"))
        out.write("")
        out.write(
            self.style.WARNING(
                f"警告：以上账号的密码 {DEMO_PASSWORD} 是公开的演示密码，且不强制修改，仅供演示环境使用，"
                "切勿在生产环境运行 load_demo。"
            )
        )
