"""The staff home page (工作台): the user's area and what each of their roles is for."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.roles import RoleCode
from areas.models import Area

# What each role's workbench says it is for (docs/domain.md §1).
ROLE_DUTIES = {
    RoleCode.LIVELIHOOD_WORKER: "帮助群众代办申请、入户走访、张贴公示、报告困难和突发情况",
    RoleCode.GRID_WORKER: "网格巡查，发现问题及时上报，网格解决不了的转12345热线和部门",
    RoleCode.CLERK: "一窗受理、一次性告知、调查核实、转办其他部门",
    RoleCode.REVIEWER: "乡镇初审、组织公示和民主评议",
    RoleCode.APPROVER: "县级审核确认、资金和发放名册审批",
    RoleCode.AUDITOR: "稽查审批、资格、政策执行和资金发放，查阅操作日志",
    RoleCode.LEADER: "督办、排名讲评、统计看板",
    RoleCode.REGISTRAR: "婚姻登记、离婚冷静期管理",
    RoleCode.ADMIN: "维护区划、单位、人员和角色",
}


@login_required
def home(request):
    user = request.user
    area = Area.objects.filter(code=user.area_code).first() if user.area_code else None
    duties = [(str(RoleCode(code).label), ROLE_DUTIES[code]) for code in sorted(user.role_codes)]
    return render(request, "accounts/home.html", {"area": area, "duties": duties})
