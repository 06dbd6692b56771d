from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("groups/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("groups/<int:pk>/diarise/", views.diarise, name="diarise"),
    path("groups/<int:pk>/actions/", views.action_list, name="action_list"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("sessions/<int:pk>/agenda/add-due/", views.agenda_add_due, name="agenda_add_due"),
    path("sessions/<int:pk>/agenda/publish/", views.agenda_publish, name="agenda_publish"),
    path("sessions/<int:pk>/papers.zip", views.papers_pack, name="papers_pack"),
    path("sessions/<int:pk>/respond/", views.session_respond, name="session_respond"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/attendance/nudge/", views.nudge, name="nudge"),
    path("sessions/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("sessions/<int:pk>/minutes/submit/", views.minutes_submit, name="minutes_submit"),
    path("sessions/<int:pk>/minutes/return/", views.minutes_return, name="minutes_return"),
    path("sessions/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("sessions/<int:pk>/minutes/correct/", views.minutes_correct, name="minutes_correct"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:pk>/papers/", views.paper_upload, name="paper_upload"),
    path("items/<int:pk>/minutes/<str:section>/", views.entry_save, name="entry_save"),
    path("items/<int:pk>/actions/", views.action_add, name="action_add"),
    path("papers/<int:pk>/", views.paper_download, name="paper_download"),
    path("papers/<int:pk>/delete/", views.paper_delete, name="paper_delete"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("minutes/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
]
