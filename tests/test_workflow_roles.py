import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.workflow import EDITORS, REPORTERS
from tests.factories import article_form_data, logged_in, make_article, make_author, make_staff

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
ADD_URL = f"{LIST_URL}add/"


def change_url(article):
    return f"{LIST_URL}{article.pk}/change/"


@pytest.fixture
def group_editor_client():
    """An editor whose rights come only from the EDITORS group ("Biên tập viên"), as a real newsroom account's would."""
    return logged_in(make_staff("bientap2", EDITORS, first_name="Minh"))


def snapshot(article):
    article.refresh_from_db()
    return (article.headline, article.status, article.published_at, article.version)


def test_migration_creates_the_two_roles_with_publishing_for_editors_only():
    """REPORTERS may write but not publish; EDITORS have every article permission and publish_article."""
    reporter = set(Group.objects.get(name=REPORTERS).permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "view_article"} <= reporter
    assert "publish_article" not in reporter
    assert {"publish_article", "add_article", "change_article", "delete_article", "change_author"} <= editor


def test_reporter_creates_a_draft_even_when_the_post_says_published(reporter, reporter_client):
    """A hand-crafted add POST with status=published and a time is saved as the reporter's draft, nothing more."""
    future = timezone.now() + timedelta(days=1)
    data = article_form_data(status="published", published_at_0=future.strftime("%d/%m/%Y"), published_at_1="08:00:00")
    response = reporter_client.post(ADD_URL, data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at.date() != future.date()
    assert (article.created_by, article.updated_by) == (reporter, reporter)
    assert list(Article.objects.published()) == []


def test_reporter_form_and_list_offer_no_way_to_publish(reporter, reporter_client):
    """The reporter's form shows status and time as text, not inputs, and the list has no publish actions."""
    make_article(headline="Bài của tôi", status=Article.Status.DRAFT, created_by=reporter)
    form = reporter_client.get(ADD_URL).content.decode()
    assert 'name="status"' not in form
    assert 'name="published_at_0"' not in form and 'name="unpublish_at_0"' not in form
    assert 'name="headline"' in form
    listing = reporter_client.get(LIST_URL).content.decode()
    assert 'value="publish"' not in listing and 'value="unpublish"' not in listing
    assert "Khôi phục bài đã xoá" not in listing


def test_reporter_list_holds_only_their_articles(reporter, reporter_client):
    """Own means created by them or signed with the byline linked to their account; nothing else is listed."""
    make_article(headline="Tự viết", status=Article.Status.DRAFT, created_by=reporter)
    make_article(headline="Ký tên tôi", author=make_author("LAN", user=reporter))
    make_article(headline="Của người khác", author=make_author("KHÁC"))
    html = reporter_client.get(LIST_URL).content.decode()
    assert "Tự viết" in html and "Ký tên tôi" in html
    assert "Của người khác" not in html


def test_reporter_cannot_change_someone_elses_article_by_raw_post(reporter_client):
    """POSTing to another person's article changes nothing: to a reporter it does not exist."""
    other = make_article(headline="Bài người khác", status=Article.Status.DRAFT, author=make_author("KHÁC"))
    before = snapshot(other)
    response = reporter_client.post(change_url(other), article_form_data(other, headline="Bị sửa lén"))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert snapshot(other) == before


def test_reporter_cannot_change_their_own_published_article(reporter, reporter_client):
    """Once published, the reporter's own article is read-only to them; a raw POST is forbidden."""
    live = make_article(headline="Đã đăng", created_by=reporter)
    before = snapshot(live)
    page = reporter_client.get(change_url(live)).content.decode()
    assert 'name="headline"' not in page and 'name="_save"' not in page
    response = reporter_client.post(change_url(live), article_form_data(live, headline="Sửa sau khi đăng"))
    assert response.status_code == 403
    assert snapshot(live) == before


def test_reporter_edits_own_draft_but_status_and_times_stay(reporter, reporter_client):
    """A reporter saves their draft's words; the status, publish time and take-down time in the POST are ignored."""
    draft = make_article(headline="Nháp", status=Article.Status.DRAFT, created_by=reporter)
    published_at = snapshot(draft)[2]
    data = article_form_data(
        draft,
        headline="Nháp đã sửa",
        status="published",
        published_at_0="01/01/2020",
        published_at_1="08:00:00",
        unpublish_at_0="01/01/2030",
        unpublish_at_1="08:00:00",
    )
    assert reporter_client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Nháp đã sửa"
    assert (draft.status, draft.published_at, draft.unpublish_at) == (Article.Status.DRAFT, published_at, None)


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_reporter_bulk_publish_or_unpublish_post_is_refused(reporter, reporter_client, action):
    """The bulk actions are not theirs: posting one anyway leaves every article as it was."""
    draft = make_article(headline="Nháp", status=Article.Status.DRAFT, created_by=reporter)
    live = make_article(headline="Đang đăng", created_by=reporter)
    before = [snapshot(draft), snapshot(live)]
    reporter_client.post(LIST_URL, {"action": action, "_selected_action": [draft.pk, live.pk]})
    assert [snapshot(draft), snapshot(live)] == before


def test_reporter_deletes_own_draft_but_never_a_published_article(reporter, reporter_client):
    """Deleting: their own draft yes; a published one neither from its page nor through the bulk action."""
    draft = make_article(headline="Nháp bỏ", status=Article.Status.DRAFT, created_by=reporter)
    live = make_article(headline="Đang đăng", created_by=reporter)
    assert reporter_client.post(f"{LIST_URL}{live.pk}/delete/", {"post": "yes"}).status_code == 403
    response = reporter_client.post(
        LIST_URL, {"action": "delete_selected", "_selected_action": [live.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=live.pk).exists()
    assert reporter_client.post(f"{LIST_URL}{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_editor_group_publishes_a_reporters_draft_and_schedules_another(reporter, group_editor_client):
    """An editor (by group alone) changes anyone's article, publishes and schedules it."""
    draft = make_article(headline="Nháp phóng viên", status=Article.Status.DRAFT, created_by=reporter)
    assert group_editor_client.post(change_url(draft), article_form_data(draft, status="published")).status_code == 302
    assert list(Article.objects.published()) == [draft]
    other = make_article(headline="Hẹn giờ", status=Article.Status.DRAFT, created_by=reporter)
    group_editor_client.post(LIST_URL, {"action": "publish", "_selected_action": [other.pk]})
    listing = group_editor_client.get(LIST_URL).content.decode()
    assert 'value="publish"' in listing and "Khôi phục bài đã xoá" in listing


def test_superuser_is_an_editor(django_user_model):
    """A superuser sees and may do everything an editor may."""
    boss = django_user_model.objects.create_superuser("tongbientap", password="pw")
    client = Client()
    client.force_login(boss)
    draft = make_article(headline="Nháp của ai đó", status=Article.Status.DRAFT)
    client.post(LIST_URL, {"action": "publish", "_selected_action": [draft.pk]})
    assert list(Article.objects.published()) == [draft]


def test_created_by_and_updated_by_are_recorded_and_shown(reporter, reporter_client, group_editor_client):
    """Who created and who last saved an article is stored and shown in the list and on the form."""
    reporter_client.post(ADD_URL, article_form_data(headline="Bài có lưu vết"))
    article = Article.objects.get()
    group_editor_client.post(change_url(article), article_form_data(article, lead="Sapo do biên tập sửa."))
    article.refresh_from_db()
    assert (article.created_by.username, article.updated_by.username) == ("reporter", "bientap2")
    listing = group_editor_client.get(LIST_URL).content.decode()
    assert "Người tạo" in listing and "Người sửa cuối" in listing
    row = re.search(r"<tr>(?:(?!</tr>).)*Bài có lưu vết.*?</tr>", listing, re.DOTALL).group()
    assert row.index("reporter") < row.index("bientap2")
    form = group_editor_client.get(change_url(article)).content.decode()
    assert "Lưu vết" in form and "reporter" in form and "bientap2" in form


def test_demo_accounts_make_a_reporter_and_an_editor(settings):
    """`make run` gives a demo reporter who cannot publish and the demo editor who can, with README's passwords."""
    from django.core.management import call_command

    from articles.management.commands.demo_accounts import DEMO_EDITOR, DEMO_REPORTER

    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    for account in ("phongvien", "bientap", "truongban", "thuky", "tongbientap"):
        assert f"{account} / newsroom-demo" in out.getvalue()
    reporter, editor = Client(), Client()
    assert reporter.login(**DEMO_REPORTER) and editor.login(**DEMO_EDITOR)
    assert 'name="status"' not in reporter.get(ADD_URL).content.decode()
    assert 'name="status"' in editor.get(ADD_URL).content.decode()
    call_command("demo_accounts", stdout=io.StringIO())  # running it again resets, never duplicates
    assert Group.objects.get(name=REPORTERS).user_set.count() == 1


def test_reporter_previews_own_draft_but_not_a_colleagues_at_its_public_url(reporter, reporter_client):
    """At a draft's public URL a reporter sees their own draft with the banner, a colleague's is 404."""
    own = make_article(headline="Nháp của tôi", status=Article.Status.DRAFT, created_by=reporter)
    other = make_article(headline="Nháp của đồng nghiệp", status=Article.Status.DRAFT)
    response = reporter_client.get(own.get_absolute_url())
    assert "Bản nháp — chưa xuất bản" in response.content.decode()
    response = reporter_client.get(other.get_absolute_url())
    assert response.status_code == 404
    assert "Nháp của đồng nghiệp" not in response.content.decode()


def test_editor_previews_any_draft_at_its_public_url(group_editor_client):
    """An editor opens any draft at its public URL, marked with the draft banner."""
    draft = make_article(headline="Nháp phóng viên", status=Article.Status.DRAFT)
    html = group_editor_client.get(draft.get_absolute_url()).content.decode()
    assert "Nháp phóng viên" in html and "Bản nháp — chưa xuất bản" in html
