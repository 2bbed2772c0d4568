"""The API's tags, story threads, bylines and front page (issue #19 in the API of #22, docs/API.md): what an article
says of them, the filters, `tags/`, `threads/` and `front/`, only what readers may see, and a fixed number of
queries."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from articles import front, workflow
from articles.models import Article, ArticleTag, Contribution, Pick, TagRedirect
from tests.factories import make_article, make_author, make_section, make_tag, make_thread, uploaded_image

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def headlines(data):
    return [article["headline"] for article in data["results"]]


def tag(article, *tags):
    """Give `article` these tags, in this order (the first the primary one)."""
    ArticleTag.objects.bulk_create([ArticleTag(article=article, tag=t, position=n) for n, t in enumerate(tags)])


def credit(article, author, role=Contribution.Role.WRITER, position=0):
    return Contribution.objects.create(article=article, author=author, role=role, position=position)


# What an article says.


def test_an_article_names_everyone_who_made_it_under_the_name_printed_and_links_the_person(client):
    """`bylines`: the author as writer first, then each credit in its order, each with the pen name printed, the
    role (code and Vietnamese) and the person's own page (their main name's); `byline` is the paper's printed line.
    The list says the same as the article."""
    thy = make_author("THANH THY")
    signed = make_author("T.THY", pen_name_of=thy)
    lan = make_author("NGỌC LAN")
    article = make_article(headline="Mùa lũ về", author=signed)
    credit(article, lan, Contribution.Role.TRANSLATION, position=2)
    credit(article, thy, Contribution.Role.PHOTO, position=1)
    data = get(client, f"{API}articles/{article.slug}/")
    assert [(b["name"], b["slug"], b["role"], b["role_name"]) for b in data["bylines"]] == [
        ("T.THY", "thanh-thy", "writer", "viết bài"),
        ("THANH THY", "thanh-thy", "photo", "ảnh"),
        ("NGỌC LAN", "ngoc-lan", "translation", "dịch"),
    ]
    assert data["bylines"][0]["url"] == f"http://testserver{thy.get_absolute_url()}"
    assert data["bylines"][0]["api_url"] == f"http://testserver{API}authors/thanh-thy/"
    assert data["byline"] == "Bài: T.THY – Ảnh: THANH THY – Dịch: NGỌC LAN"
    listed = get(client, f"{API}articles/")["results"][0]
    assert (listed["bylines"], listed["byline"]) == (data["bylines"], data["byline"])


def test_one_person_who_wrote_and_photographed_is_printed_once_with_both_roles(client):
    """The paper's "Bài, ảnh: THANH THY"; a plain writer is printed as the seed prints it, "THANH THY"."""
    thy = make_author("THANH THY")
    both = make_article(headline="Hai vai", author=thy)
    credit(both, thy, Contribution.Role.PHOTO)
    assert get(client, f"{API}articles/{both.slug}/")["byline"] == "Bài, ảnh: THANH THY"
    assert get(client, f"{API}articles/{make_article(author=thy).slug}/")["byline"] == "THANH THY"


def test_an_article_lists_its_tags_in_order_the_primary_first_and_names_its_thread(client):
    """Tags in the article's order (not by name), each with its pages; the thread by its title; none: [] and null."""
    flood, city = make_tag("Lũ"), make_tag("Cần Thơ")
    thread = make_thread("Mùa nước nổi")
    article = make_article(headline="Nước lên", thread=thread)
    tag(article, flood, city)
    data = get(client, f"{API}articles/{article.slug}/")
    assert [(t["name"], t["slug"]) for t in data["tags"]] == [("Lũ", "lu"), ("Cần Thơ", "can-tho")]
    assert data["tags"][0]["articles_url"] == f"http://testserver{API}articles/?tag=lu"
    assert data["tags"][0]["url"] == f"http://testserver{flood.get_absolute_url()}"
    assert (data["thread"]["title"], data["thread"]["slug"]) == ("Mùa nước nổi", "mua-nuoc-noi")
    assert data["thread"]["api_url"] == f"http://testserver{API}threads/mua-nuoc-noi/"
    assert get(client, f"{API}articles/")["results"][0]["tags"] == data["tags"]
    plain = get(client, f"{API}articles/{make_article().slug}/")
    assert (plain["tags"], plain["thread"]) == ([], None)


