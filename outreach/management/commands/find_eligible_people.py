from django.core.management.base import BaseCommand
from django.utils import timezone

from areas.jurisdiction import system_scope
from outreach.services import find_eligible
from policy.programmes import Programme


class Command(BaseCommand):
    help = "政策找人：查找符合条件但尚未享受的居民（可重复运行，不会重复列出）"

    def add_arguments(self, parser):
        parser.add_argument("--prefix", default="", help="只查找该区划代码前缀（如430522）")

    def handle(self, *args, **options):
        with system_scope():
            result = find_eligible(timezone.localdate(), options["prefix"])
        found = "，".join(f"{Programme(k).label}{v}人" for k, v in result.items() if k in Programme.values)
        self.stdout.write(f"新发现：{found or '无'}；已享受而办结{result['closed_enrolled']}条")
