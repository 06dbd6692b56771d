"""outbox.services under fault injection: nothing lost, nothing sent twice, dead after the last attempt.

Faults are real: a real SMTP server (aiosmtpd) answering 4xx, 5xx, refusing a
recipient or dropping the connection after DATA; a closed port; a worker killed
mid-batch (in-process, and on PostgreSQL a real `kill -9` of a sending process).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess  # nosec B404: starts our own manage.py
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.db import connection, transaction
from django.utils import timezone

from outbox import services as outbox
from outbox.models import OutboxMessage, OutboxStatus
from tests.smtp import SMTPServer, free_port

MAX = 4
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _few_attempts(settings: Any) -> None:
    settings.KINFOLK_OUTBOX_MAX_ATTEMPTS = MAX
    settings.KINFOLK_OUTBOX_BACKOFF_SECONDS = 60


def _queue(n: int = 1, *, prefix: str = "test") -> list[OutboxMessage]:
    return [
        outbox.enqueue_email(
            to=[f"person{i}@example.gov.uk"],
            template="notice",
            context={"subject": f"Notice {i}", "body": f"message {i}"},
            idempotency_key=f"{prefix}:{i}",
        )
        for i in range(n)
    ]


def _make_due() -> None:
    """Skip the backoff wait, as time passing would."""
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(
        send_after=timezone.now() - dt.timedelta(seconds=1)
    )


def _row(message: OutboxMessage) -> OutboxMessage:
    message.refresh_from_db()
    return message


def test_an_email_queued_in_a_transaction_that_rolls_back_is_never_sent(smtp_server: SMTPServer) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue(1)
        raise RuntimeError("the change failed")
    assert outbox.send_due_messages() == 0
    assert smtp_server.messages == []


def test_the_same_idempotency_key_queues_and_sends_one_email(smtp_server: SMTPServer) -> None:
    first = _queue(1)[0]
    again = _queue(1)[0]
    assert first.pk == again.pk
    outbox.send_due_messages()
    outbox.send_due_messages()
    outbox.send_message(first.pk)
    assert len(smtp_server.messages) == 1
    assert _row(first).status == OutboxStatus.SENT


def test_a_sent_email_carries_the_marking_and_its_stable_message_id(smtp_server: SMTPServer) -> None:
    [message] = _queue(1)
    outbox.send_due_messages()
    [received] = smtp_server.messages
    assert str(received["Subject"]).strip().startswith("OFFICIAL-SENSITIVE: ")
    assert received["Message-ID"] == message.message_id


@pytest.mark.parametrize(
    ("host", "error"),
    [("127.0.0.1", "ConnectionRefusedError"), ("relay.kinfolk.invalid", "gaierror")],
    ids=["refused", "dns"],
)
def test_an_unreachable_relay_uses_up_no_attempts_however_long_the_outage(
    settings: Any, smtp_server: SMTPServer, host: str, error: str
) -> None:
    real_port = smtp_server.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = host, free_port(), 2
    [message] = _queue(1)
    for _ in range(MAX * 3):  # far more tries than the attempts allowed
        before = timezone.now()
        _make_due()
        outbox.send_due_messages()
        row = _row(message)
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
        assert row.send_after >= before + dt.timedelta(seconds=settings.KINFOLK_OUTBOX_RELAY_DOWN_RETRY_SECONDS)
    assert error in row.last_error and "attempt not counted" in row.last_error
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", real_port  # the relay is back
    _make_due()
    outbox.send_due_messages()
    assert (_row(message).status, _row(message).attempts) == (OutboxStatus.SENT, 1)
    assert len(smtp_server.messages) == 1


def test_a_relay_that_answers_but_keeps_failing_backs_off_exponentially_and_dies_after_the_last_attempt(
    smtp_server: SMTPServer,
) -> None:
    smtp_server.fail_next(*["4xx"] * MAX)
    [message] = _queue(1)
    before = timezone.now()
    outbox.send_due_messages()
    row = _row(message)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.send_after >= before + dt.timedelta(seconds=60)
    delays = []
    for _ in range(MAX - 1):
        previous = timezone.now()
        _make_due()
        outbox.send_due_messages()
        row = _row(message)
        if row.status == OutboxStatus.PENDING:
            delays.append(round((row.send_after - previous).total_seconds() / 60))
    assert delays == [2, 4]  # exponential backoff: 1, 2, 4 minutes
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, MAX)
    assert row.dead_at is not None
    _make_due()
    outbox.send_due_messages()
    assert _row(message).attempts == MAX  # a dead row is not tried again by the sweep


def test_a_temporary_4xx_is_retried_and_the_email_arrives_once(smtp_server: SMTPServer) -> None:
    smtp_server.fail_next("4xx")
    [message] = _queue(1)
    outbox.send_due_messages()
    assert "451" in _row(message).last_error
    assert smtp_server.messages == []
    _make_due()
    outbox.send_due_messages()
    assert len(smtp_server.messages) == 1
    assert (_row(message).status, _row(message).attempts) == (OutboxStatus.SENT, 2)


def test_a_refused_recipient_is_retried(smtp_server: SMTPServer) -> None:
    smtp_server.fail_next("refuse-rcpt")
    [message] = _queue(1)
    outbox.send_due_messages()
    assert "SMTPRecipientsRefused" in _row(message).last_error
    _make_due()
    outbox.send_due_messages()
    assert len(smtp_server.messages) == 1


def test_a_relay_answering_5xx_every_time_ends_in_dead_after_the_last_attempt(smtp_server: SMTPServer) -> None:
    smtp_server.fail_next(*["5xx"] * MAX)
    [message] = _queue(1)
    for _ in range(MAX):
        outbox.send_due_messages()
        _make_due()
    row = _row(message)
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, MAX)
    assert "554" in row.last_error
    assert smtp_server.messages == []


def test_an_administrator_can_send_every_dead_message_again_at_once(smtp_server: SMTPServer) -> None:
    smtp_server.fail_next(*["5xx"] * (MAX * 2))
    messages = _queue(3)
    for _ in range(MAX):
        for message in messages[:2]:
            outbox.send_message(message.pk)
        _make_due()
    assert [_row(m).status for m in messages] == [OutboxStatus.DEAD, OutboxStatus.DEAD, OutboxStatus.PENDING]
    assert outbox.retry_dead_messages() == 2
    assert {(_row(m).status, _row(m).attempts) for m in messages[:2]} == {(OutboxStatus.PENDING, 0)}
    assert outbox.retry_dead_messages() == 0
    outbox.send_due_messages()
    assert all(_row(m).status == OutboxStatus.SENT for m in messages)
    assert len(smtp_server.messages) == 3


def test_an_administrator_can_send_a_dead_message_again(smtp_server: SMTPServer, ada: Any) -> None:
    smtp_server.fail_next(*["5xx"] * MAX)
    [message] = _queue(1)
    for _ in range(MAX):
        outbox.send_due_messages()
        _make_due()
    outbox.retry_message(message=_row(message))
    outbox.send_due_messages()
    assert (_row(message).status, len(smtp_server.messages)) == (OutboxStatus.SENT, 1)


def test_a_connection_dropped_after_data_is_retried_so_the_email_is_not_lost(smtp_server: SMTPServer) -> None:
    smtp_server.fail_next("drop")
    [message] = _queue(1)
    outbox.send_due_messages()
    row = _row(message)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error or "SMTPDataError" in row.last_error
    _make_due()
    outbox.send_due_messages()
    # At least once: the relay saw the dropped copy, then accepted the retry with
    # the same Message-ID, which lets a receiving system drop the duplicate.
    [dropped] = smtp_server.handler.received_then_dropped
    [delivered] = smtp_server.messages
    assert dropped["Message-ID"] == delivered["Message-ID"] == message.message_id
    assert _row(message).status == OutboxStatus.SENT


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: no `except Exception` runs, nothing is recorded."""


