from django.core.management.base import BaseCommand
from django.utils import timezone

from areas.jurisdiction import system_scope
from assistance.demo import seed_temporary_aid


class Command(BaseCommand):
    help = "为演示乡镇生成临时救助办件：一件先行救助（实物签收）待审批，一件审批后列入本月发放名册；可重复运行"

    def handle(self, *args, **options):
        with system_scope():
            done = seed_temporary_aid(timezone.localdate())
        self.stdout.write("；".join(done) if done else "演示临时救助已存在或缺少演示账号，未重复生成。")
