from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/invite/", views.invite_user, name="invite_user"),
    path("manage/users/<int:pk>/unlock/", views.unlock_user, name="unlock_user"),
    path("manage/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("manage/audit/", views.audit_log, name="audit_log"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
