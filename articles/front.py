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
sections marked for the front page, the ids of every candidate (the visible picks, the newest, each section's newest,
the visible most read; one UNION ALL, read from the lists' indexes), and the cards of exactly the articles shown.
With the header's section menu, a front page costs 5 queries (tests/test_front_page.py).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import IntegerField, Value
from django.utils import timezone

from articles import most_read
from articles.models import Article, FrontPage, Pick, Section

# Which part of the candidates' query a row comes from.
PICKED, NEWEST, SECTION, MOST_READ = range(4)


@dataclass
class Front:
    """What the front page shows, each article once (the breaking news' link aside)."""

    breaking: str = ""
    breaking_article: Article | None = None
    lead: Article | None = None
    featured: list = field(default_factory=list)
    latest: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # [(Section, [Article])], in the editors' order
    most_read: list = field(default_factory=list)

    def shown(self):
        """Every article on the page, top to bottom."""
        blocks = [articles for _, articles in self.sections]
        return [a for a in [self.lead] if a] + self.featured + self.latest + sum(blocks, []) + self.most_read


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
        arrangement = FrontPage.objects.current()
    sections = list(
        Section.objects.filter(on_front=True).order_by("front_position", "name").only("name", "slug", "front_count")
    )
    picks = slots(arrangement)
    shown_above = 1 + settings.FRONT_FEATURED + settings.FRONT_LATEST
    popular = most_read.top(settings.FRONT_MOST_READ + shown_above + sum(s.front_count for s in sections))
    breaking_id = arrangement.breaking_article_id if arrangement and arrangement.breaking_shown(now) else None
    rows = _candidates(
        now,
        picked=[pick.article for pick in picks if pick.article] + [breaking_id] * bool(breaking_id),
        # Enough newest for every slot left to them and the "Tin mới nhất" after the picks they may repeat.
        newest=2 * (1 + settings.FRONT_FEATURED) + settings.FRONT_LATEST,
        sections={section.pk: section.front_count + shown_above for section in sections},
        popular=popular,
    )
    visible_picks = {pk for pk, _, part in rows if part == PICKED}
    newest = [pk for pk, _, part in rows if part == NEWEST]
    by_section = {}
    for pk, section_id, part in rows:
        if part == SECTION:
            by_section.setdefault(section_id, []).append(pk)
    visible_popular = {pk for pk, _, part in rows if part == MOST_READ}

    used = set()

    def take(ids, limit):
        taken = [pk for pk in dict.fromkeys(ids) if pk not in used][:limit]
        used.update(taken)
        return taken

    chosen = [
        pick.article
        if pick.article in visible_picks and (pick.until is None or now < pick.until) and pick.article not in used
        else None
        for pick in picks
    ]
    used.update(filter(None, chosen))
    fill = iter(take(newest, chosen.count(None)))
    top = [pk if pk is not None else next(fill, None) for pk in chosen]
    latest = take(newest, settings.FRONT_LATEST)
    blocks = [(section, take(by_section.get(section.pk, []), section.front_count)) for section in sections]
    popular = take([pk for pk in popular if pk in visible_popular], settings.FRONT_MOST_READ)

    cards = Article.objects.published(now).cards().in_bulk([*used, *[breaking_id] * bool(breaking_id)])

    def articles(ids):
        return [cards[pk] for pk in ids if pk in cards]

    lead, *featured = top
    return Front(
        breaking=arrangement.breaking_text if arrangement and arrangement.breaking_shown(now) else "",
        breaking_article=cards.get(breaking_id),
        lead=cards.get(lead),
        featured=articles(featured),
        latest=articles(latest),
        sections=[(section, articles(ids)) for section, ids in blocks if ids],
        most_read=articles(popular),
    )


def _candidates(now, *, picked, newest, sections, popular):
    """[(id, section id, part)] of the visible articles that may be shown, in one query: those among `picked`, the
    `newest` newest, each section's newest ({section id: how many}), those among `popular`; each part newest first."""
    visible = Article.objects.published(now)

    def part(number, ids):
        tagged = Article.objects.filter(pk__in=ids).annotate(part=Value(number, output_field=IntegerField()))
        return tagged.order_by().values_list("pk", "section_id", "part", "published_at")

    def newest_of(queryset, limit):
        return queryset.order_by("-published_at", "-id").values("pk")[:limit]

    parts = [part(NEWEST, newest_of(visible, newest))]
    parts += [part(SECTION, newest_of(visible.filter(section_id=pk), limit)) for pk, limit in sections.items()]
    if picked:
        parts.append(part(PICKED, visible.filter(pk__in=picked).values("pk")))
    if popular:
        parts.append(part(MOST_READ, visible.filter(pk__in=popular).values("pk")))
    rows = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])
    # A UNION keeps no order: the lists' order again (newest first, then the larger id).
    rows.sort(key=lambda row: (row[3], row[0]), reverse=True)
    return [row[:3] for row in rows]
