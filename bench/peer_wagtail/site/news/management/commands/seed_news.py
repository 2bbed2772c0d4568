"""`manage.py seed_news --count N --fixture PATH --photo PATH`: the site's root becomes a news index with N articles.

Every article repeats Newsroom's first article (its fixture, articles/fixtures/htx.json) and shares one photo, the
JPEG bench/photo.py makes, which scripts/bench_pages.py gives every article of ours too.
"""

import datetime
import json
from pathlib import Path

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from news.models import ARTICLE_RENDITION, LIST_RENDITION, NewsArticlePage, NewsIndexPage


class Command(BaseCommand):
    help = "Make the site's root a news index with N articles sharing one photo."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--fixture", type=Path, required=True, help="Newsroom's articles/fixtures/htx.json")
        parser.add_argument("--photo", type=Path, required=True, help="the JPEG every article shares (bench/photo.py)")

    def handle(self, *args, count, fixture, photo, **options):
        objects = json.loads(fixture.read_text(encoding="utf-8"))
        article = next(item["fields"] for item in objects if item["model"] == "articles.article")
        author = next(
            item["fields"]["name"].title()
            for item in objects
            if item["model"] == "articles.author" and item["pk"] == article["author"]
        )
        image = get_image_model()(title="Ảnh minh họa", file=ImageFile(photo.open("rb"), name="anh-minh-hoa.jpg"))
        image.save()
        # Made now, so that wrk never measures image processing.
        image.get_rendition(LIST_RENDITION)
        image.get_rendition(ARTICLE_RENDITION)

        root = Page.get_first_root_node()
        with transaction.atomic():
            # Wagtail's migrations made a welcome page the site's root; deleting it deletes that site too.
            for page in root.get_children():
                page.delete()
            index = root.add_child(
                instance=NewsIndexPage(title="Tin tức", slug="tin-tuc", intro="Tin tức mới nhất trong ngày.")
            )
            Site.objects.create(hostname="localhost", root_page=index, is_default_site=True, site_name="Peer News")
            first_day = datetime.date(2024, 1, 1)
            for number in range(1, count + 1):
                day = first_day + datetime.timedelta(days=number // 5)
                when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
                index.add_child(
                    instance=NewsArticlePage(
                        title=f"{article['headline']} (bài {number})",
                        slug=f"bai-viet-{number:05d}",
                        lead=article["lead"],
                        body=article["body"],
                        image=image,
                        author=author,
                        date=day,
                        first_published_at=when,
                        last_published_at=when,
                    )
                )
        self.stdout.write(f"{count} articles under {index.url_path}; photo {image.width}x{image.height}")
