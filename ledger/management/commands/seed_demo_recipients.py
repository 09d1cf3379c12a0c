from django.core.management.base import BaseCommand

from areas.jurisdiction import system_scope
from ledger.demo import enrol_demo_recipients


class Command(BaseCommand):
    help = "为演示县生成保障对象（低保、特困、重度残疾人护理补贴），经台账正常流程纳入，可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--county", default="430522")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, county, seed, **options):
        with system_scope():
            counts = enrol_demo_recipients(county, seed=seed)
        if "already" in counts:
            self.stdout.write(f"演示保障对象已存在（{counts['already']}个），未重复生成。")
            return
        labels = {"dibao": "低保", "tekun": "特困", "disability_care": "重度残疾人护理补贴"}
        self.stdout.write("已生成演示保障对象：" + "，".join(f"{labels[k]} {v}" for k, v in counts.items()))
