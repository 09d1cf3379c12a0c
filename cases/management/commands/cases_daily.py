from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from areas.jurisdiction import system_scope
from jobs.services import start_job


class Command(BaseCommand):
    help = "重新计算办件时限状态并发起超期督办（可重复运行，结果不变）。定时任务每天01:00自动运行；此命令用于手动补跑。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="业务日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--inline", action="store_true", help="在本进程内直接运行，不经后台任务队列")

    def handle(self, *args, **options):
        on_date = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        if options["inline"]:
            from cases.supervision import recompute_deadlines

            with system_scope():
                result = recompute_deadlines(on_date)
            self.stdout.write(self.style.SUCCESS(f"{on_date}: {result}"))
            return
        with system_scope(), transaction.atomic():
            job = start_job(
                "cases.recompute_deadlines",
                f"办件时限与超期督办（{on_date}）",
                user=None,
                area_code="",
                params={"on_date": on_date.isoformat()},
            )
        self.stdout.write(self.style.SUCCESS(f"已提交后台任务 #{job.pk}"))
