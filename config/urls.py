from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import two_factor
from config.roles import ADMINISTRATOR, has_role

admin.site.site_header = "PALS and complaints administration"
admin.site.site_title = "PALS and complaints administration"


def _admin_has_permission(request):
    """The admin is for administrators only: a staff flag alone is not enough."""
    return (
        request.user.is_active and request.user.is_staff and has_role(request.user, ADMINISTRATOR)
    )


admin.site.has_permission = _admin_has_permission

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("feedback/", include("contacts.public_urls")),
    path("", include("casework.urls")),
]
