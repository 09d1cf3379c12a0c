from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from accounts.tokens import issue_token


class Command(BaseCommand):
    help = "为工作人员签发 REST API 令牌（令牌只显示这一次，系统只保存其摘要）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="工作人员用户名；令牌的权限和辖区与本人登录时相同")
        parser.add_argument("name", help="用途，如“对接低收入人口监测平台”")
        parser.add_argument("--days", type=int, help="有效天数，默认 MINZHENG_API_TOKEN_DAYS（90 天）")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"找不到在职的工作人员：{options['username']}")
        expires_at = timezone.now() + timedelta(days=options["days"]) if options["days"] else None
        key = issue_token(user, options["name"][:100], expires_at)
        self.stdout.write(key)
