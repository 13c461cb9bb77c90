"""Homeward settings: every value comes from the environment, with safe development defaults."""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF

from homeward.config.env import (
    ConfigurationError,
    database_from_url,
    env_bool,
    env_choice,
    env_fraction,
    env_int,
    env_json,
    env_list,
    env_rate,
    env_str,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HOMEWARD_VAR_DIR", str(Path.cwd() / "var")))

DEBUG = env_bool("HOMEWARD_DEBUG", False)
PRODUCTION = env_bool("HOMEWARD_PRODUCTION", False)
if DEBUG and PRODUCTION:
    raise ConfigurationError(
        "HOMEWARD_DEBUG is true with HOMEWARD_PRODUCTION: debug pages show settings and data "
        "to anyone, so production refuses to start with them. Unset HOMEWARD_DEBUG."
    )

# Whether this installation holds the made-up demo county; every page says so when it does.
HOMEWARD_DEMO = env_bool("HOMEWARD_DEMO", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])

# The development key is public (it is in this file): with it anyone could forge the signed
# values in Homeward's forms and turn pseudonyms back into children. It is allowed only for
# the demo and for an installation that answers on this machine's loopback address alone.
DEVELOPMENT_SECRET_KEY = "homeward-development-only-not-secret"  # noqa: S105
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and PRODUCTION:
    raise ConfigurationError(
        "SECRET_KEY is not set. Production refuses to start without a secret key."
    )
if SECRET_KEY in (None, DEVELOPMENT_SECRET_KEY):
    on_loopback_only = not PRODUCTION and set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS
    if not (HOMEWARD_DEMO or on_loopback_only):
        raise ConfigurationError(
            "This installation answers on "
            f"{', '.join(ALLOWED_HOSTS) or 'no host'} (ALLOWED_HOSTS), not on this machine's "
            "loopback address only, and is not a demo (HOMEWARD_DEMO), so it refuses to "
            "start with the public development key: anyone could forge its signed forms and "
            "reverse its pseudonyms. Set SECRET_KEY to a long random value, for example the "
            "output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

# The council this installation belongs to (DfE three-digit code). Oxfordshire for the demo.
HOMEWARD_COUNCIL = env_str("HOMEWARD_COUNCIL", "931")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "homeward.core",
    "homeward.web",
    "homeward.access",
    "homeward.councils",
    "homeward.children",
    "homeward.episodes",
    "homeward.interviews",
    "homeward.exploitation",
    "homeward.panel",
    "homeward.in_error",
    "homeward.notices",
    "homeward.police",
    "homeward.escalations",
    "homeward.exchange",
    "homeward.reports",
    "homeward.benchmarks",
    "homeward.accounts",
    "homeward.dashboard",
    "homeward.alerts",
    "homeward.audit",
    "homeward.borders",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "homeward.core.middleware.RefuseOptionsAndTraceMiddleware",
    "homeward.core.middleware.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Services audit their own changes; this gives them the address the request came from.
    "homeward.audit.middleware.AuditAddressMiddleware",
    "homeward.accounts.idle.KeepSessionAliveMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "homeward.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Keeps a form posted after the session ended, to fill it in again after signing in.
    "homeward.web.kept.KeepTypedFormsMiddleware",
    # After the messages, so that it can say why a session ended.
    "homeward.accounts.idle.EndLongSessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homeward.config.urls"
WSGI_APPLICATION = "homeward.config.wsgi.application"

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
                "homeward.core.context_processors.installation",
                "homeward.access.context_processors.access",
                "homeward.alerts.context_processors.account_links",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": database_from_url(
            DATABASE_URL,
            prepared_statements=env_bool("HOMEWARD_DB_PREPARED_STATEMENTS", True),
        )
    }
else:
    # The embedded default: a SQLite file under var/, created on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(VAR_DIR / "homeward.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

