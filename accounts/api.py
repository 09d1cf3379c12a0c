from ninja import Router, Schema

from accounts.roles import Capability


class TokenAuth:
    """Accepts requests the bearer-token middleware has authenticated."""

    def __call__(self, request):
        return request.user if getattr(request, "auth_via_token", False) else None


router = Router(tags=["单位与人员"])


class MeOut(Schema):
    username: str
    full_name: str
    unit: str
    area_code: str
    roles: list[str]


@router.get("/me", response=MeOut, summary="当前登录人员")
def me(request):
    user = request.user
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        unit=user.unit.name if user.unit_id else "",
        area_code=user.area_code,
        roles=sorted(user.role_codes),
    )


class StaffOut(Schema):
    username: str
    full_name: str
    unit: str
    area_code: str


@router.get("/staff", response=list[StaffOut], summary="辖区内工作人员")
def staff(request):
    from ninja.errors import HttpError

    from accounts.models import User

    if not request.user.can(Capability.VIEW_STAFF):
        raise HttpError(403, "无权查看人员名单")
    return [
        StaffOut(
            username=u.username, full_name=u.full_name, unit=u.unit.name if u.unit_id else "", area_code=u.area_code
        )
        for u in User.in_jurisdiction.select_related("unit")[:1000]
    ]
