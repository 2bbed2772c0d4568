"""``manage.py seed_demo --articles 100000 --seed 1``: synthetic demo articles for load tests and benchmarks.

Every demo article is marked three ways: the headline starts with "[Demo]", the lead says it is generated
demo content, and ``source_key`` is ``demo:<seed>:<n>`` (which is also how ``--delete`` finds them). Demo
authors, tags and threads are named "[Demo] …". The text for a seed is always the same; publication dates are spread
over the two years before the run. Each article has one to four tags (a few common, many rare, as real tags are), some
belong to a thread, and some have a photographer besides their writer, so that benchmarks meet each part of the
article page.

A second run with the same seed refuses (it would only repeat the same articles); another seed adds more.
"""

import random
from datetime import timedelta
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from articles.models import Article, ArticleTag, Author, Contribution, Section, Tag, Thread
from articles.text import slugify

DEMO_PREFIX = "[Demo] "
DEMO_LEAD = "Bài demo do máy tạo để thử hệ thống, không phải tin thật."
SOURCE_PREFIX = "demo:"
SECTIONS = ["Thời sự", "Kinh tế", "Xã hội", "Văn hóa", "Giáo dục", "Thể thao"]
AUTHORS = ["THANH THY", "HOÀNG VŨ", "MINH HUYỀN", "ĐĂNG KHOA", "BẢO NGỌC", "QUỐC TRUNG", "KIM LIÊN", "TRƯỜNG GIANG"]
SPREAD = timedelta(days=730)
# Tags, most used first (drawn with Zipf-like weights, as the words below), and threads: one article in THREAD_EVERY
# belongs to one; one in PHOTO_EVERY has a photographer (another demo author) credited beside its writer.
TAGS = """Cần Thơ|Ninh Kiều|Cái Răng|Bình Thủy|Ô Môn|Thốt Nốt|Phong Điền|Cờ Đỏ|Vĩnh Thạnh|Thới Lai|nông nghiệp|
hợp tác xã|lúa gạo|trái cây|thủy sản|mùa nước nổi|hạn mặn|sạt lở|giao thông|y tế|giáo dục|du lịch|chợ nổi|
chuyển đổi số|khởi nghiệp|doanh nghiệp|đầu tư|xuất khẩu|an sinh|môi trường|bóng đá|đờn ca tài tử|lễ hội|
Hội đồng nhân dân|xây dựng Đảng|thanh niên
""".replace("\n", "").split("|")
TAG_WEIGHTS = list(accumulate(1 / (rank + 3) for rank in range(len(TAGS))))
THREADS = ["Mùa nước nổi", "Kỳ họp Hội đồng nhân dân", "Đổi mới hợp tác xã", "Phòng chống sạt lở", "Chuyển đổi số"]
THREAD_EVERY = 20
PHOTO_EVERY = 4

