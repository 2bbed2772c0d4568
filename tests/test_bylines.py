"""Bylines: printed the paper's way on cards and at the end of the article, each name linking to the person's page;
author pages across roles and pen names; feeds, JSON-LD and Open Graph crediting the same people; the importer's
byline line read into the same shape."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.timezone import now

from articles import workflow
from articles.formatting import byline, read_byline
from articles.importer import ImportFileError, Source, import_source, parse
from articles.models import Article, Author, Contribution, Pick
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

SEED_TEXT = (Path(__file__).resolve().parent / "data" / "000_cb3a0ecfc020ae02.txt").read_text(encoding="utf-8")
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
WRITER, PHOTO, GRAPHICS = Contribution.Role.WRITER, Contribution.Role.PHOTO, Contribution.Role.GRAPHICS


def credit(article, author, role, position=0):
    return Contribution.objects.create(article=article, author=author, role=role, position=position)


def page_text(html):
    """The page's text, tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def byline_paragraph(html):
    return re.search(r'<p class="byline">(.*?)</p>', html, re.S)[1]


# --- printing ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credits", "printed"),
    [
        ([("THANH THY", "writer")], "THANH THY"),
        ([("THANH THY", "writer"), ("THANH THY", "photo")], "Bài, ảnh: THANH THY"),
        ([("HOÀNG VŨ", "writer"), ("MINH HUYỀN", "photo")], "Bài: HOÀNG VŨ – Ảnh: MINH HUYỀN"),
        ([("A", "writer"), ("B", "writer"), ("C", "writer")], "A, B, C"),
        ([("A", "writer"), ("B", "writer"), ("C", "photo")], "Bài: A, B – Ảnh: C"),
        ([("A", "writer"), ("B", "graphics"), ("C", "photo")], "Bài: A – Ảnh: C – Đồ họa: B"),
        ([("A", "writer"), ("A", "photo"), ("A", "video")], "Bài, ảnh, video: A"),
        ([("A", "writer"), ("B", "production")], "Bài: A – Thực hiện: B"),
    ],
)
def test_a_byline_is_printed_the_way_the_paper_prints_it_and_reads_back(credits, printed):
    """One writer: the name alone; one person in two roles: one label; two roles by two people: a dash between;
    several writers: commas. What is printed reads back to the same credits (the importer's reading)."""
    assert byline(credits) == printed
    assert byline(read_byline(printed)) == printed


@pytest.mark.parametrize("text", ["Theo báo Nhân Dân", "Bài: Thanh Thy", "Phóng sự: A", "A – Ảnh: B", "Bài:"])
def test_a_line_that_is_not_a_byline_is_not_read_as_one(text):
    """Names not in capitals, unknown labels, and a dashed part without a label are not bylines."""
    assert read_byline(text) is None


def test_a_card_prints_the_byline_with_each_name_linking_to_the_persons_page(client):
    """On a list, "Bài: A – Ảnh: B", A and B linking to their pages; a pen name prints as signed, linking to the
    person's own page."""
    person = make_author("MINH HUYỀN")
    pen_name = make_author("MH", pen_name_of=person)
    article = make_article(author=make_author("HOÀNG VŨ"))
    credit(article, pen_name, PHOTO)
    html = client.get("/latest/").content.decode()
    card = re.search(r'<p class="card-meta">(.*?)</p>', html, re.S)[1]
    assert "Bài: HOÀNG VŨ – Ảnh: MH" in page_text(card)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', card) == [
        ("/authors/hoang-vu/", "HOÀNG VŨ"),
        (person.get_absolute_url(), "MH"),
    ]


