"""Settings shared by every environment. Environment-specific values come from config.env."""

from datetime import timedelta

from celery.schedules import crontab
from django.utils.csp import CSP

from config.env import BASE_DIR, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "import_export",
    "core",
    "org",
    "ideas",
    "capacity",
    "systemic",
    "huddles",
    "escalation",
    "strategy",
    "standards",
    "experiments",
    "reviews",
    "holdcheck",
    "scorecards",
    "live",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "org.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL everywhere. Each settings module names its database: `make run`/`make dev` and the
# tests default to the embedded server of config/localdb.py, production requires DATABASE_URL.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def database(url: str, *, conn_max_age: int = 0) -> dict:
    db = env.db_url_config(url)
    db["ATOMIC_REQUESTS"] = False
    # Under ASGI each request runs its sync code in a fresh thread, so a connection kept past
    # the request would be left behind with its thread: connections are per request (0).
    db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=conn_max_age)
    db["CONN_HEALTH_CHECKS"] = True
    return db


def redis_cache(url: str, prefix: str = "tierline") -> dict:
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
            "KEY_PREFIX": prefix}


REDIS_URL = env("REDIS_URL", default="")
# Every process (web workers, Celery worker and beat) must see one cache: Redis when configured,
# else a table in PostgreSQL (`manage.py createcachetable`). Never a per-process cache.
CACHES = {
    "default": redis_cache(REDIS_URL) if REDIS_URL else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tierline_cache",
        "KEY_PREFIX": "tierline",
    }
}

# Live boards (live/): changes pushed to open walls and boards by server-sent events.
TIERLINE_PUSH = env.bool("TIERLINE_PUSH", default=True)
TIERLINE_PUSH_HEARTBEAT_SECONDS = env.int("TIERLINE_PUSH_HEARTBEAT_SECONDS", default=15)
TIERLINE_PUSH_MAX_STREAM_SECONDS = env.int("TIERLINE_PUSH_MAX_STREAM_SECONDS", default=600)

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before any password check.
    "axes.backends.AxesStandaloneBackend",
    "org.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: locked out after AXES_FAILURE_LIMIT attempts on one username.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "org.backends.axes_username"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIERLINE_TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files from `collectstatic`, served by whitenoise with far-future caching.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("TIERLINE_MEDIA_ROOT", default=str(BASE_DIR / "media"))
TIERLINE_MAX_ATTACHMENT_MB = env.int("TIERLINE_MAX_ATTACHMENT_MB", default=10)

# E-mail: the console by default; SMTP when EMAIL_URL is set
# (smtp+tls://user:password@host:587 — parsed by django-environ).
def smtp_mailers(url: str) -> dict:
    smtp = env.email_url_config(url)
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": smtp["EMAIL_HOST"],
                "port": smtp["EMAIL_PORT"],
                "username": smtp["EMAIL_HOST_USER"],
                "password": smtp["EMAIL_HOST_PASSWORD"],
                "use_tls": smtp.get("EMAIL_USE_TLS", False),
                "use_ssl": smtp.get("EMAIL_USE_SSL", False),
                "timeout": 10,
            },
        }
    }


if env("EMAIL_URL", default=""):
    MAILERS = smtp_mailers(env("EMAIL_URL"))
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# Notification e-mails are an outbox: a failed send is retried with backoff, then marked failed.
TIERLINE_EMAIL_MAX_ATTEMPTS = env.int("TIERLINE_EMAIL_MAX_ATTEMPTS", default=8)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tierline <tierline@localhost>")
TIERLINE_BASE_URL = env("TIERLINE_BASE_URL", default="http://127.0.0.1:8000")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The security headers production sends, on every run. Whether Tierline is served over TLS is
# an explicit setting (TIERLINE_HTTPS), never a guess: secure cookies, HSTS and the HTTPS
# redirect follow it. `make run` serves plain http://127.0.0.1:8000, so it is off there.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def secure_transport(https: bool) -> dict:
    """The settings that depend on TLS. Behind a TLS-terminating proxy, the proxy must send
    X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER)."""
    return {
        "TIERLINE_HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        "CSRF_COOKIE_SECURE": https,
        "SECURE_SSL_REDIRECT": https and env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True),
        "SECURE_HSTS_SECONDS": env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000) if https else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": https,
        "SECURE_HSTS_PRELOAD": https,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if https else None,
    }


globals().update(secure_transport(env.bool("TIERLINE_HTTPS", default=False)))

