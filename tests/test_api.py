"""The read-only JSON API (articles/api/, docs/API.md): only what readers may see, everything an app needs of an
article, filters and a sync by `updated_since`, a cursor that holds while the newsroom publishes, a Vietnamese 400 for
every junk parameter, a fixed number of queries, and an OpenAPI schema with its docs page from our own static files.
The page cache, 304s, CORS and the rate limit: tests/test_api_cache.py; Schemathesis: tests/test_api_fuzz.py."""

import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from articles import queries as site_queries
from articles import workflow
from articles.api import serializers, urls
from articles.api.errors import GONE
from articles.api.pagination import Cursor
from articles.models import (
    Article,
    ArticleTag,
    Contribution,
    Correction,
    FrontPage,
    InternalNote,
    Pick,
    PreviewLink,
)
from tests.factories import make_article, make_author, make_section, make_tag, make_thread, uploaded_image

pytestmark = pytest.mark.django_db

API = "/api/v1/"
NOT_VISIBLE = "Không có bài viết này, hoặc bài chưa được xuất bản."


def get(client, url, **extra):
    """The JSON of a 200 answer to `url`."""
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def headlines(data):
    return [article["headline"] for article in data["results"]]


def walk(client, url):
    """Every article of a list, following `next` to the end."""
    found = []
    while url:
        data = get(client, url)
        found += data["results"]
        url = data["next"]
    return found


# Only what readers may see.

# How the walk reaches each URL name of the API that takes a slug; the others take none.
SLUGS = {
    "api:article-detail": "article",
    "api:section-detail": "section",
    "api:author-detail": "author",
    "api:tag-detail": "tag",
    "api:thread-detail": "thread",
}


def api_urls(visible):
    """Every endpoint of the API (articles/api/urls.py), reached with the visible article, its section, author, tag
    and thread, plus search, filtered lists and the articles' second page. A named endpoint this walk cannot reach
    fails it."""
    tag = visible.tags.get()
    owners = {"article": visible, "section": visible.section, "author": visible.author, "tag": tag}
    owners["thread"] = visible.thread
    found = []
    for pattern in urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or pattern.name is None:
            continue
        name = f"api:{pattern.name}"
        if "<slug:slug>" in str(pattern.pattern):
            if name not in SLUGS:
                pytest.fail(f"{name} takes a slug this test does not know how to give: say so in SLUGS")
            found.append(reverse(name, kwargs={"slug": owners[SLUGS[name]].slug}))
        else:
            found.append(reverse(name))
    return [
        *found,
        f"{API}search/?q=hop+tac+xa",
        f"{API}articles/?section={visible.section.slug}",
        f"{API}articles/?author={visible.author.slug}",
        f"{API}articles/?tag={tag.slug}",
        f"{API}articles/?thread={visible.thread.slug}",
        f"{API}articles/?updated_since=2000-01-01T00:00:00%2B07:00",
        f"{API}articles/?page_size=1&cursor={Cursor(timezone.now(), 2**62).token()}",
    ]


