"""Marital-status query for authorised agencies (/api/v1/marriage/status): is this person currently
married per the platform's records — yes / no / unknown and nothing else; every query is logged
with who asked, for which agency, why and when (marriage.models.MaritalStatusQuery)."""

from ninja import Field, Router, Schema

from core.api import ErrorOut
from marriage import services
from marriage.errors import MarriageCode

router = Router(tags=["婚姻登记"])

ERROR_STATUS = {MarriageCode.NO_PERMISSION: 403}


class StatusIn(Schema):
    id_number: str = Field(..., min_length=15, max_length=20, description="被查询人身份证号")
    purpose: str = Field(..., min_length=1, max_length=200, description="查询事由（如案号、授权书编号）")


class StatusOut(Schema):
    married: str = Field(..., description="yes：本平台登记簿有有效婚姻记录；no：有记录但婚姻已解除；unknown：无记录")
    as_of: str = Field(..., description="答复日期")


@router.post("/status", response={200: StatusOut, 400: ErrorOut, 403: ErrorOut}, summary="婚姻状况查询（有权机关）")
def marital_status(request, payload: StatusIn):
    from django.utils import timezone

    today = timezone.localdate()
    answer = services.answer_query(
        user=request.user,
        id_number=payload.id_number,
        purpose=payload.purpose,
        on_date=today,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return 200, StatusOut(married=answer, as_of=today.isoformat())
