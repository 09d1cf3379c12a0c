"""manage.py seed_supervision_demo --county 430522: a demo campaign, sample and evaluation (run after
seed_demo_recipients)."""

from django.core.management.base import BaseCommand

from supervision.demo import seed_supervision_demo


class Command(BaseCommand):
    help = "为演示县生成稽查演示数据：专项整治、抽查及核查结果、上月考核（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--county", default="430522")

    def handle(self, *args, county, **options):
        self.stdout.write(seed_supervision_demo(county))
