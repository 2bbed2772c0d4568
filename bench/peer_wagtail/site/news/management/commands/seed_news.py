"""`manage.py seed_news --count N --fixture PATH`: the site's root becomes a news index with N articles.

Every article repeats Newsroom's first article (its fixture, articles/fixtures/htx.json) and shares one generated
1600x1067 JPEG, the same picture scripts/bench_pages.py gives every article of ours.
"""

import datetime
import io
import json
from pathlib import Path

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from news.models import ARTICLE_RENDITION, LIST_RENDITION, NewsArticlePage, NewsIndexPage


def photo():
    """A gradient with noise, so that the file has a photo's size (hundreds of KB)."""
    gradient, noise = Image.linear_gradient("L").resize((1600, 1067)), Image.effect_noise((1600, 1067), 48)
    red = Image.blend(gradient, noise, 0.35)
    green = Image.blend(gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), noise, 0.25)
    blue = Image.blend(gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM), noise, 0.3)
    buffer = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(buffer, "JPEG", quality=85)
    return ImageFile(buffer, name="anh-minh-hoa.jpg")


class Command(BaseCommand):
    help = "Make the site's root a news index with N articles sharing one photo."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--fixture", type=Path, required=True, help="Newsroom's articles/fixtures/htx.json")

    def handle(self, *args, count, fixture, **options):
        objects = json.loads(fixture.read_text(encoding="utf-8"))
        article = next(item["fields"] for item in objects if item["model"] == "articles.article")
        author = next(
            item["fields"]["name"].title()
            for item in objects
            if item["model"] == "articles.author" and item["pk"] == article["author"]
        )
        image = get_image_model()(title="Ảnh minh họa", file=photo())
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
