import re
import threading

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.signals import post_save
from django.test import Client

from articles.forms import ArticleAdminForm
from articles.models import Article, EditConflict
from articles.revisions import versions_of
from articles.workflow import EDITORS
from tests.factories import a_session_waits_on_a_lock, article_form_data, in_thread, logged_in, make_article, make_staff

LIST_URL = "/admin/articles/article/"
CONFLICT = "trong khi bạn đang sửa, nên bản của bạn chưa được lưu"


def change_url(article):
    return f"{LIST_URL}{article.pk}/change/"


def opened_version(html):
    return int(re.search(r'name="opened_version" value="(\d+)"', html).group(1))


@pytest.fixture
def second_editor(db):
    return make_staff("hoa", EDITORS, first_name="Hoa")


@pytest.fixture
def second_client(second_editor):
    return logged_in(second_editor)


@pytest.mark.django_db
def test_second_of_two_stale_forms_is_refused_keeping_what_was_typed(editor_client, second_client):
    """Both open the article; the first save wins; the second is refused with who and when, keeps its text,
    links to the difference, and goes through when saved again knowingly. Both versions stay in history."""
    article = make_article(headline="Gốc", lead="Sapo gốc.")
    first_opened = opened_version(editor_client.get(change_url(article)).content.decode())
    second_opened = opened_version(second_client.get(change_url(article)).content.decode())
    first = article_form_data(article, headline="Bản của editor", opened_version=first_opened)
    assert editor_client.post(change_url(article), first).status_code == 302

    typed = {"headline": "Bản của Hoa", "lead": "Sapo Hoa gõ.", "body": "<p>Đoạn Hoa viết.</p>"}
    response = second_client.post(
        change_url(article), article_form_data(article, **typed, opened_version=second_opened)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert CONFLICT in html and "<strong>editor</strong> lưu lúc" in html
    assert 'value="Bản của Hoa"' in html and "Sapo Hoa gõ." in html and "Đoạn Hoa viết." in html
    article.refresh_from_db()
    assert article.headline == "Bản của editor"

    diff = re.search(r'<a href="([^"]+)">Xem khác biệt</a>', html).group(1)
    assert "<del>Gốc</del><ins>Bản của editor</ins>" in second_client.get(diff).content.decode()

    again = article_form_data(article, **typed, opened_version=opened_version(html))
    assert second_client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Bản của Hoa"
    assert [v.field_dict["headline"] for v in versions_of(article.pk)] == ["Bản của Hoa", "Bản của editor", "Gốc"]


@pytest.mark.django_db
def test_change_post_without_the_opened_version_is_refused(editor_client):
    """A hand-made POST that does not say which version it edits cannot overwrite anything."""
    article = make_article(headline="Gốc")
    data = article_form_data(article, headline="Không rõ phiên bản")
    del data["opened_version"]
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200 and CONFLICT in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Gốc"


@pytest.mark.django_db
def test_stale_instance_save_raises_and_writes_nothing():
    """At the model level, a save from an instance loaded before someone else's save raises EditConflict."""
    article = make_article(headline="Gốc")
    mine, theirs = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    theirs.headline = "Của họ"
    theirs.save()
    mine.headline = "Của tôi"
    with pytest.raises(EditConflict):
        mine.save()
    assert mine.version == 1
    article.refresh_from_db()
    assert (article.headline, article.version) == ("Của họ", 2)
    assert versions_of(article.pk).count() == 2


@pytest.mark.django_db
def test_bulk_publish_keeps_a_newer_edits_content(editor_client):
    """Publishing from the list writes only the status fields: an edit saved after the list loaded survives."""
    article = make_article(headline="Nháp", status=Article.Status.DRAFT)
    newer = Article.objects.get(pk=article.pk)
    newer.headline, newer.body = "Bản sửa mới", "<p>Nội dung mới.</p>"
    newer.save()
    editor_client.post(LIST_URL, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert (article.headline, article.body, article.status) == ("Bản sửa mới", "<p>Nội dung mới.</p>", "published")


@pytest.mark.django_db
def test_bulk_publish_skips_an_article_saved_while_it_ran(editor_client, monkeypatch):
    """An edit that lands between the action's read and its write is neither overwritten nor published blindly."""
    article = make_article(headline="Nháp", status=Article.Status.DRAFT)
    real_save = Article.save

    def colleague_saves_just_before(self, *args, **kwargs):
        Article.objects.filter(pk=self.pk).update(headline="Sửa mới hơn", version=F("version") + 1)
        monkeypatch.setattr(Article, "save", real_save)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", colleague_saves_just_before)
    response = editor_client.post(LIST_URL, {"action": "publish", "_selected_action": [article.pk]}, follow=True)
    html = response.content.decode()
    assert "Đã xuất bản 0 bài viết." in html and "Không đổi 1 bài vừa được người khác lưu: Nháp." in html
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Sửa mới hơn", Article.Status.DRAFT)


# Real concurrency needs real row locks; `make test` runs the suite again on PostgreSQL. serialized_rollback
# brings back the groups made by the data migration, which a transactional test's flush would remove.
parallel_on_postgresql = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://…"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def apply(marks):
    def decorate(test):
        for mark in reversed(marks):
            test = mark(test)
        return test

    return decorate


@apply(parallel_on_postgresql)
def test_parallel_saves_on_postgresql_one_wins_and_the_other_is_refused():
    """Two stale saves at the same moment: the second waits on the first's row lock, then finds the version gone."""
    article = make_article(headline="Gốc")
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.headline, second.headline = "Bản A", "Bản B"
    first_inside, release_first = threading.Event(), threading.Event()
    outcome = {}

    def hold_first_transaction_open(sender, instance, **kwargs):
        if instance is first:
            first_inside.set()
            release_first.wait(10)

    def save(name, instance):
        try:
            instance.save()
            outcome[name] = "saved"
        except EditConflict:
            outcome[name] = "refused"

    post_save.connect(hold_first_transaction_open, sender=Article, weak=False)
    try:
        thread_a = in_thread(save, "A", first)
        assert first_inside.wait(10)
        thread_b = in_thread(save, "B", second)
        # B's UPDATE must be waiting on A's row lock before A commits: that is the race being tested.
        if not a_session_waits_on_a_lock():
            pytest.fail("the second save never waited on the first one's lock")
        release_first.set()
        thread_a.join(10)
        thread_b.join(10)
    finally:
        release_first.set()
        post_save.disconnect(hold_first_transaction_open, sender=Article)
    assert outcome == {"A": "saved", "B": "refused"}
    article.refresh_from_db()
    assert (article.headline, article.version) == ("Bản A", 2)


@apply(parallel_on_postgresql)
def test_parallel_admin_saves_on_postgresql_keep_both_editors_work(editor, second_editor, monkeypatch):
    """Two editors post stale forms at once, both past the form check and into their UPDATEs: one is saved, the
    other is shown the conflict with their text intact."""
    article = make_article(headline="Gốc")
    both_checked = threading.Barrier(2, timeout=10)
    first_pass = threading.local()
    real_clean = ArticleAdminForm.clean

    def clean_then_wait_for_the_other(self):
        cleaned = real_clean(self)
        if not getattr(first_pass, "done", False):
            first_pass.done = True
            both_checked.wait()
        return cleaned

    monkeypatch.setattr(ArticleAdminForm, "clean", clean_then_wait_for_the_other)
    responses = {}

    def post(user, headline):
        client = Client()
        client.force_login(user)
        responses[user.username] = client.post(change_url(article), article_form_data(article, headline=headline))

    threads = [in_thread(post, editor, "Bản editor"), in_thread(post, second_editor, "Bản hoa")]
    for thread in threads:
        thread.join(20)
    codes = sorted(response.status_code for response in responses.values())
    assert codes == [200, 302]
    refused = next(name for name, response in responses.items() if response.status_code == 200)
    html = responses[refused].content.decode()
    assert CONFLICT in html and f'value="Bản {refused}"' in html
    article.refresh_from_db()
    assert article.headline == f"Bản {'hoa' if refused == 'editor' else 'editor'}" and article.version == 2
