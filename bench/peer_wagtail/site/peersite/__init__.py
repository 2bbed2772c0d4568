"""The Wagtail peer's project package: settings, URLs, WSGI."""
