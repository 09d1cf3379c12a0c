from django.core.management.base import BaseCommand

from portal.demo import load_portal_demo


class Command(BaseCommand):
    help = "演示群众网上办事数据：已绑定家庭的群众账号、便民服务网点、行风监督员（可重复运行）"

    def handle(self, *args, **options):
        result = load_portal_demo()
        self.stdout.write(
            f"便民服务网点新增{result['points']}个，行风监督员新增{result['supervisors']}名；"
            f"演示群众手机号{result['resident'] or '（无）'}，在 /my/login/ 获取验证码，验证码见服务器日志"
        )
