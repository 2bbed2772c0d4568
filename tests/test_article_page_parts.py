"""The article page's parts from issue #19: its thread (linked, with the thread's previous and next article), its tags
(linked, primary first), its credits, and what they cost: one query more than before they existed, whatever the number
of tags, contributors and picks. Staff previews show the same parts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article, make_author, make_section, make_tag, make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.owner_pages_urls")]


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)