def test_no_endpoint_shows_a_draft_a_scheduled_an_expired_or_a_taken_down_article(client, editor):
    """Every endpoint of the API, for a draft (renamed, so with an old slug too), a scheduled, an expired and a taken
    down article (renamed too), each with a published correction, the visible article's tag and thread, a tag and a
    thread of their own, and a contributor of their own: none appears in any list, search, filter, tag, thread
    (pinned or not), front page or page; their addresses are 404 like the pages, or 410 for the one taken down on
    order, at its URL and its old one, without its headline or words; an author, tag or thread only on hidden articles
    is not listed; and no field readers never see (status, version, accounts, the importer's keys, the take-down
    time), internal note or share link appears anywhere."""
    section = make_section("Kinh tế")
    author = make_author("THANH THY")
    hidden_author = make_author("BÚT DANH NHÁP")
    now = timezone.now()
    common = {"section": section, "lead": "Sapo hợp tác xã."}
    visible = make_article(headline="Hợp tác xã công khai", author=author, **common)
    hidden = [
        make_article(headline="Hợp tác xã nháp", status=Article.Status.DRAFT, author=hidden_author, **common),
        make_article(headline="Hợp tác xã hẹn giờ", published_at=now + timedelta(days=1), author=author, **common),
        make_article(headline="Hợp tác xã đã gỡ", unpublish_at=now - timedelta(minutes=1), author=author, **common),
        make_article(headline="Hợp tác xã bị gỡ", body="<p>Lời bài bị gỡ.</p>", author=author, **common),
    ]
    for article in [visible, *hidden[1:]]:
        workflow.publish_correction(Correction.objects.create(article=article, text=f"Sửa {article.headline}."), editor)
    draft, taken_down = hidden[0], hidden[-1]
    shared_tag, shared_thread = make_tag("Hợp tác xã"), make_thread("Kinh tế tập thể")
    hidden_tag, hidden_thread = make_tag("Thẻ của bài ẩn"), make_thread("Dòng sự kiện ẩn", lead_article=draft)
    hidden_contributor = make_author("NHIẾP ẢNH NHÁP")
    Article.objects.filter(pk=visible.pk).update(thread=shared_thread)
    ArticleTag.objects.create(article=visible, tag=shared_tag)
    for article in hidden:
        Article.objects.filter(pk=article.pk).update(thread=hidden_thread if article is draft else shared_thread)
        ArticleTag.objects.bulk_create([ArticleTag(article=article, tag=tag) for tag in (shared_tag, hidden_tag)])
        Contribution.objects.create(article=article, author=hidden_contributor, role=Contribution.Role.PHOTO)
    visible.refresh_from_db()
    note = InternalNote.objects.create(article=visible, author=editor, text="Ghi chú nội bộ: đừng đăng tên nguồn.")
    share = PreviewLink.objects.create(article=draft, expires_at=now + timedelta(days=1)).get_absolute_url()
    picks = FrontPage.stored_picks([Pick(draft.pk), Pick(taken_down.pk)])
    FrontPage.objects.create(based_on=0, picks=picks, breaking_text="Tin nóng", breaking_article=hidden[1])
    old_slugs = {draft.pk: draft.slug, taken_down.pk: taken_down.slug}
    for article, slug in ((draft, "hop-tac-xa-nhap-doi-ten"), (taken_down, "hop-tac-xa-bi-go-doi-ten")):
        article.refresh_from_db()
        article.slug = slug
        article.save()
    workflow.take_down(taken_down, editor, "Theo yêu cầu của cơ quan quản lý.")
    pages = api_urls(visible)
    assert len(pages) >= 12
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        if re.search(r"/articles/(\?|$)|/search/\?q", url):  # a list of articles: the visible one is on it
            assert [a["headline"] for a in json.loads(text)["results"]] == ["Hợp tác xã công khai"], url
        if "/schema/" not in url and "/docs/" not in url:
            # JSON keys only: a word of an article's body could be one of these
            keys = set(re.findall(r'"([a-z_]+)":', text))
            assert not keys & {"status", "version", "user", "created_by", "updated_by", "source_key", "unpublish_at"}
        for article in hidden:
            assert article.headline not in text and article.slug not in text, (url, article.headline)
            assert old_slugs.get(article.pk, article.slug) not in text, url
        for name in (hidden_author.slug, hidden_contributor.slug, hidden_tag.slug, hidden_thread.slug):
            assert name not in text, (url, name)
        assert note.text not in text and share.rstrip("/").rsplit("/", 1)[1] not in text, url
    assert "Sửa Hợp tác xã công khai." in client.get(f"{API}articles/{visible.slug}/").content.decode()
    assert [tag["name"] for tag in get(client, f"{API}tags/")["results"]] == ["Hợp tác xã"]
    assert [thread["title"] for thread in get(client, f"{API}threads/")["results"]] == ["Kinh tế tập thể"]
    zones = get(client, f"{API}front/")["zones"]
    assert [(zone["kind"], [a["headline"] for a in zone["articles"]]) for zone in zones][:2] == [
        ("breaking", []),
        ("lead", ["Hợp tác xã công khai"]),
    ]
    assert get(client, f"{API}articles/?tag={hidden_tag.slug}")["results"] == []
    assert client.get(f"{API}tags/{hidden_tag.slug}/").status_code == 404
    assert client.get(f"{API}threads/{hidden_thread.slug}/").status_code == 404
    for article in hidden[:-1]:
        response = client.get(f"{API}articles/{article.slug}/")
        assert (response.status_code, response.json()) == (404, {"detail": NOT_VISIBLE})
    assert client.get(f"{API}articles/{old_slugs[draft.pk]}/").status_code == 404
    for slug in (taken_down.slug, old_slugs[taken_down.pk]):
        response = client.get(f"{API}articles/{slug}/")
        assert (response.status_code, response.json()) == (410, {"detail": GONE}), slug
    assert client.get(f"{API}authors/{hidden_author.slug}/").status_code == 404


