from django.core.management.base import BaseCommand, CommandError

from audit.services import verify_chain


class Command(BaseCommand):
    help = "校验操作日志哈希链：报告第一条被篡改或删除的记录 (verify the audit log hash chain)"

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"操作日志校验失败：第 {report.broken_at} 号记录处断链（{report.reason}）；此前 {report.checked} 条完好。"
            )
        self.stdout.write(self.style.SUCCESS(f"操作日志完整：共校验 {report.checked} 条记录，哈希链无断点。"))
