from django.core.management.base import BaseCommand, CommandError

from articles.importer import ImportFileError, Outcome, import_all, open_sources, read_image, summary
from articles.models import Section

# Above this many files every line carries a [k/N] counter: progress that survives logs and pipes, unlike a bar.
PROGRESS_ABOVE = 5


class Command(BaseCommand):
    help = (
        "Nhập bài từ tệp văn bản theo định dạng của báo (ngày giờ, tiêu đề, sapo, chú thích ảnh, nội dung, "
        "bút danh). Nhận tệp .txt, thư mục (mọi tệp .txt bên trong) và tệp .zip. Nhập lại cùng tệp không tạo "
        "bài trùng; tệp đã sửa cập nhật bài cũ."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Tệp .txt, thư mục hoặc tệp .zip.")
        parser.add_argument("--publish", action="store_true", help="Xuất bản theo dòng ngày giờ (mặc định: nháp).")
        parser.add_argument("--section", metavar="SLUG", help="Đưa bài vào chuyên mục có đường dẫn SLUG.")
        parser.add_argument("--image", metavar="FILE", help="Ảnh đại diện cho bài (chỉ khi nhập đúng một tệp).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đọc và báo cáo, không ghi gì.")

    def handle(self, *args, paths, publish, section, image, dry_run, verbosity, **options):
        section = self._section(section)
        outcomes = []
        with open_sources(paths) as sources:
            if image is not None and len(sources) != 1:
                raise CommandError(f"--image chỉ dùng khi nhập đúng một tệp (ở đây có {len(sources)} tệp).")
            try:
                photo = read_image(image) if image is not None else None
            except ImportFileError as exc:
                raise CommandError(f"{exc} Không nhập gì.") from exc
            if dry_run:
                self.stdout.write("Chạy thử (--dry-run): không ghi gì vào cơ sở dữ liệu.")
            results = import_all(sources, publish=publish, section=section, image=photo, dry_run=dry_run)
            for number, result in enumerate(results, start=1):
                outcomes.append(result.outcome)
                failed = result.outcome is Outcome.FAILED
                if verbosity >= 1 or failed:
                    counter = f"[{number}/{len(sources)}] " if len(sources) > PROGRESS_ABOVE else ""
                    line = counter + str(result)
                    self.stdout.write(self.style.ERROR(line) if failed else line)

        totals = f"Kết quả{' (chạy thử)' if dry_run else ''}: {summary(outcomes)}."
        if Outcome.FAILED in outcomes:
            raise CommandError(f"{totals} Tệp lỗi không được ghi gì; sửa tệp rồi chạy lại.")
        self.stdout.write(self.style.SUCCESS(totals))

    def _section(self, slug):
        if slug is None:
            return None
        try:
            return Section.objects.get(slug=slug)
        except Section.DoesNotExist:
            known = ", ".join(Section.objects.values_list("slug", flat=True)) or "chưa có chuyên mục nào"
            raise CommandError(f"Không có chuyên mục «{slug}» (hiện có: {known}). Không nhập gì.") from None
