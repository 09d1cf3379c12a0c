from django.core.management.base import BaseCommand

from medical.demo import load_medical_demo


class Command(BaseCommand):
    help = "演示医疗救助数据：向医保局报送的全量文件、医保局医疗救助支付明细（可重复运行）"

    def handle(self, *args, **options):
        result = load_medical_demo()
        self.stdout.write(f"报送文件{result['files']}个，医疗救助支付{result['payments']}条")
