from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from articles.models import Author, Section
from articles.workflow import DESK_HEADS, EDITORS, EDITORS_IN_CHIEF, REPORTERS, SECRETARIES

DEMO_EDITOR = {"username": "bientap", "password": "newsroom-demo"}
DEMO_REPORTER = {"username": "phongvien", "password": "newsroom-demo"}
DEMO_EDITOR_IN_CHIEF = {"username": "tongbientap", "password": "newsroom-demo"}
DEMO_DESK_HEAD = {"username": "truongban", "password": "newsroom-demo"}
DEMO_SECRETARY = {"username": "thuky", "password": "newsroom-demo"}
DEMO_REPORTER_BYLINE = "PHÓNG VIÊN DEMO"


class Command(BaseCommand):
    help = (
        "Tạo tài khoản demo: tổng biên tập, thư ký tòa soạn, trưởng ban (mọi chuyên mục), biên tập viên và phóng viên "
        "(chỉ khi DEBUG bật — không bao giờ trên máy chủ thật)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Từ chối tạo tài khoản demo khi DEBUG tắt: mật khẩu demo được công bố trong README.")
        self.account(DEMO_EDITOR_IN_CHIEF, EDITORS_IN_CHIEF, "tổng biên tập")
        self.account(DEMO_SECRETARY, SECRETARIES, "thư ký tòa soạn")
        desk_head = self.account(DEMO_DESK_HEAD, DESK_HEADS, "trưởng ban")
        # The demo desk head receives every section's articles at the desk.
        desk_head.desk_sections.set(Section.objects.all())
        self.account(DEMO_EDITOR, EDITORS, "biên tập")
        reporter = self.account(DEMO_REPORTER, REPORTERS, "phóng viên")
        # The reporter's byline is linked to the account, so the articles signed with it count as theirs.
        Author.objects.get_or_create(user=reporter, defaults={"name": DEMO_REPORTER_BYLINE})

    def account(self, credentials, group_name, role):
        user, created = get_user_model().objects.get_or_create(username=credentials["username"])
        user.is_staff = True
        user.set_password(credentials["password"])
        user.save()
        # The role comes from the group alone (migrations 0004, 0009, 0011): the demo shows what a real account gets.
        user.user_permissions.clear()
        user.groups.set([Group.objects.get(name=group_name)])
        verb = "Đã tạo" if created else "Đã đặt lại"
        self.stdout.write(f"{verb} tài khoản {role} demo: {credentials['username']} / {credentials['password']}")
        return user
