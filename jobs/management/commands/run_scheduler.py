import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from jobs.periodic import registered
from jobs.scheduler import describe_schedule, tick


class Command(BaseCommand):
    help = "定时任务调度：每隔一段时间检查已登记的每日、每月任务，到期的交给后台任务进程运行（每个周期只运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一次就退出")
        parser.add_argument("--interval", type=int, default=30, help="检查间隔（秒），默认30")
        parser.add_argument("--now", help="按此时间检查（测试用），如 2027-01-05T03:00")

    def handle(self, *args, **options):
        now = None
        if options["now"]:
            try:
                now = timezone.make_aware(datetime.fromisoformat(options["now"]))
            except ValueError as exc:
                raise CommandError("时间格式应为 YYYY-MM-DDTHH:MM") from exc
        works = registered()
        self.stdout.write(
            f"定时任务 {len(works)} 项：" + "；".join(f"{w.label}（{describe_schedule(w)}）" for w in works)
        )
        while True:
            for run in tick(now):
                self.stdout.write(f"已排队：{run.key} {run.period}")
            if options["once"] or now is not None:
                return
            close_old_connections()
            time.sleep(max(options["interval"], 1))
