# The reading time each card and article page prints, derived from the text on every save (Article.fill_text_columns);
# existing articles get theirs here. And the author in the lists' main index, for a person's list (Author.listing).

from django.db import migrations, models

from articles import formatting
from articles.sanitize import html_to_text

BATCH = 1000


def fill_reading_time(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = Article.objects.using(schema_editor.connection.alias)
    batch = []
    for article in articles.only("headline", "lead", "body").iterator(chunk_size=BATCH):
        article.reading_time = formatting.reading_minutes(
            f"{article.headline} {article.lead} {html_to_text(article.body)}"
        )
        batch.append(article)
        if len(batch) == BATCH:
            articles.bulk_update(batch, ["reading_time"])
            batch = []
    articles.bulk_update(batch, ["reading_time"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_admin_tag_merge_and_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="reading_time",
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="thời gian đọc (phút)"),
        ),
        migrations.RunPython(fill_reading_time, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="article", name="article_visible_idx"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "-published_at", "-id", "unpublish_at", "author"], name="article_visible_idx"
            ),
        ),
    ]
