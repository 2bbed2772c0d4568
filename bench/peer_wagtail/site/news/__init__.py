"""The Wagtail peer's news app: an index page listing article pages."""
