from django.core.management.base import BaseCommand

from rescue.demo import load_rescue_demo


class Command(BaseCommand):
    help = "演示救助管理站数据：在站、超期、身份不明、返乡、安置和重复受助（可重复运行）"

    def handle(self, *args, **options):
        result = load_rescue_demo()
        self.stdout.write(f"救助记录新增{result['stays']}条")
