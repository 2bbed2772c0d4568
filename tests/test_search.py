import unicodedata
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SEARCH_URL = "/search/"
ADMIN_LIST_URL = "/admin/articles/article/"


def found(query):
    """Headlines a reader finds for `query`, in result order."""
    return [article.headline for article in Article.objects.published().search(query)]


def assert_index_matches_rows():
    """The index agrees with the article rows (SQLite: FTS5's own integrity check against the content table)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


def search_queries(queries):
    """The captured SQL statements that read articles (the rest is the page's header and the like)."""
    return [q["sql"] for q in queries if "articles_article" in q["sql"]]


def page_text(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def can_tho():
    return make_article(headline="Cần Thơ đẩy mạnh kinh tế tập thể", body="<p>Ông Đức Phương phát biểu.</p>")


@pytest.mark.parametrize(
    "query",
    ["can tho", "CẦN THƠ", "Cần Thơ", "cân thơ", "CAN THO", unicodedata.normalize("NFD", "Cần Thơ"), "  cần   thơ  "],
)
def test_accents_case_and_spacing_are_ignored(can_tho, query):
    """Every spelling of "Cần Thơ" — no accents, capitals, wrong accent, decomposed Unicode — finds the article."""
    assert found(query) == [can_tho.headline]


@pytest.mark.parametrize("query", ["duc phuong", "Đức Phương", "ĐỨC PHƯƠNG", "đuc phuong", "dúc phương"])
def test_d_with_stroke_folds_to_d(can_tho, query):
    """ "duc phuong" finds "Đức Phương" (đ is not an accent to SQLite or PostgreSQL; we fold it ourselves)."""
    assert found(query) == [can_tho.headline]


def test_every_word_must_match(can_tho):
    """A query finds only articles holding all of its words, in any order and any field."""
    assert found("tho can") == [can_tho.headline]
    assert found("can tho phuong") == [can_tho.headline]  # headline + body
    assert found("can tho hanoi") == []
    assert found("ca") == []  # whole words, not fragments


def test_searches_lead_and_body_text_but_not_markup():
    """Lead and body words are found; tag names, attributes and link targets are not article text."""
    article = make_article(
        headline="Tin ngắn",
        lead="Hội nghị tại Ninh Kiều.",
        body='<p><strong>Phong</strong> Điền</p><p><a href="https://example.com/bimat">xem</a> tiếp</p>',
    )
    assert found("ninh kieu") == [article.headline]
    assert found("phong dien") == [article.headline]  # across an inline tag
    assert found("xem tiep") == [article.headline]
    for markup in ("strong", "href", "bimat", "example"):
        assert found(markup) == []


def test_headline_matches_rank_first_then_newest():
    """Headline matches come before body-only matches, each group newest first."""
    now = timezone.now()
    body_new = make_article(headline="Tin A", body="<p>Bão ở Cần Thơ.</p>", published_at=now - timedelta(hours=1))
    head_old = make_article(headline="Cần Thơ mùa nước nổi", published_at=now - timedelta(days=30))
    body_old = make_article(headline="Tin B", body="<p>Mưa ở Cần Thơ.</p>", published_at=now - timedelta(days=60))
    head_new = make_article(headline="Cần Thơ đón Tết", published_at=now - timedelta(days=2))
    assert found("can tho") == [a.headline for a in (head_new, head_old, body_new, body_old)]


def test_headline_rank_needs_every_word_in_the_headline():
    """An article with only some query words in its headline ranks as a body match."""
    now = timezone.now()
    partial = make_article(headline="Cần Giờ", body="<p>Thơ ca.</p>", published_at=now - timedelta(hours=1))
    full = make_article(headline="Cần Thơ", published_at=now - timedelta(days=9))
    assert found("can tho") == [full.headline, partial.headline]


def test_drafts_and_scheduled_articles_are_never_found():
    """Only articles the visibility rule allows are found."""
    make_article(headline="Cần Thơ nháp", status=Article.Status.DRAFT)
    make_article(headline="Cần Thơ hẹn giờ", published_at=timezone.now() + timedelta(hours=1))
    live = make_article(headline="Cần Thơ đã đăng")
    assert found("can tho") == [live.headline]


def test_admin_bulk_unpublish_and_publish_take_effect_at_once(editor_client):
    """Unpublishing through the admin's bulk action hides an article from search; publishing shows it again."""
    article = make_article(headline="Cần Thơ")
    editor_client.post(ADMIN_LIST_URL, {"action": "unpublish", "_selected_action": [article.pk]})
    assert found("can tho") == []
    editor_client.post(ADMIN_LIST_URL, {"action": "publish", "_selected_action": [article.pk]})
    assert found("can tho") == ["Cần Thơ"]
    assert_index_matches_rows()


def test_queryset_update_of_status_needs_no_reindex():
    """A bulk queryset.update() of the status alone changes what search finds."""
    make_article(headline="Cần Thơ")
    Article.objects.update(status=Article.Status.DRAFT)
    assert found("can tho") == []
    Article.objects.update(status=Article.Status.PUBLISHED)
    assert found("can tho") == ["Cần Thơ"]
    assert_index_matches_rows()


def test_edit_replaces_old_words_with_new_ones():
    """After an edit the old words no longer find the article and the new ones do."""
    article = make_article(headline="Cần Thơ", lead="Lúa gạo.", body="<p>Mùa nước nổi.</p>")
    article.headline, article.lead, article.body = "Sóc Trăng", "Tôm cá.", "<p>Mùa khô.</p>"
    article.save()
    for old in ("can tho", "lua gao", "nuoc noi"):
        assert found(old) == []
    for new in ("soc trang", "tom ca", "mua kho"):
        assert found(new) == ["Sóc Trăng"]
    assert_index_matches_rows()


def test_deleted_article_leaves_the_index():
    """A deleted article is gone from search and from the index itself."""
    article = make_article(headline="Cần Thơ")
    keep = make_article(headline="Cần Thơ mới")
    article.delete()
    assert found("can tho") == [keep.headline]
    assert_index_matches_rows()
    Article.objects.all().delete()  # the bulk path
    assert found("can tho") == []
    assert_index_matches_rows()


def test_loaddata_htx_is_searchable():
    """The HTX fixture (loaded raw, without save()) is found by its words without accents."""
    call_command("loaddata", "htx", verbosity=0)
    assert found("trach nhiem") == ["Nêu cao tinh thần trách nhiệm"]
    assert found("TRÁCH NHIỆM hop tac xa") == ["Nêu cao tinh thần trách nhiệm"]
    assert_index_matches_rows()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite rebuilds tables and loses triggers")
def test_migrate_restores_triggers_a_table_rebuild_dropped():
    """After a migration rebuilds articles_article (dropping its triggers), migrate puts them back and reindexes."""
    article = make_article(headline="Cần Thơ")
    with connection.cursor() as cursor:
        for name in search._SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Article.objects.filter(pk=article.pk).update(search_headline="soc trang")  # the index does not see this
    call_command("migrate", verbosity=0)
    assert found("soc trang") == ["Cần Thơ"]
    assert found("can tho") == []
    assert_index_matches_rows()


def test_index_survives_being_dropped_and_created_again():
    """Migration 0002 reversed and applied again (drop_index, create_index) leaves a complete, working index."""
    search.drop_index(connection)
    search.create_index(connection)
    article = make_article(headline="Cần Thơ")
    assert found("can tho") == [article.headline]
    article.headline = "Sóc Trăng"
    article.save()
    assert found("soc trang") == ["Sóc Trăng"]
    assert found("can tho") == []
    assert_index_matches_rows()


HOSTILE_QUERIES = [
    "",
    "   ",
    "%",
    "_",
    "*",
    '"',
    "'",
    '"can tho',
    "can*",
    "NEAR(can tho)",
    "can NEAR tho",
    "can AND tho",
    "can OR tho",
    "NOT can",
    "can -tho",
    "search_headline:can",
    "{search_headline}: can",
    "^can",
    "(can",
    "can)",
    "'; DROP TABLE articles_article; --",
    "can tho'); DELETE FROM articles_article; --",
    "\ud800can tho",
    "can\x00tho",
    "\x07\x1b[31mcan\u202etho",
    "a" * 5000,
    "can tho " * 700,
    "<script>alert(1)</script>",
    "!@#$%^&*()[]{}<>?/\\|`~",
    "😀 can tho",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_break_search(can_tho, query):
    """No query text is syntax to the database: every one gives a normal result and leaves the data alone."""
    results = found(query)
    assert results in ([], [can_tho.headline])
    assert Article.objects.count() == 1


@pytest.mark.parametrize("query", HOSTILE_QUERIES[:-1])  # the emoji one is below, in readable form
def test_hostile_queries_give_a_normal_page(client, can_tho, query):
    """The search page answers every hostile query with a normal page, never a 500."""
    clean = query.encode("utf-8", "replace").decode()  # the test client cannot encode a lone surrogate
    text = page_text(client.get(SEARCH_URL, {"q": clean}))
    assert "<h1" in text


@pytest.mark.parametrize("query", ["%", "_", "*", '"', "^", "NOT can", "can OR tho", "NEAR(can tho)"])
def test_wildcards_and_operators_are_not_special(can_tho, query):
    """LIKE wildcards and FTS operators are plain text: "%" matches nothing and "OR" is a word that must be there."""
    make_article(headline="Tin khác")
    assert found(query) == []


def test_sql_in_a_query_is_just_words(can_tho):
    """SQL typed into the box is searched as words and the tables are untouched."""
    assert found("'; DROP TABLE articles_article; --") == []
    assert Article.objects.filter(pk=can_tho.pk).exists()


def test_long_query_uses_its_first_words(can_tho):
    """A 5,000-character query is cut to its first words: it still finds the article, with no error."""
    assert found("can tho " * 700) == [can_tho.headline]
    assert found("Cần Thơ" + " " * 300 + "ha noi") == [can_tho.headline]  # words past the cap are not searched
    assert len(search.clean_query("can tho " * 700)) <= search.MAX_QUERY_LENGTH
    assert len(search.query_words(" ".join(f"tu{i}" for i in range(100)))) == search.MAX_WORDS


def test_lone_surrogate_and_control_characters_in_the_function(can_tho):
    """The search API accepts lone surrogates, NUL and control characters and treats them as spaces."""
    assert found("can\ud800tho") == [can_tho.headline]
    assert found("can\x00tho") == [can_tho.headline]
    assert found("\ud800") == []
    assert search.clean_query("can\x00\x07\ud800tho\u202e") == "can tho"


@pytest.mark.parametrize("raw", ["%ED%A0%80", "can%ED%A0%80tho", "can%00tho", "%FF%FE", "can%0D%0Atho", "%C0%80"])
def test_invalid_utf8_and_nul_in_the_url_give_a_normal_page(client, can_tho, raw):
    """Broken percent-encoding (a lone surrogate, NUL, overlong UTF-8) in the URL is a normal page, not a 500."""
    text = page_text(client.get(f"{SEARCH_URL}?q={raw}"))
    assert "\x00" not in text
    if raw.startswith("can"):
        assert can_tho.headline in text


def test_emoji_query_is_echoed_and_ignored(client, can_tho):
    """Symbols are not words: "😀 can tho" finds the article and shows the emoji back."""
    text = page_text(client.get(SEARCH_URL, {"q": "😀 can tho"}))
    assert can_tho.headline in text
    assert "😀 can tho" in text


def test_results_page_lists_matches_with_a_count(client, can_tho):
    """The page shows the query, how many articles matched, and a linked card for each."""
    make_article(headline="Sóc Trăng")
    text = page_text(client.get(SEARCH_URL, {"q": "can tho"}))
    assert "Kết quả tìm kiếm cho “can tho”" in text
    assert "Tìm thấy 1 bài viết." in text
    assert f'href="{can_tho.get_absolute_url()}"' in text
    assert "Sóc Trăng" not in text
    assert 'value="can tho"' in text  # the header box keeps the query
    assert text.count("<h1") == 1
    assert '<meta name="robots" content="noindex, follow">' in text  # result pages stay out of search engines


def test_no_match_says_so_with_a_hint(client, can_tho):
    """A query nothing matches says so and suggests trying other words."""
    text = page_text(client.get(SEARCH_URL, {"q": "ha noi"}))
    assert "Không tìm thấy bài viết nào" in text
    assert 'class="card"' not in text


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "%%%"}])
def test_empty_query_is_a_friendly_page_without_a_search(client, can_tho, params):
    """No query (or only punctuation) shows a hint, no results list, and runs no search in the database."""
    with CaptureQueriesContext(connection) as queries:
        text = page_text(client.get(SEARCH_URL, params))
    assert search_queries(queries) == []
    assert 'class="card"' not in text
    if params.get("q", "").strip():
        assert "Không tìm thấy bài viết nào" in text
    else:
        assert "Gõ từ khóa" in text


