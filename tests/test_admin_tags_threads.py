"""The editors' side of tags, threads, contributors and related picks (articles/admin/linked.py, tags.py, threads.py):
what an editor types is what is saved, in order; every bad input, typed or crafted, is refused with a Vietnamese
message and everything typed kept; a reporter who may not edit the article changes none of it; revisions keep it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles import revisions
from articles.admin.tags import merge
from articles.models import Article, ArticleTag, AuditEntry, Contribution, RelatedPick, Tag, TagRedirect, Thread
from tests.factories import (
    article_form_data,
    at_stage,
    logged_in,
    make_article,
    make_author,
    make_staff,
    make_tag,
    make_thread,
    uploaded_image,
)

pytestmark = pytest.mark.django_db

ARTICLES = "/admin/articles/article/"
ADD = f"{ARTICLES}add/"
TAGS = "/admin/articles/tag/"
THREADS = "/admin/articles/thread/"
AUTOCOMPLETE = "/admin/autocomplete/"
WRITER, PHOTO = Contribution.Role.WRITER, Contribution.Role.PHOTO


def change(article):
    return f"{ARTICLES}{article.pk}/change/"


def rows(prefix, values, existing=()):
    """An inline's part of the form as the browser posts it: its management form, then one row per dict of `values`
    (field → value); `existing` rows (saved ones, by their model instance) come first, unchanged."""
    data = {f"{prefix}-TOTAL_FORMS": len(existing) + len(values), f"{prefix}-INITIAL_FORMS": len(existing)}
    data.update({f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    for index, row in enumerate([*({"id": row.pk, **_fields_of(row)} for row in existing), *values]):
        data.update({f"{prefix}-{index}-{name}": "" if value is None else value for name, value in row.items()})
    return data


def _fields_of(row):
    if isinstance(row, Contribution):
        return {"author": row.author_id, "role": row.role, "position": row.position}
    return {"related": row.related_id, "position": row.position}


def no_inline_rows():
    return {**rows("contributions", []), **rows("related_picks", [])}


def tag_names(article):
    return [link.tag.name for link in ArticleTag.objects.filter(article=article).select_related("tag")]


def errors_of(response):
    """Every error the re-shown form says: the form's, and each inline row's and formset's."""
    context = response.context
    said = [str(message) for messages in context["adminform"].form.errors.values() for message in messages]
    for formset in context["inline_admin_formsets"]:
        said += [str(message) for message in formset.formset.non_form_errors()]
        said += [
            str(message) for errors in formset.formset.errors for messages in errors.values() for message in messages
        ]
    return said


def said(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


# Tags on the article form.


def test_typed_tags_are_saved_in_the_order_typed_the_first_being_primary(editor_client):
    """ "can tho" is the existing "Cần Thơ" (no second tag), a name without a tag becomes one, and the order typed is
    the article's order; the editor is told which name was which."""
    make_tag("Cần Thơ")
    response = editor_client.post(
        ADD, {**article_form_data(), **no_inline_rows(), "tags": "Mùa lũ, can tho"}, follow=True
    )
    article = Article.objects.get()
    assert tag_names(article) == ["Mùa lũ", "Cần Thơ"]
    assert [link.position for link in article.tag_links.all()] == [0, 1]
    assert Tag.objects.count() == 2
    assert "Đã tạo thẻ mới: Mùa lũ." in said(response)
    assert "Dùng thẻ có sẵn: “can tho” là thẻ “Cần Thơ”." in said(response)


def test_the_form_shows_the_tags_in_order_and_reordering_changes_the_primary(editor_client):
    article = make_article()
    article.set_tags([make_tag("Cần Thơ"), make_tag("Nông nghiệp")])
    assert 'value="Cần Thơ, Nông nghiệp"' in editor_client.get(change(article)).content.decode()
    editor_client.post(change(article), {**article_form_data(article), "tags": "Nông nghiệp, Cần Thơ"})
    assert tag_names(article) == ["Nông nghiệp", "Cần Thơ"]
    editor_client.post(change(Article.objects.get()), {**article_form_data(Article.objects.get()), "tags": ""})
    assert tag_names(article) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Cần Thơ, CAN THO", "“CAN THO” và “Cần Thơ” là một thẻ (giống nhau khi bỏ dấu và chữ hoa): chỉ ghi một lần."),
        ("Mùa lũ, mua lu", "“mua lu” và “Mùa lũ” là một thẻ (giống nhau khi bỏ dấu và chữ hoa): chỉ ghi một lần."),
        ("T" * 81, "Thẻ mới “" + "T" * 80 + "”: Giá trị này chỉ có tối đa 80 kí tự (hiện có 81)"),
    ],
    ids=["existing-twice", "new-twice", "too-long"],
)
def test_bad_tags_are_refused_with_everything_typed_kept(editor_client, typed, message):
    make_tag("Cần Thơ")
    response = editor_client.post(
        ADD, {**article_form_data(headline="Bài đang viết"), **no_inline_rows(), "tags": typed}
    )
    assert response.status_code == 200
    assert message in errors_of(response)
    html = response.content.decode()
    assert f'value="{typed}"' in html and 'value="Bài đang viết"' in html
    assert not Article.objects.exists() and Tag.objects.count() == 1


