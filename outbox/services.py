"""The outbox: every email is a row written in the transaction that caused it.

`enqueue_email` renders the email and stores it; on commit a django-q2 task sends
it, and a sweep every minute sends whatever the task missed. Sending claims the
row with a lease (a conditional UPDATE), so two workers never send the same row
at once and a worker killed mid-send leaves the row to be claimed again once its
lease runs out. Failures are retried with exponential backoff; after the last
attempt the row is dead and shown to administrators.

Delivery is at least once: a worker that dies after the relay accepted a message
but before it recorded that will have the message sent again. Each row has a
stable Message-ID and invites are applied by UID and SEQUENCE, so a repeat is
harmless; a loss is not.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import smtplib
import socket
import time
import uuid
from collections.abc import Sequence
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from icalendar import Calendar

from core import audit
from core.models import AuditAction
from outbox.models import OutboxMessage, OutboxStatus
from outbox.rendering import render_email

logger = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=6)
# Stop a sweep after this many failed connections in a row: the relay is down, and
# trying every row with a 20-second timeout would outlast the task's own timeout.
CONSECUTIVE_FAILURES_TO_STOP = 3
NO_LEASE = ""


def _message_id_domain() -> str:
    return parseaddr(settings.KINFOLK_ORGANISER_EMAIL)[1].rpartition("@")[2] or "kinfolk.invalid"


def organiser_from() -> str:
    return f"{settings.KINFOLK_ORGANISER_NAME} <{settings.KINFOLK_ORGANISER_EMAIL}>"


def enqueue_email(
    *,
    to: Sequence[str],
    template: str,
    context: dict[str, Any],
    idempotency_key: str,
    calendar: Calendar | None = None,
    send_after: dt.datetime | None = None,
    from_email: str | None = None,
    reply_to: Sequence[str] | None = None,
) -> OutboxMessage:
    """Store one email to send once the caller's transaction commits.

    A second call with the same key returns the first row and queues nothing, so
    a service or job that runs twice sends one email.
    """
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    subject, text, html = render_email(template, context)
    return enqueue_rendered(
        to=to,
        template=template,
        subject=subject,
        text=text,
        html=html,
        idempotency_key=idempotency_key,
        calendar=calendar,
        send_after=send_after,
        from_email=from_email,
        reply_to=reply_to,
    )


def enqueue_rendered(
    *,
    to: Sequence[str],
    template: str,
    subject: str,
    text: str,
    html: str,
    idempotency_key: str,
    calendar: Calendar | None = None,
    send_after: dt.datetime | None = None,
    from_email: str | None = None,
    reply_to: Sequence[str] | None = None,
) -> OutboxMessage:
    """Store an email already rendered elsewhere (allauth's account emails) in the outbox."""
    recipients = [address.strip() for address in to if address and address.strip()]
    if not recipients:
        raise ValidationError("An email needs at least one recipient.")
    if not idempotency_key or len(idempotency_key) > 255:
        raise ValidationError("An email needs an idempotency key of at most 255 characters.")
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    method = str(calendar.get("method", "")).upper() if calendar is not None else ""
    message = OutboxMessage(
        idempotency_key=idempotency_key,
        template=template,
        # Invites come from the organiser mailbox, where calendar replies go.
        from_email=from_email or (organiser_from() if calendar is not None else settings.DEFAULT_FROM_EMAIL),
        reply_to=list(reply_to or ([settings.KINFOLK_ORGANISER_EMAIL] if calendar is not None else [])),
        to=recipients,
        subject=subject[:500],
        text=text,
        html=html,
        calendar=calendar.to_ical().decode() if calendar is not None else "",
        calendar_method=method,
        message_id=f"<{uuid.uuid4().hex}@{_message_id_domain()}>",
        send_after=send_after or timezone.now(),
    )
    message.full_clean()
    try:
        # A savepoint, so a concurrent insert of the same key does not poison the
        # caller's transaction.
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return OutboxMessage.objects.get(idempotency_key=idempotency_key)
    transaction.on_commit(lambda: enqueue_send_task(message.pk))
    return message


def enqueue_send_task(message_id: int) -> None:
    """Hand the row to a worker now. If the broker is down, the sweep sends it instead."""
    from django_q.tasks import async_task

    try:
        async_task(
            "outbox.tasks.send_outbox_message",
            message_id,
            task_name=f"outbox-{message_id}",
        )
    except Exception:  # the broker is optional: the sweep is the guarantee
        logger.warning(
            "Could not queue outbox message %s; the sweep will send it.",
            message_id,
            exc_info=True,
        )


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The MIME message: text, HTML and (for invites) a text/calendar part and an .ics.

    Outlook recognises an invite by a `text/calendar; method=…` part inside the
    multipart/alternative; the .ics attachment serves clients that ignore it.
    """
    headers = {"Message-ID": message.message_id, "X-Kinfolk-Outbox": str(message.pk)}
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=message.from_email,
        to=list(message.to),
        reply_to=list(message.reply_to) or None,
        headers=headers,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    if message.calendar:
        method = message.calendar_method or "PUBLISH"
        email.attach_alternative(message.calendar, f"text/calendar; method={method}")
        email.attach("invite.ics", message.calendar.encode(), "application/ics")
    return email


def backoff(attempts: int) -> dt.timedelta:
    delay = dt.timedelta(seconds=settings.KINFOLK_OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def _claimable(now: dt.datetime) -> Q:
    return Q(
        status=OutboxStatus.PENDING,
        send_after__lte=now,
        attempts__lt=settings.KINFOLK_OUTBOX_MAX_ATTEMPTS,
    ) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))


def claim(message_id: int) -> str | None:
    """Take the lease on a due row; None if it is not due, sent, dead or held by another worker."""
    now = timezone.now()
    token = secrets.token_hex(16)
    claimed = OutboxMessage.objects.filter(_claimable(now), pk=message_id).update(
        lease_until=now + dt.timedelta(seconds=settings.KINFOLK_OUTBOX_LEASE_SECONDS),
        lease_token=token,
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


def send_message(message_id: int) -> str:
    """Send one row if it is due. Returns "sent", "retry", "deferred", "dead" or "skipped"."""
    token = claim(message_id)
    if token is None:
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # every failure is recorded and retried; nothing is lost
        if relay_unreachable(exc):
            return _record_relay_down(message, token, exc)
        return _record_failure(message, token, exc)
    try:
        if connection.send_messages([build_email(message)]) != 1:
            raise RuntimeError("The mail backend accepted no message.")
    except Exception as exc:  # every failure is recorded and retried; nothing is lost
        return _record_failure(message, token, exc)
    finally:
        _close_quietly(connection)
    # Sent is final whoever holds the lease now.
    OutboxMessage.objects.filter(pk=message_id).exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        lease_until=None,
        lease_token=NO_LEASE,
        last_error="",
        dead_at=None,
    )
    return "sent"


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # the message's fate is already decided; a failed QUIT changes nothing
        logger.debug("Closing the mail connection failed.", exc_info=True)


def relay_unreachable(exc: BaseException) -> bool:
    """The relay could not be reached at all: nothing was handed over, so no attempt is used up.

    Refused or reset connections, timeouts, DNS failures and a relay that will not
    greet us (SMTPConnectError, or hanging up before the greeting). Authentication
    and TLS failures are not here: they are configuration faults someone must see.
    """
    return isinstance(
        exc,
        (
            ConnectionError,
            TimeoutError,
            socket.gaierror,
            smtplib.SMTPConnectError,
            smtplib.SMTPServerDisconnected,
        ),
    )


_EMAIL_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*", re.UNICODE)


def scrub_addresses(text: str) -> str:
    """The text with every email address replaced: SMTP errors quote recipients, and logs must not."""
    return _EMAIL_ADDRESS.sub("<address>", text)


def _describe_error(exc: Exception) -> str:
    return scrub_addresses(f"{type(exc).__name__}: {exc}")[:2000]


def _record_relay_down(message: OutboxMessage, token: str, exc: Exception) -> str:
    """Give back the attempt the claim counted and try again after a fixed wait."""
    now = timezone.now()
    error = f"Relay unreachable at {now:%Y-%m-%d %H:%M:%S}Z (attempt not counted): {_describe_error(exc)}"
    updated = OutboxMessage.objects.filter(
        pk=message.pk, lease_token=token, status=OutboxStatus.PENDING, attempts__gt=0
    ).update(
        attempts=F("attempts") - 1,
        send_after=now + dt.timedelta(seconds=settings.KINFOLK_OUTBOX_RELAY_DOWN_RETRY_SECONDS),
        lease_until=None,
        lease_token=NO_LEASE,
        last_error=error,
    )
    if updated:
        logger.warning("Outbox message %s deferred: the relay is unreachable (%s).", message.pk, type(exc).__name__)
    return "deferred"


def _record_failure(message: OutboxMessage, token: str, exc: Exception) -> str:
    now = timezone.now()
    attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message.pk)
    error = f"Attempt {attempts} at {now:%Y-%m-%d %H:%M:%S}Z: {_describe_error(exc)}"
    mine = OutboxMessage.objects.filter(pk=message.pk, lease_token=token, status=OutboxStatus.PENDING)
    if attempts >= settings.KINFOLK_OUTBOX_MAX_ATTEMPTS:
        mine.update(
            status=OutboxStatus.DEAD,
            dead_at=now,
            lease_until=None,
            lease_token=NO_LEASE,
            last_error=error,
        )
        logger.error(
            "Outbox message %s is dead after %s attempts: %s",
            message.pk,
            attempts,
            error,
        )
        return "dead"
    mine.update(
        send_after=now + backoff(attempts),
        lease_until=None,
        lease_token=NO_LEASE,
        last_error=error,
    )
    logger.warning(
        "Outbox message %s failed (attempt %s), will retry: %s",
        message.pk,
        attempts,
        error,
    )
    return "retry"


def bury_stranded(*, now: dt.datetime | None = None) -> int:
    """Rows whose last attempt's worker died mid-send: dead, so an administrator sees them."""
    now = now or timezone.now()
    # No lease at all counts too: a row can reach its last attempt unleased (an
    # administrator lowered KINFOLK_OUTBOX_MAX_ATTEMPTS), and would otherwise sit
    # pending for ever, never claimed and never shown.
    return OutboxMessage.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        status=OutboxStatus.PENDING,
        attempts__gte=settings.KINFOLK_OUTBOX_MAX_ATTEMPTS,
    ).update(
        status=OutboxStatus.DEAD,
        dead_at=now,
        lease_until=None,
        lease_token=NO_LEASE,
        last_error=Concat(
            Value("The worker stopped during the last attempt (lease ran out). "),
            F("last_error"),
        ),
    )


