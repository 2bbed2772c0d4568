from django.core.management.base import BaseCommand

from articles.models import Article


class Command(BaseCommand):
    help = (
        "Tạo các cỡ ảnh (renditions) còn thiếu cho ảnh bài viết, ví dụ sau loaddata (không qua Article.save()). "
        "--all: tạo lại tất cả, sau khi đổi cỡ hoặc định dạng trong articles/renditions.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Tạo lại cả những ảnh đã có đủ cỡ.")

    def handle(self, *args, **options):
        made = failed = 0
        for article in Article.objects.exclude(image="").only("image", "image_renditions").iterator():
            if options["all"]:
                article.image_renditions = {}
            if not article.refresh_renditions():
                continue
            # update(), not save(): this changes nothing an editor wrote, so no new version or modification time.
            Article.objects.filter(pk=article.pk).update(image_renditions=article.image_renditions)
            if article.image_renditions.get("files"):
                made += 1
            else:
                failed += 1
                self.stderr.write(
                    f"Bài #{article.pk}: không đọc được ảnh “{article.image.name}” (thiếu tệp hoặc tệp hỏng)."
                )
        self.stdout.write(f"Đã tạo ảnh các cỡ cho {made} bài viết" + (f"; {failed} bài có ảnh lỗi." if failed else "."))