def test_a_post_without_the_tag_input_leaves_the_tags_as_they_are(editor_client):
    """A script or an old form that posts no tag input at all does not wipe the tags."""
    article = make_article()
    article.set_tags([make_tag("Cần Thơ")])
    response = editor_client.post(change(article), article_form_data(article, headline="Tiêu đề mới"))
    assert response.status_code == 302
    assert tag_names(article) == ["Cần Thơ"]


def test_someone_who_may_not_add_tags_picks_existing_ones_only(editor):
    """Without the right to add tags, a new name is refused, naming it; existing tags are still taken."""
    editor.user_permissions.remove(Permission.objects.get(codename="add_tag"))
    client = logged_in(editor)
    make_tag("Cần Thơ")
    response = client.post(ADD, {**article_form_data(), **no_inline_rows(), "tags": "can tho, Tin lạ"})
    assert "Chưa có thẻ “Tin lạ” và bạn không có quyền tạo thẻ mới: hãy chọn một thẻ có sẵn." in errors_of(response)
    client.post(ADD, {**article_form_data(), **no_inline_rows(), "tags": "can tho"})
    assert tag_names(Article.objects.get()) == ["Cần Thơ"]


def test_the_tag_suggestions_match_without_accents_or_case_those_beginning_with_it_first(editor_client):
    for name in ("Cần Thơ", "Đại học Cần Thơ", "Hậu Giang"):
        make_tag(name)
    query = {"app_label": "articles", "model_name": "article", "field_name": "tags"}
    for term in ("can tho", "CẦN THƠ", "cAn"):
        found = editor_client.get(AUTOCOMPLETE, {**query, "term": term}).json()["results"]
        assert [result["text"] for result in found] == ["Cần Thơ", "Đại học Cần Thơ"], term
    assert (
        editor_client.get(AUTOCOMPLETE, {**query, "term": "dai hoc"}).json()["results"][0]["text"] == "Đại học Cần Thơ"
    )


# The tag admin.


def test_a_tag_folding_to_an_existing_one_is_refused_naming_it(editor_client):
    make_tag("Cần Thơ")
    response = editor_client.post(f"{TAGS}add/", {"name": "can tho", "slug": "", "description": ""})
    assert response.status_code == 200
    assert "Đã có thẻ “Cần Thơ” (trùng khi bỏ dấu và chữ hoa); hãy dùng thẻ đó." in response.content.decode()
    assert 'value="can tho"' in response.content.decode()
    assert Tag.objects.count() == 1


def test_tag_and_thread_slugs_that_collide_get_the_next_number(editor_client):
    """Another name with the same slug ("Cần Thơ!" after "Cần Thơ"), the slug left blank: -2, as for articles; a
    slug typed that another tag has is refused in Vietnamese."""
    make_tag("Cần Thơ")
    editor_client.post(f"{TAGS}add/", {"name": "Cần Thơ!", "slug": "", "description": ""})
    assert Tag.objects.get(name="Cần Thơ!").slug == "can-tho-2"
    make_thread("Mùa nước nổi")
    editor_client.post(f"{THREADS}add/", {"name": "Mùa nước nổi", "slug": "", "intro": ""})
    assert sorted(Thread.objects.values_list("slug", flat=True)) == ["mua-nuoc-noi", "mua-nuoc-noi-2"]
    response = editor_client.post(f"{TAGS}add/", {"name": "Tây Đô", "slug": "can-tho", "description": ""})
    assert "Đường dẫn này đã có người dùng; hãy để trống để tạo tự động hoặc chọn đường dẫn khác." in errors_of(
        response
    )


