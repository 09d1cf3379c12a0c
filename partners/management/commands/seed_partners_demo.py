from django.core.management.base import BaseCommand

from partners.demo import load_partners_demo


class Command(BaseCommand):
    help = "演示接口客户端：部门系统、省级平台、事件通知记录和交换批次（可重复运行）"

    def handle(self, *args, **options):
        result = load_partners_demo()
        self.stdout.write(
            f"接口客户端新增{result['clients']}个，事件通知{result['deliveries']}条，交换批次{result['batches']}批"
        )
