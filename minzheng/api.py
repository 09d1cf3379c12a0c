"""The REST API root (django-ninja). OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Every router registered here runs behind the same middleware as the UI, so jurisdiction scoping
applies to it unchanged. Authentication: the browser session, or `Authorization: Bearer <token>`.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

from accounts.api import TokenAuth
from accounts.api import router as accounts_router
from assistance.api import ERROR_STATUS as ASSISTANCE_STATUS
from assistance.api import router as assistance_router
from cases.api import ERROR_STATUS as CASES_STATUS
from cases.api import router as cases_router
from core.api import (
    domain_error_handler,
    http_error_handler,
    invalid_input_handler,
    not_found_handler,
    unauthenticated_handler,
)
from core.errors import DomainError
from marriage.api import ERROR_STATUS as MARRIAGE_STATUS
from marriage.api import router as marriage_router
from monitoring.api import router as monitoring_router
from partners.api import router as partners_router
from partners.errors import ERROR_STATUS as PARTNERS_STATUS
from payments.api import router as payments_router
from registry.api import ERROR_STATUS as REGISTRY_STATUS
from registry.api import router as registry_router
from verification.api import router as verification_router

api = NinjaAPI(
    title="民政一体化服务平台 API",
    version="1",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    # The interactive docs and the schema are for staff who are signed in, not for the public.
    docs_decorator=login_required,
)
api.add_router("/accounts", accounts_router)
api.add_router("/registry", registry_router)
api.add_router("/cases", cases_router)
api.add_router("/payments", payments_router)
api.add_router("/verification", verification_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/assistance", assistance_router)
api.add_router("/marriage", marriage_router)
# Other departments' and the province's systems: client credentials, not staff sessions (partners.api).
api.add_router("/partners", partners_router)
# Every refusal a service raises (core.errors.DomainError) is answered here, as {"code", "message"}
# with the status its router declares for the code (400 for the others).
api.add_exception_handler(
    DomainError,
    domain_error_handler(
        api, {**REGISTRY_STATUS, **CASES_STATUS, **ASSISTANCE_STATUS, **MARRIAGE_STATUS, **PARTNERS_STATUS}
    ),
)
api.add_exception_handler(ValidationError, invalid_input_handler(api))
api.add_exception_handler(Http404, not_found_handler(api))
api.add_exception_handler(HttpError, http_error_handler(api))
api.add_exception_handler(AuthenticationError, unauthenticated_handler(api))