# Most frequent first: word n is drawn with weight 1/(n+5) (Zipf-like), as in real text, so a benchmark meets both
# very common words ("phát triển") and rarer ones ("Đức Phương").
WORDS = """
phát triển|kinh tế|người dân|thành phố|Cần Thơ|hợp tác xã|năm|công tác|địa phương|xây dựng|thực hiện|tỉnh|
nông nghiệp|doanh nghiệp|chính quyền|hỗ trợ|đầu tư|dự án|sản xuất|giáo dục|văn hóa|xã hội|an ninh|
trật tự|giao thông|y tế|bệnh viện|trường học|học sinh|sinh viên|nhà nước|quốc gia|nhân dân|cán bộ|
đảng viên|chi bộ|nghị quyết|hội nghị|tổng kết|triển khai|kế hoạch|mục tiêu|nhiệm vụ|giải pháp|
tăng trưởng|thu nhập|việc làm|lao động|thị trường|xuất khẩu|lúa gạo|trái cây|thủy sản|con tôm|cá tra|
đồng bằng|sông Cửu Long|Ninh Kiều|Cái Răng|Bình Thủy|Phong Điền|Ô Môn|Thốt Nốt|Vĩnh Thạnh|Cờ Đỏ|
Hậu Giang|Sóc Trăng|Vĩnh Long|An Giang|Kiên Giang|Đồng Tháp|Bạc Liêu|Cà Mau|Tiền Giang|Bến Tre|Trà Vinh|
mùa nước nổi|hạn mặn|biến đổi khí hậu|sạt lở|bờ kè|cầu|đường|chợ nổi|du lịch|lễ hội|khách|
trách nhiệm|tinh thần|đoàn kết|đổi mới|sáng tạo|chuyển đổi số|công nghệ|khởi nghiệp|thanh niên|phụ nữ|
người cao tuổi|trẻ em|gia đình|hộ nghèo|an sinh|nhà ở|đất đai|quy hoạch|môi trường|rác thải|nước sạch|
điện|năng lượng|ngân hàng|tín dụng|vốn vay|lãi suất|giá cả|xăng dầu|thời tiết|mưa|nắng|bão|
bóng đá|thể thao|giải đấu|vận động viên|huy chương|nghệ thuật|âm nhạc|đờn ca tài tử|sách|thư viện|
Đức Phương|Thanh Thy|Minh Châu|Hồng Nhung|Quốc Bảo|Ngọc Hân|Văn Toàn|Thị Mai|Hữu Nghĩa|Kim Ngân|
ủy ban|hội đồng nhân dân|mặt trận|công đoàn|cựu chiến binh|hội nông dân|liên minh|tập thể|thành viên|
hiệu quả|chất lượng|bền vững|toàn diện|tích cực|khó khăn|thuận lợi|cơ hội|thách thức|kết quả|
tháng|tuần|ngày|sáng nay|chiều qua|hôm nay|vừa qua|sắp tới|đầu năm|cuối năm|
cho biết|khẳng định|nhấn mạnh|đề nghị|yêu cầu|kiến nghị|chia sẻ|ghi nhận|đánh giá|chỉ đạo|
rất|đã|đang|sẽ|được|cùng|với|và|của|cho|tại|trong|ngoài|trên|dưới|nhiều|các|những|một|hai|ba
""".replace("\n", "").split("|")
# Real news also has a long tail of names that few articles mention: one in RARE_EVERY articles gets one of
# these (about 100 articles each at 100,000), so a benchmark can search a rare word too.
RARE_WORDS = """Mỹ Khánh|Tân Lộc|Giai Xuân|Trường Long|Nhơn Ái|Thới Lai|Thạnh An|Trung An|Long Tuyền|An Khánh|
Tân Thới|Thới Hưng|Đông Hiệp|Xuân Thắng|Trường Xuân|Định Môn|Tân Hòa|Mỹ Thuận|Phước Thới|Thới Thạnh
""".replace("\n", "").split("|")
RARE_EVERY = 50
CUMULATIVE_WEIGHTS = list(accumulate(1 / (rank + 5) for rank in range(len(WORDS))))


