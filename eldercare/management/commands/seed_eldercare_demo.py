from django.core.management.base import BaseCommand

from eldercare.demo import load_eldercare_demo


class Command(BaseCommand):
    help = "演示养老服务数据：养老机构床位和入住老人、居家养老服务组织和工单、下月满80周岁的居民（可重复运行）"

    def handle(self, *args, **options):
        made = load_eldercare_demo()
        self.stdout.write(
            f"养老机构{made['institutions']}家，入住老人{made['residents']}人，居家养老工单{made['orders']}单，"
            f"服务记录{made['records']}条，下月满80周岁居民{made['turning_80']}人"
        )
