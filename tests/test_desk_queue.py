"""The start page's "Chờ tôi xử lý" (workflow.queue): the drafts waiting at the stages where the user acts, within their
scope, oldest waiting first, with how long each has waited and the counts by stage; a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from articles import workflow
from articles.workflow import EDITORS
from tests.factories import at_stage, logged_in, make_section, make_staff

pytestmark = pytest.mark.django_db


def queue_box(html):
    """The queue's rows as (headline, stage, waited, last move), and its counts by stage."""
    box = html[html.index('id="start-queue"') : html.index("</table>", html.index('id="start-queue"'))]
    rows = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a>\s*(.*?)</th>\s*<td>([^<]*)</td>\s*<td>[^<]*</td>\s*'
        r'<td class="when">chờ ([^<]+)</td>',
        box,
        re.S,
    )
    counts = re.findall(r'<span class="desk-count">([^:]+): <strong>(\d+)</strong>', box)
    return [(h, s, w, re.sub("<[^>]+>", "", m).strip()) for h, m, s, w in rows], counts


@pytest.fixture
def newsroom(reporter, desk_head, economy):
    """Drafts at every stage, in two sections, by two reporters, waiting for different times."""
    society = make_section("Xã hội")
    other = make_staff("khoa", "Phóng viên")
    return {
        "mine, sent back": at_stage("Nháp", waited=timedelta(days=2), created_by=reporter, section=economy),
        "mine, new": at_stage("Nháp", waited=timedelta(minutes=5), created_by=reporter, section=economy),
        "someone else's draft": at_stage("Nháp", created_by=other, section=economy),
        "economy, newer": at_stage("Chờ ban biên tập", waited=timedelta(hours=3), section=economy),
        "economy, older": at_stage("Chờ ban biên tập", waited=timedelta(days=1), section=economy),
        "society": at_stage("Chờ ban biên tập", waited=timedelta(days=5), section=society),
        "with the secretary": at_stage("Chờ duyệt", waited=timedelta(hours=5), section=society),
        "approved": at_stage("Đã duyệt", waited=timedelta(hours=1), section=economy),
    }


@pytest.fixture
def named(newsroom):
    for name, article in newsroom.items():
        article.headline = name
        article.save()
    return newsroom


def test_each_role_sees_what_waits_at_its_stages_oldest_first(
    reporter, desk_head, secretary, editor_in_chief, named, economy
):
    """A reporter: their own drafts (a send-back's reason with it); a desk head: their sections' submitted articles
    only; the secretary: every article waiting for approval; the editor-in-chief: the approved ones; oldest waiting
    first, each with how long it has waited, and how many wait at each of their stages."""
    workflow.move(named["mine, sent back"], reporter, "submit", seen_stage=named["mine, sent back"].stage_id)
    sent_back = named["mine, sent back"]
    sent_back.refresh_from_db()
    workflow.move(sent_back, desk_head, "send_back", reason="Thiếu số liệu.", seen_stage=sent_back.stage_id)
    rows, counts = queue_box(logged_in(reporter).get("/admin/").content.decode())
    assert [row[0] for row in rows] == ["mine, new", "mine, sent back"]
    assert rows[1][3] == "Bị Hùng trả lại: Thiếu số liệu." and rows[0][2] == "5 phút"
    assert counts == [("Nháp", "2")]

    rows, counts = queue_box(logged_in(desk_head).get("/admin/").content.decode())
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("economy, older", "Chờ ban biên tập", "1 ngày"),
        ("economy, newer", "Chờ ban biên tập", "3 giờ"),
    ]
    assert counts == [("Chờ ban biên tập", "2")]
    rows, counts = queue_box(logged_in(secretary).get("/admin/").content.decode())
    assert [row[0] for row in rows] == ["with the secretary"] and counts == [("Chờ duyệt", "1")]
    rows, counts = queue_box(logged_in(editor_in_chief).get("/admin/").content.decode())
    assert [row[0] for row in rows] == ["approved"] and counts == [("Đã duyệt", "1")]
    assert 'id="start-queue"' not in logged_in(make_staff("bientap", EDITORS)).get("/admin/").content.decode()


def test_a_superuser_sees_everything_waiting_at_every_stage(named):
    """Someone who may act anywhere has the whole desk waiting for them."""
    boss = get_user_model().objects.create_superuser("boss", password="pw")
    queue = workflow.queue(boss)
    assert len(queue.articles) == 8 and [count for _, count in queue.counts] == [3, 3, 1, 1]
    assert queue.articles[0].headline == "society"


def test_the_queue_stops_at_its_size_and_counts_them_all(desk_head, economy):
    """Past the first QUEUE_SIZE the list stops, the count goes on."""
    for minutes in range(workflow.QUEUE_SIZE + 3):
        at_stage("Chờ ban biên tập", waited=timedelta(minutes=minutes + 1), section=economy)
    queue = workflow.queue(desk_head)
    assert len(queue.articles) == workflow.QUEUE_SIZE and queue.counts[0][1] == workflow.QUEUE_SIZE + 3


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_and_the_start_page_take_the_same_queries_however_many_wait(
    desk_head, economy, django_assert_num_queries, count
):
    """The queue: the desk's stages, the desk head's sections, the page of articles (each with its last move, in the
    same query) and the counts: 4 queries with 3 or 30 articles waiting. The desk head's whole start page: 16."""
    for minutes in range(count):
        at_stage("Chờ ban biên tập", waited=timedelta(minutes=minutes + 1), section=economy)
    fresh = get_user_model().objects.get(pk=desk_head.pk)
    with django_assert_num_queries(4):
        queue = workflow.queue(fresh)
    assert len(queue.articles) == min(count, workflow.QUEUE_SIZE)
    client = logged_in(desk_head)
    # Session, user, permissions (user's, groups'), the header's unread notifications, the queue's four, the five
    # boxes (drafts, scheduled, published, taken down, my edits: no edit found, so no article lookup), their byline's
    # id (workflow.own_articles, once), and the admin's "recent actions".
    with django_assert_num_queries(16):
        assert client.get("/admin/").status_code == 200
