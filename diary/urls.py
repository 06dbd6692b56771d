from django.urls import path

from diary import views

app_name = "diary"

urlpatterns = [
    path("diary/", views.diary_home, name="diary"),
    path("diary/week/", views.diary_week, name="diary_week"),
    path("diary/month/", views.diary_month, name="diary_month"),
    path("diary/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("diary/feed/", views.calendar_feed_create, name="calendar_feed_create"),
    path("diary/feed/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("diary/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("diary/respond/<str:token>/", views.meeting_response, name="meeting_response"),
]
