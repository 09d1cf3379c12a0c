from django.core.management.base import BaseCommand

from areas.jurisdiction import system_scope
from grid.hotline import deliver_due


class Command(BaseCommand):
    help = "把到期的12345答复发回热线平台（失败的按间隔重试）；可由定时任务每几分钟运行一次"

    def handle(self, *args, **options):
        with system_scope():
            result = deliver_due()
        self.stdout.write(f"已送达{result['已送达答复']}件")
