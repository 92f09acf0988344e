"""A minimal Django project that tests saleor_loyalty without Saleor, on real PostgreSQL."""

from saleor_loyalty.demo.devdb import database_settings

SECRET_KEY = "saleor-loyalty-tests"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "saleor_loyalty",
]
DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "tests.urls"
MIDDLEWARE: list[str] = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"saleor_loyalty": {"handlers": ["console"], "level": "WARNING"}},
}

# pytest-django's live_server wraps the app in Django's static files handler, which needs a
# STATIC_URL (the console serves its own files from the package; nothing is collected).
STATIC_URL = "/static/"
