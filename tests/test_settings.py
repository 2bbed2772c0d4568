"""Deployment settings come from the environment (newsroom/settings.py, documented in .env.example)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = secrets.token_urlsafe(50)


def test_missing_secret_key_is_refused_when_debug_is_off(settings_from_env):
    """With DEBUG off (the default) the site refuses to start without DJANGO_SECRET_KEY, and says which variable."""
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        settings_from_env()


def test_debug_is_off_unless_asked_and_only_then_a_development_key_is_used(settings_from_env):
    """DEBUG is off by default; DJANGO_DEBUG=1 turns it on and lets a throwaway key stand in for a missing one."""
    production = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY)
    assert (production["DEBUG"], production["SECRET_KEY"]) == (False, PRODUCTION_KEY)
    development = settings_from_env(DJANGO_DEBUG="1")
    assert development["DEBUG"] is True
    assert development["SECRET_KEY"].startswith("insecure-")


def test_hosts_and_trusted_origins_are_comma_separated_lists(settings_from_env):
    """DJANGO_ALLOWED_HOSTS and DJANGO_CSRF_TRUSTED_ORIGINS are comma-separated, spaces ignored."""
    loaded = settings_from_env(
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="baocantho.example, www.baocantho.example ,",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://baocantho.example",
    )
    assert loaded["ALLOWED_HOSTS"] == ["baocantho.example", "www.baocantho.example"]
    assert loaded["CSRF_TRUSTED_ORIGINS"] == ["https://baocantho.example"]


def test_database_url_selects_postgresql_with_a_short_connect_timeout(settings_from_env):
    """DATABASE_URL picks PostgreSQL (connections reused, health-checked, given up on after 3 s, values bound by the
    server); else SQLite."""
    database = settings_from_env(
        DJANGO_SECRET_KEY=PRODUCTION_KEY, DATABASE_URL="postgres://toasoan:mat-khau@db.internal:5433/newsroom"
    )["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("newsroom", "toasoan", "mat-khau")
    assert (database["HOST"], database["PORT"]) == ("db.internal", 5433)
    assert database["OPTIONS"] == {"connect_timeout": 3, "server_side_binding": True}
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)

    default = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY)["DATABASES"]["default"]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(default["NAME"]) == ROOT / "db.sqlite3"


def test_cache_is_shared_by_all_workers_files_by_default_redis_with_redis_url(settings_from_env):
    """Never a per-process memory cache: files by default, Redis (errors ignored, short timeouts) with REDIS_URL."""
    files = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_CACHE_DIR="/srv/newsroom/cache")["CACHES"]
    assert files["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert files["default"]["LOCATION"] == "/srv/newsroom/cache"

    redis = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY, REDIS_URL="redis://cache.internal:6379/2")["CACHES"]
    assert redis["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert redis["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert redis["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


def test_varnish_servers_to_purge_are_a_comma_separated_list_none_by_default(settings_from_env):
    """No Varnish named, nothing is purged; shared caches keep a page an hour at most, six more while no app answers."""
    default = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY)
    assert (default["VARNISH_URLS"], default["EDGE_SECONDS"], default["EDGE_GRACE_SECONDS"]) == ([], 3600, 21600)
    named = settings_from_env(
        DJANGO_SECRET_KEY=PRODUCTION_KEY, NEWSROOM_VARNISH_URLS="http://10.0.0.5:6081, http://10.0.0.6:6081"
    )
    assert named["VARNISH_URLS"] == ["http://10.0.0.5:6081", "http://10.0.0.6:6081"]


def test_media_is_on_local_disk_unless_an_s3_bucket_is_named(settings_from_env):
    """Without DJANGO_S3_BUCKET photos are files under MEDIA_ROOT, served by the site itself."""
    loaded = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_MEDIA_ROOT="/srv/newsroom/media")
    assert loaded["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert loaded["MEDIA_ROOT"] == Path("/srv/newsroom/media")
    assert loaded["SERVE_MEDIA"] is True
    assert loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def test_s3_bucket_stores_media_in_object_storage_with_public_urls(settings_from_env):
    """DJANGO_S3_* configure django-storages: public unsigned URLs on the custom domain, which the CSP allows."""
    from storages.backends.s3 import S3Storage

    loaded = settings_from_env(
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_S3_BUCKET="newsroom-media",
        DJANGO_S3_ENDPOINT_URL="https://s3.hcm.example.vn",
        DJANGO_S3_REGION="hcm-1",
        DJANGO_S3_CUSTOM_DOMAIN="anh.baocantho.example",
        DJANGO_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        DJANGO_S3_SECRET_ACCESS_KEY="bi-mat",
    )
    storage = loaded["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "newsroom-media"
    assert (options["endpoint_url"], options["region_name"]) == ("https://s3.hcm.example.vn", "hcm-1")
    assert (options["access_key"], options["secret_key"]) == ("AKIAEXAMPLE", "bi-mat")
    assert (options["querystring_auth"], options["file_overwrite"]) == (False, False)
    assert loaded["SERVE_MEDIA"] is False
    assert "https://anh.baocantho.example" in loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    # Building the storage and a URL needs no network.
    url = S3Storage(**options).url("articles/2026/11/hoi-cho-htx-0123456789.jpg")
    assert url == "https://anh.baocantho.example/articles/2026/11/hoi-cho-htx-0123456789.jpg"


def test_s3_without_custom_domain_allows_the_endpoint_in_the_csp(settings_from_env):
    """Without a custom domain, photos come from the endpoint itself, and the CSP lets them in."""
    from storages.backends.s3 import S3Storage

    loaded = settings_from_env(
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_S3_BUCKET="newsroom-media",
        DJANGO_S3_ENDPOINT_URL="https://s3.example.vn",
    )
    url = S3Storage(**loaded["STORAGES"]["default"]["OPTIONS"]).url("articles/a.jpg")
    assert url == "https://s3.example.vn/newsroom-media/articles/a.jpg"
    assert "https://s3.example.vn" in loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]


def test_https_is_assumed_in_production_and_can_be_switched_off_for_local_trials(settings_from_env):
    """DEBUG off: HTTPS redirect, Secure cookies, one year of HSTS; DJANGO_HTTPS=0 drops them; a proxy is opt-in."""
    production = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY)
    assert (
        production["SECURE_SSL_REDIRECT"] and production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    )
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert "SECURE_PROXY_SSL_HEADER" not in production

    plain = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_HTTPS="0")
    assert not any(name in plain for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS"))

    proxied = settings_from_env(DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_TLS_PROXY="1")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def check_deploy(**env):
    """`manage.py check --deploy` in a fresh process with only these deployment variables; (exit code, output)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") or k == "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": PRODUCTION_KEY, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("proxy", ["", "1"])
