from django.core.management.base import BaseCommand

from society.demo import load_society_demo


class Command(BaseCommand):
    help = "演示社会组织、三张清单、社工服务和村务公开数据（可重复运行）"

    def handle(self, *args, **options):
        result = load_society_demo()
        self.stdout.write(f"社会组织新增{result['organisations']}家，需求{result['needs']}条")
