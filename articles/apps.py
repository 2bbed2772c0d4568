from django.apps import AppConfig
from django.db.models.signals import post_init, post_save


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Tin bài"

    def ready(self):
        # Registers Article with django-reversion and records a revision for every save, whoever makes it.
        from articles import revisions  # noqa: F401

        # django-imagekit, on import, listens to post_init and post_save of every model, for ImageSpecFields. We have
        # none (articles/renditions.py makes renditions itself), so its receivers did nothing but cost a signal call
        # for every row any page loads: 40 on a list page.
        post_init.disconnect(dispatch_uid="ik_spec_field_receivers")
        post_save.disconnect(dispatch_uid="ik_spec_field_receivers")
