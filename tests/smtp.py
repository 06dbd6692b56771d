"""A real SMTP server for tests (aiosmtpd), with switchable faults.

    def test_x(smtp_server):
        smtp_server.fail_next("4xx")      # or "5xx", "refuse-rcpt", "drop", "stall"
        ... send ...
        smtp_server.messages              # list[email.message.EmailMessage] accepted

Faults apply to the next DATA (or RCPT) exchanges in order; "drop" closes the
connection after the whole message has been received but before the reply, as a
relay that crashes mid-transaction would.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RecordingHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.faults: list[str] = []
        self.received_then_dropped: list[EmailMessage] = []
        self.stall = threading.Event()
        self.lock = threading.Lock()

    def _next_fault(self, stage: str) -> str | None:
        with self.lock:
            if self.faults and (self.faults[0] == "refuse-rcpt") == (stage == "rcpt"):
                return self.faults.pop(0)
        return None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if self._next_fault("rcpt") == "refuse-rcpt":
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        fault = self._next_fault("data")
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        if fault == "4xx":
            return "451 4.3.0 Temporary failure, try again later"
        if fault == "5xx":
            return "554 5.7.1 Message rejected"
        if fault == "drop":
            self.received_then_dropped.append(parsed)
            session.transport.close() if getattr(session, "transport", None) else server.transport.close()
            return "421 closing"
        if fault == "stall":
            # Hold the sender until the test lets go (or for a minute).
            await asyncio.get_running_loop().run_in_executor(None, self.stall.wait, 60)
        with self.lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, controller: Controller, handler: RecordingHandler) -> None:
        self.controller = controller
        self.handler = handler
        self.host = "127.0.0.1"
        self.port: int = controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def fail_next(self, *faults: str) -> None:
        self.handler.faults.extend(faults)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield SMTPServer(controller, handler)
    finally:
        handler.stall.set()
        controller.stop()