def test_a_taken_down_article_names_its_headline_only_when_the_editor_chose_so(client, editor):
    """As its page: the 410 says the article was taken down, and its headline only if chosen."""
    article = make_article(headline="Bài gỡ vẫn nêu tên")
    workflow.take_down(article, editor, "Theo yêu cầu.", show_headline=True)
    response = client.get(f"{API}articles/{article.slug}/")
    assert (response.status_code, response.json()) == (410, {"detail": GONE, "headline": "Bài gỡ vẫn nêu tên"})


# What an article says.


def test_an_article_holds_everything_an_app_shows(client, settings):
    """Headline, lead, body as sanitised HTML and as plain text, the photo with its texts and every rendition (width,
    type, absolute URL), the section, the byline, the canonical URL and both times in ISO 8601 with +07:00."""
    section, author = make_section("Kinh tế"), make_author("THANH THY")
    article = make_article(
        headline="Cần Thơ có HTX kiểu mới",
        body='<p>Đoạn một.</p><p>Đoạn <a href="https://example.org" onclick="x()">hai</a>.</p><script>x()</script>',
        section=section,
        author=author,
        image=uploaded_image(size=(1400, 900)),
        image_caption="Hội nghị HTX.",
        image_credit="Liên minh HTX",
        image_alt="Đại biểu dự hội nghị",
        published_at=timezone.make_aware(timezone.datetime(2026, 3, 1, 8, 30)),
    )
    data = get(client, f"{API}articles/{article.slug}/")
    assert data["headline"] == "Cần Thơ có HTX kiểu mới"
    assert data["url"] == f"http://testserver{article.get_absolute_url()}"
    assert data["api_url"] == f"http://testserver{API}articles/{article.slug}/"
    assert data["published_at"] == "2026-03-01T08:30:00+07:00"
    assert data["modified_at"].endswith("+07:00")
    assert (
        data["body_html"] == article.body and "<script>" not in data["body_html"] and "onclick" not in data["body_html"]
    )
    assert data["body_text"] == "Đoạn một.\nĐoạn hai."
    assert data["section"]["name"] == "Kinh tế"
    assert data["section"]["articles_url"] == f"http://testserver{API}articles/?section={section.slug}"
    assert [byline["name"] for byline in data["bylines"]] == ["THANH THY"]
    photo = data["photo"]
    assert (photo["caption"], photo["credit"], photo["alt"]) == (
        "Hội nghị HTX.",
        "Liên minh HTX",
        "Đại biểu dự hội nghị",
    )
    renditions = [(file["type"], file["width"]) for file in photo["renditions"]]
    assert sorted(renditions) == sorted(
        (kind, width) for kind in ("image/webp", "image/jpeg") for width in (320, 640, 960, 1280)
    )
    assert all(file["url"].startswith(f"http://testserver{settings.MEDIA_URL}") for file in photo["renditions"])
    assert (photo["width"], photo["height"]) == (1280, 823)


def test_an_article_without_photo_or_section_says_null(client):
    """No photo, no section: null, not a missing key."""
    data = get(client, f"{API}articles/{make_article().slug}/")
    assert (data["photo"], data["section"]) == (None, None)


