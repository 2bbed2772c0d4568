# Indexes that hold every column the public lists read (articles/pagination.py), and one for the admin's list.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_visible_idx",
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "-published_at", "-id", "unpublish_at"], name="article_visible_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["section", "status", "-published_at", "-id", "unpublish_at"], name="article_section_visible_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["author", "status", "-published_at", "-id", "unpublish_at"], name="article_author_visible_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
        ),
        # Statistics for the new indexes at once: SQLite's planner, lacking them, takes an index it knows nothing
        # about for a cheap one (measured: loading a page's 20 articles by walking the date index, 20 ms at 100,000).
        migrations.RunSQL("ANALYZE articles_article", migrations.RunSQL.noop),
    ]
