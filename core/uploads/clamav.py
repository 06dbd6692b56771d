"""A small client for ClamAV's daemon (clamd): PING, VERSION and INSTREAM, nothing else.

The `clamd` package on PyPI was last released in 2014: it sets its timeout only
after connecting (a TCP connect to a dead host hangs), writes with `send` rather
than `sendall` (a short write corrupts the stream's framing), lets a broken pipe
escape as a bare OSError, and reads its own version through `pkg_resources`.
The protocol is a few lines, so it is written here, with a timeout on every
step and every failure reported as ScannerUnavailable.

Protocol (clamd(8)): `zINSTREAM\\0`, then chunks each led by its length as a
4-byte big-endian number, then a zero length; clamd answers one line ending in
NUL: `stream: OK`, `stream: <signature> FOUND` or `<message> ERROR`.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """clamd could not be reached, did not answer in time, or answered with an error."""


@dataclass(frozen=True)
class Verdict:
    signature: str = ""

    @property
    def infected(self) -> bool:
        return bool(self.signature)


def scanning_enabled() -> bool:
    return bool(settings.KINFOLK_MALWARE_SCAN)


def describe_address() -> str:
    """Where clamd is expected, for log lines (never a secret: a path or host and port)."""
    if settings.KINFOLK_CLAMD_SOCKET:
        return f"unix:{settings.KINFOLK_CLAMD_SOCKET}"
    return f"tcp:{settings.KINFOLK_CLAMD_HOST}:{settings.KINFOLK_CLAMD_PORT}"


def _connect() -> socket.socket:
    timeout = float(settings.KINFOLK_CLAMD_TIMEOUT)
    try:
        if settings.KINFOLK_CLAMD_SOCKET:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(timeout)  # before connect: a full listen queue must not hang us
            try:
                conn.connect(settings.KINFOLK_CLAMD_SOCKET)
            except BaseException:
                conn.close()
                raise
            return conn
        if not settings.KINFOLK_CLAMD_HOST:
            raise ScannerUnavailable("no clamd address is configured")
        return socket.create_connection((settings.KINFOLK_CLAMD_HOST, settings.KINFOLK_CLAMD_PORT), timeout=timeout)
    except OSError as exc:
        raise ScannerUnavailable(f"cannot connect to clamd at {describe_address()}: {exc}") from exc


def _read_reply(conn: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < MAX_REPLY_BYTES:
        part = conn.recv(MAX_REPLY_BYTES)
        if not part:
            break
        reply += part
    if not reply:
        raise ScannerUnavailable("clamd closed the connection without answering")
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping() -> None:
    """Raise ScannerUnavailable unless clamd answers PONG."""
    with _connect() as conn:
        try:
            conn.sendall(b"zPING\0")
            reply = _read_reply(conn)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd did not answer PING: {exc}") from exc
    if reply != "PONG":
        raise ScannerUnavailable(f"clamd answered PING with {reply!r}")


def version() -> str:
    """clamd's version and its signature database's version and date, e.g. `ClamAV 1.4.6/27830/Tue Nov 24 ...`."""
    with _connect() as conn:
        try:
            conn.sendall(b"zVERSION\0")
            return _read_reply(conn)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd did not answer VERSION: {exc}") from exc


def scan(stream: IO[bytes]) -> Verdict:
    """Stream the file to clamd and return its verdict; ScannerUnavailable if there is none."""
    stream.seek(0)
    with _connect() as conn:
        try:
            conn.sendall(b"zINSTREAM\0")
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = _read_reply(conn)
        except (BrokenPipeError, ConnectionResetError) as exc:
            # clamd hangs up mid-stream when the file passes its StreamMaxLength.
            raise ScannerUnavailable(
                f"clamd closed the stream early ({exc}); is StreamMaxLength below KINFOLK_UPLOAD_MAX_BYTES?"
            ) from exc
        except OSError as exc:
            raise ScannerUnavailable(f"clamd did not answer: {exc}") from exc
        finally:
            stream.seek(0)
    _, _, verdict = reply.partition(": ")
    if reply.endswith(" FOUND") and verdict:
        return Verdict(signature=verdict.removesuffix(" FOUND").strip() or "unknown")
    if reply.endswith(": OK"):
        return Verdict()
    raise ScannerUnavailable(f"clamd answered {reply!r}")
