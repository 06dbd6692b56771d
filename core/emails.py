"""One function per email, each rendered from a subject/text/html trio in templates/emails/.

Emails carry references and links into Kinfolk, never a child's or family
member's name or case details.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from core.models import Invitation


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    ctx = {"council_name": settings.COUNCIL_NAME, "marking": settings.PROTECTIVE_MARKING, **context}
    subject = render_to_string(f"emails/{template}_subject.txt", ctx).strip().replace("\n", " ")
    text = render_to_string(f"emails/{template}.txt", ctx)
    html = render_to_string(f"emails/{template}.html", ctx)
    return f"{settings.PROTECTIVE_MARKING}: {subject}", text, html


def send_invitation(*, invitation: Invitation, link: str) -> None:
    subject, text, html = render_email(
        "invitation",
        {"invitation": invitation, "link": link, "days": settings.KINFOLK_INVITATION_DAYS},
    )
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