def test_an_old_slug_moves_to_the_current_address_like_the_page(client):
    """A renamed article's old API address answers 301 to its current one, as its page does."""
    article = make_article(headline="Tên cũ")
    old = article.slug
    article.slug = "ten-moi"
    article.save()
    response = client.get(f"{API}articles/{old}/")
    assert (response.status_code, response["Location"]) == (301, f"{API}articles/ten-moi/")
    assert client.get(f"/articles/{old}/")["Location"] == "/articles/ten-moi/"


def test_an_article_lists_its_published_corrections_newest_first_in_one_more_query(
    client, editor, django_assert_num_queries, settings
):
    """As on its page: each published correction (kind, text as HTML and plain, time), newest first, the replaced
    one marked; a draft correction is not shown; the article's `modified_at` follows the latest. One query more
    than an article never corrected."""
    settings.PAGE_CACHE = False
    article = make_article()
    first = Correction.objects.create(article=article, text='Sửa tên <a href="https://example.org">ông A</a>.')
    workflow.publish_correction(first, editor)
    second = Correction.objects.create(article=article, text="Sửa lần hai.", replaces=first)
    workflow.publish_correction(second, editor)
    Correction.objects.create(article=article, text="Bản nháp cải chính.")
    with django_assert_num_queries(3):
        data = get(client, f"{API}articles/{article.slug}/")
    assert [(c["text"], c["kind_name"], c["replaced"]) for c in data["corrections"]] == [
        ("Sửa lần hai.", "Cải chính", False),
        ("Sửa tên ông A.", "Cải chính", True),
    ]
    assert data["corrections"][1]["text_html"] == 'Sửa tên <a href="https://example.org" rel="noopener">ông A</a>.'
    second.refresh_from_db()
    assert (
        data["modified_at"]
        == data["corrections"][0]["published_at"]
        == timezone.localtime(second.published_at).isoformat(timespec="seconds")
    )


def test_every_serializer_writes_exactly_the_fields_it_declares(client):
    """The schema is made from the declared fields and the data from `shape()`: they name the same keys."""
    thread = make_thread(image=uploaded_image())
    article = make_article(section=make_section(), image=uploaded_image(), thread=thread)
    site_queries.load_credits_and_tags([article])
    thread.visible_lead = article
    links = serializers.Links.of(client.get(API).wsgi_request)
    shapes = {
        serializers.ArticleDetail: article,
        serializers.ArticleSummary: article,
        serializers.Photo: article,
        serializers.Rendition: article.photo.files[0],
        serializers.Owner: article.section,
        serializers.Byline: (article.author, Contribution.Role.PHOTO),
        serializers.TagRef: make_tag(),
        serializers.TagOut: make_tag("Lũ"),
        serializers.ThreadRef: thread,
        serializers.ThreadOut: thread,
        serializers.Zone: ("section", "Kinh tế", article.section, [article]),
        serializers.CorrectionOut: SimpleNamespace(
            pk=1, kind="correction", get_kind_display=lambda: "Cải chính", text="x", published_at=None, replaced=False
        ),
    }
    for serializer, instance in shapes.items():
        assert list(serializer.shape(instance, links)) == list(serializer().fields), serializer.__name__


# Lists, filters, sync.


def test_the_list_is_newest_first_and_filters_by_section_and_author(client):
    """Newest first; `section` and `author` keep theirs; an unknown one is a 400 that names it."""
    now = timezone.now()
    economy, sport = make_section("Kinh tế"), make_section("Thể thao")
    thy, lan = make_author("THANH THY"), make_author("NGỌC LAN")
    make_article(headline="Ba", section=economy, author=thy, published_at=now - timedelta(hours=3))
    make_article(headline="Hai", section=sport, author=lan, published_at=now - timedelta(hours=2))
    make_article(headline="Một", section=economy, author=lan, published_at=now - timedelta(hours=1))
    assert headlines(get(client, f"{API}articles/")) == ["Một", "Hai", "Ba"]
    assert headlines(get(client, f"{API}articles/?section={economy.slug}")) == ["Một", "Ba"]
    assert headlines(get(client, f"{API}articles/?author={lan.slug}")) == ["Một", "Hai"]
    assert headlines(get(client, f"{API}articles/?author={lan.slug}&section={economy.slug}")) == ["Một"]
    response = client.get(f"{API}articles/?section=khong-co")
    assert response.status_code == 400
    assert response.json()["errors"] == {"section": ["Không có chuyên mục “khong-co”."]}


