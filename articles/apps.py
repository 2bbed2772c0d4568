from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Tin bài"

    def ready(self):
        # Registers Article with django-reversion and records a revision for every save, whoever makes it.
        from articles import revisions  # noqa: F401
