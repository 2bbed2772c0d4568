"""The admin templates' share of the formatting rules (articles/formatting.py) and the editors' start page."""

from django import template

from articles import audit, formatting
from articles.admin.start_page import start_page as start_page_lists

register = template.Library()


@register.simple_tag
def start_page(user):
    """The editors' start page lists (articles.admin.start_page) for the admin index."""
    return start_page_lists(user)


@register.filter
def when(moment, detail=""):
    """`{{ moment|when }}`: "17/02/2020 - 09:44"; `{{ moment|when:"seconds" }}`: "17/02/2020 - 09:44:05"."""
    return formatting.when(moment, seconds=detail == "seconds")


@register.filter
def display_name(user):
    return formatting.display_name(user) if user else ""


@register.filter
def audit_changes(entry):
    """`{{ entry|audit_changes }}`: what an audit log row says changed, as people read it."""
    return audit.describe(entry)
