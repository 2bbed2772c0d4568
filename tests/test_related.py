"""The article page's related box (`queries.related_to`): the editors' picks in order, topped up from the article's
thread, then articles sharing its tags, then its section; never the article itself, never an article readers cannot
see, each once; and the thread's previous and next article. One query whatever the number of tags."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import queries
from articles.models import Article, Contribution, RelatedPick
from tests.factories import hours_ago, make_article, make_author, make_section, make_tag, make_thread, tagged

pytestmark = pytest.mark.django_db


def headlines(related):
    return [article.headline for article in related.articles]


def test_picks_come_first_in_the_editors_order_then_thread_then_tags_then_section():
    section, thread, tag = make_section(), make_thread(), make_tag()
    article = tagged(make_article(headline="Bài chính", section=section, thread=thread), tag)
    # Each tier's articles are newer than the one above it: the order is the tiers', not the dates'.
    make_article(headline="Cùng chuyên mục", section=section, published_at=hours_ago(2))
    tagged(make_article(headline="Cùng thẻ", published_at=hours_ago(3)), tag)
    make_article(headline="Cùng dòng sự kiện", thread=thread, published_at=hours_ago(4))
    second = make_article(headline="Chọn tay thứ hai", published_at=hours_ago(5))
    first = make_article(headline="Chọn tay thứ nhất", published_at=hours_ago(6))
    RelatedPick.objects.create(article=article, related=second, position=2)
    RelatedPick.objects.create(article=article, related=first, position=1)

    assert headlines(queries.related_to(article)) == [
        "Chọn tay thứ nhất",
        "Chọn tay thứ hai",
        "Cùng dòng sự kiện",
        "Cùng thẻ",
    ]


def test_the_box_holds_at_most_four_and_each_tier_is_newest_first():
    section, thread = make_section(), make_thread()
    article = make_article(headline="Bài chính", section=section, thread=thread)
    for hours in (9, 2, 5):
        make_article(headline=f"Dòng sự kiện {hours}", thread=thread, published_at=hours_ago(hours))
    for hours in (1, 7):
        make_article(headline=f"Chuyên mục {hours}", section=section, published_at=hours_ago(hours))

    related = queries.related_to(article)
    assert headlines(related) == ["Dòng sự kiện 2", "Dòng sự kiện 5", "Dòng sự kiện 9", "Chuyên mục 1"]
    assert len(related.articles) == queries.RELATED


def test_articles_sharing_more_tags_come_before_newer_ones_sharing_fewer():
    flood, rice, city = make_tag("Mùa lũ"), make_tag("Lúa gạo"), make_tag("Cần Thơ")
    article = tagged(make_article(headline="Bài chính"), flood, rice, city)
    tagged(make_article(headline="Một thẻ, mới", published_at=hours_ago(2)), city)
    tagged(make_article(headline="Hai thẻ, cũ", published_at=hours_ago(30)), rice, flood)
    tagged(make_article(headline="Một thẻ, cũ hơn", published_at=hours_ago(5)), flood)

    assert headlines(queries.related_to(article)) == ["Hai thẻ, cũ", "Một thẻ, mới", "Một thẻ, cũ hơn"]


def test_never_itself_nor_an_invisible_article_and_each_article_once():
    section, thread, tag = make_section(), make_thread(), make_tag()
    article = tagged(make_article(headline="Bài chính", section=section, thread=thread), tag)
    both = tagged(make_article(headline="Ở mọi nơi", section=section, thread=thread), tag)
    RelatedPick.objects.create(article=article, related=both)
    hidden = {
        "Bản nháp": {"status": Article.Status.DRAFT},
        "Hẹn giờ": {"published_at": timezone.now() + timedelta(hours=1)},
        "Đã gỡ": {"status": Article.Status.TAKEN_DOWN},
        "Hết hạn": {"published_at": hours_ago(3), "unpublish_at": hours_ago(1)},
    }
    for headline, values in hidden.items():
        invisible = tagged(make_article(headline=headline, section=section, thread=thread, **values), tag)
        RelatedPick.objects.create(article=article, related=invisible)

    related = queries.related_to(article)
    assert (headlines(related), related.previous, related.next) == (["Ở mọi nơi"], None, both)


@pytest.mark.parametrize("shared", ["thread", "tag", "section"])
def test_never_empty_when_another_visible_article_shares_a_thread_a_tag_or_a_section(shared):
    """Even when the newest articles of that thread, tag or section are ones readers cannot see."""
    owner = {"thread": make_thread, "tag": make_tag, "section": make_section}[shared]()

    def sharing(**values):
        made = make_article(**({} if shared == "tag" else {shared: owner}), **values)
        return tagged(made, owner) if shared == "tag" else made

    article = sharing(headline="Bài chính")
    sharing(headline="Bài cũ cùng nhóm", published_at=hours_ago(48))
    for i in range(queries.RELATED + 2):
        sharing(headline=f"Nháp {i}", status=Article.Status.DRAFT)
    make_article(headline="Không liên quan")

    assert headlines(queries.related_to(article)) == ["Bài cũ cùng nhóm"]


def test_an_article_sharing_nothing_has_an_empty_box():
    article = make_article(headline="Bài chính")
    make_article(headline="Bài khác")

    assert queries.related_to(article) == queries.Related([], None, None)


def test_previous_and_next_are_the_thread_neighbours_in_publication_order_visible_only():
    thread = make_thread()
    oldest = make_article(headline="Đầu tiên", thread=thread, published_at=hours_ago(50))
    make_article(headline="Trước, bản nháp", thread=thread, published_at=hours_ago(40), status=Article.Status.DRAFT)
    previous = make_article(headline="Trước", thread=thread, published_at=hours_ago(30))
    article = make_article(headline="Bài chính", thread=thread, published_at=hours_ago(20))
    following = make_article(headline="Sau", thread=thread, published_at=hours_ago(10))
    make_article(headline="Ngoài dòng", published_at=hours_ago(15))

    assert queries.related_to(article)[1:] == (previous, following)
    assert queries.related_to(oldest)[1:] == (None, previous)
    assert queries.related_to(following)[1:] == (article, None)


def test_articles_published_at_the_same_moment_are_ordered_by_id_as_the_lists_order_them():
    thread = make_thread()
    moment = hours_ago(5)
    first, second, third = (make_article(headline=f"Bài {i}", thread=thread, published_at=moment) for i in range(3))

    assert queries.related_to(second)[1:] == (first, third)


@pytest.mark.parametrize("count", [0, 1, 3, 8])
def test_one_query_reads_the_box_and_the_articles_own_tags_and_credits_whatever_their_number(
    count, django_assert_num_queries
):
    section, thread = make_section(), make_thread()
    tags = [make_tag(f"Thẻ {i}") for i in range(count)]
    article = tagged(make_article(headline="Bài chính", section=section, thread=thread), *tags)
    photographers = [make_author(f"NGƯỜI CHỤP {i}") for i in range(count)]
    for person in photographers:
        Contribution.objects.create(article=article, author=person, role=Contribution.Role.PHOTO)
    for i, tag in enumerate(tags):
        tagged(make_article(headline=f"Cùng thẻ {i}", published_at=hours_ago(i + 2)), tag)
    article = Article.objects.get(pk=article.pk)

    with django_assert_num_queries(1):
        related = queries.related_to(article)
        assert [tag.name for tag in article.ordered_tags] == [tag.name for tag in tags]
        assert [(who.name, role) for who, role in article.credits] == [
            (article.author.name, Contribution.Role.WRITER),
            *((person.name, Contribution.Role.PHOTO) for person in photographers),
        ]
    assert headlines(related) == [f"Cùng thẻ {i}" for i in range(min(count, queries.RELATED))]


@pytest.mark.parametrize("count", [1, 3, 8])
def test_a_preview_gives_the_tags_typed_and_still_one_query(count, django_assert_num_queries):
    tags = [make_tag(f"Thẻ {i}") for i in range(count)]
    article = tagged(make_article(headline="Bài chính"), tags[0])  # saved with one; typed with them all
    for i, tag in enumerate(tags):
        tagged(make_article(headline=f"Cùng thẻ {i}", published_at=hours_ago(i + 2)), tag)

    with django_assert_num_queries(1):
        related = queries.related_to(article, tags)
    assert headlines(related) == [f"Cùng thẻ {i}" for i in range(min(count, queries.RELATED))]


def test_only_the_first_tags_are_looked_through_primary_first():
    tags = [make_tag(f"Thẻ {i}") for i in range(queries.RELATED_TAGS + 1)]
    article = tagged(make_article(headline="Bài chính"), *tags)
    tagged(make_article(headline="Chỉ chung thẻ cuối"), tags[-1])
    tagged(make_article(headline="Chung thẻ chính"), tags[0])

    assert headlines(queries.related_to(article)) == ["Chung thẻ chính"]
