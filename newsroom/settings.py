"""Newsroom settings: one module, everything deployment-specific read from the environment."""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from articles.sanitize import ckeditor_allowed_content

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_str(name, default=""):
    """The variable's value, or `default` when it is unset or empty (as a copied .env.example leaves it)."""
    return os.environ.get(name) or default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (see .env.example), or set DJANGO_DEBUG=1 for local development."
        )
    # Only ever reached with DEBUG on: a throwaway key for local development.
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.admin.NewsroomAdminConfig",  # django.contrib.admin, with the newsroom's site (newsroom/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "imagekit",
    "ckeditor",
    "ckeditor_uploader",
    "csp",
    "axes",
    "reversion",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The audit log's append-only trigger on PostgreSQL, declared on the model and made by a migration.
    "pgtrigger",
    "articles",
]

MIDDLEWARE = [
    # First, so every log line of the request (and the 503 page) carries its id.
    "newsroom.middleware.RequestIdMiddleware",
    # CORS headers of the API (/api/), per request: outside the page cache, which stores a response without them and
    # hands requests with an Origin header to Django (docs/API.md), and outside the 304s, which carry them too.
    "corsheaders.middleware.CorsMiddleware",
    # 304 for any page whose ETag or Last-Modified matches the request's, cached or freshly rendered.
    "django.middleware.http.ConditionalGetMiddleware",
    # Whole pages for anonymous readers (articles/pagecache/): a hit is answered before sessions, auth, URL resolving
    # and the view; a miss is stored on the way out. newsroom/wsgi.py answers hits even before Django.
    "articles.pagecache.PageCacheMiddleware",
    # Only with DJANGO_TLS_PROXY=1: the reader's address from the proxy's X-Forwarded-For (for login throttling).
    "newsroom.middleware.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before sessions or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above XFrameOptionsMiddleware, so it sees the final X-Frame-Options that frame-ancestors mirrors.
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # What a request writes is on the audit log under its signed-in user (read only when a row is written).
    "articles.audit.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The script prefix and URLconf the request's links are reversed for, read once (articles/links.py).
    "articles.links.PlaceMiddleware",
    # Last, as django-axes asks: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    # Readers' pages (templates/jinja2/): Jinja2 renders them several times faster than Django's engine
    # (articles/templating.py says why). Everything else below: the admin, sitemaps, robots.txt, 500/503 pages.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {
            "environment": "articles.templating.environment",
            "context_processors": ["articles.context_processors.site"],
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# DATABASE_URL picks the database (postgres://user@host:5432/name); without it, the SQLite file beside manage.py.
# Persistent connections are health-checked before reuse, so the site recovers by itself after a database restart.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60, conn_health_checks=True
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # An unreachable server fails the request in seconds (the 503 page) instead of hanging a worker.
    _options.setdefault("connect_timeout", int(env_str("DJANGO_DB_CONNECT_TIMEOUT", "3")))
    # Values sent apart from the SQL (server-side binding): Python no longer quotes each one into the SQL's text.
    _options.setdefault("server_side_binding", True)
# On PostgreSQL, the readers' prepared queries (articles/prepared.py) are also prepared statements on the server: parsed
# and planned once per connection, PostgreSQL's CPU per article page fell from 1.6 to 0.5 ms (docs/PERFORMANCE.md).
# Only those: psycopg's automatic preparing stays off (Django's default), because for search a plan made once for any
# words is far slower than one made for the words. 0 behind a pooler in transaction mode that cannot keep prepared
# statements (PgBouncer before 1.21).
PREPARED_STATEMENTS = env_bool("DJANGO_DB_PREPARED_STATEMENTS", True)

# One cache shared by every worker process: a save in one worker must show in the others at once, so never a
# per-process memory cache. REDIS_URL (redis://host:6379/0) selects Redis; a Redis outage only means cache misses
# (IGNORE_EXCEPTIONS, logged), never an error page. Without it, files under DJANGO_CACHE_DIR (one machine).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# The front page (articles/front.py): how many featured stories (besides the lead), newest articles and most-read
# articles it shows. Most read (articles/most_read.py): at most this many beacons looked at an hour (the bound on what a
# flood can store), and how long a worker reuses the most-read list it worked out.
FRONT_FEATURED = int(env_str("NEWSROOM_FRONT_FEATURED", "6"))
FRONT_LATEST = int(env_str("NEWSROOM_FRONT_LATEST", "10"))
FRONT_MOST_READ = int(env_str("NEWSROOM_FRONT_MOST_READ", "5"))
MOST_READ_MAX_PER_HOUR = int(env_str("NEWSROOM_MOST_READ_MAX_PER_HOUR", "200000"))
MOST_READ_SECONDS = int(env_str("NEWSROOM_MOST_READ_SECONDS", "60"))

# The page cache (articles/pagecache/, docs/CACHING.md): whole public pages for readers without a session, in the
# cache above, made stale at once by any write. NEWSROOM_PAGE_CACHE=0 turns it off (the uncached benchmark).
# NEWSROOM_PAGE_CACHE_SECONDS is the longest a page is kept: the bound on staleness if a write's invalidation is lost
# (django-redis ignores a Redis outage, and a stamp written during one is dropped).
PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(env_str("NEWSROOM_PAGE_CACHE_SECONDS", "300"))
# Every page's key holds a fingerprint of the code, templates and static files (articles/pagecache/build.py), made at
# start-up. With DEBUG, where runserver and Jinja2 pick up an edited template without a restart, the files are looked
# at again on every request, so an edit shows at once with the page cache on.
PAGE_CACHE_WATCH_FILES = env_bool("NEWSROOM_PAGE_CACHE_WATCH_FILES", DEBUG)

# The edge (articles/pagecache/edge.py, deploy/varnish/newsroom.vcl, docs/DEPLOYMENT.md): pages the page cache keeps
# are labelled for shared caches in front (Surrogate-Key, Surrogate-Control), and after every write each Varnish in
# NEWSROOM_VARNISH_URLS (http://host:port, comma-separated; none: no purging) drops what it touched, each connect and
# read waiting at most NEWSROOM_VARNISH_TIMEOUT seconds (a purge that fails is queued and retried).
# NEWSROOM_EDGE_SECONDS is the longest a shared cache keeps a page (the bound on staleness if a purge were ever lost);
# NEWSROOM_EDGE_GRACE_SECONDS how long after that it may still serve it while every app server is down. Neither ever
# reaches past the next scheduled publication or take-down.
VARNISH_URLS = env_list("NEWSROOM_VARNISH_URLS")
VARNISH_TIMEOUT = float(env_str("NEWSROOM_VARNISH_TIMEOUT", "0.5"))
EDGE_SECONDS = int(env_str("NEWSROOM_EDGE_SECONDS", "3600"))
EDGE_GRACE_SECONDS = int(env_str("NEWSROOM_EDGE_GRACE_SECONDS", "21600"))

# The read-only JSON API under /api/v1/ (articles/api/, docs/API.md): Django REST framework, JSON only, anonymous (no
# authentication: an editor's session shows nothing more), every error a JSON body with a Vietnamese `detail`.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["articles.api.renderers.OrjsonRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "articles.api.negotiation.JsonOnly",
    "DEFAULT_THROTTLE_CLASSES": ["articles.api.throttling.AddressRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "articles.api.errors.exception_handler",
    # The client's address is REMOTE_ADDR, which ForwardedForMiddleware sets from our proxy's header; DRF would
    # otherwise believe any X-Forwarded-For a client sends, and a client could dodge the rate limit with it.
    "NUM_PROXIES": 0,
    # ?format= is not a parameter of ours: refused like any other unknown one.
    "URL_FORMAT_OVERRIDE": None,
}
# Anonymous requests per client address that reach Django (a response from the page cache is not counted), counted
# in the shared cache so every worker agrees: "N/second|minute|hour|day", or "off". Generous, because a mobile
# carrier puts many readers behind one address.
API_RATE_LIMIT = env_str("NEWSROOM_API_RATE_LIMIT", "600/minute").strip().lower()
if not re.fullmatch(r"off|\d+/(s|sec|second|m|min|minute|h|hour|d|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"NEWSROOM_API_RATE_LIMIT is {API_RATE_LIMIT!r}: give requests per period, e.g. 600/minute, 10/second, or off."
    )
# The sites whose pages may read the API from the browser (CORS), e.g. "https://app.baocantho.vn,https://doitac.vn".
CORS_ALLOWED_ORIGINS = env_list("NEWSROOM_API_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("ETag", "Retry-After")
# The OpenAPI schema (/api/v1/schema/) and Swagger UI (/api/v1/docs/), whose files come from this site's static files
# (drf-spectacular-sidecar), never from a CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom API",
    "DESCRIPTION": "Bài viết, chuyên mục, tác giả và tìm kiếm, chỉ đọc, dạng JSON. Hướng dẫn: docs/API.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it would send the schema's URL to a service outside the site.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# The publication's name as readers, feeds, sitemaps and search engines see it (Google News matches it).
SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
# Where the site is, for links in e-mails (no request to build them from), e.g. https://baocantho.vn. Unset: the links
# are the admin's paths alone.
SITE_URL = env_str("NEWSROOM_SITE_URL").rstrip("/")

# E-mail: the desk workflow's notifications (articles/notifications.py), through Django's mail settings. With DEBUG and
# no DJANGO_EMAIL_BACKEND, messages are printed on the console instead of sent; otherwise SMTP to DJANGO_EMAIL_HOST.
_MAIL = "console" if DEBUG else "smtp"
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", f"django.core.mail.backends.{_MAIL}.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")
# A mail server that does not answer must not hold the editor's request for long (the move is saved anyway).
EMAIL_TIMEOUT = int(env_str("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Photo renditions (articles/renditions.py) are stored under MEDIA_ROOT/renditions/.
IMAGEKIT_CACHEFILE_DIR = "renditions"

# Static files: hashed, compressed copies made by collectstatic and served by WhiteNoise with a one-year
# Cache-Control (a changed file gets a new name). Media: local disk unless DJANGO_S3_BUCKET names a bucket
# (S3-compatible object storage through django-storages; photos are public, so plain unsigned URLs).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
S3_BUCKET = env_str("DJANGO_S3_BUCKET")
MEDIA_ORIGINS = []  # where photos come from when not from this site (for the Content-Security-Policy)
if S3_BUCKET:
    S3_ENDPOINT_URL = env_str("DJANGO_S3_ENDPOINT_URL")
    S3_CUSTOM_DOMAIN = env_str("DJANGO_S3_CUSTOM_DOMAIN")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": env_str("DJANGO_S3_REGION") or None,
            "custom_domain": S3_CUSTOM_DOMAIN or None,
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, instance role, ~/.aws).
            "access_key": env_str("DJANGO_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("DJANGO_S3_SECRET_ACCESS_KEY") or None,
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,  # public reading is the bucket policy's job
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
    if S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS = [f"https://{S3_CUSTOM_DOMAIN}"]
    elif S3_ENDPOINT_URL:
        endpoint = urlsplit(S3_ENDPOINT_URL)
        # Path-style (endpoint/bucket/key) and virtual-hosted (bucket.endpoint/key) addressing.
        MEDIA_ORIGINS = [f"{endpoint.scheme}://{endpoint.netloc}", f"{endpoint.scheme}://{S3_BUCKET}.{endpoint.netloc}"]
    else:
        MEDIA_ORIGINS = [f"https://{S3_BUCKET}.s3.amazonaws.com"]  # the URL boto3 builds for AWS itself
# Uploaded media on local disk is served by newsroom.views.serve_media (images only, never as HTML or SVG).
SERVE_MEDIA = not S3_BUCKET

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "admin:login"

# Uploads: the image validator enforces its own 10 MB limit with a form error; this only
# keeps Django from refusing the request before the form can say so.
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024

# CKEditor (django-ckeditor bundles CKEditor 4.22.1).
CKEDITOR_UPLOAD_PATH = "uploads/"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_RESTRICT_BY_USER = False
CKEDITOR_BROWSE_SHOW_DIRS = False
CKEDITOR_CONFIGS = {
    "default": {
        "language": "vi",
        "height": 420,
        "width": "100%",
        "toolbar": "newsroom",
        "toolbar_newsroom": [
            ["Format"],
            ["Bold", "Italic"],
            ["Link", "Unlink"],
            ["BulletedList", "NumberedList", "Blockquote"],
            ["Image", "Table"],
            ["Undo", "Redo"],
            ["Source"],
        ],
        "format_tags": "p;h2;h3;h4",
        # Store letters as letters (not &agrave;…), as the sanitiser writes them, so a re-save changes nothing.
        "entities": False,
        # CKEditor's own content filter is the server's allowlist (articles/sanitize.py), written in its syntax, so
        # what the editor shows is what readers will get.
        "allowedContent": ckeditor_allowed_content(),
        "removePlugins": "exportpdf",
        "extraPlugins": "",
    },
}

SILENCED_SYSTEM_CHECKS = [
    # ckeditor.W001 warns that django-ckeditor bundles CKEditor 4.22.1, which is unmaintained and has
    # known XSS issues. We keep it because it was asked for and contain the risk: the editor is only
    # reachable by staff, every body is sanitised server-side with an allowlist (articles/sanitize.py)
    # before it is stored, and public pages carry a Content-Security-Policy. README ("Security") says how
    # to switch editors.
    "ckeditor.W001",
]

# HTTPS. With DEBUG off the site is taken to be reached over HTTPS: plain HTTP is redirected, cookies are Secure and
# browsers get HSTS. DJANGO_HTTPS=0 is for plain-HTTP trials on this machine only (`make serve` on 127.0.0.1).
# DJANGO_TLS_PROXY=1 when TLS ends at a reverse proxy in front of gunicorn: Django then believes the proxy's
# X-Forwarded-Proto (request.is_secure) and X-Forwarded-For (the reader's address). The proxy must set both and
# overwrite whatever the client sent. docs/DEPLOYMENT.md has an nginx example.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
TLS_PROXY = env_bool("DJANGO_TLS_PROXY", False)
if TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env_str("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# A view that must be framed says so with @xframe_options_sameorigin; the CSP's frame-ancestors follows it.
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp; newsroom.middleware.ContentSecurityPolicyMiddleware picks the policy).
# Public pages: no inline script at all; one that must ever be inline carries nonce="{{ request.csp_nonce }}" (and then
# its page is never stored by the page cache). The JSON-LD is a data block, never run, which script-src does not govern:
# it has no nonce, so public pages and their policy are the same for every reader.
# No <style> blocks either, but style attributes are allowed: article bodies keep the image and table sizes set in
# CKEditor, which the sanitiser reduces to width/height (articles/sanitize.py).
_PUBLIC_CSP = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF],
    "style-src-attr": [UNSAFE_INLINE],
    "img-src": [SELF, "data:", *MEDIA_ORIGINS],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "upgrade-insecure-requests": HTTPS,
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _PUBLIC_CSP}
# The admin and CKEditor's views: CKEditor 4 wires its toolbar with inline onclick handlers and javascript: links and
# styles its editing area inline, so inline scripts and styles are allowed there (it needs no eval). Only staff reach
# these pages and every body is sanitised server-side. No nonce here: a nonce makes browsers ignore 'unsafe-inline'.
EDITOR_PATH_PREFIXES = ("/admin/", "/ckeditor/")
EDITOR_CONTENT_SECURITY_POLICY = {
    **_PUBLIC_CSP,
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
}

# Login throttling (django-axes): 5 wrong passwords for one user name from one address lock that pair for 15 minutes,
# even against the right password. Unlock early: `manage.py axes_reset_username NAME` (docs/DEPLOYMENT.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
# The lock lasts 15 minutes from the lockout, as the lockout page says; tries during it do not extend it (and are not
# even checked against the password, so they teach an attacker nothing).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "newsroom.views.login_locked_out"

# Logs: stdout, one line per record (a traceback is folded into its line), each with the request's id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.middleware.RequestIdLogFilter"}},
    "formatters": {"one_line": {"()": "newsroom.middleware.OneLineFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "one_line",
        }
    },
    "root": {"handlers": ["stdout"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console and mail_admins handlers are dropped: its records reach the root's stdout handler.
        "django": {"level": "INFO"},
        # Lockouts and repeated failures are warnings; axes' INFO lines would also land in management commands' stdout.
        "axes": {"level": "WARNING"},
    },
}

SILENCED_SYSTEM_CHECKS += [
    # security.W005 (HSTS without includeSubDomains) and security.W021 (without preload): both reach beyond this
    # site, to every subdomain of the newspaper's domain and into browsers' built-in lists, and are slow to undo.
    # The operator opts in with DJANGO_HSTS_INCLUDE_SUBDOMAINS=1 and DJANGO_HSTS_PRELOAD=1.
    "security.W005",
    "security.W021",
]
