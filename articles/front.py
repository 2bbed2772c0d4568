"""The front page (/): what it shows, top to bottom, put together in one place (`assemble`).

1. The breaking-news line, while its end time has not come.
2. The lead story and the featured stories (`settings.FRONT_FEATURED`), in the editors' order (`FrontPage.picks`).
3. "Tin mới nhất": the newest articles (`settings.FRONT_LATEST`).
4. A block per section marked for the front page (`Section.on_front`), in the editors' order, each with its newest
   articles (`Section.front_count`).
5. "Đọc nhiều": the most read in the last 24 hours (`settings.FRONT_MOST_READ`, articles/most_read.py).

**No article twice**: each zone takes only what no zone above it took. **Never a hole, never an invisible story**: a
pick shows only while readers may see its article (`Article.objects.published()`, the one rule) and its "hiện đến"
has not passed; every other slot is filled from the newest visible articles, at once, with nobody saving anything.
The page cache renews its stamp when a "hiện đến" or the breaking news' end passes (`models.next_scheduled_change`).

**A fixed number of queries**, whatever the number of articles, picks and sections: the arrangement in force, the
sections (the header's menu: the blocks are those of its sections marked for the front page), the ids of every
candidate (the visible picks, the newest, each section's newest, the visible most read, with what a headline list
prints of them; one UNION ALL, read from the lists' indexes), and the cards (photo) of the lead and featured stories
with the lead's byline: 4 queries (tests/test_front_page.py). Each is compiled once per process (`queries.front_*`,
articles/prepared.py): built by the ORM on every request they cost more than the rest of the page.
"""

import itertools
import operator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from articles import most_read, queries
from articles.models import Article, Pick


@dataclass
class Front:
    """What the front page shows, each article once (the breaking news' link aside): the lead and featured stories as
    cards (`Article`), the rest as `queries.Headline`s."""

    breaking: str = ""
    breaking_article: queries.Headline | None = None
    lead: Article | None = None
    featured: list = field(default_factory=list)
    latest: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # [(Section, [Headline])], in the editors' order
    most_read: list = field(default_factory=list)
    menu: list = field(default_factory=list)  # every section, for the header's menu: read once with the blocks'

    def article_ids(self):
        """Every article the page shows, once each: what a cache in front labels it with (pagecache/edge.py)."""
        shown = [self.breaking_article, self.lead, *self.featured, *self.latest, *self.most_read]
        shown += [headline for _, headlines in self.sections for headline in headlines]
        return list(dict.fromkeys(item.pk if isinstance(item, Article) else item.id for item in shown if item))


def slots(arrangement):
    """The lead and featured slots of `arrangement` (None: nothing saved yet), padded with empty ones: always
    1 + `settings.FRONT_FEATURED` of them."""
    picks = arrangement.slots() if arrangement else []
    size = 1 + settings.FRONT_FEATURED
    return (picks + [Pick(None)] * size)[:size]


def put_on_top(picks, article_id):
    """The featured slots with `article_id` put in the first one: the unpinned picks move down a slot each, up to the
    first empty one (or off the end), and the pinned ones keep their places. The lead (slot 0) is left as it is."""
    lead, featured = picks[0], list(picks[1:])
    free = [i for i, pick in enumerate(featured) if not pick.pinned]
    if not free:
        return picks
    moving = [featured[i] for i in free]
    gap = next((n for n, pick in enumerate(moving) if pick.article is None), len(moving) - 1)
    moving = [Pick(article_id), *moving[:gap], *moving[gap + 1 :]]
    for i, pick in zip(free, moving, strict=True):
        featured[i] = pick
    return [lead, *featured]


def assemble(arrangement=None, now=None):
    """The front page at `now` under `arrangement` (by default the one in force; a preview passes one not saved)."""
    now = now or timezone.now()
    if arrangement is None:
        arrangement = queries.front_arrangement()
    menu = queries.section_menu()
    sections = queries.front_sections(menu)
    picks = slots(arrangement)
    shown_above = 1 + settings.FRONT_FEATURED + settings.FRONT_LATEST
    most = settings.FRONT_MOST_READ + shown_above + sum(section.front_count for section in sections)
    popular = most_read.top(most)
    breaking = arrangement is not None and arrangement.breaking_shown(now)
    breaking_id = arrangement.breaking_article_id if breaking else None
    # The picks that take their slots when readers may see their article: the blocks below skip them.
    picked = [pick.article for pick in picks if pick.article and (pick.until is None or now < pick.until)]
    rows, finish = queries.front_candidates(
        now,
        # Enough newest for every slot left to them and the "Tin mới nhất" after the picks they may repeat. All the
        # page shows above the section blocks is among them or picked, so each block reads on from the last of them.
        newest=2 * len(picks) + settings.FRONT_LATEST,
        sections={section.pk: section.front_count for section in sections},
        picked=picked,
        breaking=breaking_id,
        popular=popular,
        sizes=(len(picks), most),
    )
    # Every row is a visible article. In the lists' order (newest first, then the larger id), the first ones are the
    # newest overall and each section's first ones its newest: what the parts of the query read, whatever else the
    # other parts brought.
    rows = {row.id: row for row in sorted(rows, key=operator.itemgetter(2, 0), reverse=True)}
    by_section = {}
    for row in rows.values():
        by_section.setdefault(row.section_id, []).append(row.id)

    used = set()

    def take(ids, limit):
        taken = list(itertools.islice((pk for pk in ids if pk not in used), limit))
        used.update(taken)
        return taken

    chosen = [
        pick.article
        if pick.article in rows and (pick.until is None or now < pick.until) and pick.article not in used
        else None
        for pick in picks
    ]
    used.update(filter(None, chosen))
    fill = iter(take(rows, chosen.count(None)))
    top = [pk if pk is not None else next(fill, None) for pk in chosen]
    latest = take(rows, settings.FRONT_LATEST)
    blocks = [(section, take(by_section.get(section.pk, []), section.front_count)) for section in sections]
    popular = take([pk for pk in popular if pk in rows], settings.FRONT_MOST_READ)

    # The lead and featured stories print their cards (a photo; the lead, its byline too); the rest are headlines.
    cards = queries.front_cards(now, top)

    def headlines(ids):
        return [finish(rows[pk]) for pk in ids]

    lead, *featured = top
    return Front(
        breaking=arrangement.breaking_text if breaking else "",
        breaking_article=finish(rows[breaking_id]) if breaking_id in rows else None,
        lead=cards.get(lead),
        featured=[cards[pk] for pk in featured if pk in cards],
        latest=headlines(latest),
        sections=[(section, headlines(ids)) for section, ids in blocks if ids],
        most_read=headlines(popular),
        menu=menu,
    )
