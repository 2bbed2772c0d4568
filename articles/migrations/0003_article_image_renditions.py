from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_article_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="image_renditions",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
