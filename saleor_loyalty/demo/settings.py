"""Django settings of the demo: Django's users stand in for Saleor's, signed tokens for its JWT.

The database is ``DATABASE_URL`` when set, else an embedded PostgreSQL started on import and
deleted when the process exits (``saleor_loyalty.demo.devdb``).
"""

import os
import secrets

from saleor_loyalty.demo.devdb import database_settings

# A new key per run: the tokens the demo prints are good for this run only.
SECRET_KEY = os.environ.get("SALEOR_LOYALTY_DEMO_SECRET_KEY") or secrets.token_urlsafe(48)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "saleor_loyalty",
]
DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "saleor_loyalty.demo.urls"
MIDDLEWARE: list[str] = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}, "null": {"class": "logging.NullHandler"}},
    "loggers": {
        "saleor_loyalty": {"handlers": ["console"], "level": "WARNING"},
        # graphql-core 2 logs every error a resolver raises, refusals included, with a traceback;
        # the API reports them itself (Saleor silences these two loggers the same way).
        "graphql.execution.utils": {"handlers": ["null"], "propagate": False},
        "graphql.execution.executor": {"handlers": ["null"], "propagate": False},
        # The demo client's refused requests (400, 401) are part of the story, not warnings.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
