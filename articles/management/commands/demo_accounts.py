from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

DEMO_EDITOR = {"username": "bientap", "password": "newsroom-demo"}


class Command(BaseCommand):
    help = "Tạo tài khoản biên tập viên demo (chỉ khi DEBUG bật — không bao giờ trên máy chủ thật)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Từ chối tạo tài khoản demo khi DEBUG tắt: mật khẩu demo được công bố trong README.")
        user, created = get_user_model().objects.get_or_create(username=DEMO_EDITOR["username"])
        user.is_staff = True
        user.set_password(DEMO_EDITOR["password"])
        user.save()
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
        verb = "Đã tạo" if created else "Đã đặt lại"
        self.stdout.write(f"{verb} tài khoản biên tập demo: {DEMO_EDITOR['username']} / {DEMO_EDITOR['password']}")
