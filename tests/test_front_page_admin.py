"""The "Trang nhất" screen (articles/admin/front_page.py): editors pick, reorder, pin, remove, preview and save;
reporters are refused by the server; crafted POSTs get a Vietnamese message and change nothing; a stale screen is
refused naming the first saver with nothing lost; every change is on the audit log and restorable in one step."""

import pytest
from django.contrib.auth.models import User

from articles.models import AuditEntry, FrontPage, Pick, Section
from articles.workflow import EDITORS
from tests.factories import logged_in, make_article, make_section, make_staff

pytestmark = pytest.mark.django_db

SCREEN = "/admin/articles/frontpage/"
HISTORY = "/admin/articles/frontpage/lich-su/"


@pytest.fixture
def desk(settings):
    settings.FRONT_FEATURED = 3
    return {
        "can_tho": make_article(headline="Cần Thơ khánh thành cầu mới"),
        "mekong": make_article(headline="Lũ sông Mekong lên nhanh"),
        "gao": make_article(headline="Giá gạo xuất khẩu tăng"),
        "draft": make_article(headline="Bản nháp chưa duyệt", status="draft"),
    }


def post(client, based_on=0, action="save", **slots):
    """The screen's form as a browser posts it: `slots` as slot-N-article=id."""
    data = {"based_on": based_on, "action": action, "breaking_text": "", "q": ""}
    data.update({f"slot-{key.removeprefix('s')}-article": value for key, value in slots.items()})
    return client.post(SCREEN, data)


def current_ids():
    current = FrontPage.objects.current()
    return [pick.article for pick in current.slots()] if current else []


def test_an_editor_finds_articles_ignoring_accents_and_picks_one(editor_client, desk):
    """`can tho` finds "Cần Thơ…" among published articles (never a draft); picking it fills a slot on the screen,
    unsaved until "Lưu trang nhất"."""
    html = editor_client.post(SCREEN, {"based_on": 0, "q": "can tho", "action": "search"}).content.decode()
    assert "Cần Thơ khánh thành cầu mới" in html
    drafts = editor_client.post(SCREEN, {"based_on": 0, "q": "ban nhap", "action": "search"})
    assert "Bản nháp" not in drafts.content.decode()
    html = editor_client.post(SCREEN, {"based_on": 0, "action": f"lead:{desk['can_tho'].pk}"}).content.decode()
    assert f'name="slot-0-article" value="{desk["can_tho"].pk}"' in html
    assert FrontPage.objects.count() == 0
    assert post(editor_client, s0=desk["can_tho"].pk, s1=desk["gao"].pk).status_code == 302
    assert current_ids()[:2] == [desk["can_tho"].pk, desk["gao"].pk]


def test_moving_and_removing_without_javascript_keeps_everything_on_the_screen(editor_client, desk):
    """The ↓ and "Bỏ" buttons post the form: the slots come back moved, with what was typed kept."""
    data = {
        "based_on": 0,
        "slot-0-article": desk["can_tho"].pk,
        "slot-1-article": desk["mekong"].pk,
        "slot-1-pinned": "on",
        "breaking_text": "Đang gõ dở",
        "action": "down:0",
    }
    html = editor_client.post(SCREEN, data).content.decode()
    assert f'name="slot-0-article" value="{desk["mekong"].pk}"' in html
    assert f'name="slot-1-article" value="{desk["can_tho"].pk}"' in html
    assert 'value="Đang gõ dở"' in html
    html = editor_client.post(SCREEN, {**data, "action": "remove:1"}).content.decode()
    assert f'value="{desk["mekong"].pk}"' not in html


def test_a_reporter_cannot_open_or_change_the_front_page(reporter_client, desk):
    """Refused by the server, not only hidden: the screen, a crafted save, the history and a restore are 403."""
    assert reporter_client.get(SCREEN).status_code == 403
    assert post(reporter_client, s0=desk["can_tho"].pk).status_code == 403
    assert reporter_client.get(HISTORY).status_code == 403
    assert reporter_client.post(HISTORY, {"restore": 1, "based_on": 0}).status_code == 403
    assert FrontPage.objects.count() == 0


