from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_init, post_migrate, post_save, pre_save


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Tin bài"

    def ready(self):
        """Every receiver of the app is connected here, and nowhere by importing a module."""
        from articles import pagecache, postgres, renditions, revisions, search, signals, templating, workflow
        from articles.models import Article, clean_text_fields

        # Every text field of every model of the app, later ones included, is cleaned on save (articles/text.py).
        for model in self.get_models():
            pre_save.connect(clean_text_fields, sender=model, dispatch_uid=f"articles.clean_text.{model.__name__}")

        # Whoever writes what readers see (or migrates), the content changed: the page cache listens, then the edge.
        # In this order: after a commit, the page cache's new stamp is written before Varnish is purged, so that what
        # Varnish fetches next is never a page the app still holds from before the write.
        for model in signals.SHOWN_MODELS:
            post_save.connect(signals.model_saved, sender=model, dispatch_uid=f"articles.saved.{model}")
            post_delete.connect(signals.model_deleted, sender=model, dispatch_uid=f"articles.deleted.{model}")
        post_migrate.connect(signals.migrated, dispatch_uid="articles.migrated")
        signals.content_changed.connect(pagecache.invalidation.content_changed, dispatch_uid="articles.pagecache")
        signals.content_changed.connect(pagecache.edge.content_changed, dispatch_uid="articles.pagecache.edge")

        # An article's search columns hold its tags' names: refilled when its tags, or their names, change.
        signals.content_changed.connect(search.refresh_tag_words, dispatch_uid="articles.search.tag_words")
        # loaddata skips Article.save(): a fixture's row gets its search columns and photo renditions here.
        post_save.connect(Article.fill_derived_after_raw_save, sender=Article, dispatch_uid="articles.raw_save")
        # On SQLite, migrations that rebuild the article table drop the search index's triggers: put them back.
        post_migrate.connect(search.repair_index, dispatch_uid="articles.search.repair_index")
        # On PostgreSQL, psycopg reads the photo record as text and the times in C (articles/postgres.py).
        connection_created.connect(postgres.read_values, dispatch_uid="articles.postgres.read_values")
        # Every save is a revision (django-reversion), whoever makes it.
        revisions.register()
        post_save.connect(revisions.record_save, sender=Article, dispatch_uid="articles.revisions.record_save")
        # Every act on an article is on record in the audit log (Nhật ký), whoever makes it.
        post_save.connect(workflow.record_save, sender=Article, dispatch_uid="articles.audit.saved")
        post_delete.connect(workflow.record_delete, sender=Article, dispatch_uid="articles.audit.deleted")
        # Every new draft starts at the desk's first stage, whoever writes it.
        pre_save.connect(workflow.enter_desk, sender=Article, dispatch_uid="articles.workflow.enter_desk")

        # Per-process memos of settings, made anew when a test changes them.
        setting_changed.connect(pagecache.local.forget, dispatch_uid="articles.pagecache.settings")
        setting_changed.connect(templating.forget_static_urls, dispatch_uid="articles.templating.settings")
        setting_changed.connect(renditions.forget_file_urls, dispatch_uid="articles.renditions.settings")

        # django-imagekit, on import, listens to post_init and post_save of every model, for ImageSpecFields. We have
        # none (articles/renditions.py makes renditions itself), so its receivers did nothing but cost a signal call
        # for every row any page loads.
        post_init.disconnect(dispatch_uid="ik_spec_field_receivers")
        post_save.disconnect(dispatch_uid="ik_spec_field_receivers")
