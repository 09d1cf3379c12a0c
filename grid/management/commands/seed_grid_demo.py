from django.core.management.base import BaseCommand

from grid.demo import load_grid_demo


class Command(BaseCommand):
    help = "演示网格数据：包户联系人、网格事件、12345工单（可重复运行）"

    def handle(self, *args, **options):
        result = load_grid_demo()
        self.stdout.write(
            f"包户联系人新增{result['contacts']}户，网格事件{result['events']}件，12345工单{result['orders']}件"
        )
