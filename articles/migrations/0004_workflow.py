# Workflow: audit fields, optimistic-lock version, expiry, old slugs, autosaves, preview links, and the two roles.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REPORTER_PERMISSIONS = [
    "add_article",
    "change_article",
    "delete_article",
    "view_article",
    "view_author",
    "view_section",
]


def create_roles(apps, schema_editor):
    """Groups "Phóng viên" (writes, cannot publish) and "Biên tập viên" (every article permission, and publishing)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the groups need them now, on a fresh database too.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    article_perms = Permission.objects.filter(content_type__app_label="articles")
    reporter, _ = Group.objects.get_or_create(name="Phóng viên")
    reporter.permissions.set(article_perms.filter(codename__in=REPORTER_PERMISSIONS))
    editor, _ = Group.objects.get_or_create(name="Biên tập viên")
    editor.permissions.set(article_perms)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Phóng viên", "Biên tập viên"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_image_renditions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Autosave",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("data", models.JSONField()),
                ("saved_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="OldSlug",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(max_length=200, unique=True, verbose_name="đường dẫn cũ")),
            ],
            options={
                "verbose_name": "đường dẫn cũ",
                "verbose_name_plural": "đường dẫn cũ",
            },
        ),
        migrations.CreateModel(
            name="PreviewLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField(verbose_name="hết hạn lúc")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="thu hồi lúc")),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.AlterModelOptions(
            name="article",
            options={
                "get_latest_by": "published_at",
                "ordering": ["-published_at", "-id"],
                "permissions": [("publish_article", "Có thể xuất bản, gỡ, hẹn giờ và khôi phục bài viết")],
                "verbose_name": "bài viết",
                "verbose_name_plural": "bài viết",
            },
        ),
        migrations.AddField(
            model_name="article",
            name="created_by",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người tạo",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="unpublish_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Không bắt buộc. Từ thời điểm này bài tự ẩn khỏi trang như khi bị gỡ.",
                null=True,
                verbose_name="gỡ bài lúc",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="updated_by",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người sửa cuối",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="phiên bản"),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("unpublish_at__isnull", True),
                    ("published_at__isnull", True),
                    ("unpublish_at__gt", models.F("published_at")),
                    _connector="OR",
                ),
                name="unpublish_after_publish",
                violation_error_message="Thời điểm gỡ bài phải sau thời gian xuất bản.",
            ),
        ),
        migrations.AddField(
            model_name="autosave",
            name="article",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="autosaves", to="articles.article"
            ),
        ),
        migrations.AddField(
            model_name="autosave",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="oldslug",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="old_slugs", to="articles.article"
            ),
        ),
        migrations.AddField(
            model_name="previewlink",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="preview_links", to="articles.article"
            ),
        ),
        migrations.AddField(
            model_name="previewlink",
            name="created_by",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddConstraint(
            model_name="autosave",
            constraint=models.UniqueConstraint(
                condition=models.Q(("article__isnull", False)),
                fields=("user", "article"),
                name="one_autosave_per_article",
            ),
        ),
        migrations.AddConstraint(
            model_name="autosave",
            constraint=models.UniqueConstraint(
                condition=models.Q(("article__isnull", True)), fields=("user",), name="one_autosave_per_new"
            ),
        ),
        migrations.RunPython(create_roles, delete_roles),
    ]
