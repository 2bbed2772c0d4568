# The desk workflow's defaults: the groups "Trưởng ban" (desk head, for the sections assigned to them) and "Thư ký tòa
# soạn" (newsroom secretary), and the four stages with the role acting at each. An administrator changes both in the
# admin afterwards. Drafts already written wait at the first stage, since their last save.

from django.db import migrations
from django.db.models import F

DESK_PERMISSIONS = ["view_article", "change_article", "view_author", "view_section", "view_correction"]
# (name, group acting there, on which articles): in order.
STAGES = [
    ("Nháp", "Phóng viên", "own"),
    ("Chờ ban biên tập", "Trưởng ban", "sections"),
    ("Chờ duyệt", "Thư ký tòa soạn", "all"),
    ("Đã duyệt", "Tổng biên tập", "all"),
]


def create_desk(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the groups need them now, on a fresh database too.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    DeskStage = apps.get_model("articles", "DeskStage")
    Article = apps.get_model("articles", "Article")
    desk_permissions = Permission.objects.filter(content_type__app_label="articles", codename__in=DESK_PERMISSIONS)
    for name in ("Trưởng ban", "Thư ký tòa soạn"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*desk_permissions)
    for position, (name, group, scope) in enumerate(STAGES, 1):
        DeskStage.objects.get_or_create(
            name=name,
            defaults={"position": position, "group": Group.objects.get_or_create(name=group)[0], "scope": scope},
        )
    first = DeskStage.objects.order_by("position", "id").first()
    Article.objects.filter(status="draft", stage__isnull=True).update(stage=first, stage_since=F("updated_at"))


def remove_desk(apps, schema_editor):
    apps.get_model("articles", "Article").objects.update(stage=None, stage_since=None)
    apps.get_model("articles", "DeskStage").objects.filter(name__in=[name for name, _, _ in STAGES]).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=["Trưởng ban", "Thư ký tòa soạn"]).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_desk_workflow")]

    operations = [migrations.RunPython(create_desk, remove_desk)]