def due_message_ids(*, limit: int = 200) -> list[int]:
    return list(
        OutboxMessage.objects.filter(_claimable(timezone.now()))
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def send_due_messages(*, limit: int = 200, time_budget: float | None = None) -> int:
    """The sweep: send due rows (new, retrying, or stranded by a dead worker).

    Stops early when the relay keeps failing or the time budget (under the
    django-q2 task timeout) is spent: the rest stay due for the next run.
    """
    bury_stranded()
    budget = time_budget if time_budget is not None else settings.KINFOLK_OUTBOX_SWEEP_SECONDS
    started = time.monotonic()
    sent = failures_in_a_row = 0
    for message_id in due_message_ids(limit=limit):
        if time.monotonic() - started > budget:
            break
        outcome = send_message(message_id)
        if outcome == "sent":
            sent += 1
            failures_in_a_row = 0
        elif outcome in {"retry", "deferred", "dead"}:
            failures_in_a_row += 1
            if failures_in_a_row >= CONSECUTIVE_FAILURES_TO_STOP:
                logger.warning(
                    "Outbox sweep stopped after %s failures in a row.",
                    failures_in_a_row,
                )
                break
    return sent


@transaction.atomic
def retry_message(*, message: OutboxMessage) -> OutboxMessage:
    """An administrator sends a dead row again, with a fresh set of attempts."""
    if message.status != OutboxStatus.DEAD:
        raise ValidationError("Only a failed message can be tried again.")
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        send_after=timezone.now(),
        dead_at=None,
        lease_until=None,
    )
    audit.record(action=AuditAction.UPDATE, obj=message, detail={"outbox": "retry"})
    transaction.on_commit(lambda: enqueue_send_task(message.pk))
    message.refresh_from_db()
    return message


@transaction.atomic
def retry_dead_messages() -> int:
    """An administrator sends every dead row again (after a relay outage is over). Returns how many."""
    ids = list(OutboxMessage.objects.filter(status=OutboxStatus.DEAD).values_list("pk", flat=True))
    if not ids:
        return 0
    retried = OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        send_after=timezone.now(),
        dead_at=None,
        lease_until=None,
        lease_token=NO_LEASE,
    )
    audit.record(
        action=AuditAction.UPDATE,
        object_type="outbox.OutboxMessage",
        object_id="dead",
        detail={"outbox": "retry-all-dead", "count": retried},
    )
    # The sweep picks them up within a minute; queueing hundreds of tasks at once
    # would only race it.
    return retried


def clean_up_sent(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.KINFOLK_OUTBOX_KEEP_DAYS)
    deleted, _ = OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__lt=cutoff).delete()
    return deleted
