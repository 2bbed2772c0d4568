"""Through Varnish: who gets a copy. Editors never; readers never get anything rendered for an editor, nor previews or
share links; and what readers' browsers add (cookies, tracking parameters) never costs a copy."""

import re
import uuid

BANNER = "Bản nháp — chưa xuất bản"


def test_a_logged_in_editor_never_gets_a_cached_page(edge):
    """Varnish hands every request carrying the session cookie to the app: the editor sees a change no purge announced
    (raw SQL) at once, while readers still get their copy."""
    article = edge.make_article(f"Bài cho biên tập {uuid.uuid4().hex[:8]}", section="Thời sự")
    edge.warm(article["url"])
    edge.shell.run(
        "from django.db import connection\n"
        "connection.cursor().execute(\n"
        f"    'UPDATE articles_article SET lead = %s WHERE id = %s', ['SQL thô', {article['pk']}]\n"
        ")"
    )

    as_editor = edge.get(article["url"], cookies=edge.editor)

    assert as_editor.headers["x-cache"] == "pass"
    assert "SQL thô" in as_editor.text
    assert "SQL thô" not in edge.get(article["url"]).text


def test_a_reader_never_gets_a_page_rendered_for_an_editor(edge):
    """The editor opens a draft at its public URL through Varnish (200, with the banner); readers then get the 404,
    every time; and the public page the editor opened is rendered afresh for the first reader."""
    draft = edge.make_article(f"Nháp của biên tập {uuid.uuid4().hex[:8]}", section="Thời sự", status="draft")
    published = edge.make_article(f"Đã đăng {uuid.uuid4().hex[:8]}", section="Thời sự")

    as_editor = edge.get(draft["url"], cookies=edge.editor)
    assert as_editor.status == 200 and BANNER in as_editor.text
    edge.get(published["url"], cookies=edge.editor)

    for _ in range(2):
        as_reader = edge.get(draft["url"])
        assert as_reader.status == 404 and BANNER not in as_reader.text
    assert edge.get(published["url"]).headers["x-cache"] == "miss"


def test_share_links_and_the_admin_are_never_cached(edge):
    """A share link opens a draft for anyone holding it, from the app every time: revoked, it stops at once."""
    draft = edge.make_article(f"Nháp chia sẻ {uuid.uuid4().hex[:8]}", section="Thời sự", status="draft")
    link = edge.shell.run(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from articles.models import PreviewLink\n"
        f"link = PreviewLink.objects.create(article_id={draft['pk']}, expires_at=timezone.now() + timedelta(hours=1))\n"
        "result = [link.pk, link.get_absolute_url()]"
    )

    for _ in range(2):
        shared = edge.get(link[1])
        assert (shared.status, shared.headers["x-cache"]) == (200, "pass") and draft["headline"] in shared.text
    edge.shell.run(f"from articles.models import PreviewLink\nPreviewLink.objects.filter(pk={link[0]}).delete()")
    assert edge.get(link[1]).status == 404
    assert edge.get("/admin/login/").headers["x-cache"] == "pass"


def test_readers_cookies_and_tracking_parameters_do_not_make_pages_uncacheable(edge):
    """Readers arrive with analytics and consent cookies, a csrftoken from the login page, and links shared on Zalo or
    Facebook with tracking parameters: all of them get the one cached copy, and the app never sees the parameters."""
    article = edge.make_article(f"Bài được chia sẻ {uuid.uuid4().hex[:8]}", section="Thời sự")
    edge.warm(article["url"])
    visits = [
        ({"_ga": "GA1.2.3.4"}, ""),
        ({"_fbp": "fb.1.2.3", "consent": "yes"}, "?utm_source=zalo&utm_medium=social&zarsrc=30&gidzl=abc"),
        ({"csrftoken": "x" * 32}, "?fbclid=IwAR0"),
        ({}, "?gclid=1&utm_campaign=tet"),
    ] * 5

    answers = [edge.get(article["url"] + query, cookies=cookies) for cookies, query in visits]

    assert [answer.headers["x-cache"] for answer in answers] == ["hit"] * len(visits)
    assert not re.search(r"utm_|fbclid|gclid|zarsrc", answers[1].text)


def test_only_trusted_addresses_may_purge(edge):
    """A PURGE is obeyed from the addresses backends.vcl trusts (the app servers) only: from another address the answer
    is 403 and the page stays in Varnish."""
    article = edge.make_article(f"Không ai xoá được {uuid.uuid4().hex[:8]}", section="Thời sự")
    edge.warm(article["url"])
    purge = {"method": "PURGE", "headers": {"xkey-purge": f"article:{article['pk']}"}}

    assert edge.get("/", source="127.0.0.2", **purge).status == 403
    assert edge.get(article["url"]).headers["x-cache"] == "hit"
    assert edge.get("/", **purge).status == 200
    assert edge.get(article["url"]).headers["x-cache"] == "miss"
