"""Every write to Group Case Supervision goes through these functions.

Views, tasks, the demo command and the admin all call them; each takes
keyword-only arguments, validates, writes in one transaction with its audit
event and its emails (outbox rows), and raises ValidationError for bad input.
"""

from supervision.services.agenda import (
    add_due_families,
    add_item,
    move_item,
    publish_agenda,
    remove_item,
    update_item,
)
from supervision.services.attendance import nudge_unconfirmed, record_attendance, respond_in_app
from supervision.services.groups import add_member, create_group, remove_member, update_group, update_member
from supervision.services.guests import invite_guest, remove_guest
from supervision.services.minutes import (
    add_action,
    approve_minutes,
    circulate_minutes,
    delete_action,
    return_minutes,
    save_entry,
    set_action_done,
    start_correction,
    submit_minutes,
    update_action,
)
from supervision.services.papers import delete_paper, upload_paper
from supervision.services.reviews import review_action
from supervision.services.scheduling import cancel_session, diarise_series, move_session, plan_series, schedule_session
from supervision.services.snapshot import render_minutes_pdf

__all__ = [
    "add_action",
    "add_due_families",
    "add_item",
    "add_member",
    "approve_minutes",
    "cancel_session",
    "circulate_minutes",
    "create_group",
    "delete_action",
    "delete_paper",
    "diarise_series",
    "invite_guest",
    "move_item",
    "move_session",
    "nudge_unconfirmed",
    "plan_series",
    "publish_agenda",
    "record_attendance",
    "remove_guest",
    "remove_item",
    "remove_member",
    "render_minutes_pdf",
    "respond_in_app",
    "return_minutes",
    "review_action",
    "save_entry",
    "schedule_session",
    "set_action_done",
    "start_correction",
    "submit_minutes",
    "update_action",
    "update_group",
    "update_item",
    "update_member",
    "upload_paper",
]
