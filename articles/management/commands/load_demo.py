from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import Outcome, import_source, open_sources, read_image, summary
from articles.models import Section

DEMO_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
# One folder of DEMO_DIR per section, by slug; positions follow the HTX fixture's "Xây dựng Đảng" (1).
DEMO_SECTIONS = {
    "thoi-su": ("Thời sự", 2),
    "kinh-te": ("Kinh tế", 3),
    "van-hoa": ("Văn hóa", 4),
    "the-thao": ("Thể thao", 5),
}


class Command(BaseCommand):
    help = (
        "Nạp nội dung mẫu cho bản trình diễn: bốn chuyên mục và tám bài ghi rõ «Bài mẫu», nhập bằng import_articles "
        "từ articles/fixtures/demo/ (ảnh cùng tên .jpg nếu có). Chạy sau «loaddata htx»; chạy lại không đổi gì."
    )

    def handle(self, *args, verbosity, **options):
        outcomes = []
        for slug, (name, position) in DEMO_SECTIONS.items():
            section, _ = Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "position": position, "on_front": True, "front_position": position}
            )
            folder = DEMO_DIR / slug
            with open_sources([folder]) as sources:
                for source in sources:
                    photo = folder / f"{source.key}.jpg"
                    image = read_image(photo) if photo.exists() else None
                    result = import_source(source, publish=True, section=section, image=image)
                    outcomes.append(result.outcome)
                    if verbosity >= 2 or result.outcome is Outcome.FAILED:
                        self.stdout.write(str(result))
        totals = f"Nội dung mẫu: {summary(outcomes)}."
        if Outcome.FAILED in outcomes:
            raise CommandError(totals)
        self.stdout.write(self.style.SUCCESS(totals))
