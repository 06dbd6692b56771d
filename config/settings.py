"""Kinfolk settings: one file, read from the environment.

Development defaults (SQLite, django-q2's ORM broker, emails kept in the
development outbox) let `make run` work on a fresh machine. Production is the
same file with DEBUG off, which refuses to start without SECRET_KEY and
ALLOWED_HOSTS. See docs/deploy.md for every variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext

from config.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_str

# Lets admin.ModelAdmin[Model] and friends be subscripted at run time, for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# Demo mode: a seeded borough for trying Kinfolk out. It may switch MFA
# enforcement off (with a banner on every page) and keeps email in the
# development outbox.
DEMO_MODE = env_bool("KINFOLK_DEMO", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    try:
        SECRET_KEY = env_str("SECRET_KEY")
    except ImproperlyConfiguredEnv as exc:
        raise ImproperlyConfiguredEnv(
            "SECRET_KEY must be set when DEBUG is off (production). Set DEBUG=1 for local development."
        ) from exc
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfiguredEnv("ALLOWED_HOSTS must list the host names Kinfolk is served on when DEBUG is off.")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfiguredEnv("SECRET_KEY must be a random value of at least 50 characters.")

# Old keys still verify signatures during a key rotation.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# Encrypts TOTP secrets at rest. Separate from SECRET_KEY so that rotating the
# signing key does not lock every user out of their authenticator app.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: `runserver` then leaves /static/ to WhiteNoise, as in production.
    # Django's own development handler answers 500 to /static/%2e%2e/… (it lets the
    # SuspiciousFileOperation escape); WhiteNoise answers 404.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_q",
    "csp",
    # Kinfolk's apps, lower layers first (docs/architecture.md): the demo builders
    # run in this order. Named by their AppConfig: apps.py imports the shared
    # KinfolkApp base, so Django's automatic choice would see two classes there.
    "core.apps.CoreConfig",
    "outbox.apps.OutboxConfig",
    "accounts.apps.AccountsConfig",
    "families.apps.FamiliesConfig",
    "diary.apps.DiaryConfig",
    "volunteers.apps.VolunteersConfig",
    "fgc.apps.FgcConfig",
    "supervision.apps.SupervisionConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.MFAEnforcementMiddleware",
    "core.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreForAuthenticatedMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.kinfolk",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web and worker) share the file: wait for locks, and
    # take the write lock at BEGIN so a read never has to be upgraded mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: Kinfolk's queries are short, and a planner's misestimate on a search
    # made PostgreSQL compile one for 20-24 ms on every request (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A cache shared by every process, so login rate limits hold across web workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kinfolk_cache",
        }
    }

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts (django-allauth) -------------------------------------------------
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# The password (or the second factor) confirms a sensitive change, never a code sent
# by email: allauth 65.22 offers emailed codes by default, which would let whoever
# reads the user's mailbox change their second factors.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
# Per address and per account, in the shared cache above (Redis in production), so
# every web process counts the same attempts. A council's whole network usually
# reaches us from one NAT address, so the per-address limits are set for a building
# full of staff, and the real protection of an account is per account (docs/security.md):
# - login_failed: 5 wrong passwords in 15 minutes lock that account from every address
#   (accounts.lockout records the lock, emails the user, and enforces it for 15 minutes
#   from the fifth; an administrator can lift it). 100 per 5 minutes per address still
#   stops one machine guessing across many accounts (at most 20 guesses a minute), yet
#   a Monday morning of mistyped passwords from one office does not reach it.
# - login: every sign-in attempt, right or wrong; 300 a minute per address is a whole
#   council arriving at 9am. reset_password: per address likewise, 3 per account.
# (Bandit reads the "reset_password" keys as passwords: they are rate strings.)
ACCOUNT_RATE_LIMITS = {  # nosec B105
    "login": "300/m/ip",
    "login_failed": "100/5m/ip,5/15m/key",
    "reset_password": "30/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("KINFOLK_SERVICE_NAME", "Kinfolk")
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Our middleware refuses every protected page to a session that has not passed a
# second factor. Demo mode may switch this off; production cannot.
KINFOLK_ENFORCE_MFA = env_bool("KINFOLK_ENFORCE_MFA", True)
if not KINFOLK_ENFORCE_MFA and not (DEBUG or DEMO_MODE):
    raise ImproperlyConfiguredEnv("KINFOLK_ENFORCE_MFA may only be turned off in demo mode (KINFOLK_DEMO=1).")

KINFOLK_INVITATION_DAYS = env_int("KINFOLK_INVITATION_DAYS", 7)
COUNCIL_NAME = env_str("KINFOLK_COUNCIL_NAME", "Kinfolk Borough Council")
PROTECTIVE_MARKING = env_str("KINFOLK_PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")
SITE_URL = env_str("KINFOLK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Family Group Conferences ----------------------------------------------------
# Support packages: up to the first amount (pounds) one manager approves; above each amount, one more.
FGC_APPROVAL_THRESHOLDS = [int(x) for x in env_str("KINFOLK_FGC_APPROVAL_THRESHOLDS", "500").split(",") if x.strip()]
# The review conference is proposed this many weeks after the conference (about 3 months).
FGC_REVIEW_WEEKS = env_int("KINFOLK_FGC_REVIEW_WEEKS", 13)

# --- Sessions -----------------------------------------------------------------
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Proxies ----------------------------------------------------------------------
# How many proxies we run in front of gunicorn that append to X-Forwarded-For
# (core/network.py, docs/deploy.md). 0 trusts no header and uses REMOTE_ADDR.
KINFOLK_TRUSTED_PROXY_COUNT = env_int("KINFOLK_TRUSTED_PROXY_COUNT", 0)
if KINFOLK_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfiguredEnv(f"KINFOLK_TRUSTED_PROXY_COUNT must be 0 or more; got {KINFOLK_TRUSTED_PROXY_COUNT}.")

# --- Security headers -----------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from csp.constants import NONE, SELF

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "manifest-src": [SELF],
    }
}

# --- Email ---------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A hung relay must not hold a worker for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kinfolk <kinfolk@example.gov.uk>")
SERVER_EMAIL = env_str("SERVER_EMAIL", "kinfolk-errors@example.gov.uk")

# --- Jobs (django-q2) -------------------------------------------------------------
Q_CLUSTER = {
    "name": "kinfolk",
    "workers": env_int("Q_WORKERS", 2),
    # A task that runs longer than `timeout` is killed; `retry` must be longer,
    # or the ORM broker hands a slow task to a second worker while the first
    # is still running it.
    "timeout": env_int("Q_TIMEOUT", 120),
    "retry": env_int("Q_RETRY", 180),
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 500,
    "label": "Jobs",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Private: never under STATIC_ROOT nor served by a URL of its own.
        "OPTIONS": {"location": env_str("KINFOLK_PRIVATE_MEDIA", str(BASE_DIR / "private-media"))},
    },
    "staticfiles": {
        # Hashed, compressed files served by whitenoise in production; plain
        # files in development and tests, which run without collectstatic.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("KINFOLK_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Logging ---------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per enqueued task buries what matters in the worker's output.
        "django-q": {"level": env_str("Q_LOG_LEVEL", "WARNING")},
    },
}

# --- Diary, outbox and reminders ---------------------------------------------------
# See docs/diary-and-reminders.md. The organiser mailbox is the ORGANIZER of every
# invite: a real, replyable mailbox, because calendar replies are sent to it.
import os

KINFOLK_ORGANISER_EMAIL = env_str("KINFOLK_ORGANISER_EMAIL", "kinfolk-diary@example.gov.uk")
KINFOLK_ORGANISER_NAME = env_str("KINFOLK_ORGANISER_NAME", "Kinfolk diary")
if not (DEBUG or DEMO_MODE):
    # In production the example default would send invites whose replies go nowhere,
    # and a no-reply ORGANIZER makes Outlook's Accept/Decline buttons bounce.
    if "KINFOLK_ORGANISER_EMAIL" not in os.environ:
        raise ImproperlyConfiguredEnv(
            "KINFOLK_ORGANISER_EMAIL must name the council's organiser mailbox when DEBUG is off."
        )
    _organiser_local = KINFOLK_ORGANISER_EMAIL.rpartition("@")[0].lower()
    if any(word in "".join(ch for ch in _organiser_local if ch.isalnum()) for word in ("noreply", "donotreply")):
        raise ImproperlyConfiguredEnv(
            "KINFOLK_ORGANISER_EMAIL must be a real, replyable mailbox: calendar replies are sent to it."
        )
# Response links work until the end of the meeting they were sent for, plus this margin
# (meetings are diarised up to a year ahead, so a fixed lifetime would not do).
KINFOLK_RESPONSE_LINK_GRACE_HOURS = env_int("KINFOLK_RESPONSE_LINK_GRACE_HOURS", 24)
# Outbox: retries with exponential backoff, then dead. The lease must outlast the
# django-q2 task timeout and the SMTP timeout, or a slow send is claimed twice.
KINFOLK_OUTBOX_MAX_ATTEMPTS = env_int("KINFOLK_OUTBOX_MAX_ATTEMPTS", 6)
KINFOLK_OUTBOX_BACKOFF_SECONDS = env_int("KINFOLK_OUTBOX_BACKOFF_SECONDS", 60)
KINFOLK_OUTBOX_LEASE_SECONDS = env_int("KINFOLK_OUTBOX_LEASE_SECONDS", 300)
KINFOLK_OUTBOX_KEEP_DAYS = env_int("KINFOLK_OUTBOX_KEEP_DAYS", 90)
# While the relay cannot be reached at all (refused, timed out, DNS), rows wait this long
# between tries and the failure does not use up an attempt: an outage of any length
# delays mail but never kills it.
KINFOLK_OUTBOX_RELAY_DOWN_RETRY_SECONDS = env_int("KINFOLK_OUTBOX_RELAY_DOWN_RETRY_SECONDS", 300)
_q_timeout = Q_CLUSTER["timeout"]
_q_retry = Q_CLUSTER["retry"]
assert isinstance(_q_timeout, int) and isinstance(_q_retry, int)  # nosec B101: set by env_int above; narrows the type
if _q_timeout >= _q_retry:
    # django-q2's ORM broker hands a task still running after `retry` to a second worker.
    raise ImproperlyConfiguredEnv("Q_TIMEOUT must be shorter than Q_RETRY.")
if max(_q_timeout, EMAIL_TIMEOUT) >= KINFOLK_OUTBOX_LEASE_SECONDS:
    raise ImproperlyConfiguredEnv("KINFOLK_OUTBOX_LEASE_SECONDS must be longer than Q_TIMEOUT and EMAIL_TIMEOUT.")
# A sweep stops taking new rows after this, well inside the task timeout.
KINFOLK_OUTBOX_SWEEP_SECONDS = int(_q_timeout * 0.6)
# A reminder whose rule says "skip" is dropped when it is this late (after an outage).
KINFOLK_REMINDER_GRACE_MINUTES = env_int("KINFOLK_REMINDER_GRACE_MINUTES", 60)
KINFOLK_WORKDAY_START = env_str("KINFOLK_WORKDAY_START", "09:00")
KINFOLK_WORKDAY_END = env_str("KINFOLK_WORKDAY_END", "17:00")

# Volunteer recruitment (volunteers/services/recruitment.py). Each role's requirements and
# how long each lasts (DBS recheck: 36 months) are rows the administrator edits in the admin.
# An Update Service subscriber's DBS counts for this long after its last status check.
KINFOLK_DBS_STATUS_CHECK_MONTHS = env_int("KINFOLK_DBS_STATUS_CHECK_MONTHS", 12)
# DBS code of practice: certificate content is not kept beyond six months.
KINFOLK_DBS_CONTENT_KEEP_MONTHS = env_int("KINFOLK_DBS_CONTENT_KEEP_MONTHS", 6)
# References are chased after 1 and 2 weeks and marked failed after 3; the link lasts as long.
KINFOLK_REFERENCE_FAIL_DAYS = env_int("KINFOLK_REFERENCE_FAIL_DAYS", 21)
# Anonymise volunteers this long after they left, and closed requests this long after closing.
KINFOLK_VOLUNTEER_RETENTION_MONTHS = env_int("KINFOLK_VOLUNTEER_RETENTION_MONTHS", 72)
KINFOLK_REQUEST_RETENTION_MONTHS = env_int("KINFOLK_REQUEST_RETENTION_MONTHS", 72)
# Optional poller of the organiser mailbox for iTIP replies (Outlook/Google/Apple buttons).
KINFOLK_IMAP_HOST = env_str("KINFOLK_IMAP_HOST", "")
KINFOLK_IMAP_PORT = env_int("KINFOLK_IMAP_PORT", 993)
KINFOLK_IMAP_USER = env_str("KINFOLK_IMAP_USER", "")
KINFOLK_IMAP_PASSWORD = env_str("KINFOLK_IMAP_PASSWORD", "")
# An OAuth 2 access token for XOAUTH2 (Exchange Online has no password IMAP); used instead
# of the password when set. Such tokens are short-lived: see the docs.
KINFOLK_IMAP_OAUTH_TOKEN = env_str("KINFOLK_IMAP_OAUTH_TOKEN", "")
KINFOLK_IMAP_FOLDER = env_str("KINFOLK_IMAP_FOLDER", "INBOX")
KINFOLK_IMAP_SSL = env_bool("KINFOLK_IMAP_SSL", True)
# Demo mode and development keep every email for the development outbox page
# (/manage/development-outbox/) instead of sending it, unless EMAIL_BACKEND is set.
if (DEMO_MODE or DEBUG) and "EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "outbox.mail_backends.KeepBackend"

# --- Uploads (core.uploads) -------------------------------------------------------------
# Largest paper (and, later, FGC document) accepted, in bytes. clamd's StreamMaxLength
# must be larger, or every file near the limit is refused as unscannable.
KINFOLK_UPLOAD_MAX_BYTES = env_int("KINFOLK_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Every upload is streamed to ClamAV's daemon before it is stored (docs/deploy.md).
# Name it by its Unix socket, or by host and port.
KINFOLK_CLAMD_SOCKET = env_str("KINFOLK_CLAMD_SOCKET", "")
KINFOLK_CLAMD_HOST = env_str("KINFOLK_CLAMD_HOST", "")
KINFOLK_CLAMD_PORT = env_int("KINFOLK_CLAMD_PORT", 3310)
# Below gunicorn's 30 s worker timeout, so a hung scanner gives the user a message
# instead of a killed request.
KINFOLK_CLAMD_TIMEOUT = env_int("KINFOLK_CLAMD_TIMEOUT", 20)
if KINFOLK_CLAMD_SOCKET and KINFOLK_CLAMD_HOST:
    raise ImproperlyConfiguredEnv("Set KINFOLK_CLAMD_SOCKET or KINFOLK_CLAMD_HOST, not both.")
_scanner_named = bool(KINFOLK_CLAMD_SOCKET or KINFOLK_CLAMD_HOST)
# On by default in production. Development and demo mode scan only when a daemon is
# named, so `make run` works on a machine without ClamAV; the upload pages and
# `manage.py check` then say that files are not scanned.
KINFOLK_MALWARE_SCAN = env_bool("KINFOLK_MALWARE_SCAN", _scanner_named or not (DEBUG or DEMO_MODE))
KINFOLK_MALWARE_SCAN_OFF_REASON = env_str("KINFOLK_MALWARE_SCAN_OFF_REASON", "").strip()
if KINFOLK_MALWARE_SCAN and not _scanner_named:
    raise ImproperlyConfiguredEnv(
        "Uploads must be scanned for malware: set KINFOLK_CLAMD_SOCKET (or KINFOLK_CLAMD_HOST and "
        "KINFOLK_CLAMD_PORT) to the ClamAV daemon, or set KINFOLK_MALWARE_SCAN=off together with "
        "KINFOLK_MALWARE_SCAN_OFF_REASON. See docs/deploy.md."
    )
if not KINFOLK_MALWARE_SCAN and not (DEBUG or DEMO_MODE) and not KINFOLK_MALWARE_SCAN_OFF_REASON:
    raise ImproperlyConfiguredEnv(
        "KINFOLK_MALWARE_SCAN=off needs KINFOLK_MALWARE_SCAN_OFF_REASON to say why uploads go unscanned "
        "(for example, the file store is scanned by another product). See docs/deploy.md."
    )

# --- Group Case Supervision ---------------------------------------------------------
# weasyprint logs every layout step at INFO; the minutes task would flood the log.
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}  # type: ignore[index]
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}  # type: ignore[index]
# pikepdf (upload checks) announces its C++ log bridge at INFO on every start.
LOGGING["loggers"]["pikepdf"] = {"level": "WARNING"}  # type: ignore[index]

# --- Volunteers: the match lifecycle, contacts, expenses -----------------------------
# Days a volunteer has to accept or decline an offer before it expires.
KINFOLK_VOLUNTEER_OFFER_DAYS = env_int("KINFOLK_VOLUNTEER_OFFER_DAYS", 5)
# First review N weeks after a match starts, then every M months; per role where set
# (KINFOLK_VOLUNTEER_REVIEWS_<ROLE>="weeks,months", e.g. ..._CARE_LEAVER_MENTOR="8,6").
KINFOLK_VOLUNTEER_FIRST_REVIEW_WEEKS = env_int("KINFOLK_VOLUNTEER_FIRST_REVIEW_WEEKS", 6)
KINFOLK_VOLUNTEER_REVIEW_MONTHS = env_int("KINFOLK_VOLUNTEER_REVIEW_MONTHS", 3)
KINFOLK_VOLUNTEER_REVIEWS_BY_ROLE = {
    role: tuple(int(n) for n in env_str(f"KINFOLK_VOLUNTEER_REVIEWS_{role.upper()}", "").split(","))
    for role in ("child_family", "fgc", "care_leaver_mentor", "rights_reps")
    if env_str(f"KINFOLK_VOLUNTEER_REVIEWS_{role.upper()}", "")
}
# No contact logged for this many days nudges the volunteer; for the second, the coordinator is alerted.
KINFOLK_VOLUNTEER_CONTACT_NUDGE_DAYS = env_int("KINFOLK_VOLUNTEER_CONTACT_NUDGE_DAYS", 14)
KINFOLK_VOLUNTEER_CONTACT_ALERT_DAYS = env_int("KINFOLK_VOLUNTEER_CONTACT_ALERT_DAYS", 30)
# Transition planning for a care leaver's 21st and 25th birthdays is prompted this many months ahead.
KINFOLK_VOLUNTEER_TRANSITION_PROMPT_MONTHS = env_int("KINFOLK_VOLUNTEER_TRANSITION_PROMPT_MONTHS", 6)
# --- Volunteer matching (volunteers.matching) -------------------------------------------------
# Youngest age at which a volunteer may be matched, on the day support starts. Care leaver
# mentors must be clearly older than the young people they befriend (16 to 25).
KINFOLK_VOLUNTEER_MIN_AGE = env_int("KINFOLK_VOLUNTEER_MIN_AGE", 18)
KINFOLK_CARE_LEAVER_MENTOR_MIN_AGE = env_int("KINFOLK_CARE_LEAVER_MENTOR_MIN_AGE", 21)
# After a match ends unplanned, the volunteer is not proposed again for this many weeks
# (time for a debrief and supervision first).
KINFOLK_UNPLANNED_ENDING_BUFFER_WEEKS = env_int("KINFOLK_UNPLANNED_ENDING_BUFFER_WEEKS", 8)
# How many other candidates are kept with a match, with their scores and why they were passed over.
KINFOLK_SHORTLIST_KEPT = env_int("KINFOLK_SHORTLIST_KEPT", 10)