@pytest.mark.parametrize("picked", [True, False], ids=["picked lead", "newest as lead"])
def test_the_front_pages_lead_prints_its_byline_and_the_featured_stories_none(client, editor, picked, settings):
    """The lead story's line names who made it, a pen name as signed and linked to the person's page, whether the
    editors picked it or it is the newest filling an empty slot; the featured stories print a headline and a photo."""
    settings.PAGE_CACHE = False
    person = make_author("MINH HUYỀN")
    lead = make_article(headline="Lũ về sớm", author=make_author("HOÀNG VŨ"), published_at=now() - timedelta(hours=3))
    credit(lead, make_author("MH", pen_name_of=person), PHOTO)
    featured = make_article(headline="Giá lúa tăng", author=make_author("THANH THY"))
    credit(featured, make_author("NGỌC HÂN"), PHOTO)
    picks = [Pick(lead.pk), Pick(featured.pk)] if picked else [Pick(None), Pick(featured.pk)]
    if not picked:
        Article.objects.filter(pk=featured.pk).update(published_at=now() - timedelta(hours=5))
    workflow.arrange_front(editor, 0, picks)

    html = client.get("/").content.decode()
    story = re.search(r'<article class="lead-story">(.*?)</article>', html, re.S)[1]
    assert "Lũ về sớm" in story
    line = re.search(r'<p class="card-meta">(.*?)</p>', story, re.S)[1]
    assert "Bài: HOÀNG VŨ – Ảnh: MH" in page_text(line)
    assert (person.get_absolute_url(), "MH") in re.findall(r'<a href="([^"]+)">([^<]+)</a>', line)
    assert "Giá lúa tăng" in html
    assert "THANH THY" not in html and "NGỌC HÂN" not in html


def test_the_article_page_ends_with_its_byline(client):
    """The article's last line names who made it the paper's way, each name a rel=author link."""
    writer = make_author("THANH THY")
    article = make_article(author=writer)
    credit(article, writer, PHOTO)
    html = client.get(article.get_absolute_url()).content.decode()
    assert page_text(byline_paragraph(html)) == "Bài, ảnh: THANH THY"
    assert byline_paragraph(html).count('rel="author"') == 1


def test_the_htx_article_still_ends_with_thanh_thy_as_the_seed_prints_it(client, settings):
    """The seed's byline is its last line before "Chia sẻ bài viết": the page prints exactly that."""
    call_command("loaddata", "htx", verbosity=0)
    seed_byline = [block.strip() for block in SEED_TEXT.split("\n\n") if block.strip()][-2]
    html = client.get(Article.objects.get(pk=1).get_absolute_url()).content.decode()
    assert page_text(byline_paragraph(html)) == seed_byline == "THANH THY"


@pytest.mark.parametrize("count", [3, 30])
def test_a_list_reads_its_bylines_in_one_query_however_many_credits(client, django_assert_num_queries, count):
    """/latest/ with every card credited to a writer and a photographer (one a pen name) takes three queries: the
    page, its contributions with their people, the section menu."""
    person = make_author("MINH HUYỀN")
    pen_name = make_author("MH", pen_name_of=person)
    for i in range(count):
        article = make_article(headline=f"Bài {i}")
        credit(article, pen_name if i % 2 else person, PHOTO)
        credit(article, make_author(f"NGƯỜI {i}"), WRITER, position=1)
    with django_assert_num_queries(3):
        html = client.get("/latest/").content.decode()
    text = page_text(html)
    assert text.count("– Ảnh: MH") + text.count("– Ảnh: MINH HUYỀN") == min(count, 20)


# --- author pages -----------------------------------------------------------------------------------------------------


def headlines(response):
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def test_an_author_page_lists_what_the_person_made_in_any_role_under_any_pen_name(client, owner_plan):
    """As first writer, as photographer only, as second writer under a pen name: every visible one, newest first;
    not a draft, not another's article."""
    person = make_author("MINH HUYỀN")
    pen_name = make_author("MH", pen_name_of=person)
    other = make_author("HOÀNG VŨ")

    def article(headline, author, hours, **overrides):
        return make_article(headline=headline, author=author, published_at=now() - timedelta(hours=hours), **overrides)

    article("Viết", person, 4)
    credit(article("Chụp ảnh", other, 3), person, PHOTO)
    credit(article("Viết chung dưới bút danh", other, 2), pen_name, WRITER)
    article("Ký bút danh", pen_name, 1)
    credit(article("Nháp", other, 0, status=Article.Status.DRAFT), person, PHOTO)
    article("Của người khác", other, 0)
    assert headlines(client.get(person.get_absolute_url())) == [
        "Ký bút danh",
        "Viết chung dưới bút danh",
        "Chụp ảnh",
        "Viết",
    ]


