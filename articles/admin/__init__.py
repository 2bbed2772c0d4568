"""The newsroom's admin, a module per job. ``ArticleAdmin`` (``article.py``) is composed of them:

- ``changelist.py``: the article list and its search (the site's own, accent-insensitive);
- ``actions.py``: bulk publish and unpublish (``articles/workflow.py`` says what they mean);
- ``history.py``: revisions, comparison, restore, recovery of deleted articles;
- ``autosave.py``: what is typed, kept apart until it is saved;
- ``share_links.py``: a draft readable without an account;
- ``presence.py``: "Đang được sửa bởi …", who else has an article open;
- ``start_page.py``: the editors' start page above the admin's list of models;
- ``owners.py``: authors and sections;
- ``initial.py``: the add forms' initial values from the query string, converted or left out, never a 500.
"""

from django.contrib import admin

from articles.admin.article import ArticleAdmin
from articles.admin.owners import AuthorAdmin, SectionAdmin

__all__ = ["ArticleAdmin", "AuthorAdmin", "SectionAdmin"]

admin.site.site_header = "Newsroom — Quản trị"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Tòa soạn"
admin.site.index_template = "admin/newsroom_index.html"  # the editors' start page above the models
