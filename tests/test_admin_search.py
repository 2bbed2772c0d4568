"""The admin's article search box: the site's search (accents, case and đ ignored, whole words, indexed) over every
article the user may open in the admin, drafts included; ids, slugs and links find their article."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.admin import ArticleAdmin
from articles.models import Article
from tests.factories import hours_ago, make_article, make_author
from tests.test_search import HOSTILE_QUERIES

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/articles/article/"
CAN_THO = "Cần Thơ đẩy mạnh kinh tế tập thể"


def listed(response):
    """Headlines in the changelist, in its order."""
    assert response.status_code == 200
    return re.findall(r'<th class="field-headline"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def notices(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def can_tho():
    return make_article(headline=CAN_THO, body="<p>Ông Đức Phương phát biểu.</p>")


@pytest.fixture
def other():
    return make_article(headline="Hà Nội mở rộng đường vành đai", lead="Giao thông thủ đô.")


@pytest.mark.parametrize(
    "query", ["can tho", "CẦN THƠ", "cân thơ", "tho can", "duc phuong", "ĐỨC PHƯƠNG", "đuc phuong"]
)
def test_editor_finds_an_article_however_its_accents_case_and_d_are_typed(editor_client, can_tho, other, query):
    assert listed(editor_client.get(ADMIN_LIST, {"q": query})) == [CAN_THO]


def test_whole_words_must_all_be_there_as_for_readers(editor_client, can_tho, other):
    assert listed(editor_client.get(ADMIN_LIST, {"q": "can th"})) == []
    assert listed(editor_client.get(ADMIN_LIST, {"q": "can tho ha noi"})) == []
    assert listed(editor_client.get(ADMIN_LIST, {"q": "giao thong"})) == [other.headline]  # the lead is searched


def test_drafts_scheduled_and_taken_down_articles_are_found_though_readers_cannot_find_them(editor_client):
    draft = make_article(headline="Cần Thơ: bản nháp", status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(headline="Cần Thơ: hẹn giờ", published_at=timezone.now() + timedelta(days=1))
    taken_down = make_article(headline="Cần Thơ: đã gỡ", published_at=hours_ago(5), unpublish_at=hours_ago(1))
    expected = {draft.headline, scheduled.headline, taken_down.headline}
    assert set(listed(editor_client.get(ADMIN_LIST, {"q": "can tho"}))) == expected
    assert list(Article.objects.published().search("can tho")) == []


def test_a_reporter_finds_only_their_own_articles(reporter, reporter_client, can_tho):
    own = make_article(
        headline="Cần Thơ: bài của Lan", author=make_author("Lan", user=reporter), status=Article.Status.DRAFT
    )
    assert listed(reporter_client.get(ADMIN_LIST, {"q": "can tho"})) == [own.headline]
    for name_of_another in (str(can_tho.pk), can_tho.slug, f"https://example.com/articles/{can_tho.slug}/"):
        assert listed(reporter_client.get(ADMIN_LIST, {"q": name_of_another})) == []


def test_search_keeps_the_list_filters(editor_client, can_tho):
    draft = make_article(headline="Cần Thơ: bản nháp", status=Article.Status.DRAFT)
    assert listed(editor_client.get(ADMIN_LIST, {"q": "can tho", "status__exact": "draft"})) == [draft.headline]


def test_matches_are_newest_first_until_the_editor_sorts_by_a_column(editor_client, other):
    for hours, headline in [(3, "Cần Thơ B"), (1, "Cần Thơ C"), (2, "Cần Thơ A")]:
        make_article(headline=headline, published_at=hours_ago(hours))
    assert listed(editor_client.get(ADMIN_LIST, {"q": "can tho"})) == ["Cần Thơ C", "Cần Thơ A", "Cần Thơ B"]
    by_headline = editor_client.get(ADMIN_LIST, {"q": "can tho", "o": "1"})  # column 1 = "tiêu đề"
    assert listed(by_headline) == ["Cần Thơ A", "Cần Thơ B", "Cần Thơ C"]


@pytest.fixture
def cap_of_3(monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)


def test_past_the_cap_the_newest_matches_are_listed_and_the_editor_is_told(editor_client, cap_of_3):
    for i in range(5):
        make_article(headline=f"Cần Thơ {i}", published_at=hours_ago(i + 1))
    response = editor_client.get(ADMIN_LIST, {"q": "can tho"})
    assert listed(response) == ["Cần Thơ 0", "Cần Thơ 1", "Cần Thơ 2"]
    assert notices(response) == [
        "Có hơn 3 bài khớp “can tho”; danh sách chỉ gồm 3 bài mới nhất trong số đó. "
        "Thêm từ hoặc chọn bộ lọc để thu hẹp."
    ]
    # Sorting by another column sorts those same newest ones.
    assert listed(editor_client.get(ADMIN_LIST, {"q": "can tho", "o": "-1"})) == ["Cần Thơ 2", "Cần Thơ 1", "Cần Thơ 0"]


def test_an_action_on_a_capped_search_tells_about_the_cap_once(editor_client, cap_of_3):
    articles = [make_article(headline=f"Cần Thơ {i}", status=Article.Status.DRAFT) for i in range(5)]
    response = editor_client.post(
        f"{ADMIN_LIST}?q=can+tho", {"action": "publish", "_selected_action": [articles[-1].pk]}, follow=True
    )
    assert len([notice for notice in notices(response) if notice.startswith("Có hơn 3 bài")]) == 1
    assert "Đã xuất bản 1 bài viết." in notices(response)


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_lists_every_article(editor_client, can_tho, other, query):
    response = editor_client.get(ADMIN_LIST, {"q": query})
    assert listed(response) == [other.headline, CAN_THO]
    assert notices(response) == []


@pytest.mark.parametrize("query", ["!!!", "%", "_", "---", "“…”", "😀"])
def test_a_query_without_letters_or_digits_finds_nothing_and_says_so(editor_client, can_tho, query):
    response = editor_client.get(ADMIN_LIST, {"q": query})
    assert listed(response) == []
    assert notices(response) == [f"“{query}” không có chữ hay số nào để tìm."]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_give_a_normal_list(editor_client, can_tho, query):
    clean = query.encode("utf-8", "replace").decode()  # the test client cannot encode a lone surrogate
    assert listed(editor_client.get(ADMIN_LIST, {"q": clean})) in ([], [CAN_THO])
    assert Article.objects.count() == 1


def test_a_pasted_id_slug_or_old_slug_finds_its_article_besides_word_matches(editor_client, can_tho):
    numbered = make_article(headline="Tin ngắn không có chữ đó")
    mentions = make_article(headline=f"Kỷ niệm {numbered.pk} năm", published_at=hours_ago(2))
    assert listed(editor_client.get(ADMIN_LIST, {"q": str(numbered.pk)})) == [numbered.headline, mentions.headline]
    assert listed(editor_client.get(ADMIN_LIST, {"q": numbered.slug})) == [numbered.headline]
    old_slug = can_tho.slug
    can_tho.slug = "can-tho-moi"
    can_tho.save()
    assert listed(editor_client.get(ADMIN_LIST, {"q": old_slug})) == [CAN_THO]


def test_a_pasted_link_finds_that_article_alone(editor_client, can_tho, other):
    links = [
        f"https://baocantho.example/articles/{can_tho.slug}/?utm_source=zalo",
        f"/articles/{can_tho.slug}/",
        f"http://testserver/admin/articles/article/{can_tho.pk}/change/",
        f"https://cms.example/admin/articles/article/{can_tho.pk}/history/",
        f"https://baocantho.example/xem-truoc/{can_tho.pk}/",
    ]
    for link in links:
        assert listed(editor_client.get(ADMIN_LIST, {"q": link})) == [CAN_THO], link


@pytest.mark.parametrize(
    "query",
    [
        "9" * 30,
        f"/admin/articles/article/{'9' * 30}/change/",
        f"/xem-truoc/{'9' * 30}/",
        "https://[::1/articles/x/",
        "/articles/khong-co-bai-nay/",
        "https://example.com/",
    ],
)
def test_numbers_too_big_for_an_id_and_links_to_nothing_find_nothing_without_error(editor_client, can_tho, query):
    assert listed(editor_client.get(ADMIN_LIST, {"q": query})) == []


@pytest.fixture
def pages_of_20(monkeypatch):
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 20)


def get(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ADMIN_LIST, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


# Extra queries: the word matches' ids; for a word that may also be a slug, that slug's article.
@pytest.mark.parametrize("query, extra", [("can tho", 1), ("tho", 2)])
def test_a_search_costs_the_same_few_queries_more_than_the_list_however_many_match_and_on_its_last_page(
    editor_client, pages_of_20, query, extra
):
    """The matches are found by id from the index (at most MAX_RESULTS of them); the list then counts once and pages
    through them as usual. No LIKE scan of every row, no DISTINCT."""
    for i in range(25):
        make_article(headline=f"Cần Thơ {i}", published_at=hours_ago(i + 1))
    for i in range(20):
        make_article(headline=f"Tin khác {i}", published_at=hours_ago(100 + i))
    _, plain = get(editor_client, {})
    _, few = get(editor_client, {"q": query})
    for i in range(25, 45):
        make_article(headline=f"Cần Thơ {i}", published_at=hours_ago(i + 1))
    _, first = get(editor_client, {"q": query})
    last_page, last = get(editor_client, {"q": query, "p": 3})
    _, plain_page_3 = get(editor_client, {"p": 3})
    assert len(few) == len(first) == len(plain) + extra
    assert len(last) == len(plain_page_3) + extra
    for queries in (few, first, last):
        # One count of the articles (the header's count of unread notifications is another table's).
        assert len([sql for sql in queries if 'COUNT(*) AS "__count" FROM "articles_article"' in sql]) == 1
        assert not [sql for sql in queries if " LIKE " in sql.upper() or "DISTINCT" in sql.upper()]
    assert listed(last_page) == [f"Cần Thơ {i}" for i in range(40, 45)]
