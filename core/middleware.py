"""Input no part of the platform can store or search: refused at the door with a Chinese 400.

A NUL character (U+0000) has no place in any text a clerk types, and PostgreSQL refuses it in a
string literal, so a NUL in a path, a query string, a form field or a JSON body would otherwise
surface as a server error deep in a view. Uploaded files are not inspected: an .xlsx is binary.
"""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "请求中含有无法识别的空字符（NUL），请检查输入内容后重试"
_JSON_NUL = b"\\u0000"


def _has_nul_in_text(raw: bytes) -> bool:
    return b"\x00" in raw or b"\x00" in unquote_to_bytes(raw.replace(b"+", b" "))


def contains_nul(request) -> bool:
    """Whether the path, query string or a typed field (form or JSON) of `request` holds a NUL."""
    if "\x00" in request.path or _has_nul_in_text(request.META.get("QUERY_STRING", "").encode("latin-1", "replace")):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        body = request.body
        return b"\x00" in body or _JSON_NUL in body.lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _has_nul_in_text(request.body)
    if content_type.startswith("multipart/form-data"):
        return False  # its typed fields are checked by the form; files may hold any byte
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if contains_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_input", "message": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