# Filters.


def test_the_list_filters_by_tag_and_thread_and_a_merged_tags_old_slug_reads_the_kept_one(client):
    """`tag` and `thread` keep their articles, newest first; the old slug of a merged tag lists the kept tag's."""
    now = timezone.now()
    flood, city = make_tag("Lũ"), make_tag("Cần Thơ")
    thread = make_thread("Mùa nước nổi")
    old = make_article(headline="Cũ", thread=thread, published_at=now - timedelta(hours=2))
    new = make_article(headline="Mới", published_at=now - timedelta(hours=1))
    make_article(headline="Khác")
    tag(old, city, flood)
    tag(new, flood)
    TagRedirect.objects.create(slug="lu-lut", tag=flood)
    assert headlines(get(client, f"{API}articles/?tag=lu")) == ["Mới", "Cũ"]
    assert headlines(get(client, f"{API}articles/?tag=lu-lut")) == ["Mới", "Cũ"]
    assert headlines(get(client, f"{API}articles/?tag=can-tho")) == ["Cũ"]
    assert headlines(get(client, f"{API}articles/?thread=mua-nuoc-noi")) == ["Cũ"]
    assert headlines(get(client, f"{API}articles/?thread=mua-nuoc-noi&tag=can-tho")) == ["Cũ"]
    assert headlines(get(client, f"{API}articles/?thread=mua-nuoc-noi&tag=lu&page_size=1")) == ["Cũ"]


