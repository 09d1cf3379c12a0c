from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path

from accounts.home import home
from minzheng.api import api

admin.site.site_header = "民政一体化服务平台 · 系统管理"
admin.site.site_title = "民政一体化服务平台"
# The admin has no sign-in page of its own: everyone signs in through the platform's login, with
# its lockout and (for administrators) its second factor; the admin only checks the result.
admin.site.login = lambda request, extra_context=None: redirect_to_login(request.get_full_path())

urlpatterns = [
    path("", home, name="home"),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("areas/", include("areas.urls")),
    path("audit/", include("audit.urls")),
    path("jobs/", include("jobs.urls")),
    path("registry/", include("registry.urls")),
    path("cases/", include("cases.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("payments/", include("payments.urls")),
    path("verification/", include("verification.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("supervision/", include("supervision.urls")),
    path("grid/", include("grid.urls")),
    path("society/", include("society.urls")),
    path("children/", include("children.urls")),
    path("medical/", include("medical.urls")),
    path("relief/", include("relief.urls")),
    path("marriage/", include("marriage.urls")),
    path("outreach/", include("outreach.urls")),
    path("eldercare/", include("eldercare.urls")),
    path("assistance/", include("assistance.urls")),
    path("policy/", include("policy.urls")),
    path("funerals/", include("funerals.urls")),
    path("rescue/", include("rescue.urls")),
    path("partners/", include("partners.urls")),
    path("cockpit/", include("cockpit.urls")),
    path("my/", include("portal.urls")),
    path("admin/", admin.site.urls),
]