def test_the_tag_list_searches_folded_and_shows_slugs(editor_client):
    make_tag("Cần Thơ")
    make_tag("Hậu Giang")
    html = editor_client.get(TAGS, {"q": "CAN THO"}).content.decode()
    assert "Cần Thơ" in html and "can-tho" in html and "Hậu Giang" not in html


def merge_post(client, tags, kept):
    data = {"action": "merge_selected", "_selected_action": [tag.pk for tag in tags]}
    return client.post(TAGS, {**data, **({"kept": kept} if kept is not None else {})}, follow=True)


def test_merging_tags_moves_their_articles_to_the_kept_one_and_redirects_the_old_urls(editor_client):
    """The article that had both keeps one link at the better place; the other moves over; the merged tag's slug and
    the redirects that led to it now lead to the kept tag; the merge is on the audit log."""
    kept, merged = make_tag("Cần Thơ"), make_tag("TP Cần Thơ")
    TagRedirect.objects.create(slug="tay-do", tag=merged)
    both = make_article(headline="Có cả hai", slug="ca-hai")
    both.set_tags([make_tag("Mùa lũ"), merged, kept])
    only = make_article(headline="Chỉ một", slug="chi-mot")
    only.set_tags([merged])
    page = merge_post(editor_client, [kept, merged], None)
    assert "Chọn thẻ được giữ lại." in page.content.decode() and Tag.objects.filter(pk=merged.pk).exists()
    for pk in (kept.pk, merged.pk):  # the page posts the same selection back to the same action
        assert f'<input type="hidden" name="_selected_action" value="{pk}">' in page.content.decode()
    assert '<input type="hidden" name="action" value="merge_selected">' in page.content.decode()
    response = merge_post(editor_client, [kept, merged], kept.pk)
    assert "Đã gộp “TP Cần Thơ” vào “Cần Thơ” (2 bài chuyển sang)" in " ".join(said(response))
    assert not Tag.objects.filter(pk=merged.pk).exists()
    assert [(link.tag.name, link.position) for link in both.tag_links.select_related("tag")] == [
        ("Mùa lũ", 0),
        ("Cần Thơ", 1),
    ]
    assert tag_names(only) == ["Cần Thơ"]
    assert dict(TagRedirect.objects.values_list("slug", "tag")) == {"tp-can-tho": kept.pk, "tay-do": kept.pk}
    entry = AuditEntry.objects.get(act=AuditEntry.Act.TAG_MERGE)
    assert entry.changes == {"tags": ["TP Cần Thơ", "Cần Thơ"]} and "2 bài" in entry.target


def test_merging_back_into_a_merged_tags_slug_drops_the_redirect_to_itself(editor_client):
    first, second = make_tag("Cần Thơ"), make_tag("Tây Đô")
    merge([first, second], first)
    revived = make_tag("Tây Đô mới", slug="tay-do")
    assert TagRedirect.objects.filter(slug="tay-do").exists()  # the URL is the new tag's; the old redirect waits
    merge([first, revived], revived)
    assert list(TagRedirect.objects.values_list("slug", "tag")) == [("can-tho", revived.pk)]


def test_a_kept_tag_not_among_those_selected_is_refused(editor_client):
    one, two, other = make_tag("Một"), make_tag("Hai"), make_tag("Khác")
    response = merge_post(editor_client, [one, two], other.pk)
    assert "Thẻ được giữ lại phải là một trong các thẻ đã chọn." in response.content.decode()
    assert Tag.objects.count() == 3 and not TagRedirect.objects.exists()