def test_query_is_echoed_escaped(client):
    """What the reader typed comes back as text: markup in the query is escaped, never run."""
    text = page_text(client.get(SEARCH_URL, {"q": '<script>alert("x")</script>'}))
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text


def test_result_text_is_escaped(client):
    """A headline or lead holding markup is shown as text on the results page."""
    make_article(headline="Cần Thơ <b>đậm</b>", lead="<img src=x onerror=alert(1)>")
    text = page_text(client.get(SEARCH_URL, {"q": "can tho"}))
    assert "Cần Thơ &lt;b&gt;đậm&lt;/b&gt;" in text
    assert "<img src=x" not in text


def test_pagination_keeps_the_query(client):
    """Results come 20 a page and the page links keep q."""
    now = timezone.now()
    for i in range(21):
        make_article(headline=f"Cần Thơ {i}", published_at=now - timedelta(hours=i + 1))
    first = page_text(client.get(SEARCH_URL, {"q": "Cần Thơ"}))
    assert first.count('class="card"') == 20
    assert "Tìm thấy 21 bài viết." in first
    assert 'href="?q=C%E1%BA%A7n+Th%C6%A1&amp;page=2"' in first
    second = page_text(client.get(SEARCH_URL, {"q": "Cần Thơ", "page": 2}))
    assert second.count('class="card"') == 1
    assert "Cần Thơ 20" in second
    assert 'href="?q=C%E1%BA%A7n+Th%C6%A1"' in second  # page 1 by its one URL: without a number
    assert "Trang 2" in second  # title says which page