def test_updated_since_gives_what_changed_and_nothing_else(client, time_machine):
    """An app that synced at T asks for what changed since: an article edited after T, and one whose scheduled time
    came after T, and nothing else."""
    now = timezone.now()
    time_machine.move_to(now - timedelta(days=1), tick=False)
    make_article(headline="Không đổi")
    edited = make_article(headline="Sẽ được sửa")
    scheduled = make_article(headline="Hẹn giờ", published_at=now + timedelta(minutes=30))
    synced_at = now - timedelta(hours=1)
    time_machine.move_to(now, tick=False)
    edited.lead = "Sapo đã sửa."
    edited.save()
    since = f"{API}articles/?updated_since={timezone.localtime(synced_at).isoformat().replace('+', '%2B')}"
    assert [a["lead"] for a in get(client, since)["results"]] == ["Sapo đã sửa."]
    time_machine.move_to(now + timedelta(hours=1), tick=False)
    assert headlines(get(client, since)) == ["Hẹn giờ", "Sẽ được sửa"]
    assert scheduled.pk in [a["id"] for a in get(client, since)["results"]]
    # "+" sent unencoded reads as a space: taken as the "+" it was.
    unencoded = f"{API}articles/?updated_since={timezone.localtime(synced_at).isoformat()}"
    assert headlines(get(client, unencoded)) == ["Hẹn giờ", "Sẽ được sửa"]


def test_following_next_reads_every_article_once_while_the_newsroom_publishes(client):
    """Page by page with `next`: articles published meanwhile (newer) go to the first page, one taken down meanwhile
    (even the one the cursor names) leaves no gap and no repeat: every article listed at the start is read once."""
    now = timezone.now()
    articles = [make_article(headline=f"Bài {i}", published_at=now - timedelta(minutes=i)) for i in range(1, 8)]
    first = get(client, f"{API}articles/?page_size=3")
    assert headlines(first) == ["Bài 1", "Bài 2", "Bài 3"]
    make_article(headline="Bài mới", published_at=timezone.now())
    Article.objects.filter(pk=articles[2].pk).update(status=Article.Status.DRAFT)  # the cursor's own article
    rest = walk(client, first["next"])
    assert [article["headline"] for article in rest] == ["Bài 4", "Bài 5", "Bài 6", "Bài 7"]
    assert "page_size=3" in first["next"]
    assert headlines(get(client, f"{API}articles/?page_size=3"))[0] == "Bài mới"


def test_articles_published_at_the_same_moment_are_paged_by_id(client):
    """Same publication time: ordered by id, and a page boundary between them loses none."""
    moment = timezone.now() - timedelta(hours=1)
    made = [make_article(headline=f"Cùng lúc {i}", published_at=moment) for i in range(5)]
    read = walk(client, f"{API}articles/?page_size=2")
    assert [article["id"] for article in read] == sorted((article.pk for article in made), reverse=True)


def test_search_finds_as_the_site_does(client):
    """Accents, case and đ ignored, headline matches first; the cleaned query is echoed; paging by `page`."""
    make_article(headline="Đường về quê", lead="Xe buýt điện.")
    make_article(headline="Xe buýt điện chạy tuyến mới", lead="Tuyến mới.")
    data = get(client, f"{API}search/?q=XE+BUYT+DIEN")
    assert data["query"] == "XE BUYT DIEN"
    assert headlines(data) == ["Xe buýt điện chạy tuyến mới", "Đường về quê"]
    assert (data["count"], data["capped"], data["next"]) == (2, False, None)
    assert get(client, f"{API}search/?q=duong")["count"] == 1
    assert get(client, f"{API}search/")["results"] == []


