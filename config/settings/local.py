"""Embedded default: SQLite, eager Celery, console email, DEBUG on. Used by `make run`."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
WHITENOISE_AUTOREFRESH = True
