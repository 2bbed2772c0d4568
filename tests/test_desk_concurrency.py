"""Two people moving the same article at once, on PostgreSQL with two threads: the second waits on the first's
row lock, then finds the article moved and is refused, naming who moved it and when; nothing typed is lost.
(`make test` runs the suite again on PostgreSQL; serialized_rollback brings back the stages and groups the data
migrations made, which a transactional test's flush removes.)"""

import re
import threading

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.forms import ArticleAdminForm
from articles.models import Article, AuditEntry, Autosave
from tests.factories import (
    a_session_waits_on_a_lock,
    at_stage,
    desk_move_data,
    in_thread,
    make_desk_head,
    make_section,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://…"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def two_desk_heads():
    economy = make_section("Kinh tế")
    return economy, make_desk_head("hung", economy, first_name="Hùng"), make_desk_head("nam", economy, first_name="Nam")


def test_two_desk_heads_forwarding_at_once_the_second_waits_then_is_told_who_forwarded_it(two_desk_heads):
    """Both forward the article as it waits at "Chờ ban biên tập": the first holds the row; the second waits on its
    lock (proved), then is refused: the first's name, the act, the time to the second, where the article is now."""
    economy, first, second = two_desk_heads
    article = at_stage("Chờ ban biên tập", section=economy)
    first_inside, release_first = threading.Event(), threading.Event()
    outcome = {}

    def hold_the_first_move_open(sender, instance, **kwargs):
        if threading.current_thread() is threads[0]:
            first_inside.set()
            release_first.wait(10)

    def forward(name, user):
        try:
            outcome[name] = workflow.move(article, user, "forward", seen_stage=article.stage_id)
        except workflow.Refused as refused:
            outcome[name] = str(refused)

    post_save.connect(hold_the_first_move_open, sender=Article, weak=False)
    threads = []
    try:
        threads.append(in_thread(forward, "first", first))
        assert first_inside.wait(10)
        threads.append(in_thread(forward, "second", second))
        if not a_session_waits_on_a_lock():
            pytest.fail("the second move never waited on the first one's row lock")
        release_first.set()
        for thread in threads:
            thread.join(20)
    finally:
        release_first.set()
        post_save.disconnect(hold_the_first_move_open, sender=Article)
    assert isinstance(outcome["first"], workflow.Moved)
    row = AuditEntry.objects.get(article_id=article.pk, act=AuditEntry.Act.FORWARD)
    at = timezone.localtime(row.at).strftime("%d/%m/%Y - %H:%M:%S")
    assert outcome["second"] == (
        f"Bài vừa được Hùng “Chuyển tiếp” lúc {at} (bây giờ ở khâu “Chờ duyệt”), nên bước của bạn không được thực hiện."
    )
    assert AuditEntry.objects.filter(article_id=article.pk, act=AuditEntry.Act.FORWARD).count() == 1
    article.refresh_from_db()
    assert (article.stage.name, article.version) == ("Chờ duyệt", 2)


def test_two_desk_heads_posting_their_forms_at_once_one_forwards_and_the_other_keeps_what_they_typed(
    two_desk_heads, monkeypatch
):
    """Both forms pass their checks before either saves; one forward wins, the other (its save refused by the
    version check, the admin runs the view again) is told who forwarded it, its text kept as its autosave."""
    economy, first, second = two_desk_heads
    article = at_stage("Chờ ban biên tập", section=economy)
    both_checked = threading.Barrier(2, timeout=10)
    real_post_clean = ArticleAdminForm._post_clean
    waited = set()

    def post_clean_then_wait_for_the_other(self):
        real_post_clean(self)
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            both_checked.wait()

    monkeypatch.setattr(ArticleAdminForm, "_post_clean", post_clean_then_wait_for_the_other)
    pages = {}

    def post(user):
        client = Client()
        client.force_login(user)
        data = desk_move_data(article, "forward", headline=f"Bản của {user.first_name}")
        pages[user.username] = client.post(f"/admin/articles/article/{article.pk}/change/", data, follow=True)

    for thread in [in_thread(post, first), in_thread(post, second)]:
        thread.join(30)
    said = {
        name: " ".join(re.findall(r'<li class="(?:error|success)">(.*?)</li>', page.content.decode()))
        for name, page in pages.items()
    }
    winner = next(name for name, text in said.items() if text.startswith("Đã “Chuyển tiếp”"))
    loser = ({"hung", "nam"} - {winner}).pop()
    winner_name = {"hung": "Hùng", "nam": "Nam"}[winner]
    assert f"Bài vừa được {winner_name} “Chuyển tiếp” lúc" in said[loser]
    article.refresh_from_db()
    assert (article.stage.name, article.headline) == ("Chờ duyệt", f"Bản của {winner_name}")
    loser_name = {"hung": "Hùng", "nam": "Nam"}[loser]
    assert Autosave.objects.get(user__username=loser, article=article).data["headline"] == f"Bản của {loser_name}"