def test_a_merge_that_fails_half_way_changes_nothing(monkeypatch):
    kept, merged = make_tag("Cần Thơ"), make_tag("TP Cần Thơ")
    make_article().set_tags([merged])

    def failing(*args, **kwargs):
        raise RuntimeError("nhật ký hỏng")

    monkeypatch.setattr("articles.admin.tags.audit.record", failing)
    with pytest.raises(RuntimeError):
        merge([kept, merged], kept)
    assert Tag.objects.count() == 2 and tag_names(Article.objects.get()) == ["TP Cần Thơ"]
    assert not TagRedirect.objects.exists()


# Threads.


def test_a_thread_is_picked_on_the_article_form_and_a_made_up_one_refused(editor_client):
    thread = make_thread("Mùa nước nổi")
    article = make_article()
    editor_client.post(change(article), article_form_data(article, thread=thread.pk))
    assert Article.objects.get().thread == thread
    article = Article.objects.get()
    response = editor_client.post(change(article), article_form_data(article, thread=999999, headline="Đang sửa"))
    assert "Không có dòng sự kiện này (có thể vừa bị xoá); hãy chọn lại." in errors_of(response)
    assert 'value="Đang sửa"' in response.content.decode()
    response = editor_client.post(change(article), article_form_data(article, author=999999))
    assert "Không có tác giả này (có thể vừa bị xoá); hãy chọn lại." in errors_of(response)


def test_the_thread_suggestions_match_without_accents(editor_client):
    make_thread("Mùa nước nổi")
    make_thread("Kỳ họp HĐND")
    query = {"app_label": "articles", "model_name": "article", "field_name": "thread", "term": "mua nuoc"}
    assert [r["text"] for r in editor_client.get(AUTOCOMPLETE, query).json()["results"]] == ["Mùa nước nổi"]


