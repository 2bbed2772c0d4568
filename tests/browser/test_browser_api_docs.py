"""The API's interactive docs (Swagger UI at /api/v1/docs/) work in a browser under the site's Content-Security-Policy,
from our own static files: a partner reads the endpoints and tries one."""

from playwright.sync_api import expect


def test_a_partner_reads_the_api_docs_and_tries_the_articles_list(visit, htx, live_server):
    """The docs list the endpoints with their Vietnamese summaries; "Try it out" on the articles list shows the
    answer with the HTX article; no request leaves the site and nothing is refused by the CSP (a refusal is a console
    error)."""
    partner = visit()
    page = partner.page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs/")
    articles = page.locator("#operations-articles-articles_list")
    expect(articles).to_contain_text("Bài đã xuất bản, mới nhất trước")
    expect(page.locator("#operations-search-search")).to_be_visible()
    articles.locator(".opblock-summary").click()
    articles.get_by_role("button", name="Try it out").click()
    articles.get_by_role("button", name="Execute").click()
    answer = articles.locator(".live-responses-table tbody .response-col_status").first
    expect(answer).to_have_text("200")
    expect(articles.locator(".live-responses-table")).to_contain_text(htx.headline)
    elsewhere = [url for url in requested if not url.startswith(live_server.url)]
    assert not elsewhere, elsewhere
    partner.assert_no_errors()
