from django.core.management.base import BaseCommand

from areas.jurisdiction import system_scope
from registry.search import rebuild_name_grams


class Command(BaseCommand):
    help = "重建姓名检索片段（批量改动人员数据后，或检索结果缺人时运行；可重复运行）。"

    def handle(self, *args, **options):
        with system_scope():
            written = rebuild_name_grams()
        self.stdout.write(self.style.SUCCESS(f"已写入 {written} 条姓名检索片段"))
