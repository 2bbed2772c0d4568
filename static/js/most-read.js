// Most read (articles/most_read.py): tell the site once that this article is being read, so a page served from a
// cache still counts. No cookie, nothing stored in the browser; the server decides whether the view counts.
{
  const article = document.querySelector("[data-most-read]");
  if (article && navigator.sendBeacon) {
    navigator.sendBeacon(article.dataset.beacon, new URLSearchParams({ bai: article.dataset.mostRead }));
  }
}
