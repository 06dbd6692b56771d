from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Kinfolk administration"
admin.site.site_title = "Kinfolk administration"

urlpatterns = [
    # The admin's own login form would bypass allauth's second factor: send it to ours.
    path("django-admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("django-admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("gcs/", include("supervision.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("fgc/", include("fgc.urls")),
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("families.urls")),
    path("", include("diary.urls")),
    path("", include("outbox.urls")),
]

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
