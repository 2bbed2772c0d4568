"""Through Varnish, when something is down: a Varnish that cannot be told about a save (the save still succeeds, the
purge is queued and retried until the page is right), and every app instance gone (the last good pages for their
grace, then the Vietnamese 503)."""

import subprocess
import uuid

OUTAGE_PAGE = "Trang tạm thời gián đoạn"
# A queued purge is retried after 1, 2, 4… seconds: a few tries.
RETRIED_WITHIN = 10


def log_of(edge, index):
    return edge.site.app_log(index).read_text()


def test_a_save_while_varnish_is_stopped_succeeds_and_its_purge_gets_through_once_varnish_is_back(edge):
    """Varnish stopped (by its PID) during the save: the save succeeds, the purge is queued and logged, and when
    Varnish is back on its port the queued purge is delivered by the instance that saved, and readers get the page."""
    article = edge.make_article(f"Varnish tắt {uuid.uuid4().hex[:8]}", section="Thời sự")
    new = f"Lưu khi Varnish tắt {uuid.uuid4().hex[:8]}"
    edge.site.stop_varnish()
    try:
        saved = edge.save_in_admin(0, article["pk"], headline=new)
        assert saved.status == 302, saved.text[:500]
        assert edge.pending_purges() == 1
    finally:
        edge.site.start_varnish()

    edge.until(lambda: edge.pending_purges() == 0, RETRIED_WITHIN, "the queued purge got through")
    log = log_of(edge, 0)
    assert "it is queued and retried" in log and "got through on try" in log
    assert new in edge.get(article["url"]).text


def test_a_purge_that_cannot_reach_a_varnish_holding_the_page_is_retried_until_it_does(edge):
    """Varnish frozen with its cache (what a network cut looks like): the save succeeds once the purge times out, the
    purge is queued, and when Varnish answers again the queued purge gets through and readers get the new page."""
    article = edge.make_article(f"Mạng đứt {uuid.uuid4().hex[:8]}", section="Thời sự")
    edge.warm(article["url"])
    new = f"Lưu khi mạng đứt {uuid.uuid4().hex[:8]}"
    edge.site.pause_varnish()
    try:
        saved = edge.save_in_admin(1, article["pk"], headline=new)
        assert saved.status == 302, saved.text[:500]
        assert edge.pending_purges() == 1
        assert "timed out" in edge.shell.run(
            "from articles.models import PendingPurge\nresult = PendingPurge.objects.get().error"
        )
    finally:
        edge.site.pause_varnish(False)

    edge.until(lambda: edge.pending_purges() == 0, RETRIED_WITHIN, "the queued purge got through")
    assert new in edge.get(article["url"]).text


def sick(edge):
    listing = subprocess.run(
        ["varnishadm", "-n", str(edge.site.varnish_dir), "backend.list"], capture_output=True, text=True, check=True
    ).stdout
    return listing.count("sick") >= 2


def test_with_every_instance_down_varnish_serves_the_last_good_pages_for_their_grace_then_the_503(short_lived):
    """Both instances stopped: a page Varnish held is still served, from its grace, after its lifetime; a page it
    never held gets the Vietnamese 503 page at once; and once the grace is over, so does the first."""
    edge = short_lived
    article = edge.make_article(f"Còn trong bộ đệm {uuid.uuid4().hex[:8]}", section="Thời sự")
    edge.warm(article["url"])
    edge.site.stop_app(0)
    edge.site.stop_app(1)

    edge.until(lambda: sick(edge), 10, "Varnish finds both instances down")
    edge.until(lambda: int(edge.get(article["url"]).headers["age"]) > 3, 5, "the page's lifetime is over")
    stale = edge.get(article["url"])
    assert stale.status == 200 and article["headline"] in stale.text

    never_held = edge.get("/sections/thoi-su/?page=2")
    assert never_held.status == 503 and OUTAGE_PAGE in never_held.text
    assert never_held.headers["retry-after"] == "30"

    edge.until(lambda: edge.get(article["url"]).status == 503, 3 + 8 + 2, "the grace ends")
    assert OUTAGE_PAGE in edge.get(article["url"]).text
