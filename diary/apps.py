from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.registry import Declared, HomePanel, KinfolkApp, NavItem

NEXT_MEETINGS = 5


class DiaryConfig(KinfolkApp):
    name = "diary"
    verbose_name = "Diary"

    def navigation(self, user: Any) -> list[NavItem]:
        return [NavItem("Diary", reverse("diary:diary"), order=10)]

    def home_panels(self, user: Any) -> list[HomePanel]:
        from diary.models import Meeting

        meetings = list(Meeting.objects.for_user(user).upcoming().select_related("team")[:NEXT_MEETINGS])
        return [HomePanel("diary/includes/_home_panel.html", order=10, context={"next_meetings": meetings})]

    def schedules(self) -> list[Declared]:
        from django_q.models import Schedule

        return [
            # Moves due reminders into the outbox, each exactly once.
            Declared("kinfolk.reminders.send_due", "diary.tasks.send_due_reminders", Schedule.MINUTES, minutes=1),
            # Reads calendar replies (Outlook/Google/Apple buttons) from the organiser
            # mailbox; does nothing unless KINFOLK_IMAP_HOST is set.
            Declared("kinfolk.diary.poll_imap", "diary.tasks.poll_organiser_mailbox", Schedule.MINUTES, minutes=5),
        ]

    def build_demo(self) -> list[str]:
        from diary.demo import DEMO_LINK, build_demo_meetings
        from diary.models import Meeting

        # The demo meetings show an invite, its update and its cancellation in the
        # development outbox; made once, so a second run adds no more mail.
        if not Meeting.objects.filter(link_path=DEMO_LINK).exists():
            build_demo_meetings()
        return []
