"""The admin templates' share of the formatting rules (articles/formatting.py), the editors' start page and the
header's count of unread notifications."""

from django import template

from articles import audit, formatting
from articles.admin.start_page import start_page as start_page_lists
from articles.models import AuditEntry, Notification

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


@register.filter
def waited(since):
    """`{{ article.stage_since|waited }}`: "2 ngày", "3 giờ"."""
    return formatting.waited(since)


@register.filter
def act_label(act):
    """`{{ "send_back"|act_label }}`: what the audit log calls an act ("Trả lại")."""
    return AuditEntry.Act(act).label if act in AuditEntry.Act.values else act


@register.simple_tag
def unread_notifications(user):
    """How many of `user`'s notifications are unread, for the admin's header (one query on its own index)."""
    return Notification.objects.filter(recipient=user).unread().count()
