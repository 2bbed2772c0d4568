# The audit log's act for merging tags, and the roles' permissions on the models of 0016: editors manage tags and
# threads; everyone who writes may pick them and type a new tag on an article (the article's contributors and
# related picks follow the article's own rule, articles/admin/linked.py).

from django.db import migrations, models

NEW_MODELS = ["tag", "tagredirect", "thread", "articletag", "contribution", "relatedpick"]
WRITERS = ["Phóng viên", "Trưởng ban", "Thư ký tòa soạn"]
WRITER_PERMISSIONS = ["view_tag", "add_tag", "view_thread"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the groups need them now, on a fresh database too.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    new = Permission.objects.filter(content_type__app_label="articles", content_type__model__in=NEW_MODELS)
    for name in ("Biên tập viên", "Tổng biên tập"):
        Group.objects.get_or_create(name=name)[0].permissions.add(*new)
    for name in WRITERS:
        Group.objects.get_or_create(name=name)[0].permissions.add(*new.filter(codename__in=WRITER_PERMISSIONS))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    new = Permission.objects.filter(content_type__app_label="articles", content_type__model__in=NEW_MODELS)
    for group in apps.get_model("auth", "Group").objects.all():
        group.permissions.remove(*new)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_tags_threads_bylines"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="act",
            field=models.CharField(
                choices=[
                    ("create", "Tạo bài"),
                    ("edit", "Sửa bài"),
                    ("submit", "Gửi duyệt"),
                    ("forward", "Chuyển tiếp"),
                    ("send_back", "Trả lại"),
                    ("take_back", "Rút lại"),
                    ("approve", "Duyệt"),
                    ("publish", "Xuất bản"),
                    ("schedule", "Hẹn giờ"),
                    ("unpublish", "Gỡ về bản nháp"),
                    ("expire", "Hết hạn theo giờ hẹn gỡ"),
                    ("takedown", "Gỡ bài theo yêu cầu"),
                    ("reinstate", "Đưa bài đã gỡ trở lại"),
                    ("correction", "Đăng cải chính"),
                    ("restore", "Khôi phục bản lưu"),
                    ("delete", "Xoá bài"),
                    ("recover", "Khôi phục bài đã xoá"),
                    ("share", "Tạo liên kết xem trước"),
                    ("revoke_share", "Thu hồi liên kết xem trước"),
                    ("front_page", "Sửa trang nhất"),
                    ("front_restore", "Khôi phục trang nhất"),
                    ("front_sections", "Đổi khối chuyên mục ở trang nhất"),
                    ("tag_merge", "Gộp thẻ"),
                ],
                max_length=16,
                verbose_name="việc",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
