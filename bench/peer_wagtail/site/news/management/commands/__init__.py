"""The news app's management commands."""
