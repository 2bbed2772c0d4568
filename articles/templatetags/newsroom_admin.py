from django import template

from articles import workflow

register = template.Library()


@register.simple_tag
def start_page(user):
    """The editors' start page lists (articles.workflow.start_page) for the admin index."""
    return workflow.start_page(user)
