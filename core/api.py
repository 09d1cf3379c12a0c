"""What every API router shares: the error body, and the one handler that answers a DomainError.

An endpoint does not catch the services' errors: a DomainError raised anywhere below it reaches
`domain_error_handler`, registered once on the NinjaAPI (minzheng/api.py), which answers
`{"code": …, "message": …}` with the HTTP status the routers declare for that code (400 when none).
"""

from collections.abc import Mapping

from ninja import Schema

from core.errors import DomainError


class ErrorOut(Schema):
    code: str
    message: str


def domain_error_handler(api, statuses: Mapping[str, int]):
    """The handler for `api.add_exception_handler(DomainError, …)`; `statuses` maps code → HTTP status."""

    def handler(request, exc: DomainError):
        body = {"code": exc.code.value, "message": exc.message}
        return api.create_response(request, body, status=statuses.get(exc.code, 400))

    return handler