def test_a_thread_photo_is_checked_as_an_article_photo_and_its_lead_must_be_pickable(editor_client):
    draft = make_article(headline="Nháp", status=Article.Status.DRAFT)
    fake = uploaded_image(name="anh.jpg")
    fake.file.write(b"junk")
    fake.file.seek(0)
    fake.file.truncate(10)
    data = {"name": "Mùa nước nổi", "slug": "", "intro": "Giới thiệu.", "image": fake, "lead_article": draft.pk}
    response = editor_client.post(f"{THREADS}add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Chỉ chọn được bài đã xuất bản hoặc đã hẹn giờ, chưa hết hạn." in errors["lead_article"]
    assert "image" in errors
    lead = make_article(headline="Bài dẫn", slug="bai-dan")
    data.update(image=uploaded_image(), lead_article=lead.pk)
    assert editor_client.post(f"{THREADS}add/", data).status_code == 302
    thread = Thread.objects.get()
    assert thread.lead_article == lead and thread.photo is not None


# Contributors.


def test_contributors_are_saved_in_order_a_row_without_a_place_going_last(editor_client):
    author, photographer, translator = make_author("THANH THY"), make_author("HOÀNG ANH"), make_author("MINH")
    data = {
        **article_form_data(author=author.pk),
        **rows(
            "contributions",
            [
                {"author": translator.pk, "role": "translation", "position": None},
                {"author": photographer.pk, "role": PHOTO, "position": 0},
            ],
        ),
        **rows("related_picks", []),
    }
    assert editor_client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert [(c.author.name, c.role, c.position) for c in article.contributions.all()] == [
        ("HOÀNG ANH", PHOTO, 0),
        ("MINH", "translation", 1),
    ]
    assert article.byline == "Bài: THANH THY – Ảnh: HOÀNG ANH – Dịch: MINH"


def test_an_edit_of_tags_contributors_or_picks_is_on_the_audit_log_with_the_fields_edited_beside(editor_client, editor):
    """Links edited alone are a "Sửa bài" row of their own under the editor; with the article's own fields, named in
    that save's one row; a save changing nothing adds none."""
    from articles.audit import describe

    article, photographer, other = make_article(headline="Bài gốc"), make_author("HOÀNG ANH"), make_article()

    def edits():
        entries = AuditEntry.objects.filter(article=article, act=AuditEntry.Act.EDIT).order_by("pk")
        return [(entry.actor, describe(entry)) for entry in entries]

    def save(contributions=(), picks=(), **overrides):
        article.refresh_from_db()
        data = {
            **article_form_data(article, **overrides),
            **rows("contributions", [], existing=contributions),
            **rows("related_picks", [], existing=picks),
            "tags": ", ".join(tag_names(article)),
        }
        return data

    data = save()
    data.update(
        {"tags": "Cần Thơ", **rows("contributions", [{"author": photographer.pk, "role": PHOTO, "position": 0}])}
    )
    assert editor_client.post(change(article), data).status_code == 302
    assert edits() == [(editor, "Thẻ, Người cùng thực hiện")]

    data = save(contributions=article.contributions.all(), headline="Bài đã sửa")
    data.update(rows("related_picks", [{"related": other.pk, "position": 0}]))
    assert editor_client.post(change(article), data).status_code == 302
    assert edits()[1:] == [(editor, "Tiêu đề, Bài liên quan chọn tay")]

    data = save(contributions=article.contributions.all(), picks=article.related_picks.all())
    assert editor_client.post(change(article), data).status_code == 302
    assert len(edits()) == 2


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "author-as-writer",
            "“THANH THY” là tác giả của bài (người viết đầu tiên): không ghi thêm ở đây là người viết.",
        ),
        ("pen-name-as-writer", "“THY” và tác giả “THANH THY” là cùng một người: tác giả đã là người viết đầu tiên."),
        ("twice-in-a-role", "“HOÀNG ANH” được ghi hai lần với vai trò “ảnh”: mỗi người một lần cho mỗi vai trò."),
        (
            "no-author",
            "Bài cần tác giả (người viết đầu tiên): hãy chọn một bút danh; những người cùng thực hiện ghi ở bảng",
        ),
    ],
)
def test_bad_contributor_lists_are_refused_with_everything_typed_kept(editor_client, case, message):
    author, photographer = make_author("THANH THY"), make_author("HOÀNG ANH")
    pen_name = make_author("THY", pen_name_of=author)
    contributions = {
        "author-as-writer": [{"author": author.pk, "role": WRITER}],
        "pen-name-as-writer": [{"author": pen_name.pk, "role": WRITER}],
        "twice-in-a-role": [{"author": photographer.pk, "role": PHOTO}, {"author": photographer.pk, "role": PHOTO}],
        "no-author": [{"author": photographer.pk, "role": PHOTO}],
    }[case]
    typed = article_form_data(author="" if case == "no-author" else author.pk, headline="Bài nhiều người làm")
    response = editor_client.post(ADD, {**typed, **rows("contributions", contributions), **rows("related_picks", [])})
    assert response.status_code == 200
    assert any(error.startswith(message) for error in errors_of(response)), errors_of(response)
    html = response.content.decode()
    assert 'value="Bài nhiều người làm"' in html
    assert 'name="contributions-0-author"' in html and f'<option value="{contributions[0]["author"]}" selected' in html
    assert not Article.objects.exists()


def test_the_author_may_also_be_credited_for_photos(editor_client):
    author = make_author("THANH THY")
    data = {**article_form_data(author=author.pk), **rows("contributions", [{"author": author.pk, "role": PHOTO}])}
    assert editor_client.post(ADD, {**data, **rows("related_picks", [])}).status_code == 302
    assert Article.objects.get().byline == "Bài, ảnh: THANH THY"


def test_a_pen_name_is_set_on_the_author_form_and_a_chain_refused(editor_client):
    person = make_author("NGUYỄN THANH THY")
    pen_name = make_author("THANH THY")
    response = editor_client.post(
        f"/admin/articles/author/{pen_name.pk}/change/",
        {"name": "THANH THY", "slug": pen_name.slug, "pen_name_of": person.pk},
    )
    assert response.status_code == 302 and reloaded(pen_name).pen_name_of == person
    third = make_author("THY")
    response = editor_client.post(
        f"/admin/articles/author/{third.pk}/change/", {"name": "THY", "slug": third.slug, "pen_name_of": pen_name.pk}
    )
    assert "“THANH THY” đã là bút danh của “NGUYỄN THANH THY”: hãy chọn tên chính." in response.content.decode()


