"""manage.py seed_verification_demo --county 430522 --seed 1: synthetic department batches for the
demo residents (run after seed_demo), loaded and swept, so the demo county shows real findings."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from areas.jurisdiction import system_scope
from verification.jobs import sweep_and_open
from verification.synthetic import load_demo_batches


class Command(BaseCommand):
    help = "为演示县生成各部门的演示数据批次（与 seed_demo 的居民一致），入库后全面比对"

    def add_arguments(self, parser):
        parser.add_argument("--county", default="430522")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-sweep", action="store_true", help="只入库，不比对")

    def handle(self, *args, county, seed, no_sweep, **options):
        if not (len(county) == 6 and county.isdigit()):
            raise CommandError("县级区划代码应为6位数字")
        today = timezone.localdate()
        with system_scope():
            batches = load_demo_batches(county, seed, today)
            for batch in batches:
                self.stdout.write(f"{batch}：{batch.get_status_display()} {batch.row_count}行")
            if not no_sweep:
                result = sweep_and_open(on_date=today)
                self.stdout.write(self.style.SUCCESS(f"比对完成：{result['counts']}，转办{result['work_opened']}条"))
