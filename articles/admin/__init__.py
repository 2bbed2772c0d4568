"""The newsroom's admin, a module per job. ``ArticleAdmin`` (``article.py``) is composed of them:

- ``changelist.py``: the article list and its search (the site's own, accent-insensitive);
- ``actions.py``: bulk publish and unpublish (``articles/workflow.py`` says what they mean);
- ``desk.py``: the desk workflow on the form: the article's stage, its moves as buttons, the move view;
- ``notes.py``: internal notes under the form, with their @mentions;
- ``history.py``: revisions, comparison, restore, recovery of deleted articles;
- ``autosave.py``: what is typed, kept apart until it is saved;
- ``share_links.py``: a draft readable without an account;
- ``presence.py``: "Đang được sửa bởi …", who else has an article open;
- ``takedown.py``: taking down on order, reinstating, deleting a taken-down article (each with a reason), and the
  form's "Đã gỡ" banner and refusal to save;
- ``corrections.py``: corrections (drafted, published, replaced) and the article form's list of them;
- ``audit.py``: Nhật ký, the audit log's screen with its CSV export, and each article's timeline on its form;
- ``front_page.py``: "Trang nhất", the front page's lead, featured stories and breaking news, with its history;
- ``most_read.py``: the article list's views in the last 24 hours and 7 days;
- ``start_page.py``: the editors' start page above the admin's list of models ("Chờ tôi xử lý" first);
- ``owners.py``: authors (and their pen names) and sections (with their desk heads);
- ``linked.py``: the article form's tags, contributors and hand-picked related articles;
- ``tags.py``: tags, searched by their folded names, and merged;
- ``threads.py``: story threads (dòng sự kiện);
- ``initial.py``: the add forms' initial values from the query string, converted or left out, never a 500.
- ``stages.py``: the desk's stages, data an administrator edits;
- ``notifications.py``: each person's notifications, marked read.

The site itself (its name, start page and autocompletes) is ``newsroom/admin.py``.
"""

from articles.admin.article import ArticleAdmin
from articles.admin.audit import AuditEntryAdmin
from articles.admin.corrections import CorrectionAdmin
from articles.admin.front_page import FrontPageAdmin
from articles.admin.notifications import NotificationAdmin
from articles.admin.owners import AuthorAdmin, SectionAdmin
from articles.admin.stages import DeskStageAdmin
from articles.admin.tags import TagAdmin
from articles.admin.threads import ThreadAdmin

__all__ = [
    "ArticleAdmin",
    "AuditEntryAdmin",
    "AuthorAdmin",
    "CorrectionAdmin",
    "DeskStageAdmin",
    "FrontPageAdmin",
    "NotificationAdmin",
    "SectionAdmin",
    "TagAdmin",
    "ThreadAdmin",
]
