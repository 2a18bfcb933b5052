"""Django settings, read from ``ACCORD_*`` environment variables (see docs/operations)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
import plotly
from django.utils.translation import gettext_lazy as _

from accord.environment import accord_home, env_bool, env_int, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent
ACCORD_HOME = accord_home()

SECRET_KEY = secret_key(ACCORD_HOME)
DEBUG = env_bool("ACCORD_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in env_str("ACCORD_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env_str("ACCORD_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files (no CDN)
    "huey.contrib.djhuey",
    "accord.accounts",
    "accord.contacts",
    "accord.warehouse",
    "accord.tracking",
    "accord.brand",
    "accord.segments",
    "accord.listening",
    "accord.crisis",
    "accord.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accord.accounts.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "accord.urls"
ASGI_APPLICATION = "accord.asgi.application"
WSGI_APPLICATION = "accord.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accord.web.context.navigation",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    """Build the default database; SQLite gets WAL, a busy timeout and IMMEDIATE transactions."""
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        config["TEST"] = {"NAME": str(ACCORD_HOME / "test.sqlite3")}
    return config


DATABASES = {
    "default": _database(env_str("DATABASE_URL", f"sqlite:///{ACCORD_HOME / 'accord.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    HUEY: dict[str, Any] = {
        "huey_class": "huey.RedisHuey",
        "name": "accord",
        "url": REDIS_URL,
        "immediate": False,
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "accord",
        "filename": str(ACCORD_HOME / "huey.sqlite3"),
        "immediate": env_bool("ACCORD_HUEY_IMMEDIATE", False),
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(ACCORD_HOME / "cache"),
        }
    }

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("ACCORD_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = ACCORD_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Charts: plotly's own bundled JS, served from the installed package as /static/plotly/plotly.min.js
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).parent / "package_data")]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = ACCORD_HOME / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ACCORD_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Outgoing email (alerts, later campaigns): any SMTP server; console output when no host is set.
EMAIL_HOST = env_str("ACCORD_EMAIL_HOST", "")
EMAIL_PORT = env_int("ACCORD_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("ACCORD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("ACCORD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ACCORD_EMAIL_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("ACCORD_EMAIL_FROM", "accord@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

ACCORD_API_RATE_LIMIT = env_int("ACCORD_API_RATE_LIMIT", 600)  # requests per minute per token
ACCORD_LOGIN_RATE_LIMIT = env_int("ACCORD_LOGIN_RATE_LIMIT", 10)  # attempts per minute per IP
ACCORD_IMPORT_DIR = ACCORD_HOME / "imports"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ACCORD_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}},
}
