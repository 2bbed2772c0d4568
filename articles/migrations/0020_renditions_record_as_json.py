# On PostgreSQL the photo record's column becomes json (renditions.RecordField.db_type says why). Elsewhere nothing
# changes: SQLite keeps JSON as text already. The migration state does not change either: the field is the same.
# PostgreSQL rewrites both tables, locked meanwhile: about 15 s for 100,000 articles on the benchmark's machine.

from django.db import migrations

TABLES = ("articles_article", "articles_thread")


def alter(type_):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            column = schema_editor.quote_name("image_renditions")
            schema_editor.execute(
                f"ALTER TABLE {schema_editor.quote_name(table)} ALTER COLUMN {column} TYPE {type_} USING {column}::{type_}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_renditions_record_field"),
    ]

    operations = [migrations.RunPython(alter("json"), alter("jsonb"))]
