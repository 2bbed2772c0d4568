"""The readers' lists of article cards: every visible article, or one owner's (a section's, an author's, a tag's, a
thread's: what `ArticleOwner.listing` says it lists), newest first.

``CardList`` is what a list view pages through (``pagination.UncountedPaginator``). The first pages (most of the
traffic), the last ones and the pages a link continues from an article come from prepared queries
(``queries.cards``); the middle of a long list by its number and the count come from the queryset.
"""

from django.utils import timezone
from django.utils.functional import cached_property

from articles import pagecache, pagination, queries
from articles.models import Article


class CardList:
    """One public list, read a page at a time."""

    model = Article

    def __init__(self, owner=None, cursor=None):
        self.owner = owner
        self.owner_model = type(owner) if owner else None
        self.many = getattr(owner, "many_articles", True)  # how its articles are found (ArticleOwner.listing)
        self.cursor = cursor  # pagination.Cursor: the article the page link continues from, or None

    @cached_property
    def queryset(self):
        queryset = Article.objects.published().cards()
        return queryset.filter(self.owner_model.listing(self.owner.pk, self.many)) if self.owner else queryset

    def page(self, offset, limit):
        """Up to `limit` cards from the `offset`-th on, or from the cursor's article when a page link named one."""
        values = {"now": timezone.now(), **({"owner": self.owner.pk} if self.owner else {})}
        if self.cursor:
            found = queries.cards(self.owner_model, self.cursor.direction, limit, many=self.many)(
                pk=self.cursor.pk, **values
            )
            if not found:  # taken down, moved to another section, never visible: no place to continue from
                raise pagination.LostPlace(self.cursor)
            # Before: the article, then the page before it, oldest first. The article goes last, as the one more than
            # a page that says a next page exists (UncountedPaginator), which it always does: the article's own.
            return found if self.cursor.direction == pagination.AFTER else found[::-1]
        if offset < pagination.SHALLOW:
            return queries.cards(self.owner_model, "first", limit, offset, self.many)(**values)
        count = self.count()
        tail = pagination.from_end(offset, limit, count)
        if tail and tail[0] < pagination.SHALLOW:  # one of the last pages: one query, as for the first ones
            start, end = tail
            return queries.cards(self.owner_model, "last", limit, start, self.many)(**values)[: end - start][::-1]
        return pagination.page_of(self.queryset, offset, limit, count=count)

    def count(self):
        """How many cards the list holds. Counting walks the list's index entries, as far as to its last page: the
        count is remembered until the list changes (a write, or a scheduled article's time), in every worker."""
        owner = f":{self.owner_model._meta.model_name}:{self.owner.pk}" if self.owner else ""
        return pagecache.remembered(f"cards-count{owner}", self.queryset.count)
