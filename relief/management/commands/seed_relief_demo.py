from django.core.management.base import BaseCommand

from relief.demo import load_relief_demo


class Command(BaseCommand):
    help = "演示救灾和专项行动数据：两个村报灾的洪涝灾害、县救灾物资储备库的棉被、寒冬送温暖（可重复运行）"

    def handle(self, *args, **options):
        result = load_relief_demo()
        self.stdout.write(
            f"灾害事件{result['events']}个，物资发放{result['issued']}户，专项行动对象{result['targets']}户"
        )
