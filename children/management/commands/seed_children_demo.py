from django.core.management.base import BaseCommand

from children.demo import load_children_demo


class Command(BaseCommand):
    help = "演示儿童福利数据：儿童主任包联的困境儿童、留守儿童，一条强制报告（可重复运行）"

    def handle(self, *args, **options):
        result = load_children_demo()
        self.stdout.write(f"儿童档案新增{result['children']}人，强制报告{result['reports']}件")
