"""Through Varnish, with two app instances behind it: every kind of write is what the next reader gets, within one
second, whichever instance saved it and whichever answers; and a write empties only the pages it touched."""

import uuid

NEXT_READER = 1.0  # seconds: the promise, from the end of the save to the page through Varnish


def headline(label):
    """A headline no other test uses (the tests share one database)."""
    return f"{label} {uuid.uuid4().hex[:8]}"


def shows(edge, path, text):
    return lambda: text in edge.get(path).text


def hides(edge, path, text):
    return lambda: text not in edge.get(path).text


def test_an_edit_saved_on_one_instance_is_what_the_next_reader_gets_through_varnish(edge):
    """The editor saves on instance A; through Varnish (either instance answering) the article page, the front page
    and the API's article show the new headline within a second, while a page of another section stays in Varnish."""
    article = edge.make_article(headline("Sửa tại máy A"), section="Thời sự")
    elsewhere = edge.make_article(headline("Chuyên mục khác"), section="Kinh tế")
    api = "/api/v1" + article["url"]
    for path in (article["url"], "/", api, elsewhere["url"]):
        edge.warm(path)
    new = headline("Tiêu đề mới")

    saved = edge.save_in_admin(0, article["pk"], headline=new)

    assert saved.status == 302, saved.text[:500]
    for path in (article["url"], "/", api):
        edge.until(shows(edge, path, new), NEXT_READER, f"{path} shows the edit")
    assert edge.get(elsewhere["url"]).headers["x-cache"] == "hit"


def test_publishing_and_unpublishing_in_the_form_show_through_varnish(edge):
    """A draft published in the form on instance B appears on the front page; unpublished on instance A, it is gone
    from the front page and its own page is a 404."""
    draft = edge.make_article(headline("Bản nháp sắp đăng"), section="Thời sự", status="draft")
    edge.warm("/")

    assert edge.save_in_admin(1, draft["pk"], status="published").status == 302
    edge.until(shows(edge, "/", draft["headline"]), NEXT_READER, "the published draft is on the front page")
    assert edge.get(draft["url"]).status == 200

    edge.warm("/")
    edge.warm(draft["url"])
    assert edge.save_in_admin(0, draft["pk"], status="draft").status == 302
    edge.until(hides(edge, "/", draft["headline"]), NEXT_READER, "the unpublished article leaves the front page")
    assert edge.get(draft["url"]).status == 404


def test_a_takedown_and_a_reinstatement_show_through_varnish(edge):
    """Taken down on order on instance A, the article answers 410 through Varnish and leaves the front page within a
    second; reinstated on instance B, it is back on both."""
    article = edge.make_article(headline("Gỡ theo yêu cầu"), section="Thời sự")
    for path in ("/", article["url"]):
        edge.warm(path)
    reason = {"reason": "Theo văn bản yêu cầu."}

    assert edge.admin_post(0, f"{edge.ADMIN}{article['pk']}/go-bai/", reason).status == 302
    edge.until(lambda: edge.get(article["url"]).status == 410, NEXT_READER, "the article answers 410")
    edge.until(hides(edge, "/", article["headline"]), NEXT_READER, "the article leaves the front page")

    edge.warm("/")
    assert edge.admin_post(1, f"{edge.ADMIN}{article['pk']}/dua-tro-lai/", reason).status == 302
    edge.until(lambda: edge.get(article["url"]).status == 200, NEXT_READER, "the article is back")
    edge.until(shows(edge, "/", article["headline"]), NEXT_READER, "the article is back on the front page")


def test_a_bulk_publish_shows_through_varnish(edge):
    """The changelist's "publish the selected articles" puts both drafts on the cached section page."""
    drafts = [edge.make_article(headline("Đăng hàng loạt"), section="Kinh tế", status="draft") for _ in range(2)]
    section = edge.shell.run("from articles.models import Section\nresult = Section.objects.get(name='Kinh tế').slug")
    path = f"/sections/{section}/"
    edge.warm(path)

    answer = edge.admin_post(
        0, edge.ADMIN, {"action": "publish", "_selected_action": [d["pk"] for d in drafts], "index": "0"}
    )

    assert answer.status == 302, answer.text[:500]
    for draft in drafts:
        edge.until(shows(edge, path, draft["headline"]), NEXT_READER, "both are on the section page")


def test_a_queryset_update_from_a_shell_shows_through_varnish(edge):
    """`Article.objects.filter(...).update(headline=...)` in a shell (no save(), no model signal) reaches the cached
    article page and the front page."""
    article = edge.make_article(headline("Sửa bằng update"), section="Thời sự")
    for path in (article["url"], "/"):
        edge.warm(path)
    new = headline("Đổi bằng update()")

    edge.shell.run(
        f"from articles.models import Article\nArticle.objects.filter(pk={article['pk']}).update(headline={new!r})"
    )

    for path in (article["url"], "/"):
        edge.until(shows(edge, path, new), NEXT_READER, f"{path} shows the update")