class Command(BaseCommand):
    help = "Tạo bài viết demo (đánh dấu “[Demo]”) hàng loạt để thử tải và đo tốc độ."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="số bài cần tạo (mặc định 1000)")
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên: cùng seed, cùng nội dung")
        parser.add_argument("--batch-size", type=int, default=2000, help="số bài mỗi lần ghi (mặc định 2000)")
        parser.add_argument("--delete", action="store_true", help="xóa mọi bài và tác giả demo rồi thoát")

    def handle(self, *args, articles, seed, batch_size, delete, **options):
        if delete:
            return self.delete_demo()
        if articles < 1 or batch_size < 1:
            raise CommandError("--articles và --batch-size phải là số dương.")
        existing = Article.objects.filter(source_key__startswith=f"{SOURCE_PREFIX}{seed}:").count()
        if existing:
            raise CommandError(
                f"Đã có {existing} bài demo với --seed {seed}; chạy lại sẽ chỉ lặp lại chúng. "
                "Dùng --seed khác để thêm bài, hoặc --delete để xóa hết bài demo."
            )
        rng = random.Random(seed)
        now = timezone.now()
        progress = tqdm(total=articles, unit=" bài", disable=None if options["verbosity"] else True)
        with transaction.atomic(), progress:
            sections = [
                Section.objects.get_or_create(name=name, defaults={"position": position})[0]
                for position, name in enumerate(SECTIONS)
            ]
            authors = [Author.objects.get_or_create(name=f"{DEMO_PREFIX}{name}")[0] for name in AUTHORS]
            tags = [Tag.objects.get_or_create(name=f"{DEMO_PREFIX}{name}")[0] for name in TAGS]
            threads = [Thread.objects.get_or_create(name=f"{DEMO_PREFIX}{name}")[0] for name in THREADS]
            # Links drawn apart from the text, so that a seed's articles read as they did before there were any.
            links = random.Random(f"{seed}:links")
            for start in range(0, articles, batch_size):
                batch = [
                    self.demo_article(rng, seed, n, now, sections, authors)
                    for n in range(start, min(start + batch_size, articles))
                ]
                for article in batch:
                    if links.randrange(THREAD_EVERY) == 0:
                        article.thread = links.choice(threads)
                Article.objects.bulk_create(batch)
                self.link(links, batch, tags, authors)
                progress.update(len(batch))
        with connection.cursor() as cursor:
            # The table changed shape all at once: give the query planner fresh statistics now (PostgreSQL's
            # autovacuum would, later; nothing would on SQLite, which then plans some queries badly).
            for model in (Article, ArticleTag, Contribution):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(
            f"Đã tạo {articles} bài demo (seed {seed}) trong {len(sections)} chuyên mục, {len(authors)} tác giả, "
            f"{len(tags)} thẻ, {len(threads)} dòng sự kiện."
        )

    @staticmethod
    def link(rng, articles, tags, authors):
        """Give each of `articles` (created) one to four tags, in order, and one in PHOTO_EVERY a photographer."""
        article_tags, credits = [], []
        for article in articles:
            chosen = dict.fromkeys(rng.choices(tags, cum_weights=TAG_WEIGHTS, k=rng.randint(1, 4)))
            article_tags += [ArticleTag(article=article, tag=tag, position=i) for i, tag in enumerate(chosen)]
            if rng.randrange(PHOTO_EVERY) == 0:
                photographer = rng.choice([author for author in authors if author != article.author])
                credits.append(Contribution(article=article, author=photographer, role=Contribution.Role.PHOTO))
        ArticleTag.objects.bulk_create(article_tags)
        Contribution.objects.bulk_create(credits)

    @staticmethod
    def demo_article(rng, seed, n, now, sections, authors):
        """One published demo article, built and indexed as Article.save() would, for bulk_create."""
        title = sentence(rng, 7, 13)[:-1]
        paragraphs = [
            " ".join(sentence(rng, 8, 20) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(3, 6))
        ]
        if rng.randrange(RARE_EVERY) == 0:
            paragraphs.append(f"Tin từ {rng.choice(RARE_WORDS)}.")
        article = Article(
            headline=DEMO_PREFIX + title,
            slug=f"demo-{seed}-{n}-{slugify(title, max_length=80)}",
            lead=f"{DEMO_LEAD} {sentence(rng, 12, 24)}",
            body="\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
            author=rng.choice(authors),
            section=rng.choice(sections),
            status=Article.Status.PUBLISHED,
            published_at=now - SPREAD * rng.random(),
            source_key=f"{SOURCE_PREFIX}{seed}:{n}",
        )
        article.fill_text_columns()
        return article

    def delete_demo(self):
        with transaction.atomic():
            _, deleted = Article.objects.filter(source_key__startswith=SOURCE_PREFIX).delete()
            Author.objects.filter(
                name__startswith=DEMO_PREFIX, articles__isnull=True, contributions__isnull=True
            ).delete()
            for model in (Tag, Thread):
                model.objects.filter(name__startswith=DEMO_PREFIX, articles__isnull=True).delete()
        self.stdout.write(f"Đã xóa {deleted.get('articles.Article', 0)} bài demo.")


def sentence(rng, shortest, longest):
    """A sentence of demo words (capitalised, with a full stop); the body holds no markup to sanitise."""
    words = rng.choices(WORDS, cum_weights=CUMULATIVE_WEIGHTS, k=rng.randint(shortest, longest))
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]}."
