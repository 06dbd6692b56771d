from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("families/", views.family_list, name="family_list"),
    path("families/<int:pk>/", views.family_detail, name="family_detail"),
    path("care-leavers/", views.care_leaver_list, name="care_leaver_list"),
    path("care-leavers/<int:pk>/", views.care_leaver_detail, name="care_leaver_detail"),
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/invite/", views.invite_user, name="invite_user"),
    path(
        "manage/invitations/<int:pk>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("manage/audit/", views.audit_log, name="audit_log"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
]
