from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from areas.jurisdiction import system_scope
from jobs.services import start_job
from ledger.jobs import KIND


class Command(BaseCommand):
    help = "重新计算定期复核日期，并为期限内到期的保障对象发起复核案件（可重复运行，不重复发起）。定时任务每天02:30自动运行；此命令用于手动补跑。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="业务日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--window", type=int, default=30, help="提前发起复核的天数，默认30天")
        parser.add_argument("--inline", action="store_true", help="在本进程内直接运行，不经后台任务队列")

    def handle(self, *args, **options):
        on_date = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        if options["inline"]:
            from ledger.reviews import open_due_reviews

            with system_scope():
                result = open_due_reviews(on_date, options["window"])
            self.stdout.write(self.style.SUCCESS(f"{on_date}: {result}"))
            return
        with system_scope(), transaction.atomic():
            job = start_job(
                KIND,
                f"定期复核（{on_date}）",
                user=None,
                area_code="",
                params={"on_date": on_date.isoformat(), "window_days": options["window"]},
            )
        self.stdout.write(self.style.SUCCESS(f"已提交后台任务 #{job.pk}"))
