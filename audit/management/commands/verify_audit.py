from django.core.management.base import BaseCommand, CommandError

from audit.anchor import checkpoint_file, write_checkpoint
from audit.services import verify_chain


class Command(BaseCommand):
    help = "校验操作日志哈希链与库外检查点；--checkpoint 在校验通过后记下新的检查点 (verify the audit log)"

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="store_true", help="校验通过后把当前链尾写入检查点文件")

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            where = f"第 {report.broken_at} 号记录处：" if report.broken_at else ""
            raise CommandError(f"操作日志校验失败：{where}{report.reason}；此前 {report.checked} 条完好。")
        self.stdout.write(
            self.style.SUCCESS(f"操作日志完整：共校验 {report.checked} 条记录，哈希链无断点，与检查点相符。")
        )
        if options["checkpoint"]:
            point = write_checkpoint()
            self.stdout.write(f"已记下检查点：{point.count} 条，至第 {point.last_id} 号记录（{checkpoint_file()}）。")