def test_a_scheduled_article_appears_on_time_and_an_expiring_one_disappears_with_no_save(edge):
    """Varnish keeps the front page only until the next scheduled change: an article due in a few seconds is absent
    from the cached page before its time and there after it; one whose take-down time comes goes, with no save."""
    scheduled = edge.make_article(headline("Hẹn giờ đăng"), section="Thời sự", published_in=4)
    expiring = edge.make_article(headline("Hẹn giờ gỡ"), section="Thời sự", unpublished_in=4)
    front = edge.warm("/")
    assert scheduled["headline"] not in front and expiring["headline"] in front

    edge.until(shows(edge, "/", scheduled["headline"]), 4 + NEXT_READER, "the scheduled article appears")
    edge.until(hides(edge, "/", expiring["headline"]), NEXT_READER, "the expiring article is gone")
    assert edge.get(scheduled["url"]).status == 200
    assert edge.get(expiring["url"]).status == 404


def test_a_new_front_page_arrangement_shows_through_varnish(edge):
    """The editors put an older article in the lead: through Varnish the front page shows it there within a second,
    while an article page stays in Varnish (a new arrangement touches the front page only)."""
    older = edge.make_article(headline("Tiêu điểm do biên tập chọn"), section="Thời sự", published_in=-30 * 86400)
    newest = edge.make_article(headline("Bài mới nhất"), section="Thời sự")
    for path in ("/", newest["url"]):
        edge.warm(path)

    edge.shell.run(
        "from django.contrib.auth.models import User\n"
        "from articles import workflow\n"
        "from articles.models import FrontPage, Pick\n"
        "user = User.objects.filter(is_superuser=True).first()\n"
        "user = user or User.objects.create_superuser('trangnhat', password='edge-tests')\n"
        "current = FrontPage.objects.current()\n"
        f"workflow.arrange_front(user, current.pk if current else 0, [Pick({older['pk']})])\n"
        "result = None\n"
    )

    lead = f'<h2 class="lead-title"><a href="{older["url"]}">'
    edge.until(lambda: lead in edge.get("/").text, NEXT_READER, "the editors' lead is on the front page")
    assert edge.get(newest["url"]).headers["x-cache"] == "hit"


def test_tag_and_thread_pages_show_a_rename_a_new_article_and_a_byline_through_varnish(edge):
    """A tag's and a thread's pages, cached in Varnish: a tag renamed, an article tagged, a thread's introduction
    changed, an article joining the thread: each is on the page within a second; a photographer credited purges the
    pages printing the article's card; a page of another section stays in Varnish throughout."""
    first = edge.make_article(headline("Bài có thẻ"), section="Thời sự")
    second = edge.make_article(headline("Bài gắn thẻ sau"), section="Thời sự")
    elsewhere = edge.make_article(headline("Chuyên mục khác"), section="Văn hóa")
    label = uuid.uuid4().hex[:8]
    paths = edge.shell.run(
        "from articles.models import Article, Tag, Thread\n"
        f"tag = Tag.objects.create(name='Thẻ {label}')\n"
        f"thread = Thread.objects.create(name='Dòng {label}', intro='Giới thiệu cũ.')\n"
        f"article = Article.objects.get(pk={first['pk']})\n"
        "article.tags.add(tag)\n"
        "article.thread = thread\n"
        "article.save()\n"
        "result = [tag.get_absolute_url(), thread.get_absolute_url(), tag.pk, thread.pk]\n"
    )
    tag_path, thread_path, tag_pk, thread_pk = paths
    section = edge.shell.run("from articles.models import Section\nresult = Section.objects.get(name='Văn hóa').slug")
    for path in (tag_path, thread_path, f"/sections/{section}/", elsewhere["url"]):
        edge.warm(path)

    edge.shell.run(
        f"from articles.models import Tag\ntag = Tag.objects.get(pk={tag_pk})\n"
        f"tag.name = 'Thẻ mới {label}'\ntag.save()\n"
    )
    edge.until(shows(edge, tag_path, f"Thẻ mới {label}"), NEXT_READER, "the tag page shows its new name")
    edge.shell.run(f"from articles.models import Article\nArticle.objects.get(pk={second['pk']}).tags.add({tag_pk})\n")
    edge.until(shows(edge, tag_path, second["headline"]), NEXT_READER, "the tag page lists the newly tagged article")
    edge.shell.run(
        f"from articles.models import Thread\nthread = Thread.objects.get(pk={thread_pk})\n"
        "thread.intro = 'Giới thiệu mới.'\nthread.save()\n"
    )
    edge.until(shows(edge, thread_path, "Giới thiệu mới."), NEXT_READER, "the thread page shows its new introduction")
    edge.shell.run(
        f"from articles.models import Article\narticle = Article.objects.get(pk={second['pk']})\n"
        f"article.thread_id = {thread_pk}\narticle.save()\n"
    )
    edge.until(shows(edge, thread_path, second["headline"]), NEXT_READER, "the thread page lists the joining article")
    edge.warm(thread_path)
    edge.shell.run(
        "from articles.models import Article, Contribution\n"
        f"article = Article.objects.get(pk={first['pk']})\n"
        "Contribution.objects.create(article=article, author=article.author, role='photo')\n"
    )
    edge.until(lambda: edge.get(thread_path).headers["x-cache"] != "hit", NEXT_READER, "the byline's pages are purged")
    for path in (f"/sections/{section}/", elsewhere["url"]):
        assert edge.get(path).headers["x-cache"] == "hit", path
