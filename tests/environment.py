"""Loaded by pytest before Django (see addopts `-p tests.environment`).

Tests run with production-shaped settings (DEBUG off) so the security headers
and cookies under test are the ones users get; only what a test machine
cannot provide (HTTPS, a real relay) is relaxed here.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("KINFOLK_DEMO", "0")
# Production settings refuse to start without the organiser mailbox (core diary).
os.environ.setdefault("KINFOLK_ORGANISER_EMAIL", "kinfolk-diary@example.gov.uk")
os.environ.setdefault("KINFOLK_ENFORCE_MFA", "1")
# A private folder per test process: parallel workers (pytest-xdist) must not
# see each other's uploads.
os.environ["KINFOLK_PRIVATE_MEDIA"] = tempfile.mkdtemp(
    prefix=f"kinfolk-test-media-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"
)
os.environ.setdefault("KINFOLK_STATIC_MANIFEST", "0")
# Every upload is scanned by a real clamd that tests/clamd.py starts at this path, one per
# test process; never a developer's own daemon (hence no setdefault).
os.environ.pop("KINFOLK_CLAMD_HOST", None)
os.environ["KINFOLK_MALWARE_SCAN"] = "1"
_clamd_folder = tempfile.mkdtemp(prefix=f"kinfolk-clamd-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
os.environ["KINFOLK_CLAMD_SOCKET"] = f"{_clamd_folder}/clamd.sock"