def test_results_stop_at_the_cap_and_say_so(client, monkeypatch):
    """Past MAX_RESULTS matches the page lists the best ones and says there are more, headline matches first."""
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    now = timezone.now()
    for i in range(4):
        make_article(headline=f"Tin {i}", body="<p>Cần Thơ</p>", published_at=now - timedelta(hours=i + 1))
    oldest = make_article(headline="Cần Thơ xưa", published_at=now - timedelta(days=400))
    results = Article.objects.published().search("can tho")
    assert (len(results), results.capped) == (3, True)
    assert [a.headline for a in results] == ["Cần Thơ xưa", "Tin 0", "Tin 1"]
    assert results[0] == oldest
    text = page_text(client.get(SEARCH_URL, {"q": "can tho"}))
    assert "Tìm thấy hơn 3 bài viết" in text
    assert text.count('class="card"') == 3


def test_out_of_range_page_is_404(client, can_tho):
    """A page past the last one is the site's 404, as on the list."""
    assert client.get(SEARCH_URL, {"q": "can tho", "page": 9}).status_code == 404


def test_search_page_query_count_does_not_grow(client):
    """The search page costs the same few queries with 3 matching articles as with 60."""
    measured = []
    for total in (3, 60):
        while Article.objects.count() < total:
            make_article(headline=f"Cần Thơ {Article.objects.count()}")
        with CaptureQueriesContext(connection) as queries:
            text = page_text(client.get(SEARCH_URL, {"q": "can tho"}))
        assert text.count('class="card"') == min(total, 20)
        # ids of headline matches, of the others, the page, then its cards' bylines
        assert len(search_queries(queries)) == 4
        measured.append(len(queries))
    assert measured[0] == measured[1]


def test_search_box_is_in_every_page_header(client):
    """Every page carries a labelled GET search box named q that points at /search/."""
    text = page_text(client.get("/"))
    assert '<form class="search-form" role="search" action="/search/" method="get">' in text
    assert '<label for="search-q">' in text
    assert 'id="search-q" type="search" name="q"' in text
    assert text.count('id="search-q"') == 1
