"""The processes of the production-stack check: two gunicorns, two django-q2 clusters, an SMTP server.

Each process is started in its own process group with the documented command
(through bench.prodstack.clock, which only shifts the clock), logs to a file,
and is stopped with its whole group: a cluster's sentinel, pusher, monitor and
workers die with it, as on a machine that loses power. `Stack.stop_all` runs
from a `finally`, so nothing outlives the check, whatever failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Arrival:
    """One message as the SMTP server accepted it, with the (shifted) time it arrived."""

    at: dt.datetime
    message: EmailMessage
    recipients: list[str]

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")

    @property
    def outbox_id(self) -> int | None:
        value = self.message["X-Kinfolk-Outbox"]
        return int(str(value)) if value else None


@dataclass
class MailDrop:
    """aiosmtpd's handler: keeps every accepted message. Stands in for the council's relay."""

    arrivals: list[Arrival] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from django.utils import timezone

        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.arrivals.append(Arrival(timezone.now(), parsed, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[Arrival]:
        with self.lock:
            return list(self.arrivals)


@dataclass
class Process:
    name: str
    argv: list[str]
    popen: subprocess.Popen[bytes]
    log: Path


class Stack:
    def __init__(self, *, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.processes: dict[str, Process] = {}
        self.smtp: Controller | None = None
        self.mail = MailDrop()

    # --- SMTP ---------------------------------------------------------------------
    def start_smtp(self, port: int) -> None:
        self.smtp = Controller(self.mail, hostname="127.0.0.1", port=port)
        self.smtp.start()

    # --- processes ----------------------------------------------------------------
    def start(self, name: str, *args: str) -> Process:
        argv = [sys.executable, "-m", "bench.prodstack.clock", *args]
        log = self.logs / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = Process(name, list(args), popen, log)
        self.processes[name] = process
        return process

    def start_web(self, name: str, port: int, workers: int) -> Process:
        return self.start(
            name,
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
        )

    def start_cluster(self, name: str) -> Process:
        return self.start(name, "manage.py", "qcluster")

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Signal the process's whole group (the cluster and every process it forked)."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, sig)
        try:
            process.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.popen.pid, signal.SIGKILL)
            process.popen.wait(timeout=15)
        self._wait_group_gone(process.popen.pid)

    @staticmethod
    def _wait_group_gone(pgid: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            return

    def check_alive(self) -> None:
        for process in self.processes.values():
            code = process.popen.poll()
            if code is not None:
                raise RuntimeError(f"{process.name} exited with {code}:\n{tail(process.log)}")

    def stop_all(self) -> None:
        """SIGTERM every group, then SIGKILL what is left after ten seconds. Never raises."""
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.popen.wait(timeout=max(deadline - time.monotonic(), 0.1))
            self._wait_group_gone(process.popen.pid, timeout=max(deadline - time.monotonic(), 0.1))
        if self.smtp is not None:
            try:
                self.smtp.stop()
            except Exception as exc:  # the check's verdict is already decided
                print(f"(stopping the SMTP server: {exc})")
            self.smtp = None

    # --- readiness ----------------------------------------------------------------
    def wait_for_web(self, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn on {port} did not answer /healthz within {timeout} s")

    def wait_for_clusters(self, names: list[str], timeout: float = 60) -> None:
        """Until each named cluster has reported itself to Redis (django-q2's Stat)."""
        from django_q.brokers import get_broker
        from django_q.status import Stat

        pids = {self.processes[name].popen.pid for name in names}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            seen = {stat.pid for stat in Stat.get_all(get_broker())}
            if pids <= seen:
                return
            time.sleep(0.3)
        raise RuntimeError(f"django-q2 clusters {names} did not report within {timeout} s")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
