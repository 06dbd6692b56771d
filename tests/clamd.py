"""A real ClamAV daemon for tests, with a signature database made here (the EICAR test string).

    pytestmark = pytest.mark.usefixtures("clamd")     # every test in a module that uploads

The test settings point KINFOLK_CLAMD_SOCKET at a per-process path
(tests/environment.py), so every upload in a test really goes to clamd; a test
that uploads without this fixture is refused "scanner not available" and fails.
One daemon per test process (pytest-xdist worker), started on first use and
stopped at the end of the session. It reads only the database written here, so
it needs no network and no freshclam. Without Debian's clamav-daemon the tests
that need it are skipped with a reason (a failure under KINFOLK_REQUIRE_ALL=1, as in CI).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.smtp import free_port

CLAMD = os.environ.get("KINFOLK_TEST_CLAMD", "/usr/sbin/clamd")
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Kinfolk.Test.EICAR"
# clamd loads its database in a few seconds here; a slow shared machine gets room.
START_TIMEOUT_SECONDS = 90


@dataclass(frozen=True)
class ClamdDaemon:
    socket_path: str
    tcp_port: int
    log: Path

    def ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(2)
                conn.connect(self.socket_path)
                conn.sendall(b"zPING\0")
                return conn.recv(16).startswith(b"PONG")
        except OSError:
            return False


def _clamd_binary() -> str | None:
    if Path(CLAMD).exists():
        return CLAMD
    return shutil.which("clamd")


def _write_config(folder: Path, socket_path: str, tcp_port: int) -> Path:
    database = folder / "db"
    database.mkdir(exist_ok=True)
    # An extended (.ndb) signature: any file type, anywhere in the file, these bytes.
    (database / "kinfolk-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {socket_path}",
                f"TCPSocket {tcp_port}",
                "TCPAddr 127.0.0.1",
                "Foreground yes",
                f"DatabaseDirectory {database}",
                f"LogFile {folder / 'clamd.log'}",
                f"PidFile {folder / 'clamd.pid'}",
                # As docs/deploy.md asks of production: larger than KINFOLK_UPLOAD_MAX_BYTES.
                "StreamMaxLength 30M",
                "SelfCheck 0",
                "",
            ]
        )
    )
    return config


@pytest.fixture(scope="session")
def clamd() -> Iterator[ClamdDaemon]:
    from tests.conftest import skip_or_fail

    binary = _clamd_binary()
    if binary is None:
        skip_or_fail(f"ClamAV's daemon not found at {CLAMD} (apt-get install clamav-daemon)")
        raise AssertionError("unreachable")  # skip_or_fail raises; this tells mypy
    socket_path = os.environ["KINFOLK_CLAMD_SOCKET"]
    folder = Path(socket_path).parent
    folder.mkdir(parents=True, exist_ok=True)
    daemon = ClamdDaemon(socket_path=socket_path, tcp_port=free_port(), log=folder / "clamd.log")
    config = _write_config(folder, socket_path, daemon.tcp_port)
    with (folder / "clamd.out").open("wb") as output:
        process = subprocess.Popen(  # noqa: S603  (our own binary and config)
            [binary, "--config-file", str(config)], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not daemon.ping():
            if process.poll() is not None or time.monotonic() > deadline:
                log = daemon.log.read_text(errors="replace") if daemon.log.exists() else ""
                out = (folder / "clamd.out").read_text(errors="replace")
                pytest.fail(
                    f"The test clamd did not answer PING on {socket_path} "
                    f"(exit code {process.poll()}).\nclamd output:\n{out}\nclamd log:\n{log}"
                )
            time.sleep(0.2)
        yield daemon
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
