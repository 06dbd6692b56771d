from django.urls import path

from core import diary_views, views

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

# Diary and outbox (issue 3)
urlpatterns += [
    path("diary/", diary_views.diary_home, name="diary"),
    path("diary/meetings/<int:pk>/", diary_views.meeting_detail, name="meeting_detail"),
    path("diary/feed/", diary_views.calendar_feed_create, name="calendar_feed_create"),
    path(
        "diary/feed/revoke/",
        diary_views.calendar_feed_revoke,
        name="calendar_feed_revoke",
    ),
    path("diary/feed/<str:token>.ics", diary_views.calendar_feed, name="calendar_feed"),
    path(
        "diary/respond/<str:token>/",
        diary_views.meeting_response,
        name="meeting_response",
    ),
    path("manage/outbox/", diary_views.outbox_list, name="outbox_list"),
    path("manage/outbox/retry-dead/", diary_views.outbox_retry_dead, name="outbox_retry_dead"),
    path("manage/outbox/<int:pk>/", diary_views.outbox_detail, name="outbox_detail"),
    path("manage/outbox/<int:pk>/retry/", diary_views.outbox_retry, name="outbox_retry"),
    path(
        "manage/development-outbox/",
        diary_views.development_outbox,
        name="development_outbox",
    ),
    path(
        "manage/development-outbox/<int:pk>/",
        diary_views.development_outbox_detail,
        name="development_outbox_detail",
    ),
]
