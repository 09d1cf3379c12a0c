"""What every API router shares: the error body, and the one handler that answers a DomainError.

An endpoint does not catch the services' errors: a DomainError raised anywhere below it reaches
`domain_error_handler`, registered once on the NinjaAPI (minzheng/api.py), which answers
`{"code": …, "message": …}` with the HTTP status the routers declare for that code (400 when none).
"""

from collections.abc import Mapping

from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PageNumberPagination

from core.errors import DomainError


class ErrorOut(Schema):
    code: str
    message: str


def domain_error_handler(api, statuses: Mapping[str, int]):
    """The handler for `api.add_exception_handler(DomainError, …)`; `statuses` maps code → HTTP status."""

    def handler(request, exc: DomainError):
        body = {"code": exc.code.value, "message": exc.message}
        if exc.details.get("errors"):  # every reason, when there are several (a batch's lines)
            body["errors"] = list(exc.details["errors"])
        response = api.create_response(request, body, status=statuses.get(exc.code, 400))
        if "retry_after" in exc.details:  # a rate limit says when to come back
            response["Retry-After"] = str(exc.details["retry_after"])
        return response

    return handler


# A page beyond this is never a real request (50 rows a page: 50 million rows); it would overflow
# the database's OFFSET instead of answering an empty page.
MAX_PAGE = 1_000_000


class Page(PageNumberPagination):
    """Page-number pagination whose page number is bounded, for every list endpoint."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="页码")
        page_size: int | None = Field(None, ge=1, le=1000, description="每页条数")


def invalid_input_handler(api):
    """The handler for `api.add_exception_handler(ninja.errors.ValidationError, …)`: the request's
    parameters or body do not fit the endpoint; say which, in Chinese, with a 422."""

    def handler(request, exc: ValidationError):
        fields = []
        for error in exc.errors:
            location = [str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path", "form")]
            fields.append(".".join(location) or "请求内容")
        message = "请求参数不正确：" + "、".join(dict.fromkeys(fields)) + "（请检查取值范围和格式）"
        return api.create_response(request, {"code": "invalid_input", "message": message}, status=422)

    return handler


def not_found_handler(api):
    """The handler for `api.add_exception_handler(Http404, …)`: a record that does not exist or lies
    outside the caller's jurisdiction (the two are not told apart), in Chinese."""

    def handler(request, exc):
        body = {"code": "not_found", "message": "找不到该记录，或不在您的管辖范围"}
        return api.create_response(request, body, status=404)

    return handler


def unauthenticated_handler(api):
    """The handler for `api.add_exception_handler(ninja.errors.AuthenticationError, …)`, in Chinese."""

    def handler(request, exc):
        body = {
            "code": "unauthenticated",
            "message": "请先登录，或在请求头提供有效的令牌（Authorization: Bearer 令牌）",
        }
        return api.create_response(request, body, status=401)

    return handler


# The framework's own English refusals, as a clerk's system reads them.
_HTTP_ERROR_TEXT = {
    "Cannot parse request body": "请求内容无法解析（应为合法的JSON，编码UTF-8）",
}
_STATUS_TEXT = {
    400: "请求不正确",
    401: "未登录或令牌无效",
    403: "无权访问",
    405: "不支持该请求方法",
    429: "请求过于频繁",
}


def http_error_handler(api):
    """The handler for `api.add_exception_handler(ninja.errors.HttpError, …)`: the endpoints' own
    messages are Chinese already and pass unchanged; the framework's English ones are translated."""

    def handler(request, exc):
        message = str(exc)
        if not any("\u4e00" <= ch <= "\u9fff" for ch in message):
            english = next((text for key, text in _HTTP_ERROR_TEXT.items() if message.startswith(key)), None)
            message = english or _STATUS_TEXT.get(exc.status_code, "请求不正确")
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    return handler
