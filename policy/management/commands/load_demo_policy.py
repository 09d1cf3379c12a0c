from django.core.management.base import BaseCommand

from policy.demo import DEMO_COUNTY, load_demo_policy


class Command(BaseCommand):
    help = "录入演示县（430522 新邵县）的低保、特困、临时救助等地方标准；重复运行不会重复录入"

    def add_arguments(self, parser):
        parser.add_argument("--area", default=DEMO_COUNTY, help="区划代码（12位），默认新邵县")

    def handle(self, *args, area, **options):
        created = load_demo_policy(area)
        self.stdout.write(self.style.SUCCESS(f"已录入{created}项政策参数（区划{area}）"))
