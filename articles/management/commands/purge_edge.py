from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.models import PendingPurge
from articles.pagecache import purges


class Command(BaseCommand):
    help = (
        "Xoá trang khỏi bộ nhớ đệm Varnish (NEWSROOM_VARNISH_URLS) theo khoá, ví dụ `all` sau khi triển khai bản mới; "
        "không có khoá: gửi lại ngay các lệnh xoá đang chờ (chạy định kỳ để không lệnh nào bị bỏ quên)."
    )

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="Khoá cần xoá: all, front, lists, feeds, sitemaps, article:<id>…")

    def handle(self, *args, keys, **options):
        if not settings.VARNISH_URLS:
            raise CommandError("Chưa đặt NEWSROOM_VARNISH_URLS: không có Varnish nào để xoá.")
        if keys:
            failed = purges.purge(set(keys))
            for target, error in failed.items():
                self.stderr.write(f"{target}: không gửi được ({error}); lệnh đã được xếp hàng để gửi lại.")
            self.stdout.write(f"Đã gửi lệnh xoá {purges.header(set(keys))} tới {len(settings.VARNISH_URLS)} Varnish.")
        else:
            purges.retry(due_only=False)
        waiting = PendingPurge.objects.count()
        self.stdout.write(f"Còn {waiting} lệnh xoá chờ gửi lại." if waiting else "Không còn lệnh xoá nào chờ gửi lại.")
        if waiting:
            raise CommandError("Có Varnish chưa nhận được lệnh xoá; xem nhật ký (log) để biết lý do.")
