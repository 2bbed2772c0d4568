from django.core.management.base import BaseCommand

from articles import workflow


class Command(BaseCommand):
    help = (
        "Ghi vào nhật ký (người làm: hệ thống) các bài đã tới giờ “gỡ bài lúc”. Chạy mỗi phút bằng cron; "
        "chạy lại không ghi trùng."
    )

    def handle(self, *args, **options):
        recorded = workflow.record_expiries()
        self.stdout.write(f"Đã ghi {recorded} bài hết hạn vào nhật ký.")
