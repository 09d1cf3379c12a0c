from django.core.management.base import BaseCommand

from marriage.demo import load_marriage_demo


class Command(BaseCommand):
    help = "演示婚姻登记数据：结婚登记、冷静期中的离婚申请、查询记录（可重复运行）"

    def handle(self, *args, **options):
        result = load_marriage_demo()
        self.stdout.write(f"结婚登记{result['marriages']}对，离婚申请{result['divorces']}件")
