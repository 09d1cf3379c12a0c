"""manage.py seed_demo --county 430522 --households 3000 --seed 1: demo residents (registry/demo.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from areas.jurisdiction import system_scope
from registry.demo import DemoError, seed_demo


class Command(BaseCommand):
    help = "生成一个县的演示居民、家庭户和证照数据（同一 seed 生成相同数据）"

    def add_arguments(self, parser):
        parser.add_argument("--county", default="430522", help="县级区划代码（6位），默认 430522 新邵县")
        parser.add_argument("--households", type=int, default=3000, help="家庭户数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子")
        parser.add_argument("--replace", action="store_true", help="先清除该县已有的演示居民数据再生成")

    def handle(self, *args, county, households, seed, replace, **options):
        if households <= 0:
            raise CommandError("--households 必须大于0")
        try:
            with system_scope():
                result = seed_demo(county, households, seed, replace=replace)
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        except IntegrityError as exc:  # SQLite checks deferred foreign keys only at commit
            raise CommandError(f"演示居民已被其他业务数据引用，无法清除或生成：{exc}") from None
        if result.skipped:
            self.stdout.write(
                f"{county} 已有演示居民数据（{result.households}户），未重复生成；如需重新生成请加 --replace"
            )
            return
        if result.cleared:
            self.stdout.write(f"已清除 {county} 原有演示数据 {result.cleared} 户")
        self.stdout.write(
            self.style.SUCCESS(
                f"{county}：{result.households}户 {result.persons}人 {result.documents}份证照，"
                f"用时 {result.seconds:.1f} 秒（{result.rows / result.seconds:,.0f} 行/秒）"
            )
        )
