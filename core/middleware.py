"""Input no part of the platform can store or search: refused at the door with a Chinese 4xx.

A NUL character (U+0000) has no place in any text a clerk types, and PostgreSQL refuses it in a
string literal, so a NUL in a path, a query string, a form field or a JSON body would otherwise
surface as a server error deep in a view. Uploaded files are not inspected: an .xlsx is binary.

A body larger than the site's in-memory limit (DATA_UPLOAD_MAX_MEMORY_SIZE) is refused with a Chinese
413 instead of Django's bare 400. A view that reads its own body from the stream up to a limit of its
own (a phone's outbox with photos, marked `@reads_own_body`) is not read here: it checks the body with
`body_has_nul` itself.
"""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "请求中含有无法识别的空字符（NUL），请检查输入内容后重试"
TOO_LARGE_MESSAGE = "提交的内容太大，请分批提交或减少附件后重试"
_JSON_NUL = b"\\u0000"


def _has_nul_in_text(raw: bytes) -> bool:
    return b"\x00" in raw or b"\x00" in unquote_to_bytes(raw.replace(b"+", b" "))


def reads_own_body(view):
    """Mark a view that reads its body from the stream itself, up to its own limit."""
    view.reads_own_body = True
    return view


def body_has_nul(content_type: str, body: bytes) -> bool:
    """Whether a typed body (JSON or a urlencoded form) holds a NUL, raw or escaped."""
    if content_type.startswith("application/json"):
        return b"\x00" in body or _JSON_NUL in body.lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _has_nul_in_text(body)
    return False  # multipart: its typed fields are checked by the form; files may hold any byte


def in_path_or_query(request) -> bool:
    return "\x00" in request.path or _has_nul_in_text(request.META.get("QUERY_STRING", "").encode("latin-1", "replace"))


def in_body(request) -> bool:
    """Whether a typed field of the body (form or JSON) holds a NUL; RequestDataTooBig if too large."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith(("application/json", "application/x-www-form-urlencoded")):
        return False
    return body_has_nul(content_type, request.body)


def refusal(request, message: str, status: int):
    if request.path.startswith("/api/") or request.META.get("CONTENT_TYPE", "").startswith("application/json"):
        return JsonResponse({"ok": False, "code": "invalid_input", "message": message}, status=status)
    response = HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    response.status_code = status
    return response


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if in_path_or_query(request):
            return refusal(request, NUL_MESSAGE, 400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "reads_own_body", False):
            return None
        try:
            if in_body(request):
                return refusal(request, NUL_MESSAGE, 400)
        except RequestDataTooBig:
            return refusal(request, TOO_LARGE_MESSAGE, 413)
        return None
