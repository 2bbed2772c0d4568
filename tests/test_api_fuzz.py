"""Schemathesis against the running API (in-process, through the same WSGI front as gunicorn's): every parameter of
every endpoint fuzzed from the OpenAPI schema, valid and invalid alike. No answer is a 500, every answer matches the
schema (status, headers, body), and invalid input is refused. Bounded and derandomized, so the run is the same every
time and stays well under two minutes (docs/API.md has its size and duration)."""

import functools

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles.models import ArticleTag, Contribution, TagRedirect
from newsroom.middleware import with_page_cache
from tests.factories import make_article, make_author, make_section, make_tag, make_thread, uploaded_image

pytestmark = pytest.mark.django_db

EXAMPLES = 100


@pytest.fixture(autouse=True)
def newsroom(settings):
    """Articles in a section, one with a photo, tags (one merged into another), a thread with a photo and a pinned
    lead, and a photographer under a pen name, one renamed (an old slug); the API called by the host Schemathesis
    uses, without the rate limit (tests/test_api_cache.py tests it; here it would only refuse)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.API_RATE_LIMIT = "off"
    section, author = make_section("Kinh tế"), make_author("THANH THY")
    thread = make_thread(image=uploaded_image())
    lead = make_article(
        headline="Hợp tác xã kiểu mới", section=section, author=author, image=uploaded_image(), thread=thread
    )
    thread.lead_article = lead
    thread.save()
    tag = make_tag("Hợp tác xã")
    ArticleTag.objects.create(article=lead, tag=tag)
    TagRedirect.objects.create(slug="htx", tag=tag)
    pen_name = make_author("T.T", pen_name_of=make_author("TRẦN THẮNG"))
    Contribution.objects.create(article=lead, author=pen_name, role=Contribution.Role.PHOTO)
    renamed = make_article(headline="Tên cũ của bài", author=author)
    renamed.slug = "ten-moi-cua-bai"
    renamed.save()
    # As Django's test client does: the request's end must not close the connection holding the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


# The schema the API serves at /api/v1/schema/ (tests/test_api.py checks it is that one), made here once, at
# collection, so that each endpoint is a test of its own.
@functools.cache
def application():
    """Django behind the page cache's front, as newsroom/wsgi.py serves it; made at the first request, under the
    tests' settings (its middleware reads some when it is made: no redirect to HTTPS in tests)."""
    return with_page_cache(get_wsgi_application())


def app(environ, start_response):
    return application()(environ, start_response)


schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = app
schema.location = "/api/v1/schema/"  # where the app serves it, as from_wsgi() would have read it


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture, hypothesis.HealthCheck.too_slow],
)
def test_every_endpoint_answers_fuzzed_parameters_as_its_schema_says(case):
    """Whatever parameters are sent, valid or not: never a 500, and an answer the schema describes."""
    # Every check but "a value the schema allows is accepted": a cursor is any string to the schema but only the
    # `next` link's is a place in the list, and a section or author slug of the right shape may name none; those are
    # 400s with a reason, on purpose (a client's typo is an error, never an empty list).
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