def test_sections_and_authors_list_and_detail(client):
    """Sections in the menu's order, authors with published articles by name; each by its slug, 404 otherwise."""
    make_section("Thể thao", position=2)
    economy = make_section("Kinh tế", position=1)
    make_article(author=make_author("THANH THY"))
    make_author("CHƯA VIẾT")
    assert [s["name"] for s in get(client, f"{API}sections/")["results"]] == ["Kinh tế", "Thể thao"]
    assert [a["name"] for a in get(client, f"{API}authors/")["results"]] == ["THANH THY"]
    assert get(client, f"{API}sections/{economy.slug}/")["name"] == "Kinh tế"
    assert client.get(f"{API}sections/khong-co/").json() == {"detail": "Không có chuyên mục này."}
    assert client.get(f"{API}authors/chua-viet/").status_code == 404


# Bad input: a Vietnamese 400, never a 500.


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("cursor=%%%", "cursor"),
        ("cursor=YWJj", "cursor"),  # base64 of "abc"
        ("cursor=OTk5OTk5OTk5OTk5OTk5OTk5LjE", "cursor"),  # past year 9999
        ("cursor=", "cursor"),
        ("page_size=101", "page_size"),
        ("page_size=99999999999999999999999", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
        ("updated_since=hôm+qua", "updated_since"),
        ("updated_since=2026-02-30T00:00:00%2B07:00", "updated_since"),
        ("updated_since=2026-12-01T08:00:00", "updated_since"),  # no offset
        ("section=Kinh+Tế", "section"),
        ("section=%00", "section"),
        ("author=", "author"),
        ("tag=hop-tac-xa", "tag"),
        ("format=xml", "format"),
        ("page_size=2&page_size=3", "page_size"),
    ],
)
def test_junk_parameters_are_a_400_that_says_which_and_why(client, query, parameter):
    """Each refused parameter is named, with a reason in Vietnamese; nothing is answered as if it were not sent."""
    make_article()
    response = client.get(f"{API}articles/?{query}")
    assert response.status_code == 400, query
    data = response.json()
    assert list(data["errors"]) == [parameter]
    assert data["detail"].startswith(f"Tham số không hợp lệ — {parameter}: ")
    assert not re.search(r"\b(Ensure|This field|Invalid|valid)\b", data["detail"]), data["detail"]


def test_search_refuses_a_page_past_its_cap_and_unknown_parameters(client):
    """Search results stop at 1,000 (50 pages), as on the site."""
    assert client.get(f"{API}search/?q=a&page=51").json()["errors"] == {"page": ["Cần một số nguyên từ 1 đến 50."]}
    assert list(client.get(f"{API}search/?q=a&sort=new").json()["errors"]) == ["sort"]
    assert list(client.get(f"{API}sections/?page=2").json()["errors"]) == ["page"]


def test_errors_are_json_in_vietnamese(client):
    """An unknown address under the API, a method other than reading, a missing section: JSON, Vietnamese."""
    assert client.get(f"{API}khong-co/").json() == {"detail": "Không tìm thấy địa chỉ này trong API."}
    assert client.get(f"{API}articles/a/b/").status_code == 404
    response = client.post(f"{API}articles/", {"headline": "x"})
    assert response.status_code == 405
    assert response.json()["detail"].startswith("API chỉ cho đọc")
    assert client.delete(f"{API}khong-co/").status_code == 404


# A fixed number of queries.


def many(count, **values):
    now = timezone.now()
    return [make_article(headline=f"Bài {i}", published_at=now - timedelta(minutes=i), **values) for i in range(count)]


def credited(articles, tags=3):
    """`articles`, each in a thread, with `tags` tags and two more credits (one under a pen name): the most that the
    budgets below must not grow with."""
    thread, photographer = make_thread(), make_author("HOÀNG LAN")
    pen_name = make_author("H.L", pen_name_of=photographer)
    made = [make_tag(f"Thẻ {n}") for n in range(tags)]
    for article in articles:
        Article.objects.filter(pk=article.pk).update(thread=thread)
        ArticleTag.objects.bulk_create([ArticleTag(article=article, tag=tag, position=n) for n, tag in enumerate(made)])
        Contribution.objects.bulk_create(
            [
                Contribution(article=article, author=photographer, role=Contribution.Role.PHOTO, position=1),
                Contribution(article=article, author=pen_name, role=Contribution.Role.WRITER, position=2),
            ]
        )
    return articles


