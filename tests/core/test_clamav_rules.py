"""The ClamAV client (core/uploads/clamav.py) against a scripted daemon: what counts as an answer.

The real test clamd (tests/clamd.py) answers as clamd does; the daemon here
answers as a broken, slow or odd one might, one reply per connection, so each
way of failing is tried on its own. Every failure must refuse the upload
(fail closed), never pass it.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from core.uploads import clamav
from tests.clamd import SIGNATURE, ClamdDaemon
from tests.core import uploads_corpus as corpus

HOLD = b"<hold the connection open>"


@dataclass
class Daemon:
    """Answers each connection with the next script: a list of pieces sent one by one, then it hangs up."""

    path: str
    scripts: list[list[bytes]] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)


def _read_request(conn: socket.socket) -> bytes:
    """The command, and for INSTREAM every chunk up to the zero length (which is all a daemon sees)."""
    data = b""
    while b"\0" not in data:
        data += conn.recv(1)
    if not data.startswith(b"zINSTREAM"):
        return data
    while True:
        size = struct.unpack("!L", _exactly(conn, 4))[0]
        if size == 0:
            return data
        data += _exactly(conn, size)


def _exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = conn.recv(n - len(data))
        if not part:
            raise ConnectionError("the client hung up")
        data += part
    return data


@pytest.fixture
def daemon(tmp_path: Path, settings: Any) -> Iterator[Daemon]:
    fake = Daemon(str(tmp_path / "clamd.sock"))
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(fake.path)
    server.listen(5)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    fake.received.append(_read_request(conn))
                    for piece in fake.scripts.pop(0) if fake.scripts else []:
                        if piece == HOLD:  # keep the connection open until the client hangs up
                            while conn.recv(1024):
                                pass
                        else:
                            conn.sendall(piece)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.KINFOLK_CLAMD_SOCKET = fake.path
    settings.KINFOLK_CLAMD_TIMEOUT = 5
    yield fake
    stop.set()
    thread.join(timeout=5)
    server.close()


def test_a_reply_that_arrives_in_pieces_is_read_whole(daemon: Daemon) -> None:
    daemon.scripts.append([b"stream: Win.Test", b".Bad FOUND\0"])
    assert clamav.scan(BytesIO(b"data")).signature == "Win.Test.Bad"


def test_a_reply_without_its_closing_nul_still_counts_when_the_daemon_hangs_up(daemon: Daemon) -> None:
    daemon.scripts.append([b"stream: OK"])
    assert not clamav.scan(BytesIO(b"data")).infected


def test_a_find_without_a_name_is_still_a_find(daemon: Daemon) -> None:
    daemon.scripts.append([b"stream:  FOUND\0"])
    verdict = clamav.scan(BytesIO(b"data"))
    assert verdict.infected and verdict.signature == "unknown"


@pytest.mark.parametrize(
    "reply",
    [b"", b"Scanner FOUND\0", b"OK\0", b"x" * 5000],
    ids=["nothing", "found-without-a-stream", "ok-without-a-stream", "endless"],
)
def test_a_reply_that_is_not_a_verdict_makes_the_scanner_unavailable(daemon: Daemon, reply: bytes) -> None:
    daemon.scripts.append([reply])
    with pytest.raises(clamav.ScannerUnavailable):
        clamav.scan(BytesIO(b"data"))


def test_a_file_larger_than_one_chunk_reaches_the_daemon_whole_and_in_order(daemon: Daemon) -> None:
    data = bytes(range(256)) * 1000  # 256 KB, four chunks
    daemon.scripts.append([b"stream: OK\0"])
    clamav.scan(BytesIO(data))
    assert daemon.received == [b"zINSTREAM\0" + data]


def test_the_file_can_be_read_again_from_its_start_after_a_scan(daemon: Daemon) -> None:
    daemon.scripts.append([b"stream: OK\0"])
    upload = BytesIO(b"%PDF-1.4 whole file")
    upload.seek(5)
    clamav.scan(upload)
    assert upload.read() == b"%PDF-1.4 whole file"
    assert daemon.received == [b"zINSTREAM\0%PDF-1.4 whole file"]


def test_a_daemon_that_answers_ping_with_anything_but_pong_is_unavailable(daemon: Daemon) -> None:
    daemon.scripts += [[b"PONG\0"], [b"PANG\0"]]
    clamav.ping()
    with pytest.raises(clamav.ScannerUnavailable, match="answered PING with 'PANG'"):
        clamav.ping()
    assert daemon.received == [b"zPING\0", b"zPING\0"]


def test_the_version_is_what_the_daemon_says(daemon: Daemon) -> None:
    daemon.scripts.append([b"ClamAV 1.4.6/27830/Tue Nov 24\0"])
    assert clamav.version() == "ClamAV 1.4.6/27830/Tue Nov 24"
    assert daemon.received == [b"zVERSION\0"]


def test_with_no_address_configured_the_scanner_is_unavailable(settings: Any) -> None:
    settings.KINFOLK_CLAMD_SOCKET = ""
    settings.KINFOLK_CLAMD_HOST = ""
    with pytest.raises(clamav.ScannerUnavailable, match="no clamd address is configured"):
        clamav.scan(BytesIO(b"data"))


def test_a_tcp_address_where_nothing_listens_is_unavailable_and_named_in_the_message(settings: Any) -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    settings.KINFOLK_CLAMD_SOCKET = ""
    settings.KINFOLK_CLAMD_HOST = "127.0.0.1"
    settings.KINFOLK_CLAMD_PORT = port
    with pytest.raises(clamav.ScannerUnavailable, match=f"tcp:127.0.0.1:{port}"):
        clamav.scan(BytesIO(b"data"))


def test_a_unix_socket_where_nothing_listens_is_unavailable_and_named_in_the_message(
    settings: Any, tmp_path: Path
) -> None:
    settings.KINFOLK_CLAMD_SOCKET = str(tmp_path / "nobody.sock")
    with pytest.raises(clamav.ScannerUnavailable, match=f"unix:{tmp_path}/nobody.sock"):
        clamav.ping()


def test_the_real_clamd_finds_malware_past_the_first_chunk(clamd: ClamdDaemon) -> None:
    padded = corpus.minimal_pdf(comment=b"x" * (200 * 1024) + corpus.EICAR)
    assert clamav.scan(BytesIO(padded)).signature.startswith(SIGNATURE)


def test_a_reply_ending_in_nul_is_taken_at_once_though_the_daemon_keeps_the_connection_open(daemon: Daemon) -> None:
    daemon.scripts.append([b"stream: OK\0", HOLD])
    started = time.monotonic()
    assert not clamav.scan(BytesIO(b"data")).infected
    assert time.monotonic() - started < 2  # not the 5-second timeout


def test_a_daemon_that_hangs_up_without_giving_its_version_is_unavailable(daemon: Daemon) -> None:
    daemon.scripts.append([b""])
    with pytest.raises(clamav.ScannerUnavailable, match="without answering"):
        clamav.version()