def test_check_deploy_reports_nothing_in_production(proxy):
    """The production environment passes Django's deployment checklist, with TLS here or at a proxy."""
    code, output = check_deploy(DJANGO_ALLOWED_HOSTS="example.com", DJANGO_TLS_PROXY=proxy)
    assert code == 0, output
    assert "System check identified no issues" in output


def test_check_deploy_flags_plain_http():
    """Turning HTTPS off shows: the checklist names what is missing (so the clean run above means something)."""
    code, output = check_deploy(DJANGO_ALLOWED_HOSTS="example.com", DJANGO_HTTPS="0")
    assert code != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


def test_env_example_copied_as_is_gives_the_documented_defaults(settings_from_env):
    """.env.example names only variables settings.py reads, and its blank values mean "use the default"."""
    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            example[name] = value
    read = set(re.findall(r'env_(?:str|bool|list)\("([A-Z0-9_]+)"', (ROOT / "newsroom" / "settings.py").read_text()))
    read |= {"DJANGO_SECRET_KEY", "WEB_CONCURRENCY", "NEWSROOM_ACCESS_LOG"}  # read directly, and by make serve
    assert set(example) <= read

    loaded = settings_from_env(**{**example, "DJANGO_SECRET_KEY": PRODUCTION_KEY})
    assert loaded["DEBUG"] is False and loaded["SECURE_SSL_REDIRECT"] is True
    assert Path(loaded["DATABASES"]["default"]["NAME"]) == ROOT / "db.sqlite3"
    assert loaded["CACHES"]["default"]["LOCATION"] == str(ROOT / "var" / "cache")
    assert loaded["MEDIA_ROOT"] == ROOT / "media"
    assert loaded["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_the_api_rate_limit_and_cors_origins_come_from_the_environment(settings_from_env):
    """NEWSROOM_API_RATE_LIMIT (600/minute by default, or off) and NEWSROOM_API_CORS_ORIGINS; a limit that is not
    requests per period stops start-up with a message, rather than failing on the first request."""
    production = {"DJANGO_SECRET_KEY": PRODUCTION_KEY, "DJANGO_ALLOWED_HOSTS": "example.com"}
    assert settings_from_env(**production)["API_RATE_LIMIT"] == "600/minute"
    assert settings_from_env(**production)["CORS_ALLOWED_ORIGINS"] == []
    loaded = settings_from_env(
        **production, NEWSROOM_API_RATE_LIMIT="30/Second", NEWSROOM_API_CORS_ORIGINS="https://a.vn, https://b.vn"
    )
    assert (loaded["API_RATE_LIMIT"], loaded["CORS_ALLOWED_ORIGINS"]) == ("30/second", ["https://a.vn", "https://b.vn"])
    assert settings_from_env(**production, NEWSROOM_API_RATE_LIMIT="off")["API_RATE_LIMIT"] == "off"
    with pytest.raises(ImproperlyConfigured, match="NEWSROOM_API_RATE_LIMIT"):
        settings_from_env(**production, NEWSROOM_API_RATE_LIMIT="nhiều")


def test_notification_mail_goes_through_djangos_mail_settings_from_the_environment(settings_from_env):
    """The desk's e-mails: printed on the console in development, sent by SMTP in production with the server, login,
    TLS and sender the environment gives."""
    assert settings_from_env(DJANGO_DEBUG="1")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    loaded = settings_from_env(
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_EMAIL_HOST="smtp.baocantho.vn",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_HOST_USER="toasoan",
        DJANGO_EMAIL_HOST_PASSWORD="bí mật",
        DJANGO_EMAIL_USE_TLS="1",
        DJANGO_DEFAULT_FROM_EMAIL="toasoan@baocantho.vn",
        NEWSROOM_SITE_URL="https://baocantho.vn/",
    )
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (loaded["EMAIL_HOST"], loaded["EMAIL_PORT"], loaded["EMAIL_USE_TLS"]) == ("smtp.baocantho.vn", 587, True)
    assert (loaded["EMAIL_HOST_USER"], loaded["EMAIL_HOST_PASSWORD"]) == ("toasoan", "bí mật")
    assert (loaded["DEFAULT_FROM_EMAIL"], loaded["SITE_URL"]) == ("toasoan@baocantho.vn", "https://baocantho.vn")