def test_a_worker_killed_mid_batch_leaves_the_message_leased_and_it_is_sent_once_the_lease_runs_out(
    smtp_server: SMTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = _queue(5)
    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def dies_on_the_second(self: EmailBackend, email_messages: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise WorkerKilled
        return real_send(self, email_messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dies_on_the_second)
    with pytest.raises(WorkerKilled):
        outbox.send_due_messages()
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    states = [(_row(m).status, _row(m).attempts, _row(m).lease_until is not None) for m in messages]
    assert states == [
        (OutboxStatus.SENT, 1, False),
        (OutboxStatus.PENDING, 1, True),  # claimed by the dead worker
        (OutboxStatus.PENDING, 0, False),
        (OutboxStatus.PENDING, 0, False),
        (OutboxStatus.PENDING, 0, False),
    ]
    outbox.send_due_messages()  # another worker: the leased row is not touched yet
    assert _row(messages[1]).status == OutboxStatus.PENDING
    OutboxMessage.objects.filter(pk=messages[1].pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    outbox.send_due_messages()
    assert all(_row(m).status == OutboxStatus.SENT for m in messages)
    received = sorted(str(m["To"]) for m in smtp_server.messages)
    assert received == sorted(f"person{i}@example.gov.uk" for i in range(5))  # each exactly once


def test_a_worker_killed_during_the_last_attempt_leaves_the_row_dead_for_an_administrator() -> None:
    [message] = _queue(1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=MAX, lease_until=timezone.now() - dt.timedelta(seconds=1), last_error="earlier failure"
    )
    outbox.send_due_messages()
    row = _row(message)
    assert row.status == OutboxStatus.DEAD
    assert row.last_error.startswith("The worker stopped during the last attempt")


def test_a_row_that_reached_its_last_attempt_without_a_lease_is_buried_not_left_pending() -> None:
    [message] = _queue(1)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX, lease_until=None, last_error="earlier failure")
    assert outbox.bury_stranded() == 1
    row = _row(message)
    assert row.status == OutboxStatus.DEAD and row.dead_at is not None


def test_a_row_still_leased_on_its_last_attempt_is_not_buried() -> None:
    [message] = _queue(1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=MAX, lease_until=timezone.now() + dt.timedelta(minutes=1)
    )
    assert outbox.bury_stranded() == 0
    assert _row(message).status == OutboxStatus.PENDING


def test_recipients_addresses_never_reach_the_log_or_the_stored_error(
    smtp_server: SMTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.fail_next(*["refuse-rcpt"] * MAX)
    [message] = _queue(1)
    with caplog.at_level(logging.DEBUG):
        for _ in range(MAX):
            outbox.send_due_messages()
            _make_due()
    row = _row(message)
    assert row.status == OutboxStatus.DEAD
    assert "SMTPRecipientsRefused" in row.last_error and "<address>" in row.last_error
    assert "person0" not in row.last_error and "@" not in row.last_error
    # Kinfolk's own loggers (the test relay's mail.log logs its own conversation).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("outbox"))
    assert f"Outbox message {message.pk}" in logged
    assert "person0" not in logged and "@" not in logged
    assert "person0" not in str(row)


def test_a_sweep_stops_early_when_the_relay_keeps_failing(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    _queue(10)
    outbox.send_due_messages()
    tried = OutboxMessage.objects.exclude(last_error="").count()
    assert tried == 3
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {0}


def test_two_workers_never_hold_the_same_row() -> None:
    [message] = _queue(1)
    assert outbox.claim(message.pk) is not None
    assert outbox.claim(message.pk) is None


def test_sent_rows_are_cleaned_up_after_the_keep_period(smtp_server: SMTPServer) -> None:
    [old, recent] = _queue(2)
    outbox.send_due_messages()
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=timezone.now() - dt.timedelta(days=91))
    assert outbox.clean_up_sent() == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # overrides the module mark
def test_a_sending_process_killed_with_sigkill_loses_nothing(smtp_server: SMTPServer, tmp_path: Path) -> None:
    """A real `kill -9` of `manage.py send_outbox` while the relay holds its second message."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a second process must see the test database")
    messages = _queue(4, prefix="kill")
    smtp_server.fail_next("ok", "stall")  # the first goes through, the second hangs in DATA
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "KINFOLK_OUTBOX_MAX_ATTEMPTS": str(MAX),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    root = Path(settings.BASE_DIR)
    worker = subprocess.Popen(  # noqa: S603  # nosec B603: fixed argv
        [sys.executable, str(root / "manage.py"), "send_outbox"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not OutboxMessage.objects.filter(status=OutboxStatus.SENT).exists():
            time.sleep(0.1)
        time.sleep(0.5)  # let it claim the second and hang in DATA
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    smtp_server.handler.stall.set()
    states = sorted((m.status, m.attempts) for m in (_row(m) for m in messages))
    assert states.count((OutboxStatus.SENT, 1)) == 1
    assert (OutboxStatus.PENDING, 1) in states  # the one in flight: leased, not lost
    OutboxMessage.objects.update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    outbox.send_due_messages()
    assert all(_row(m).status == OutboxStatus.SENT for m in messages)
    addresses = [str(m["To"]) for m in smtp_server.messages]
    assert sorted(set(addresses)) == sorted(f"person{i}@example.gov.uk" for i in range(4))


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # overrides the module mark
def test_two_workers_sweeping_at_once_send_each_row_exactly_once(smtp_server: SMTPServer) -> None:
    """Two threads, each with its own database connection, race over the same due rows."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    messages = _queue(30, prefix="race")
    start = threading.Barrier(2)
    outcomes: list[list[str]] = [[], []]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        from django.db import connection as own_connection

        try:
            start.wait()
            for message in messages:
                outcomes[n].append(outbox.send_message(message.pk))
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            own_connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert outcomes[0].count("sent") + outcomes[1].count("sent") == 30
    assert all(a != b for a, b in zip(*outcomes, strict=True))  # each row: one sent it, the other skipped
    assert sorted(str(m["To"]) for m in smtp_server.messages) == sorted(f"person{i}@example.gov.uk" for i in range(30))
    assert {(_row(m).status, _row(m).attempts) for m in messages} == {(OutboxStatus.SENT, 1)}


def test_the_job_settings_refuse_a_task_timeout_not_shorter_than_the_retry() -> None:
    from tests.test_settings import run_settings

    result = run_settings({"DEBUG": "1", "Q_TIMEOUT": "180", "Q_RETRY": "180"})
    assert result.returncode != 0
    assert "Q_TIMEOUT must be shorter than Q_RETRY" in result.stderr
    assert run_settings({"DEBUG": "1", "Q_TIMEOUT": "150", "Q_RETRY": "180"}).returncode == 0
