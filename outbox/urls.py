from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("manage/outbox/", views.outbox_list, name="outbox_list"),
    path("manage/outbox/retry-dead/", views.outbox_retry_dead, name="outbox_retry_dead"),
    path("manage/outbox/<int:pk>/", views.outbox_detail, name="outbox_detail"),
    path("manage/outbox/<int:pk>/retry/", views.outbox_retry, name="outbox_retry"),
    path("manage/development-outbox/", views.development_outbox, name="development_outbox"),
    path("manage/development-outbox/<int:pk>/", views.development_outbox_detail, name="development_outbox_detail"),
]
