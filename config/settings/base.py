"""Settings shared by every environment, read from the environment once.

The defaults give the embedded mode (SQLite, eager Celery, console email), so a fresh
checkout runs with no configuration at all. Production overrides live in production.py.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "insecure-embedded-mode-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "core.apps.AdminConfig",  # django.contrib.admin with the sign-in rate limit (core/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_countries",  # the ISO 3166-1 list of countries, with Vietnamese names
    "core",
    "places",
    "accounts",
    "households",
    "messaging",
    "donations",
    "matching",
    "logistics",
    "progress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last, so that it sees the views' exceptions first: a dropped database is a 503, not a 500
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        # A persistent connection the database dropped is checked and reopened at the start of
        # the next request, instead of costing that request a 500.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Passwords are hashed with scrypt at Django's own parameters (N=2**14, r=8, p=5; 16 MiB of memory
# per guess, which is what makes it dear on GPUs). It is the cheapest of Django's hashers at their
# default strength here (about 145 ms of one core, where PBKDF2-SHA256 at Django's 1,000,000 rounds
# takes about 180 ms; bench/sign_in.py measures both). PBKDF2 stays listed so that older hashes still
# verify; Django re-hashes them with scrypt at their owner's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"
LOGOUT_REDIRECT_URL = "home"

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {
        # Django's file system storage that leaves no partial file on a full disk
        "BACKEND": env("DEFAULT_FILE_STORAGE", "core.media.CleanFileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Files with personal data (handover photos and signatures, donors' phone photos before
    # review): outside MEDIA_ROOT, never under a public URL, served only by views that check the
    # role (core/media.py). In production any Django storage that is not public, e.g. a private
    # S3 bucket (PRIVATE_FILE_STORAGE + its own settings).
    "private": {
        "BACKEND": env("PRIVATE_FILE_STORAGE", "core.media.PrivateFileSystemStorage"),
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media"))},
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Email
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Nối Sóng <no-reply@noisong.local>")

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
# A task is acknowledged when it finished, not when it started, and a task whose worker died
# (SIGKILL, out of memory) is given back to the broker for another worker: nothing is lost with a
# worker. Tasks must therefore be safe to run twice (a matching run takes over its own expired
# lease; the outbox locks each message). One task at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With Redis, a task taken by a worker that died is given back after this many seconds. Longer
# than any task's countdown (the retries' back-off is at most 10 minutes). A matching run whose
# worker died is failed by the lease sweep long before (MATCHING_RUN_LEASE_SECONDS + a minute);
# a task given back after that finds the run settled and does nothing. The fault test
# tests/faults/test_worker_killed.py shortens both to see a new worker take a run over.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Stripe (disabled unless keys are set). STRIPE_API_BASE lets tests use a local fake server.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE", "https://api.stripe.com")
# A webhook's signature is accepted when it was made at most this many seconds ago (Stripe's own
# default) and at most this many seconds in the future (clocks drift a little, never hours).
STRIPE_WEBHOOK_TOLERANCE = 300
STRIPE_WEBHOOK_FUTURE_SKEW = 300

# Keyed hash of citizen IDs (CCCD). Rotating it needs a re-hash of stored IDs.
CCCD_HASH_KEY = env("CCCD_HASH_KEY", SECRET_KEY)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nối Sóng API",
    "DESCRIPTION": "Donated smartphones for needy households in Quảng Trị. Contract: API.md, version 1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # API.md's error shape on every operation (config/openapi.py), after the enum naming.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.document_errors",
    ],
    # Several choice sets share a field name ("status", "kind", "method"...): name each enum after
    # its model, so the schema's names are stable for clients. Regenerate when models add choices.
    "ENUM_NAME_OVERRIDES": {
        "AccountEventActionEnum": "accounts.models.AccountEvent.Action",
        "PledgeEventActionEnum": "donations.models.PledgeEvent.Action",
        "SimCardCarrierEnum": "logistics.models.SimCard.Carrier",
        "DeliveryBatchCarrierEnum": "logistics.models.DeliveryBatch.Carrier",
        "CommuneKindEnum": "places.models.Commune.Kind",
        "HouseholdEventKindEnum": "households.models.HouseholdEvent.Kind",
        "DonorKindEnum": "donations.models.Donor.Kind",
        "LedgerEntryKindEnum": "donations.models.LedgerEntry.Kind",
        "ConsentRecordMethodEnum": "households.models.ConsentRecord.Method",
        "GiftMethodEnum": "donations.models.Gift.Method",
        "WipeRecordMethodEnum": "logistics.models.WipeRecord.Method",
        "HouseholdStatusEnum": "households.models.Household.Status",
        "HouseholdImportStatusEnum": "households.models.HouseholdImport.Status",
        "PledgeStatusEnum": "donations.models.Pledge.Status",
        "DeviceStatusEnum": "donations.models.Device.Status",
        "GiftStatusEnum": "donations.models.Gift.Status",
        "DeliveryBatchStatusEnum": "logistics.models.DeliveryBatch.Status",
        "TicketKindEnum": "logistics.models.Ticket.Kind",
        "TicketStatusEnum": "logistics.models.Ticket.Status",
        "TicketOutcomeEnum": "logistics.models.Ticket.Outcome",
        "HandoverReturnReasonEnum": "logistics.models.HandoverReturn.Reason",
        "HandoverReturnHouseholdEnum": "logistics.models.HandoverReturn.HouseholdOutcome",
        "HouseholdAfterReleaseEnum": "logistics.models.HouseholdAfterRelease",
        "AllocationStatusEnum": "matching.models.Allocation.Status",
        "ReleaseReasonEnum": "matching.models.Allocation.RELEASE_REASONS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Cache: Redis when CACHE_URL is set (shared by every web process: rate limits need that),
# local memory otherwise.
CACHE_URL = env("CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A cache that is down must fail fast: callers fall back (core/cache.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)
# "attempts/seconds" per client IP and per account.
RATE_LIMITS = {
    "sign_in": env("RATE_LIMIT_SIGN_IN", "10/900"),
    # Pledges and gift checkouts (Stripe or VietQR), per client IP and per account or email.
    "pledge": env("RATE_LIMIT_PLEDGE", "20/3600"),
    "gift_checkout": env("RATE_LIMIT_GIFT_CHECKOUT", "10/600"),
    # Password reset emails, per client IP and per address asked for.
    "password_reset": env("RATE_LIMIT_PASSWORD_RESET", "5/3600"),
    # Public tracking (the /t/ page and the API), per client IP: a person follows a few phones,
    # a guesser of tracking codes needs thousands.
    "track": env("RATE_LIMIT_TRACK", "60/60"),
}

# Security headers that hold in every mode (the Content-Security-Policy: config/security.py).
# Origins a form may lead to besides this site: Stripe Checkout, where the gift form redirects.
CSP_FORM_ACTION_EXTRA = env_list("CSP_FORM_ACTION_EXTRA", "https://checkout.stripe.com")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


# ---------------------------------------------------------------------------------------------
# places: which provinces' communes the data migrations load (places/loading.py): "all" 34
# provinces (3,321 units; the default), or codes such as "44,46". A province not loaded yet is
# loaded when an admin switches it on, or by `manage.py load_communes --province <code>`.
PLACES_LOAD_PROVINCES = env("PLACES_LOAD_PROVINCES", "all")
# (end of places settings)


# ---------------------------------------------------------------------------------------------
# households: rules that follow the law live here, so they can change with it.
# Priority formula 2026.1: points per factor (see households/priority.py for the why of each).
HOUSEHOLD_PRIORITY_VERSION = "2026.1"
HOUSEHOLD_PRIORITY_WEIGHTS = {
    "poverty": {"poor": 30, "near_poor": 15, "other": 0},
    "deprivation": 10,  # per information deprivation (no internet use; no means of access)
    "school_age_child": 8,  # per child, up to the cap below
    "school_age_children_cap": 3,
    "elderly": 4,  # per elderly member, up to the cap below
    "elderly_cap": 2,
    "disabled": 6,  # per member with disability, up to the cap below
    "disabled_cap": 2,
    "phone_situation": {
        "none": 15,
        "feature_phone": 12,
        "broken_smartphone": 8,
        "shared_smartphone": 4,
    },
    "mountain_commune": 10,
    "coverage_4g": {"good": 5, "weak": 2, "none": 0},
}
# Excel import: the largest file and row count one upload may carry.
HOUSEHOLD_IMPORT_MAX_ROWS = 20000
HOUSEHOLD_IMPORT_MAX_BYTES = 10 * 1024 * 1024
# Bank statements (donations/services/statements.py): a month of a programme account's transfers
# is a few hundred lines; past these a statement is refused with a message to split it.
STATEMENT_MAX_BYTES = int(env("STATEMENT_MAX_BYTES", str(20 * 1024 * 1024)))
STATEMENT_MAX_ROWS = int(env("STATEMENT_MAX_ROWS", "100000"))
# Statements up to this many lines (and bytes) are reconciled in the request; longer ones are
# kept and reconciled by the worker in chunks, their page showing how far it got.
STATEMENT_SYNC_ROWS = int(env("STATEMENT_SYNC_ROWS", "2000"))
STATEMENT_SYNC_BYTES = int(env("STATEMENT_SYNC_BYTES", str(256 * 1024)))
# Lines listed in a statement's report (unmatched, held, unreadable); counts and sums are complete.
STATEMENT_REPORT_LINES = 1000
# A long statement untouched this long (its worker died) is taken up again by a beat sweep.
STATEMENT_STALE_SECONDS = 120
# (end of households settings)


# ---------------------------------------------------------------------------------------------
# messaging: SMS to households (messaging/providers/). "console" writes each SMS to the log (the
# embedded mode); "esms" sends brand-name SMS through eSMS.vn's HTTP API.
SMS_PROVIDER = env("SMS_PROVIDER", "console")
# Keys the reference each message carries to the provider and back in its delivery report
# (eSMS signs nothing: a report is believed when it names our reference).
SMS_CALLBACK_SECRET = env("SMS_CALLBACK_SECRET", SECRET_KEY)
SMS_HTTP_TIMEOUT = int(env("SMS_HTTP_TIMEOUT", "10"))
ESMS_API_URL = env(
    "ESMS_API_URL", "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
)
ESMS_API_KEY = env("ESMS_API_KEY")
ESMS_SECRET_KEY = env("ESMS_SECRET_KEY")
ESMS_BRANDNAME = env("ESMS_BRANDNAME")
ESMS_SANDBOX = env_bool("ESMS_SANDBOX", False)  # eSMS checks the request, sends nothing
ESMS_UNICODE = env_bool("ESMS_UNICODE", False)  # off: Vietnamese without diacritics, 160 a part
# (end of messaging settings)


# ---------------------------------------------------------------------------------------------
# donations
# A phone older than these OS versions is accepted with a warning (school and public-service apps
# drop old versions); a phone without 4G or VoLTE is refused outright (DOMAIN.md).
DONATIONS_MIN_OS_VERSION = {"android": 10, "ios": 15}
# Where refused phones are pointed: our own page on recycling, or a partner's address.
DONATIONS_RECYCLING_URL = env("DONATIONS_RECYCLING_URL", "/tai-che/")
DONATIONS_MAX_BATCH = 500  # identical new phones in one pledge line
# How long the link confirming "this pledge is mine" works, from the email (services/claims.py).
DONATIONS_CLAIM_LINK_MAX_AGE = 7 * 24 * 3600
DONATIONS_PHOTOS_PER_DEVICE = 5
DONATIONS_PHOTO_MAX_BYTES = 10 * 1024 * 1024
DONATIONS_PHOTO_MAX_PIXELS = 40_000_000
DONATIONS_PHOTO_MAX_SIDE = 1600
DONATIONS_THUMBNAIL_SIDE = 320
# Card gifts: currency → (decimal places, Stripe's minimum, the largest card gift), amounts in
# the smallest unit. Stripe's table lists USD/EUR/AUD 0.50 and JPY 50; for VND and KRW it asks for
# the equivalent of USD 0.50, rounded up here. Stripe takes at most eight digits in the smallest
# unit (999,999.99 USD); a larger gift goes by bank transfer.
DONATIONS_CURRENCIES = {
    "VND": (0, 15_000, 99_999_999),
    "JPY": (0, 50, 99_999_999),
    "KRW": (0, 700, 99_999_999),
    "USD": (2, 50, 99_999_999),
    "EUR": (2, 50, 99_999_999),
    "AUD": (2, 50, 99_999_999),
}
DONATIONS_VIETQR_MIN_VND = 10_000
# The programme's bank account for VietQR transfers (NAPAS bank BIN, account number, holder).
# The defaults are a demo account that no bank routes: set the real ones in production.
VIETQR_BANK_BIN = env("VIETQR_BANK_BIN", "970436")  # Vietcombank
VIETQR_ACCOUNT_NO = env("VIETQR_ACCOUNT_NO", "DEMO0000000")
VIETQR_ACCOUNT_NAME = env("VIETQR_ACCOUNT_NAME", "QUY NOI SONG (DEMO)")
VIETQR_BANK_NAME = env("VIETQR_BANK_NAME", "Vietcombank")
# (end of donations settings)


# ---------------------------------------------------------------------------------------------
# matching: the policy of the engine (matching/engine/model.py Policy). Change the version with
# any weight, so every run records which policy made it.
MATCHING_POLICY = {
    "version": "2026.2",
    "priority_weight": 1.0,
    "student_min_ram_gb": 3.0,  # school apps (video lessons, LMS) need 3 GB and a camera
    "student_needs_camera": True,
    "fit_school_student": 20.0,
    "fit_nfc": 10.0,  # VNeID moves to a new phone by reading the chip card over NFC
    "fit_camera": 5.0,
    "donor_preference_bonus": 15.0,
    "default_transfer_cost": 10.0,  # points lost when a phone moves to another hub's commune
    "fairness_steps": [[100, 40.0]],  # each household up to 100% of the commune's floor: +40
    "scale": 100,
    # A household whose phone failed through no fault of its own (returned broken or locked, lost
    # on the way, failed before delivery) is first in line: more than any other priority (at most
    # 124) plus fit, preference and fairness together (at most 110).
    "replacement_bonus": 1000,
}
MATCHING_TRANSFER_COSTS: dict = {}  # {"<hub id>-<hub id>": points} overrides the default
MATCHING_PROPOSALS_PER_PAGE = 50
# How long a worker holds a running run without a sign of life (each step renews it). A run whose
# lease ran out is failed by the sweep (beat, every minute) or taken over by a redelivered task.
MATCHING_RUN_LEASE_SECONDS = int(env("MATCHING_RUN_LEASE_SECONDS", "300"))
# (end of matching settings)


# ---------------------------------------------------------------------------------------------
# logistics
# A phone whose battery holds less than this share of its design capacity is not ready.
LOGISTICS_BATTERY_HEALTH_MIN = int(env("LOGISTICS_BATTERY_HEALTH_MIN", "80"))
# Days a phone may sit in a status before the dashboard lists it as stuck.
LOGISTICS_STUCK_DAYS = {
    "pledged": 30,
    "received": 7,
    "wiped": 7,
    "refurbishing": 14,
    "ready": 30,
    "allocated": 14,
    "dispatched": 7,
    "returned": 7,
}
LOGISTICS_FOLLOW_UP_DAYS = 30  # the officer is reminded this long after a handover
# A ticket about a delivered phone is due this many days after it was opened; past it, it is
# overdue: listed on the dashboards, and its owner (else the hub's coordinators) is reminded once
# a day (the beat entry below, every hour: the outbox key makes it once per ticket per day).
LOGISTICS_TICKET_DUE_DAYS = int(env("LOGISTICS_TICKET_DUE_DAYS", "7"))
LOGISTICS_SIM_REMINDER_DAYS = 14  # coordinators are told this long before a data plan runs out
# A handover recorded offline may carry a time this far past the server's clock (phones drift).
LOGISTICS_FIELD_CLOCK_SKEW_SECONDS = 300
# Wrong codes that may be typed for one SMS code before a new code must be sent.
LOGISTICS_SMS_CODE_TRIES = 5
LOGISTICS_MAX_UPLOAD_BYTES = 8 * 1024 * 1024
LOGISTICS_MAX_UPLOAD_PIXELS = 40_000_000
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    # Messages owed to people (core/outbox.py): sent within seconds, retried with back-off.
    "outbox-send-due": {"task": "core.tasks.outbox_send_due", "schedule": 5},
    "matching-runs-expire": {"task": "matching.tasks.match_runs_expire_task", "schedule": 60},
    "donations-statements-resume": {
        "task": "donations.tasks.statements_resume_task",
        "schedule": 60,
    },
    "donations-thumbnails-sweep": {
        "task": "donations.tasks.thumbnails_sweep_task",
        "schedule": 60 * 60,
    },
    "logistics-follow-up-reminders": {
        "task": "logistics.tasks.send_follow_up_reminders",
        "schedule": 6 * 60 * 60,
    },
    "logistics-sim-expiry-reminders": {
        "task": "logistics.tasks.send_sim_expiry_reminders",
        "schedule": 24 * 60 * 60,
    },
    "logistics-overdue-tickets": {
        "task": "logistics.tasks.remind_overdue_tickets",
        "schedule": 60 * 60,
    },
}
# (end of logistics settings)


# ---------------------------------------------------------------------------------------------
# progress
# Seconds the public aggregates (home numbers, /tien-do/, CSV, /api/v1/stats/, honour roll) are
# kept in the cache. No invalidation: a figure is at most this old.
PROGRESS_CACHE_SECONDS = int(env("PROGRESS_CACHE_SECONDS", "60"))
# (end of progress settings)
