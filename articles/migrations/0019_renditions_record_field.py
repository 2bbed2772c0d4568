# The photo record's field parses each different record once per process (renditions.RecordField). The column stays
# what it was: only the migration state changes. An AlterField would make SQLite copy the whole article table into a
# new one, and lose the planner's statistics with it.

from django.db import migrations

import articles.renditions


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_reading_time"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model_name,
                    name="image_renditions",
                    field=articles.renditions.RecordField(blank=True, default=dict, editable=False),
                )
                for model_name in ("article", "thread")
            ]
        ),
    ]
