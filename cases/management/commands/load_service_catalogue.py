from django.core.management.base import BaseCommand

from areas.jurisdiction import system_scope
from cases.catalogue import load_service_catalogue


class Command(BaseCommand):
    help = "载入服务事项清单（仅新增数据库中没有的事项，已有事项及其版本不变）。migrate 后自动运行。"

    def handle(self, *args, **options):
        with system_scope():
            created = load_service_catalogue()
        self.stdout.write(self.style.SUCCESS(f"新增服务事项 {created} 项"))