def test_the_author_filter_lists_what_the_person_made_in_any_role_under_any_name(client):
    """`author` lists the person's articles as author or credited in any role, under their main name or a pen name;
    a pen name's slug lists the same as the person's."""
    now = timezone.now()
    thy = make_author("THANH THY")
    signed = make_author("T.THY", pen_name_of=thy)
    other = make_author("NGỌC LAN")
    make_article(headline="Bài riêng", author=thy, published_at=now - timedelta(hours=4))
    make_article(headline="Ký bút danh", author=signed, published_at=now - timedelta(hours=3))
    credit(make_article(headline="Chụp ảnh", author=other, published_at=now - timedelta(hours=2)), thy, "photo")
    credit(
        make_article(headline="Dịch, bút danh", author=other, published_at=now - timedelta(hours=1)),
        signed,
        "translation",
    )
    make_article(headline="Không dính", author=other)
    expected = ["Dịch, bút danh", "Chụp ảnh", "Ký bút danh", "Bài riêng"]
    assert headlines(get(client, f"{API}articles/?author=thanh-thy")) == expected
    assert headlines(get(client, f"{API}articles/?author=t-thy")) == expected
    assert headlines(get(client, f"{API}articles/?author=ngoc-lan")) == ["Không dính", "Dịch, bút danh", "Chụp ảnh"]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("tag=khong-co", {"tag": ["Không có thẻ “khong-co”."]}),
        ("thread=khong-co", {"thread": ["Không có dòng sự kiện “khong-co”."]}),
        ("tag=Cần+Thơ", None),
        ("thread=%00", None),
        ("tag=a&tag=b", {"tag": ["Chỉ được gửi một lần."]}),
    ],
)
def test_an_unknown_or_malformed_tag_or_thread_is_a_400_that_names_it(client, query, errors):
    """Never an empty list for a typo: a 400 saying which parameter and why, in Vietnamese."""
    response = client.get(f"{API}articles/?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert list(response.json()["errors"]) == [name]
    if errors:
        assert response.json()["errors"] == errors
    assert response.json()["detail"].startswith(f"Tham số không hợp lệ — {name}: ")


# tags/, threads/, authors/.


def test_tags_are_those_with_an_article_readers_see_by_name_and_each_by_its_slug(client):
    """`tags/` lists the tags of visible articles by name, with their description and links; a tag only on a draft
    is in no list and its address is a 404 saying so in Vietnamese, as is an unknown one."""
    flood, city = make_tag("Lũ", description="Mùa lũ ở đồng bằng."), make_tag("Cần Thơ")
    hidden = make_tag("Chỉ bài nháp")
    tag(make_article(), flood, city)
    tag(make_article(status=Article.Status.DRAFT), hidden)
    listed = get(client, f"{API}tags/")["results"]
    assert [(t["name"], t["slug"]) for t in listed] == [("Cần Thơ", "can-tho"), ("Lũ", "lu")]
    data = get(client, f"{API}tags/lu/")
    assert (data["name"], data["description"], data["id"]) == ("Lũ", "Mùa lũ ở đồng bằng.", flood.pk)
    assert data["articles_url"] == f"http://testserver{API}articles/?tag=lu"
    assert data == listed[1]
    for slug in (hidden.slug, "khong-co"):
        response = client.get(f"{API}tags/{slug}/")
        assert (response.status_code, response.json()) == (
            404,
            {"detail": "Không có thẻ này, hoặc thẻ chưa có bài xuất bản."},
        )


def test_a_merged_tags_old_address_moves_permanently_to_the_kept_tag(client):
    """As its page: the old slug answers 301 to the kept tag's API address."""
    kept = make_tag("Cần Thơ")
    tag(make_article(), kept)
    TagRedirect.objects.create(slug="tp-can-tho", tag=kept)
    response = client.get(f"{API}tags/tp-can-tho/")
    assert (response.status_code, response["Location"]) == (301, f"{API}tags/can-tho/")


def test_threads_give_their_intro_photo_and_pinned_lead_while_readers_may_see_it(client, editor):
    """`threads/` and `threads/<slug>/`: title, intro, the photo with every rendition as an article's, and the pinned
    lead as a summary; when the lead is unpublished or taken down it is null (and its address 404 or 410), never
    shown; a thread whose articles are all hidden is in no list and answers 404."""
    thread = make_thread("Mùa nước nổi", intro="Nước lên từ tháng Tám.", image=uploaded_image(size=(1400, 900)))
    thread.image_caption = "Cánh đồng ngập nước."
    lead = make_article(headline="Bài dẫn", thread=thread)
    make_article(headline="Bài khác", thread=thread)
    thread.lead_article = lead
    thread.save()
    hidden = make_thread("Chưa có bài", lead_article=make_article(status=Article.Status.DRAFT))
    Article.objects.filter(pk=hidden.lead_article_id).update(thread=hidden)
    data = get(client, f"{API}threads/mua-nuoc-noi/")
    assert (data["title"], data["intro"], data["lead"]["headline"]) == (
        "Mùa nước nổi",
        "Nước lên từ tháng Tám.",
        "Bài dẫn",
    )
    assert data["photo"]["caption"] == "Cánh đồng ngập nước."
    assert sorted((r["type"], r["width"]) for r in data["photo"]["renditions"]) == sorted(
        (kind, width) for kind in ("image/webp", "image/jpeg") for width in (320, 640, 960, 1280)
    )
    assert data["articles_url"] == f"http://testserver{API}articles/?thread=mua-nuoc-noi"
    assert get(client, f"{API}threads/")["results"] == [data]
    workflow.take_down(lead, editor, "Theo yêu cầu.")
    assert get(client, f"{API}threads/mua-nuoc-noi/")["lead"] is None
    assert client.get(f"{API}articles/{lead.slug}/").status_code == 410
    assert "Bài dẫn" not in client.get(f"{API}threads/").content.decode()
    response = client.get(f"{API}threads/{hidden.slug}/")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "Không có dòng sự kiện này, hoặc dòng sự kiện chưa có bài xuất bản."},
    )


def test_authors_are_the_people_credited_in_any_role_and_a_pen_name_moves_to_the_person(client):
    """A photographer credited only as such is listed; a pen name is not listed apart from its person, and its
    address answers 301 to the person's."""
    thy = make_author("THANH THY")
    signed = make_author("T.THY", pen_name_of=thy)
    photographer = make_author("HOÀNG LAN")
    article = make_article(author=signed)
    credit(article, photographer, Contribution.Role.PHOTO)
    credit(make_article(status=Article.Status.DRAFT), make_author("CHỈ NHÁP"), Contribution.Role.PHOTO)
    assert [a["name"] for a in get(client, f"{API}authors/")["results"]] == ["HOÀNG LAN", "THANH THY"]
    response = client.get(f"{API}authors/t-thy/")
    assert (response.status_code, response["Location"]) == (301, f"{API}authors/thanh-thy/")
    assert client.get(f"{API}authors/chi-nhap/").status_code == 404


# The front page.