@pytest.mark.parametrize(("count", "tags"), [(3, 1), (45, 6)])
def test_the_list_takes_two_queries_on_any_page(client, django_assert_num_queries, count, tags, settings):
    """The first page, a page deep in the list by its cursor, and the largest page: the page, and every credit and tag
    of its articles (page cache off, so each is rendered), however many articles, tags and credits; a section filter
    adds the section's lookup."""
    settings.PAGE_CACHE = False
    section = make_section()
    articles = credited(many(count, section=section, image=uploaded_image()), tags)
    deep = Cursor.after(articles[-2]).token()
    for url in (f"{API}articles/", f"{API}articles/?cursor={deep}", f"{API}articles/?page_size=100"):
        with django_assert_num_queries(2):
            assert len(get(client, url)["results"][0]["tags"]) == tags
    with django_assert_num_queries(3):
        get(client, f"{API}articles/?section={section.slug}&cursor={deep}")


@pytest.mark.parametrize(("count", "tags"), [(3, 1), (45, 6)])
def test_an_article_takes_two_queries(client, django_assert_num_queries, count, tags, settings):
    """An article, its section, author and photo; its credits, tags, thread and its author's person: two queries
    however many articles, tags and credits there are."""
    settings.PAGE_CACHE = False
    articles = credited(many(count, section=make_section(), image=uploaded_image()), tags)
    with django_assert_num_queries(2):
        data = get(client, f"{API}articles/{articles[count // 2].slug}/")
    assert (len(data["tags"]), len(data["bylines"]), data["thread"] is not None) == (tags, 3, True)


@pytest.mark.parametrize("count", [3, 45])
def test_sections_authors_and_search_take_a_fixed_number_of_queries(client, django_assert_num_queries, count, settings):
    """Sections, authors (each looked up in its list's index, not by reading every article), one of each: one query;
    search: its two tiers' ids and the page's articles, as on the site, and their credits and tags."""
    settings.PAGE_CACHE = False
    section = make_section()
    articles = credited(many(count, section=section))
    for url in (f"{API}sections/", f"{API}authors/", f"{API}sections/{section.slug}/"):
        with django_assert_num_queries(1):
            get(client, url)
    with django_assert_num_queries(1):
        get(client, f"{API}authors/{articles[0].author.slug}/")
    with django_assert_num_queries(4):
        assert get(client, f"{API}search/?q=bai")["count"] == count


# The schema and its docs.


def test_the_schema_is_valid_openapi_3_and_describes_every_endpoint(client):
    """/api/v1/schema/ is a valid OpenAPI 3 document naming every endpoint, its parameters and errors."""
    response = client.get(f"{API}schema/")
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for pattern in urls.urlpatterns:
        if isinstance(pattern, URLPattern) and pattern.name not in (None, "schema", "docs"):
            assert re.sub(r"<slug:(\w+)>", r"{\1}", f"{API}{pattern.pattern}") in paths, pattern.name
    listing = schema["paths"][f"{API}articles/"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {
        "cursor",
        "page_size",
        "section",
        "author",
        "tag",
        "thread",
        "updated_since",
    }
    assert {"200", "400", "429"} <= set(listing["responses"])


def test_the_docs_page_is_swagger_ui_from_our_own_static_files_without_inline_script(client):
    """/api/v1/docs/ loads Swagger UI from this site's static files (no CDN), its start-up script from this view,
    nothing inline, under the site's Content-Security-Policy; each file is there."""
    response = client.get(f"{API}docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(url.startswith("/") and not url.startswith("//") for url in sources), sources
    assert not re.search(r"<script>|<script(?![^>]*src=)[^>]*>|<style", html)
    for url in sources:
        assert client.get(url).status_code == 200, url
    script = client.get(f"{API}docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert f"{API}schema/" in script.content.decode()