def reloaded(author):
    return type(author).objects.get(pk=author.pk)


# Related picks.


@pytest.mark.parametrize("case", ["itself", "twice", "draft", "made-up"])
def test_bad_related_picks_are_refused(editor_client, case):
    article = make_article(headline="Bài chính", slug="bai-chinh")
    other = make_article(headline="Bài khác", slug="bai-khac")
    draft = make_article(headline="Nháp", slug="nhap", status=Article.Status.DRAFT)
    picks = {
        "itself": [{"related": article.pk}],
        "twice": [{"related": other.pk}, {"related": other.pk}],
        "draft": [{"related": draft.pk}],
        "made-up": [{"related": 999999}],
    }[case]
    message = {
        "itself": "Một bài không thể liên quan tới chính nó.",
        "twice": "Bài “Bài khác” đã có trong danh sách liên quan.",
        "draft": "Chỉ chọn được bài đã xuất bản hoặc đã hẹn giờ, chưa hết hạn.",
        "made-up": "Chỉ chọn được bài đã xuất bản hoặc đã hẹn giờ, chưa hết hạn.",
    }[case]
    data = {
        **article_form_data(article, headline="Tiêu đề đang sửa"),
        **rows("contributions", []),
        **rows("related_picks", picks),
    }
    response = editor_client.post(change(article), data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert 'value="Tiêu đề đang sửa"' in response.content.decode()
    assert not RelatedPick.objects.exists() and Article.objects.get(pk=article.pk).headline == "Bài chính"


def test_related_picks_are_saved_in_order_and_offered_only_when_pickable(editor_client):
    article = make_article(headline="Bài chính", slug="bai-chinh")
    later = make_article(headline="Hẹn giờ", slug="hen-gio", published_at=timezone.now() + timedelta(days=1))
    older = make_article(headline="Đã đăng", slug="da-dang")
    make_article(headline="Nháp", slug="nhap", status=Article.Status.DRAFT)
    picks = [{"related": older.pk, "position": 1}, {"related": later.pk, "position": 0}]
    data = {**article_form_data(article), **rows("contributions", []), **rows("related_picks", picks)}
    assert editor_client.post(change(article), data).status_code == 302
    assert [pick.related.headline for pick in RelatedPick.objects.filter(article=article)] == ["Hẹn giờ", "Đã đăng"]
    query = {"app_label": "articles", "model_name": "relatedpick", "field_name": "related", "term": ""}
    offered = {result["text"] for result in editor_client.get(AUTOCOMPLETE, query).json()["results"]}
    assert offered == {"Bài chính", "Hẹn giờ", "Đã đăng"}


# Reporters: the workflow's rule holds for every part of the form.


def test_a_reporter_who_submitted_changes_no_tag_or_credit_by_a_crafted_post(reporter):
    """Once at the desk, the reporter's article is read-only to them: tags and rows included, whatever is posted."""
    article = at_stage("Chờ ban biên tập", created_by=reporter)
    article.set_tags([make_tag("Cần Thơ"), make_tag("An Giang")])
    Contribution.objects.create(article=article, author=make_author("HOÀNG ANH"), role=PHOTO)
    client = logged_in(reporter)
    page = client.get(change(article)).content.decode()
    assert 'name="tags"' not in page and 'name="contributions-0-author"' not in page and "HOÀNG ANH" in page
    assert '<div class="readonly">Cần Thơ, An Giang</div>' in page
    data = {
        **article_form_data(article),
        "tags": "Tin giả",
        **rows("contributions", [{"author": make_author("AI ĐÓ").pk, "role": PHOTO}]),
        **rows("related_picks", []),
    }
    assert client.post(change(article), data).status_code == 403
    assert tag_names(article) == ["Cần Thơ", "An Giang"] and not Tag.objects.filter(name="Tin giả").exists()
    assert [c.author.name for c in Contribution.objects.all()] == ["HOÀNG ANH"]


def test_a_reporter_tags_and_credits_their_own_draft(reporter):
    """A reporter's group may pick tags and type new ones, and credit a photographer, on a draft they may edit."""
    make_tag("Cần Thơ")
    photographer = make_author("HOÀNG ANH")
    client = logged_in(reporter)
    data = {
        **article_form_data(),
        "tags": "can tho, Tin mới",
        **rows("contributions", [{"author": photographer.pk, "role": PHOTO}]),
        **rows("related_picks", []),
    }
    assert client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert tag_names(article) == ["Cần Thơ", "Tin mới"]
    assert [(c.author, c.role) for c in article.contributions.all()] == [(photographer, PHOTO)]


def test_another_persons_article_rows_cannot_be_reached_by_a_reporter(reporter):
    other = make_article(headline="Bài người khác", status=Article.Status.DRAFT, author=make_author("KHÁC"))
    data = {**article_form_data(other), "tags": "Tin giả", **no_inline_rows()}
    assert logged_in(reporter).post(change(other), data).status_code == 302  # to the admin's index: no such article
    assert not ArticleTag.objects.exists() and not Tag.objects.exists()


# Revisions.


def test_restoring_a_revision_brings_back_its_tags_credits_and_picks_and_the_diff_shows_them(editor, editor_client):
    author, photographer = make_author("THANH THY"), make_author("HOÀNG ANH")
    related = make_article(headline="Bài liên quan", slug="lien-quan")
    article = make_article(headline="Bài chính", slug="bai-chinh", author=author)
    first = {
        **article_form_data(article),
        "tags": "Cần Thơ, Mùa lũ",
        **rows("contributions", [{"author": photographer.pk, "role": PHOTO}]),
        **rows("related_picks", [{"related": related.pk}]),
    }
    assert editor_client.post(change(article), first).status_code == 302
    version = revisions.versions_of(article.pk).first()
    article.refresh_from_db()
    second = {
        **article_form_data(article),
        "tags": "Hậu Giang",
        **rows("contributions", [], existing=[]),
        **rows("related_picks", []),
    }
    contribution = article.contributions.get()
    second.update(rows("contributions", [], existing=[contribution]))
    second["contributions-0-DELETE"] = "on"
    assert editor_client.post(change(article), second).status_code == 302
    assert tag_names(article) == ["Hậu Giang"] and not article.contributions.exists()
    diff = editor_client.get(f"{change(article).removesuffix('change/')}history/{version.pk}/").context["changes"]
    shown = {row["label"]: (row["before"], row["after"]) for row in diff}
    assert shown["Thẻ"] == ("Cần Thơ, Mùa lũ", "Hậu Giang")
    assert shown["Người cùng thực hiện"] == ("ảnh: HOÀNG ANH", "—")
    revisions.restore(Article.objects.get(pk=article.pk), version, editor)
    assert tag_names(article) == ["Cần Thơ", "Mùa lũ"]
    assert [(c.author, c.role) for c in article.contributions.all()] == [(photographer, PHOTO)]
    assert [pick.related for pick in article.related_picks.all()] == [related]
    restored = revisions.versions_of(article.pk).first()
    assert [row.tag_id for row in revisions.links_at(restored)["tag_links"]] == [
        link.tag_id for link in article.tag_links.all()
    ]


def test_the_group_of_writers_may_see_tags_and_threads_to_pick_them(reporter):
    assert reporter.has_perm("articles.view_tag") and reporter.has_perm("articles.add_tag")
    assert reporter.has_perm("articles.view_thread") and not reporter.has_perm("articles.change_tag")
    editor = make_staff("bientap", "Biên tập viên")
    assert editor.has_perm("articles.delete_tag") and editor.has_perm("articles.change_thread")


def test_a_pick_unpublished_since_does_not_block_saving_the_article_or_the_thread(editor_client):
    """Readers never see an unpublished pick; the form keeps it rather than refuse every later save."""
    article = make_article(headline="Bài chính", slug="bai-chinh")
    picked = make_article(headline="Từng đăng", slug="tung-dang")
    pick = RelatedPick.objects.create(article=article, related=picked)
    thread = make_thread("Mùa nước nổi", lead_article=picked)
    Article.objects.filter(pk=picked.pk).update(status=Article.Status.DRAFT)
    data = {
        **article_form_data(article, headline="Sửa tiêu đề"),
        **rows("contributions", []),
        **rows("related_picks", [], existing=[pick]),
    }
    assert editor_client.post(change(article), data).status_code == 302
    assert list(RelatedPick.objects.values_list("related", flat=True)) == [picked.pk]
    data = {"name": "Mùa nước nổi 2025", "slug": thread.slug, "intro": "", "lead_article": picked.pk}
    assert editor_client.post(f"{THREADS}{thread.pk}/change/", data).status_code == 302
    assert Thread.objects.get().lead_article == picked


def test_the_tag_thread_and_author_forms_open_with_their_fields(editor_client):
    tag, thread = make_tag("Cần Thơ", description="Tin về thành phố."), make_thread("Mùa nước nổi")
    person = make_author("NGUYỄN THANH THY")
    pen_name = make_author("HẢI ĐĂNG", pen_name_of=person)
    for url, inputs in (
        (f"{TAGS}{tag.pk}/change/", ["name", "slug", "description"]),
        (f"{THREADS}{thread.pk}/change/", ["name", "slug", "intro", "image", "lead_article"]),
        (f"/admin/articles/author/{pen_name.pk}/change/", ["name", "slug", "pen_name_of", "user"]),
    ):
        html = editor_client.get(url).content.decode()
        assert all(f'name="{name}"' in html for name in inputs), url
    listing = editor_client.get("/admin/articles/author/", {"q": "NGUYỄN"}).content.decode()
    assert "HẢI ĐĂNG" in listing  # a person's main name finds their pen names


def test_people_and_threads_are_found_typed_without_accents_in_the_contributors_and_thread_pickers(editor_client):
    """The article form's autocompletes for a contributor and a thread: "hoang" finds "HOÀNG ANH" (and the pen names
    of a person found by their main name, each saying whose it is), "mua nuoc" finds "Mùa nước nổi"; other names are
    not offered."""
    person, other = make_author("HOÀNG ANH"), make_author("THANH THY")
    make_author("H.A", pen_name_of=person)
    make_thread("Mùa nước nổi"), make_thread("Chuyển đổi số")

    def offered(model, field, term):
        query = {"app_label": "articles", "model_name": model, "field_name": field, "term": term}
        return [item["text"] for item in editor_client.get("/admin/autocomplete/", query).json()["results"]]

    assert sorted(offered("contribution", "author", "hoang")) == sorted([person.name, "H.A — bút danh của HOÀNG ANH"])
    assert offered("article", "author", "h.a") == ["H.A — bút danh của HOÀNG ANH"]
    assert other.name not in offered("contribution", "author", "hoang")
    assert offered("article", "thread", "mua nuoc") == ["Mùa nước nổi"]


def test_a_pen_name_chosen_on_the_article_form_is_named_as_the_picker_offered_it(editor_client):
    """The author and a contributor chosen under pen names show in their boxes as the list named them."""
    person = make_author("HOÀNG ANH")
    pen_name, photographer = make_author("H.A", pen_name_of=person), make_author("THANH THY")
    article = make_article(author=pen_name)
    Contribution.objects.create(article=article, author=pen_name, role=Contribution.Role.PHOTO)
    Contribution.objects.create(article=article, author=photographer, role=Contribution.Role.VIDEO)
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    chosen = re.findall(r'<option value="\d+" selected>([^<]+)</option>', html)
    assert chosen.count("H.A — bút danh của HOÀNG ANH") == 2 and "THANH THY" in chosen


@pytest.mark.parametrize("pen_names", [1, 8])
def test_the_people_picker_takes_the_same_queries_however_many_pen_names_it_offers(
    editor_client, pen_names, django_assert_num_queries
):
    """Each pen name's person comes with it: the session, the user, the permissions (2), the folded names' search,
    the count and the page: 7."""
    person = make_author("HOÀNG ANH")
    for i in range(pen_names):
        make_author(f"H.A {i}", pen_name_of=person)
    query = {"app_label": "articles", "model_name": "contribution", "field_name": "author", "term": "hoang"}
    with django_assert_num_queries(7):
        results = editor_client.get(AUTOCOMPLETE, query).json()["results"]
    assert len(results) == 1 + pen_names
