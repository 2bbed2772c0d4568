from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import audit


class Command(BaseCommand):
    help = (
        "Xoá hẳn các dòng nhật ký cũ hơn số ngày cho trước — cách duy nhất, có chủ ý, để bỏ dòng nhật ký "
        "(trên PostgreSQL, trigger chặn mọi UPDATE/DELETE khác). Cần --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days", type=int, required=True, help="Giữ lại các dòng mới hơn ngần này ngày."
        )
        parser.add_argument("--yes", action="store_true", help="Xác nhận xoá.")

    def handle(self, *args, **options):
        days = options["older_than_days"]
        if days < 1:
            raise CommandError("Số ngày phải từ 1 trở lên.")
        if not options["yes"]:
            raise CommandError("Thêm --yes để xác nhận: các dòng bị xoá không lấy lại được.")
        removed = audit.purge(timezone.now() - timedelta(days=days))
        self.stdout.write(f"Đã xoá {removed} dòng nhật ký cũ hơn {days} ngày.")
