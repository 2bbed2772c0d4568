# Search columns and their index: FTS5 + triggers on SQLite, a GIN tsvector index on PostgreSQL (articles/search.py).

from django.db import migrations, models

from articles import search


def fill_search_columns(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = Article.objects.using(schema_editor.connection.alias)
    for article in articles.only("headline", "lead", "body").iterator(chunk_size=1000):
        article.search_headline, article.search_text = search.index_columns(
            article.headline, article.lead, article.body
        )
        article.save(update_fields=["search_headline", "search_text"])


def create_index(apps, schema_editor):
    search.create_index(schema_editor.connection)


def drop_index(apps, schema_editor):
    search.drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_headline",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        # Fill the columns before the index exists, so the FTS table is built once from final values.
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
