from django.contrib import admin
from django.urls import include, path

from upswing.api import token_views
from upswing.site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/api-tokens/", token_views.tokens_page, name="api_tokens"),
    path("", include("upswing.site.performance_urls")),
    path("", include("upswing.coaching.urls")),
    path("api/", include("upswing.api.urls")),
    path("imports/", include("upswing.imports.urls")),
    path("sources/", include("upswing.sources.urls")),
    path("audit/", include("upswing.audit_page.urls")),
    path("plans/", include("upswing.plans.urls")),
    path("admin/", admin.site.urls),
    path("", include("upswing.feedback.urls")),
    path("quality/", include("upswing.quality.urls")),
    path("oidc/", include("upswing.sso.urls")),
    path("", include("upswing.privacy.urls")),
    path("governance/", include("upswing.governance.urls")),
    path("", include("upswing.today.urls")),
    path("", include("upswing.tables.urls")),
]

handler400 = "upswing.site.errors.bad_request"
handler403 = "upswing.site.errors.permission_denied"
handler404 = "upswing.site.errors.page_not_found"
handler500 = "upswing.site.errors.server_error"
