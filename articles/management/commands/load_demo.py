from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import Outcome, import_source, open_sources, read_image, summary
from articles.models import Article, ArticleTag, Section, Tag, Thread
from articles.text import fold

DEMO_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
# One folder of DEMO_DIR per section, by slug; positions follow the HTX fixture's "Xây dựng Đảng" (1).
DEMO_SECTIONS = {
    "thoi-su": ("Thời sự", 2),
    "kinh-te": ("Kinh tế", 3),
    "van-hoa": ("Văn hóa", 4),
    "the-thao": ("Thể thao", 5),
}

# The demo articles' tags, in order (the first the primary one), and those that make a story thread, oldest first.
DEMO_TAGS = {
    "demo-01-xe-buyt-dien": ["Giao thông", "Chuyển đổi số"],
    "demo-02-tiep-nhan-ho-so-buoi-toi": ["Cải cách hành chính", "Chuyển đổi số"],
    "demo-03-htx-rau-dat-hang": ["Hợp tác xã", "Nông nghiệp"],
    "demo-04-cho-khong-tien-mat": ["Chuyển đổi số", "Chợ"],
    "demo-05-thu-vien-mo-cua-toi": ["Thư viện", "Văn hóa đọc"],
    "demo-06-don-ca-tai-tu-hoc-sinh": ["Đờn ca tài tử", "Học sinh"],
    "demo-07-giai-chay-ven-song": ["Chạy bộ", "Giao thông"],
    "demo-08-bong-da-nu-thieu-nien": ["Bóng đá", "Học sinh"],
}
DEMO_THREAD = "Bài mẫu: Thành phố số"
DEMO_THREAD_INTRO = "Dòng sự kiện mẫu: những bài mẫu về dịch vụ số của một thành phố giả định."
DEMO_THREAD_ARTICLES = ["demo-01-xe-buyt-dien", "demo-02-tiep-nhan-ho-so-buoi-toi", "demo-04-cho-khong-tien-mat"]


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
        self.link_demo()
        self.stdout.write(self.style.SUCCESS(totals))

    @staticmethod
    def link_demo():
        """The demo articles' tags and thread, where missing: a second run reads and writes nothing more."""
        articles = {article.source_key: article for article in Article.objects.filter(source_key__in=DEMO_TAGS)}
        for key, article in articles.items():
            for position, name in enumerate(DEMO_TAGS[key]):
                tag = Tag.objects.get_or_create(folded=fold(name), defaults={"name": name})[0]
                ArticleTag.objects.get_or_create(article=article, tag=tag, defaults={"position": position})
        thread = Thread.objects.get_or_create(name=DEMO_THREAD, defaults={"intro": DEMO_THREAD_INTRO})[0]
        outside = [articles[key].pk for key in DEMO_THREAD_ARTICLES if key in articles and not articles[key].thread_id]
        if outside:
            Article.objects.filter(pk__in=outside).update(thread=thread)
