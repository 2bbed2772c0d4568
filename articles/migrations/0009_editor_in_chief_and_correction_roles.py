# The "Tổng biên tập" group (editor-in-chief: everything an editor does, and taking down on order), and the new
# models' permissions for the existing groups: reporters draft corrections; editors publish them and read the log.

from django.db import migrations

REPORTER_CORRECTIONS = ["add_correction", "change_correction", "delete_correction", "view_correction"]


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the groups need them now, on a fresh database too.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every = Permission.objects.filter(content_type__app_label="articles")
    editor_in_chief, _ = Group.objects.get_or_create(name="Tổng biên tập")
    editor_in_chief.permissions.set(every)
    editor, _ = Group.objects.get_or_create(name="Biên tập viên")
    editor.permissions.add(*every.exclude(codename="take_down_article"))
    reporter, _ = Group.objects.get_or_create(name="Phóng viên")
    reporter.permissions.add(*every.filter(codename__in=REPORTER_CORRECTIONS))


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Tổng biên tập").delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_corrections_takedowns_audit_log")]

    operations = [migrations.RunPython(create_roles, delete_roles)]