def test_an_article_made_by_one_person_in_two_roles_is_listed_once(client, owner_plan):
    person = make_author("THANH THY")
    article = make_article(author=person)
    credit(article, person, PHOTO)
    assert headlines(client.get(person.get_absolute_url())) == [article.headline]


def test_a_pen_names_page_answers_a_permanent_redirect_to_the_persons_page(client):
    """/authors/<pen name>/ → 301 to the person's page, with the page asked for; the person's page answers 200."""
    person = make_author("MINH HUYỀN")
    pen_name = make_author("MH", pen_name_of=person)
    response = client.get(f"{pen_name.get_absolute_url()}?page=2")
    assert (response.status_code, response["Location"]) == (301, f"{person.get_absolute_url()}?page=2")
    assert client.get(person.get_absolute_url()).status_code == 200
    assert client.get("/authors/khong-co/").status_code == 404


def test_an_author_page_costs_the_same_queries_with_pen_names_and_contributions(client, django_assert_num_queries):
    """The author, the page, its bylines, the section menu: four queries, as for a section."""
    person = make_author("MINH HUYỀN")
    pen_name = make_author("MH", pen_name_of=person)
    for i in range(25):
        article = make_article(headline=f"Bài {i}", author=make_author(f"NGƯỜI {i}"))
        credit(article, pen_name if i % 2 else person, PHOTO)
    with django_assert_num_queries(4):
        response = client.get(person.get_absolute_url())
    assert len(headlines(response)) == 20


# --- feeds, JSON-LD, Open Graph ---------------------------------------------------------------------------------------


@pytest.fixture
def credited_article():
    """Written by HOÀNG VŨ and THANH THY (under her pen name TT), photographed by HOÀNG VŨ too and by MINH HUYỀN,
    graphics by MINH HUYỀN."""
    thanh_thy = make_author("THANH THY")
    article = make_article(author=make_author("HOÀNG VŨ"), section=make_section())
    photographer = make_author("MINH HUYỀN")
    credit(article, make_author("TT", pen_name_of=thanh_thy), WRITER, 0)
    credit(article, article.author, PHOTO, 1)
    credit(article, photographer, PHOTO, 2)
    credit(article, photographer, GRAPHICS, 3)
    return article


WRITERS = [("HOÀNG VŨ", "/authors/hoang-vu/"), ("TT", "/authors/thanh-thy/")]
CONTRIBUTORS = [("MINH HUYỀN", "/authors/minh-huyen/")]


def test_rss_names_every_writer_as_creator_and_the_others_as_contributors(client, credited_article):
    """One dc:creator per writer (under the name signed), one dc:contributor per other person, each once."""
    item = ET.fromstring(client.get("/feed/").content).find("channel/item")
    assert [e.text for e in item.findall(f"{DC}creator")] == [name for name, _ in WRITERS]
    assert [e.text for e in item.findall(f"{DC}contributor")] == [name for name, _ in CONTRIBUTORS]


def test_atom_names_every_writer_as_author_and_the_others_as_contributors(client, credited_article):
    entry = ET.fromstring(client.get("/feed/atom/").content).find(f"{ATOM}entry")

    def people(element):
        return [(e.findtext(f"{ATOM}name"), e.findtext(f"{ATOM}uri")) for e in entry.findall(f"{ATOM}{element}")]

    assert people("author") == [(name, f"http://testserver{url}") for name, url in WRITERS]
    assert people("contributor") == [(name, f"http://testserver{url}") for name, url in CONTRIBUTORS]


def test_json_ld_and_open_graph_credit_the_same_people_as_the_feeds(client, credited_article):
    """JSON-LD: author = the writers, contributor = the others, each a Person with the person's page; Open Graph:
    one article:author per writer."""
    html = client.get(credited_article.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])

    def people(key):
        assert all(person["@type"] == "Person" for person in data[key])
        return [(person["name"], person["url"]) for person in data[key]]

    assert people("author") == [(name, f"http://testserver{url}") for name, url in WRITERS]
    assert people("contributor") == [(name, f"http://testserver{url}") for name, url in CONTRIBUTORS]
    assert re.findall(r'<meta property="article:author" content="([^"]+)">', html) == [
        f"http://testserver{url}" for _, url in WRITERS
    ]
    assert page_text(byline_paragraph(html)) == "Bài: HOÀNG VŨ, TT – Ảnh: HOÀNG VŨ, MINH HUYỀN – Đồ họa: MINH HUYỀN"


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
@pytest.mark.parametrize("count", [3, 20])
def test_feeds_read_their_credits_in_one_query(client, django_assert_num_queries, url, count):
    for i in range(count):
        credit(make_article(headline=f"Bài {i}"), make_author(f"NGƯỜI {i}"), PHOTO)
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


