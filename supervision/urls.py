from django.urls import path

from supervision.views import actions, agenda, attendance, groups, minutes, papers, sessions

app_name = "supervision"

urlpatterns = [
    path("", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/add/", groups.member_add, name="member_add"),
    path("groups/<int:pk>/members/<int:member_pk>/remove/", groups.member_remove, name="member_remove"),
    path("groups/<int:pk>/diarise/", groups.diarise, name="diarise"),
    path("groups/<int:pk>/actions/", actions.action_list, name="action_list"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/agenda/add/", agenda.agenda_add, name="agenda_add"),
    path("sessions/<int:pk>/agenda/add-due/", agenda.agenda_add_due, name="agenda_add_due"),
    path("sessions/<int:pk>/agenda/publish/", agenda.agenda_publish, name="agenda_publish"),
    path("sessions/<int:pk>/papers.zip", papers.papers_pack, name="papers_pack"),
    path("sessions/<int:pk>/respond/", attendance.session_respond, name="session_respond"),
    path("sessions/<int:pk>/attendance/", attendance.attendance, name="attendance"),
    path("sessions/<int:pk>/attendance/nudge/", attendance.nudge, name="nudge"),
    path("sessions/<int:pk>/minutes/", minutes.minutes, name="minutes"),
    path("sessions/<int:pk>/minutes/submit/", minutes.minutes_submit, name="minutes_submit"),
    path("sessions/<int:pk>/minutes/return/", minutes.minutes_return, name="minutes_return"),
    path("sessions/<int:pk>/minutes/approve/", minutes.minutes_approve, name="minutes_approve"),
    path("sessions/<int:pk>/minutes/correct/", minutes.minutes_correct, name="minutes_correct"),
    path("items/<int:pk>/move/", agenda.item_move, name="item_move"),
    path("items/<int:pk>/remove/", agenda.item_remove, name="item_remove"),
    path("items/<int:pk>/papers/", papers.paper_upload, name="paper_upload"),
    path("items/<int:pk>/minutes/<str:section>/", minutes.entry_save, name="entry_save"),
    path("items/<int:pk>/actions/", actions.action_add, name="action_add"),
    path("papers/<int:pk>/", papers.paper_download, name="paper_download"),
    path("papers/<int:pk>/delete/", papers.paper_delete, name="paper_delete"),
    path("actions/<int:pk>/status/", actions.action_status, name="action_status"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", actions.action_delete, name="action_delete"),
    path("minutes/<int:pk>/pdf/", minutes.version_pdf, name="version_pdf"),
]
