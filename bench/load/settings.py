"""Settings of the load test: the site as deployed (DEBUG off, PostgreSQL from DATABASE_URL), with
one extra view (the ceiling) and no outgoing email. Used only by bench/load/run.sh."""

from config.settings.base import *  # noqa: F403
from config.settings.base import RATE_LIMITS

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.load.urls"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# Many simulated people share one IP address here: the per-IP rate limits would measure the
# limiter, not the site. (Each limit stays in force in the real deployment.)
RATE_LIMITS = {key: "100000000/60" for key in RATE_LIMITS}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
