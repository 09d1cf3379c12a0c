from django.core.management.base import BaseCommand

from funerals.demo import load_funerals_demo


class Command(BaseCommand):
    help = "演示殡葬数据：殡仪馆、公墓、火化名单和公安死亡信息比对、殡葬服务减免和生态安葬奖补（可重复运行）"

    def handle(self, *args, **options):
        result = load_funerals_demo()
        self.stdout.write(
            f"导入死亡信息文件{result['files']}个，死亡信息{result['deaths']}条，殡葬服务{result['services']}条"
        )