@pytest.mark.parametrize(
    "slots, message",
    [
        ({"s0": "draft"}, "chưa xuất bản"),
        ({"s0": 987654}, "Không chọn được bài số 987654"),
        ({"s0": "can_tho", "s1": "can_tho"}, "Mỗi bài chỉ được đặt vào một ô"),
        ({"s0": "can_tho", "s9": "gao"}, "Trang nhất có 4 ô"),
        ({"s0": "not-a-number"}, "Nhập một số"),
        ({"s0": "99999999999999999999999"}, "nhỏ hơn hoặc bằng"),
    ],
    ids=["draft", "foreign id", "twice", "too many slots", "junk", "huge"],
)
def test_crafted_posts_are_refused_with_a_vietnamese_message_and_change_nothing(editor_client, desk, slots, message):
    """A draft, an id that is no article, an article twice, more slots than the page has, junk: refused on the same
    screen with a Vietnamese message, never a 500, and nothing is saved."""
    values = {key: desk[value].pk if value in desk else value for key, value in slots.items()}
    response = post(editor_client, **values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert FrontPage.objects.count() == 0
    assert editor_client.post(SCREEN, {"based_on": "x", "action": "save"}).status_code == 400
    assert editor_client.post(SCREEN, {"based_on": 0, "action": "up:zz"}).status_code == 400


def test_a_stale_screen_is_refused_naming_the_first_saver_with_nothing_lost(desk):
    """Two editors open the screen; the first saves; the second's save is refused with the first's name, their own
    choice still on the screen; saving again then is a deliberate choice and goes through."""
    first = make_staff("bientap1", EDITORS, first_name="Hòa", last_name="Nguyễn")
    second = make_staff("bientap2", EDITORS)
    assert post(logged_in(first), s0=desk["mekong"].pk).status_code == 302
    response = post(logged_in(second), s0=desk["gao"].pk)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Nguyễn Hòa" in html or "Hòa Nguyễn" in html
    assert f'name="slot-0-article" value="{desk["gao"].pk}"' in html
    assert current_ids()[0] == desk["mekong"].pk
    based_on = FrontPage.objects.current().pk
    assert f'name="based_on" value="{based_on}"' in html
    assert post(logged_in(second), based_on=based_on, s0=desk["gao"].pk).status_code == 302
    assert current_ids()[0] == desk["gao"].pk


def test_every_change_is_on_the_audit_log_and_an_earlier_one_is_restored_in_one_step(editor_client, editor, desk):
    """Each save is an audit row with who and before → after; the history lists every arrangement, and "Khôi phục bản
    này" puts an earlier one back as the newest (recorded too)."""
    post(editor_client, s0=desk["can_tho"].pk, s1=desk["mekong"].pk)
    first = FrontPage.objects.current()
    post(editor_client, based_on=first.pk, s0=desk["gao"].pk)
    row = AuditEntry.objects.filter(act=AuditEntry.Act.FRONT_PAGE).first()
    assert row.actor == editor and row.target == "Trang nhất"
    before, after = f"#{desk['can_tho'].pk} Cần Thơ khánh thành cầu mới", f"#{desk['gao'].pk} Giá gạo xuất khẩu tăng"
    assert row.changes["front_lead"] == [before, after]
    history = editor_client.get(HISTORY).content.decode()
    assert history.count("Khôi phục bản này") == 1 and "Lũ sông Mekong lên nhanh" in history
    response = editor_client.post(HISTORY, {"restore": first.pk, "based_on": FrontPage.objects.current().pk})
    assert response.status_code == 302
    assert current_ids()[:2] == [desk["can_tho"].pk, desk["mekong"].pk]
    assert FrontPage.objects.current().restored_from == first.pk
    assert AuditEntry.objects.filter(act=AuditEntry.Act.FRONT_RESTORE, actor=editor).count() == 1
    stale = editor_client.post(HISTORY, {"restore": first.pk, "based_on": first.pk}, follow=True)
    assert "trong khi bạn đang sửa" in stale.content.decode()
    assert editor_client.post(HISTORY, {"restore": "x", "based_on": 0}).status_code == 302


def test_the_preview_shows_the_screen_as_it_would_be_and_saves_nothing(editor_client, desk):
    """ "Xem trước" renders the reader's front page with the unsaved choice and a banner, never cached."""
    response = post(editor_client, action="preview", s0=desk["mekong"].pk)
    html = response.content.decode()
    assert "Xem trước trang nhất" in html
    assert 'class="lead-title"><a href="/articles/lu-song-mekong-len-nhanh/">' in html
    assert "no-store" in response["Cache-Control"]
    assert FrontPage.objects.count() == 0


@pytest.mark.parametrize("sections", [1, 6])
def test_the_preview_takes_the_same_queries_whatever_the_number_of_sections_and_articles(
    editor_client, desk, sections, django_assert_num_queries
):
    """The editor's session, user and permissions (4), the arrangement in force, then what the reader's front page
    reads (the menu with its blocks, the candidates, the cards with the lead's byline): 8."""
    for i in range(sections):
        section = make_section(f"Mục {i}", on_front=True, front_count=3)
        for j in range(4):
            make_article(headline=f"Bài {i}-{j}", section=section)
    with django_assert_num_queries(8):
        response = post(editor_client, action="preview", s0=desk["mekong"].pk, s1=desk["gao"].pk)
    assert response.status_code == 200
    assert 'class="lead-title"><a href="/articles/lu-song-mekong-len-nhanh/">' in response.content.decode()


def test_section_front_settings_are_edited_in_the_section_list_and_recorded(editor_client):
    """Sections gain "hiện trên trang nhất", its order and count; a change goes on the audit log."""
    section = make_section("Thời sự")
    response = editor_client.post(
        f"/admin/articles/section/{section.pk}/change/",
        {"name": "Thời sự", "slug": "thoi-su", "position": 0, "on_front": "on", "front_position": 2, "front_count": 5},
    )
    assert response.status_code == 302
    section = Section.objects.get()
    assert (section.on_front, section.front_position, section.front_count) == (True, 2, 5)
    row = AuditEntry.objects.get(act=AuditEntry.Act.FRONT_SECTIONS)
    assert row.changes["on_front"] == [False, True] and row.target == "Chuyên mục Thời sự"
    bad = editor_client.post(
        f"/admin/articles/section/{section.pk}/change/",
        {"name": "Thời sự", "slug": "thoi-su", "position": 0, "on_front": "on", "front_position": 2, "front_count": 99},
    )
    assert "12" in bad.content.decode() and Section.objects.get().front_count == 5


def test_the_screen_is_in_the_admin_index_for_editors_only(editor_client, reporter_client):
    """Editors find "Trang nhất" in the admin; reporters do not."""
    assert SCREEN in editor_client.get("/admin/").content.decode()
    assert SCREEN not in reporter_client.get("/admin/").content.decode()
    assert User.objects.count() == 2
    assert Pick(None) == Pick(None, None, False)


def test_two_saves_from_the_same_screen_at_the_same_moment_keep_one(desk, monkeypatch):
    """When another editor's save lands between the stale-screen check and the insert, the unique "based on" refuses
    the second save: nothing is overwritten, and the message names who saved."""
    from articles import workflow
    from articles.models import FrontPageQuerySet

    first = make_staff("bientap1", EDITORS, first_name="Hòa")
    second = make_staff("bientap2", EDITORS)
    opened = workflow.arrange_front(first, 0, [Pick(desk["mekong"].pk)])
    theirs = workflow.arrange_front(first, opened.pk, [Pick(desk["can_tho"].pk)])
    real = FrontPageQuerySet.current
    seen = iter([opened])  # the check reads the arrangement as it was a moment before their save committed
    monkeypatch.setattr(FrontPageQuerySet, "current", lambda self: next(seen, None) or real(self))
    with pytest.raises(workflow.FrontConflict) as refused:
        workflow.arrange_front(second, opened.pk, [Pick(desk["gao"].pk)])
    assert "Hòa" in str(refused.value)
    assert FrontPage.objects.current() == theirs and FrontPage.objects.count() == 2