def test_front_gives_the_front_pages_zones_in_order_as_the_page_shows_them(client, editor, settings):
    """Breaking news, lead, featured, newest, each front-page section's block, most read: the articles `assemble()`
    puts in each, in its order, as summaries (with their tags and bylines); a zone without articles is left out."""
    settings.FRONT_FEATURED, settings.FRONT_LATEST, settings.FRONT_MOST_READ = 2, 2, 2
    economy = make_section("Kinh tế", on_front=True, front_count=2)
    now = timezone.now()
    made = [make_article(headline=f"Bài {i}", published_at=now - timedelta(minutes=i + 1)) for i in range(6)]
    made += [
        make_article(headline=f"Kinh tế {i}", section=economy, published_at=now - timedelta(hours=i + 1))
        for i in range(3)
    ]
    tag(made[4], make_tag("Lũ"))
    workflow.arrange_front(
        editor, 0, [Pick(made[4].pk), Pick(None), Pick(made[0].pk)], breaking=("Bão số 9", made[5].pk, None)
    )
    with mock.patch("articles.most_read.top", return_value=[made[8].pk, made[1].pk, made[3].pk]):
        zones = get(client, f"{API}front/")["zones"]
        page = front.assemble()
    assert [(z["kind"], z["title"], [a["headline"] for a in z["articles"]]) for z in zones] == [
        ("breaking", "Bão số 9", ["Bài 5"]),
        ("lead", "Tin chính", ["Bài 4"]),
        ("featured", "Tin nổi bật", ["Bài 1", "Bài 0"]),
        ("latest", "Tin mới nhất", ["Bài 2", "Bài 3"]),
        ("section", "Kinh tế", ["Kinh tế 0", "Kinh tế 1"]),
        ("most_read", "Đọc nhiều", ["Kinh tế 2"]),
    ]
    assert [[a["id"] for a in zone["articles"]] for zone in zones] == [
        [page.breaking_article.id],
        [page.lead.pk],
        [article.pk for article in page.featured],
        [headline.id for headline in page.latest],
        *([headline.id for headline in shown] for _, shown in page.sections),
        [headline.id for headline in page.most_read],
    ]
    assert zones[1]["articles"][0]["tags"][0]["name"] == "Lũ"
    assert zones[4]["section"]["slug"] == economy.slug
    assert {z["section"] for z in zones if z["kind"] != "section"} == {None}


# A fixed number of queries.


def newsroom_of(count, tags):
    """`count` articles in `count // 3 + 1` threads (each pinning its newest), each article with `tags` tags and a
    photographer under a pen name."""
    photographer = make_author("H.L", pen_name_of=make_author("HOÀNG LAN"))
    made = [make_tag(f"Thẻ {n}") for n in range(tags)]
    threads = [make_thread(f"Dòng {n}") for n in range(count // 3 + 1)]
    now = timezone.now()
    for i in range(count):
        article = make_article(headline=f"Bài {i}", thread=threads[i // 3], published_at=now - timedelta(minutes=i))
        tag(article, *made)
        credit(article, photographer, Contribution.Role.PHOTO)
        if threads[i // 3].lead_article_id is None:
            threads[i // 3].lead_article = article
            threads[i // 3].save()
    return made, threads


@pytest.mark.parametrize(("count", "tags"), [(3, 1), (45, 6)])
def test_tags_threads_and_the_front_page_take_a_fixed_number_of_queries(
    client, django_assert_num_queries, settings, count, tags
):
    """Tags and a tag: one query (each tag looked up in its list's index); threads and a thread: the threads, their
    visible leads, the leads' credits and tags; the front page: the front page's own four (arrangement, sections,
    candidates, cards with the lead's credits), the summaries of what it shows and their credits and tags. However many
    articles, tags, threads and credits."""
    settings.PAGE_CACHE = False
    made, threads = newsroom_of(count, tags)
    budgets = {
        f"{API}tags/": 1,
        f"{API}tags/{made[0].slug}/": 1,
        f"{API}threads/": 3,
        f"{API}threads/{threads[0].slug}/": 3,
        f"{API}front/": 6,
        f"{API}articles/?tag={made[-1].slug}": 3,
        f"{API}articles/?thread={threads[0].slug}": 3,
        f"{API}articles/?author=hoang-lan": 3,
    }
    for url, queries in budgets.items():
        with django_assert_num_queries(queries):
            get(client, url)