# --- the importer -----------------------------------------------------------------------------------------------------


def seed_with_byline(line):
    return SEED_TEXT.replace("\nTHANH THY\n", f"\n{line}\n", 1)


def imported(line, key="bai"):
    result = import_source(Source(key, key, lambda: seed_with_byline(line).encode()))
    assert result.error is None, result.error
    return Article.objects.select_related("author").get(pk=result.article.pk)


@pytest.mark.parametrize(
    ("line", "author", "contributions"),
    [
        ("THANH THY", "THANH THY", []),
        ("Bài, ảnh: THANH THY", "THANH THY", [("THANH THY", PHOTO)]),
        ("Bài: HOÀNG VŨ – Ảnh: MINH HUYỀN", "HOÀNG VŨ", [("MINH HUYỀN", PHOTO)]),
        ("Bài: HOÀNG VŨ - Ảnh: MINH HUYỀN", "HOÀNG VŨ", [("MINH HUYỀN", PHOTO)]),
        ("HOÀNG VŨ, MINH HUYỀN", "HOÀNG VŨ", [("MINH HUYỀN", WRITER)]),
    ],
)
def test_the_importer_reads_the_byline_into_author_and_contributions(line, author, contributions):
    """The first writer is the author, every other credit a contribution, in order; the page prints it back."""
    article = imported(line)
    assert article.author.name == author
    assert [(c.author.name, c.role) for c in article.contributions.select_related("author")] == contributions
    assert article.byline == line.replace(" - ", " – ")


def test_one_person_in_two_roles_is_one_author_and_names_match_existing_authors():
    """ "Bài, ảnh: X" makes one author X, not two; a name already known (accents and case aside) is reused."""
    known = make_author("Minh Huyền")
    imported("Bài, ảnh: THANH THY", key="a")
    imported("Bài: THANH THY – Ảnh: MINH HUYỀN", key="b")
    assert sorted(Author.objects.values_list("name", flat=True)) == ["Minh Huyền", "THANH THY"]
    assert Contribution.objects.filter(author=known).count() == 1


def test_a_changed_byline_replaces_the_contributions_and_an_unchanged_file_keeps_them():
    article = imported("Bài: HOÀNG VŨ – Ảnh: MINH HUYỀN")
    imported("Bài: HOÀNG VŨ – Ảnh: MINH HUYỀN")
    assert article.contributions.count() == 1
    assert imported("Bài, ảnh: HOÀNG VŨ").byline == "Bài, ảnh: HOÀNG VŨ"
    assert list(Contribution.objects.values_list("author__name", "role")) == [("HOÀNG VŨ", PHOTO)]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Ảnh: MINH HUYỀN", "không có người viết bài"),
        ("Theo báo Nhân Dân", "không thấy dòng tác giả"),
    ],
)
def test_a_byline_without_a_writer_or_not_a_byline_is_refused_in_vietnamese(line, message):
    with pytest.raises(ImportFileError, match=message):
        parse(seed_with_byline(line).encode())


def test_a_credit_added_or_removed_shows_at_once_on_the_cached_pages(client, django_assert_num_queries):
    """The article page and the photographer's page, served from the page cache, follow a contribution's write."""
    article = make_article(author=make_author("THANH THY"))
    photographer = make_author("MINH HUYỀN")
    for url in (article.get_absolute_url(), photographer.get_absolute_url()):
        client.get(url)
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200
    contribution = credit(article, photographer, PHOTO)
    assert page_text(byline_paragraph(client.get(article.get_absolute_url()).content.decode())) == (
        "Bài: THANH THY – Ảnh: MINH HUYỀN"
    )
    assert headlines(client.get(photographer.get_absolute_url())) == [article.headline]
    contribution.delete()
    assert headlines(client.get(photographer.get_absolute_url())) == []