SESSION_COOKIE_AGE = env_int("HOMEWARD_SESSION_SECONDS", 30 * 60)
# However busy, a session ends this long after signing in (homeward/accounts/idle.py).
HOMEWARD_SESSION_MAX_HOURS = env_int("HOMEWARD_SESSION_MAX_HOURS", 12)
# The key of analysts' pseudonyms (homeward/core/keys.py); empty: one derived from SECRET_KEY.
HOMEWARD_PSEUDONYM_KEY = env_str("HOMEWARD_PSEUDONYM_KEY", "")
# An edit page is refused this long after it was opened (homeward/core/signed.py).
HOMEWARD_FORM_MAX_HOURS = env_int("HOMEWARD_FORM_MAX_HOURS", 12)
# Missing now and the home page fetch their list of children missing now again this often
# while open: a police report of a child at high risk is on screen within seconds, without a
# reload (issue 12), and the list is never more than a minute old (issue 11).
HOMEWARD_MISSING_NOW_REFRESH_SECONDS = env_int("HOMEWARD_MISSING_NOW_REFRESH_SECONDS", 10)
# Between those refreshes, an open list asks this often whether it has changed (one cheap
# query, episodes/selectors.py missing_now_state) and fetches itself at once when it has: a
# report of a child at high risk is on an open page within about this long of its arrival
# (issue 12: within 2 s).
HOMEWARD_MISSING_NOW_CHECK_SECONDS = env_int("HOMEWARD_MISSING_NOW_CHECK_SECONDS", 1)
# A name search looks at no more than this many of the closest children, and says so when
# more match (children/selectors.py, docs/search.md).
HOMEWARD_SEARCH_CAP = env_int("HOMEWARD_SEARCH_CAP", 200)
# A police notification is linked to a child without asking at this probability or above,
# and waits for a coordinator's review at HOMEWARD_MATCH_REVIEW or above
# (police/matching.py, docs/matching.md).
HOMEWARD_MATCH_AUTO_LINK = env_fraction("HOMEWARD_MATCH_AUTO_LINK", 0.97)
HOMEWARD_MATCH_REVIEW = env_fraction("HOMEWARD_MATCH_REVIEW", 0.5)
# The largest file of police notifications a coordinator may upload on the web, in MB
# (police/upload_forms.py; a force's daily list is well under 1 MB; the command has no limit).
HOMEWARD_NOTIFICATION_UPLOAD_MAX_MB = env_int("HOMEWARD_NOTIFICATION_UPLOAD_MAX_MB", 10)
# The same for a file of homes' notices loaded onto the placed-in register (borders/forms.py;
# the load-register command has no limit).
HOMEWARD_REGISTER_UPLOAD_MAX_MB = env_int("HOMEWARD_REGISTER_UPLOAD_MAX_MB", 10)
# Flash messages name children: keep them in the session, never in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Idle sign-out: KeepSessionAliveMiddleware moves the expiry on as the session is used.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form posted after the session ended is kept for the person, not refused (web/kept.py);
# any other refused form (its CSRF token missing or stale) gets the site's own 403 page.
CSRF_FAILURE_VIEW = "homeward.web.kept.csrf_failure"
# The timeout warning opens this long before the idle sign-out (accounts/timeout.py).
HOMEWARD_TIMEOUT_WARNING_SECONDS = env_int("HOMEWARD_TIMEOUT_WARNING_SECONDS", 120)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("HOMEWARD_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("HOMEWARD_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Sign-in hardening (docs/security.md).
# Two-factor authentication (TOTP, with recovery codes) for everyone, except in the demo.
HOMEWARD_REQUIRE_2FA = env_bool("HOMEWARD_REQUIRE_2FA", not HOMEWARD_DEMO)
OTP_TOTP_ISSUER = env_str("HOMEWARD_OTP_ISSUER", "Homeward")
# How long a set-up code from `homeward two-factor-invite` or `two-factor-reset` lasts.
HOMEWARD_2FA_SET_UP_HOURS = env_int("HOMEWARD_2FA_SET_UP_HOURS", 72)
# Reverse proxies (addresses or networks) whose X-Forwarded-For header is believed; without
# them the header is ignored and the client address is REMOTE_ADDR.
HOMEWARD_TRUSTED_PROXIES = env_list("HOMEWARD_TRUSTED_PROXIES", [])
if HOMEWARD_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Lockout after repeated failures, keyed on username and address together, so that one
# proxy address (a council's whole office) cannot be used to lock everyone out.
AUTHENTICATION_BACKENDS = [
    "homeward.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in through the council's OpenID Connect provider; does nothing until set up below.
    "homeward.accounts.oidc.HomewardOIDCBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

# Email (links to set a password): Django's SMTP backend, configured from the environment.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "homeward@localhost")
# A link to set a password works once, and for this long (Django's PasswordResetTokenGenerator).
PASSWORD_RESET_TIMEOUT = env_int("HOMEWARD_PASSWORD_LINK_HOURS", 24) * 60 * 60
# Homeward's address as people reach it, for the links in emails (no trailing slash).
HOMEWARD_BASE_URL = env_str("HOMEWARD_BASE_URL", "http://127.0.0.1:8000")
# The outbox (homeward/alerts/outbox.py): a failed email is tried again after this many
# minutes, then twice as long each time, until it has been tried this many times.
HOMEWARD_EMAIL_RETRY_MINUTES = env_int("HOMEWARD_EMAIL_RETRY_MINUTES", 5)
HOMEWARD_EMAIL_MAX_ATTEMPTS = env_int("HOMEWARD_EMAIL_MAX_ATTEMPTS", 6)
if HOMEWARD_EMAIL_RETRY_MINUTES < 1 or HOMEWARD_EMAIL_MAX_ATTEMPTS < 1:
    raise ConfigurationError(
        "HOMEWARD_EMAIL_RETRY_MINUTES and HOMEWARD_EMAIL_MAX_ATTEMPTS must be 1 or more: an "
        "email is tried at least once, and never again at once."
    )
# The morning digest goes out from this hour (0-23, UK time), once a day to each person.
HOMEWARD_DIGEST_HOUR = env_int("HOMEWARD_DIGEST_HOUR", 7)
if not 0 <= HOMEWARD_DIGEST_HOUR <= 23:
    raise ConfigurationError(
        f"HOMEWARD_DIGEST_HOUR must be an hour from 0 to 23, not {HOMEWARD_DIGEST_HOUR}."
    )
# A high-risk episode is alerted if graded high within this many hours and still open; an
# interview is alerted this many hours before its 72 hours run out.
HOMEWARD_HIGH_RISK_ALERT_HOURS = env_int("HOMEWARD_HIGH_RISK_ALERT_HOURS", 24)
HOMEWARD_INTERVIEW_WARNING_HOURS = env_int("HOMEWARD_INTERVIEW_WARNING_HOURS", 12)
# The demo's mail catcher (`homeward mail-catcher`) keeps each email as a file here, and
# administrators read them on a page (alerts/views.py); empty everywhere but the demo.
HOMEWARD_MAIL_CATCHER_DIR = env_str("HOMEWARD_MAIL_CATCHER_DIR", "")
# What `homeward send-alerts` queues before it sends, in order: dotted paths of functions
# `(now) -> int` (the emails each queued). Each app that sends email adds its own.
HOMEWARD_ALERT_SOURCES = (
    "homeward.alerts.immediate.high_risk_alerts_queue",
    "homeward.alerts.immediate.interview_breach_alerts_queue",
    "homeward.notices.alerts.placing_council_notices_queue",
    "homeward.escalations.services.escalations_raise_due",
    "homeward.alerts.digest.digests_queue",
)
# The morning digest's sections, in order: dotted paths of functions
# `(user, now) -> DigestSection | None` (homeward/alerts/digest.py).
HOMEWARD_DIGEST_SECTIONS = (
    "homeward.alerts.sections.missing_now_section",
    "homeward.alerts.sections.interviews_section",
    "homeward.alerts.sections.panel_actions_section",
    "homeward.notices.alerts.unacknowledged_section",
    "homeward.escalations.digest.escalations_section",
)
AXES_FAILURE_LIMIT = env_int("HOMEWARD_SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HOMEWARD_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "homeward.accounts.network.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# A sign-in through the provider carries no password: it is not a guess to count or stop.
AXES_WHITELIST_CALLABLE = "homeward.accounts.oidc.not_a_password"

# Optional sign-in through the council's OpenID Connect provider, such as Microsoft Entra ID
# (homeward/accounts/oidc.py, docs/security.md). On when a client id and either the issuer
# (its endpoints are then read from the issuer's discovery document) or the endpoints are set.
HOMEWARD_OIDC_ISSUER = env_str("HOMEWARD_OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
# The button says "Sign in with <this>".
HOMEWARD_OIDC_PROVIDER_NAME = env_str("HOMEWARD_OIDC_PROVIDER_NAME", "your council account")
# Hide the password form: everyone signs in through the provider.
HOMEWARD_OIDC_ONLY = env_bool("HOMEWARD_OIDC_ONLY", False)
# Accept the provider's multi-factor sign-in instead of Homeward's own second factor, when
# the ID token's amr claim holds one of HOMEWARD_OIDC_MFA_AMR; otherwise Homeward asks too.
HOMEWARD_OIDC_TRUST_MFA = env_bool("HOMEWARD_OIDC_TRUST_MFA", False)
HOMEWARD_OIDC_MFA_AMR = env_list("HOMEWARD_OIDC_MFA_AMR", ["mfa"])
# Providers that send no email_verified claim but control every address they issue (Entra ID
# with the organisation's own domain): take the email claim as verified.
HOMEWARD_OIDC_EMAIL_VERIFIED = env_bool("HOMEWARD_OIDC_EMAIL_VERIFIED", False)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # an administrator makes accounts; a sign-in never does
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"
OIDC_TIMEOUT = env_int("HOMEWARD_OIDC_TIMEOUT_SECONDS", 10)
if OIDC_RP_CLIENT_ID and not (HOMEWARD_OIDC_ISSUER or OIDC_OP_AUTHORIZATION_ENDPOINT):
    raise ConfigurationError(
        "OIDC_RP_CLIENT_ID is set but neither HOMEWARD_OIDC_ISSUER nor the provider's "
        "endpoints (OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, "
        "OIDC_OP_JWKS_ENDPOINT) are: set the issuer, for Entra ID "
        "https://login.microsoftonline.com/<tenant id>/v2.0."
    )
if OIDC_RP_CLIENT_ID and not OIDC_RP_CLIENT_SECRET:
    raise ConfigurationError(
        "OIDC_RP_CLIENT_ID is set without OIDC_RP_CLIENT_SECRET: set the client secret the "
        "provider gave for Homeward."
    )
if HOMEWARD_OIDC_ONLY and not OIDC_RP_CLIENT_ID:
    raise ConfigurationError(
        "HOMEWARD_OIDC_ONLY hides the password form, but no provider is set up "
        "(OIDC_RP_CLIENT_ID): nobody could sign in. Set the provider up or unset it."
    )

# The police notifications API (homeward/police/api.py, docs/api.md). Each force may post this
# many notifications (counted per force, whichever of its tokens it uses); more are answered
# 429 with Retry-After. Counted in the cache (CACHES): per server process unless CACHES names
# a cache the processes share.
HOMEWARD_API_RATE = env_rate("HOMEWARD_API_RATE", "120/minute")
# Only a force's token opens the API: never a session (so never a session's CSRF question),
# and no browsable pages, only JSON.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Homeward police notifications API",
    "DESCRIPTION": (
        "A police force's system sends Homeward what it knows of a child's missing episode, "
        "one event at a time. docs/api.md says more."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "homeward.police.api_schema.strict_request_bodies",
    ],
}

# Who may see what (homeward/access/rules.py, docs/security.md): overrides of the role table
# as JSON, e.g. {"practitioner": {"findings": "all"}}; and the repeat-missing threshold that
# opens a child's record to the exploitation lead (episodes within so many days).
# Office hours at placing councils (Europe/London, Monday to Friday, from the opening hour to
# the closing hour): an episode reported outside them is told to the council's out-of-hours
# address as well as its missing-children one (borders.selectors, docs/borders.md).
HOMEWARD_OFFICE_OPENS_HOUR = env_int("HOMEWARD_OFFICE_OPENS_HOUR", 9)
HOMEWARD_OFFICE_CLOSES_HOUR = env_int("HOMEWARD_OFFICE_CLOSES_HOUR", 17)
if not 0 <= HOMEWARD_OFFICE_OPENS_HOUR < HOMEWARD_OFFICE_CLOSES_HOUR <= 24:
    raise ConfigurationError(
        "HOMEWARD_OFFICE_OPENS_HOUR must be before HOMEWARD_OFFICE_CLOSES_HOUR, both hours "
        "of the day from 0 to 24, for example 9 and 17."
    )

HOMEWARD_ACCESS = env_json("HOMEWARD_ACCESS", {})
HOMEWARD_ACCESS_REPEAT_EPISODES = env_int("HOMEWARD_ACCESS_REPEAT_EPISODES", 2)
HOMEWARD_ACCESS_REPEAT_DAYS = env_int("HOMEWARD_ACCESS_REPEAT_DAYS", 365)

# The audit log keeps entries at least this long; `homeward audit prune` removes older ones.
HOMEWARD_AUDIT_RETENTION_DAYS = env_int("HOMEWARD_AUDIT_RETENTION_DAYS", 2555)
# The key that seals the audit chain's anchor and head (homeward/core/keys.py); empty: one
# derived from SECRET_KEY.
HOMEWARD_AUDIT_KEY = env_str("HOMEWARD_AUDIT_KEY", "")

# Content security policy: everything from this site only; no inline script or style.
# Two exceptions for script: an inline <script nonce="{{ request.csp_nonce }}">, and the
# one line of GOV.UK Frontend's page template that marks the body as JS-enabled, allowed by
# the hash GOV.UK Frontend publishes for it (it changes only if that line does).
GOVUK_INLINE_SCRIPT_HASHES = ["'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *GOVUK_INLINE_SCRIPT_HASHES],
        "style-src": [SELF],
        # The report's charts are SVG images inlined as data: URLs; an image cannot run script.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HOMEWARD_LOG_LEVEL", "INFO")},
}

# Targets the scrutiny report's findings compare with: RHI completed within 72 hours, and
# placing councils notified within 24 hours, as percentages.
HOMEWARD_RHI_TARGET_PCT = env_int("HOMEWARD_RHI_TARGET_PCT", 80)
HOMEWARD_NOTIFICATION_TARGET_PCT = env_int("HOMEWARD_NOTIFICATION_TARGET_PCT", 90)

# The scrutiny paper's author and contact officer, as printed at its end (docs/report-json.md,
# "paper"). Empty: the paper says they are still to be given, and the Reports page asks the
# author for them before the paper can be issued. Never made up for a real installation.
HOMEWARD_REPORT_AUTHOR_NAME = env_str("HOMEWARD_REPORT_AUTHOR_NAME", "")
HOMEWARD_REPORT_AUTHOR_ROLE = env_str("HOMEWARD_REPORT_AUTHOR_ROLE", "")
HOMEWARD_REPORT_CONTACT_NAME = env_str("HOMEWARD_REPORT_CONTACT_NAME", "")
HOMEWARD_REPORT_CONTACT_ROLE = env_str("HOMEWARD_REPORT_CONTACT_ROLE", "")
HOMEWARD_REPORT_CONTACT_DETAILS = env_str("HOMEWARD_REPORT_CONTACT_DETAILS", "")

# Offers of a return home interview with no contact made after which a return is no longer
# owed one: the attempts the council's protocol requires before the offer is closed.
HOMEWARD_RHI_ATTEMPTS_REQUIRED = env_int("HOMEWARD_RHI_ATTEMPTS_REQUIRED", 3)
if HOMEWARD_RHI_ATTEMPTS_REQUIRED < 1:
    raise ConfigurationError(
        "HOMEWARD_RHI_ATTEMPTS_REQUIRED must be 1 or more: the offers of an interview with no "
        f"contact made before a return is no longer owed one, not {HOMEWARD_RHI_ATTEMPTS_REQUIRED}."
    )

# Telling placing councils of their children's episodes here (docs/notices.md): sent by a
# coordinator's click (on_click) or by the next `homeward send-alerts` (automatic); chased
# when not acknowledged within the hours given, once each such interval; the link to
# acknowledge receipt works once, for the days given.
HOMEWARD_NOTIFY_PLACING_COUNCILS = env_choice(
    "HOMEWARD_NOTIFY_PLACING_COUNCILS", "on_click", ("automatic", "on_click")
)
HOMEWARD_PLACING_COUNCIL_CHASE_HOURS = env_int("HOMEWARD_PLACING_COUNCIL_CHASE_HOURS", 24)
HOMEWARD_NOTICE_LINK_DAYS = env_int("HOMEWARD_NOTICE_LINK_DAYS", 14)
# Episodes already last seen longer ago than this when they were recorded or imported are not
# listed as still to tell (an import of years of history would otherwise list every old
# episode; they count in the report as they are); any other stays listed until told.
HOMEWARD_NOTICE_LOOKBACK_DAYS = env_int("HOMEWARD_NOTICE_LOOKBACK_DAYS", 30)
# How a placing council reaches the host's missing children team, written in every notice
# (for example "Missing children team, 01865 000000, missing@council.gov.uk").
HOMEWARD_NOTICE_CONTACT = env_str("HOMEWARD_NOTICE_CONTACT", "")
for _name in (
    "HOMEWARD_PLACING_COUNCIL_CHASE_HOURS",
    "HOMEWARD_NOTICE_LINK_DAYS",
    "HOMEWARD_NOTICE_LOOKBACK_DAYS",
):
    if globals()[_name] < 1:
        raise ConfigurationError(f"{_name} must be 1 or more, not {globals()[_name]}.")
# Escalation when patterns appear (homeward/escalations/rules.py, docs/escalations.md): the
# rules' thresholds, as common local protocols set them. A count rule with 0 episodes is off.
HOMEWARD_ESCALATION_REPEAT_EPISODES = env_int("HOMEWARD_ESCALATION_REPEAT_EPISODES", 3)
HOMEWARD_ESCALATION_REPEAT_DAYS = env_int("HOMEWARD_ESCALATION_REPEAT_DAYS", 30)
HOMEWARD_ESCALATION_HIGH_RISK = env_bool("HOMEWARD_ESCALATION_HIGH_RISK", True)
HOMEWARD_ESCALATION_PLACED_IN_EPISODES = env_int("HOMEWARD_ESCALATION_PLACED_IN_EPISODES", 3)
HOMEWARD_ESCALATION_PLACED_IN_DAYS = env_int("HOMEWARD_ESCALATION_PLACED_IN_DAYS", 90)
# A pattern whose latest episode was last seen longer ago than this raises nothing: history
# imported or recorded late is not a task for today.
HOMEWARD_ESCALATION_RECENT_DAYS = env_int("HOMEWARD_ESCALATION_RECENT_DAYS", 30)
# Days from raising to the due date, for each kind of escalation.
HOMEWARD_ESCALATION_STRATEGY_DUE_DAYS = env_int("HOMEWARD_ESCALATION_STRATEGY_DUE_DAYS", 2)
HOMEWARD_ESCALATION_SCREENING_DUE_DAYS = env_int("HOMEWARD_ESCALATION_SCREENING_DUE_DAYS", 7)
HOMEWARD_ESCALATION_PLAN_REVIEW_DUE_DAYS = env_int("HOMEWARD_ESCALATION_PLAN_REVIEW_DUE_DAYS", 14)
# Who owns a new escalation of each kind, by username ({"strategy_discussion": "asmith"});
# a kind not named goes to the one active person holding its role, if only one does.
HOMEWARD_ESCALATION_OWNERS = env_json("HOMEWARD_ESCALATION_OWNERS", {})
for _name in (
    "HOMEWARD_ESCALATION_REPEAT_EPISODES",
    "HOMEWARD_ESCALATION_PLACED_IN_EPISODES",
):
    if globals()[_name] < 0:
        raise ConfigurationError(
            f"{_name} must be 0 (the rule is off) or more, not {globals()[_name]}."
        )
for _name in (
    "HOMEWARD_ESCALATION_REPEAT_DAYS",
    "HOMEWARD_ESCALATION_PLACED_IN_DAYS",
    "HOMEWARD_ESCALATION_RECENT_DAYS",
):
    if globals()[_name] < 1:
        raise ConfigurationError(f"{_name} must be 1 day or more, not {globals()[_name]}.")
for _name in (
    "HOMEWARD_ESCALATION_STRATEGY_DUE_DAYS",
    "HOMEWARD_ESCALATION_SCREENING_DUE_DAYS",
    "HOMEWARD_ESCALATION_PLAN_REVIEW_DUE_DAYS",
):
    if globals()[_name] < 0:
        raise ConfigurationError(f"{_name} must be 0 days or more, not {globals()[_name]}.")