# Content Security Policy, enforced (Django 6 built-in). Scripts only from our origin or with
# the per-request nonce; htmx and our small scripts are served by our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "core.parsers.FormParser",
        "core.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter with integers bounded to what PostgreSQL stores (a 400, never a 500).
        "core.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/minute"),
        "user": env("API_THROTTLE_USER", default="2000/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tierline API",
    "DESCRIPTION": "Tiered huddles, escalation, strategy deployment and scorecards.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Choice sets whose field names other apps use too ("state", "reason") get their own names.
    "ENUM_NAME_OVERRIDES": {
        "EscalationStateEnum": "escalation.models.Escalation.State",
        "EscalationReasonEnum": "escalation.models.Escalation.Reason",
        "PriorityStatusEnum": "strategy.models.Priority.Status",
        "DeploymentStateEnum": "strategy.models.Deployment.State",
        "CatchballKindEnum": "strategy.models.DeploymentComment.Kind",
        "KPIDirectionEnum": "strategy.models.KPI.Direction",
        "IdeaKindEnum": "ideas.models.Idea.Kind",
        "IdeaStatusEnum": "ideas.models.Idea.Status",
        "IdeaCategoryEnum": "ideas.models.Idea.Category",
        "IdeaPriorityEnum": "ideas.models.Idea.Priority",
        "SystemicIssueStatusEnum": "systemic.models.SystemicIssue.Status",
        "TimeEntryCategoryEnum": "capacity.models.TimeEntry.Category",
        "AnswerFeedbackRatingEnum": "escalation.models.AnswerFeedback.Rating",
        "LearningMarkKindEnum": "ideas.models.LearningMark.Kind",
    },
}

# Celery: Redis when configured; otherwise the settings module names a broker on PostgreSQL
# (Kombu's SQLAlchemy transport), see celery_broker_url(). Either way every effect a task has is
# also recorded in the database (e-mail outbox, flags), so a lost message loses no effect.
def celery_broker_url(database_url: str) -> str:
    if env("CELERY_BROKER_URL", default=""):
        return env("CELERY_BROKER_URL")
    if REDIS_URL:
        return REDIS_URL
    scheme, sep, rest = database_url.partition("://")
    return f"sqla+postgresql+psycopg2://{rest}"


def broker_options(broker_url: str) -> dict:
    if broker_url.startswith("sqla+"):
        # Engine options: check a pooled connection before use, so the worker rides out a
        # database restart.
        return {"pool_pre_ping": True}
    return {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}


CELERY_BROKER_TRANSPORT_OPTIONS = broker_options(REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / ".tierline" / "celerybeat-schedule")
)
# The one place the periodic jobs are scheduled. Run exactly one beat process per deployment
# (`celery -A config beat`; more beats would enqueue every job twice — harmless, since every
# job is idempotent, but wasteful). Times are in TIERLINE_TIME_ZONE. Any job also runs once
# by hand: `python manage.py run_job <name>`.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "org.tasks.heartbeat", "schedule": timedelta(minutes=5)},
    # The e-mail outbox: whatever is due (a lost task, a retry after backoff, a killed send).
    "send-due-emails": {
        "task": "org.tasks.send_due_emails",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "flag-aging-items": {
        "task": "ideas.tasks.flag_aging_items",
        "schedule": crontab(minute=5),  # hourly
        "options": {"expires": 55 * 60},
    },
    "flag-stalled-escalations": {
        "task": "escalation.tasks.flag_stalled_escalations",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "snapshot-scorecards": {
        "task": "scorecards.tasks.snapshot_scorecards",
        "schedule": crontab(hour=0, minute=20),  # nightly, for the day that just ended
        "options": {"expires": 6 * 3600},
    },
    "check-improvement-capacity": {
        "task": "ideas.tasks.check_improvement_capacity",
        "schedule": crontab(day_of_week="mon", hour=6, minute=10),  # weekly, for last week
        "options": {"expires": 24 * 3600},
    },
    "nudge-overdue-reviews": {
        "task": "strategy.tasks.nudge_overdue_reviews",
        "schedule": crontab(hour=6, minute=15),  # daily, before the morning digest
        "options": {"expires": 12 * 3600},
    },
    "ask-hold-checks": {
        "task": "holdcheck.tasks.ask_hold_checks",
        "schedule": crontab(hour=6, minute=15),  # daily, before the morning digest
        "options": {"expires": 12 * 3600},
    },
    "send-digests": {
        "task": "org.tasks.send_digests",
        "schedule": crontab(hour=6, minute=30),  # every morning
        "options": {"expires": 4 * 3600},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# CSV import of teams and users in the admin (django-import-export): all rows or none.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
