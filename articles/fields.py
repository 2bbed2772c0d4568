"""The article's fields, declared once: the groups the form shows them in, and what every other screen takes of them.

A field added to `Article` is added here, in the group it belongs to, and every consumer picks it up:

| name            | what                                            | read by                                          |
| --------------- | ----------------------------------------------- | ------------------------------------------------ |
| `GROUPS`        | the form's groups, in order                     | the admin's fieldsets (`fieldsets()`)            |
| `FORM`          | every field a person types or picks             | revision diffs, the tests' form helper           |
| `PUBLISHING`    | what only someone who may publish sets          | `workflow.py` (read-only for reporters)          |
| `typed()`       | the text typed in the form                      | autosave: the server's form and, through         |
|                 |                                                 | `json_script`, the browser's script              |
| `previewed()`   | what "Xem trước" takes from the typed form      | `preview.py` (an upload is not stored yet)       |
| `restored()`    | what restoring a revision brings back           | `revisions.py` (the URL stays)                   |
| `word_diffed()` | texts compared word by word, not before → after | `revisions.py`                                   |
| `CARD`          | what a list's card prints                       | `ArticleQuerySet.cards()`: lists load no more    |
| `SUMMARY`       | what the API says of each article of a list     | `ArticleQuerySet.summaries()` (articles/api/)    |
| `PLACEMENT`     | where and when readers find it (lists, menus)   | `pagecache/edge.py`: which cached pages a write  |
|                 |                                                 | moves it on or off (FORM's, so in `stored`)      |
| `DERIVED`       | made from the others on every save              | `revisions.py` (not stored in revisions)         |
| `AUDIT`         | who and when, shown read-only                   | the admin's "Lưu vết" group                      |
| `DESK`          | where a draft is in the desk workflow           | `workflow.py` (its moves save them), revisions   |
|                 |                                                 | (not stored: a restore never moves an article)   |
| `LINKED`        | links to other rows, each with its own input    | the admin (its own form fields and inlines);     |
|                 | below the groups (a relation with its order)    | not in FORM: no model form edits them itself     |
| `BOOKKEEPING`   | the rest the system keeps (`AUDIT` included)    | nothing: said so that no field is unknown        |

tests/test_fields.py fails, naming the field, when a model field is in no group or a consumer covers another set.
The functions look at the model's field types (text, file), so they are called once the app registry is ready.
"""

import functools

from django.apps import apps
from django.db import models

GROUPS = (
    ("Nội dung", ("headline", "slug", "lead", "body")),
    ("Ảnh", ("image", "image_caption", "image_credit", "image_alt")),
    ("Xuất bản", ("author", "section", "thread", "status", "published_at", "unpublish_at")),
)
FORM = tuple(name for _, names in GROUPS for name in names)

PUBLISHING = ("status", "published_at", "unpublish_at")

CARD = ("headline", "slug", "published_at", "lead", "author", "image", "image_renditions", "reading_time")
# A card, and what an app needs besides to show it: the section, the photo's texts (and, to sync it, the times of its
# last change: models.CHANGE_TIMES, which ArticleQuerySet.summaries() loads too).
SUMMARY = (*CARD, "section", "image_caption", "image_credit", "image_alt")

# Where and when readers find an article: a change of one of these moves it on, off or along the lists (the site's,
# its section's, its author's, its thread's) and the related boxes; a change of anything else shows only where the
# article itself is shown.
PLACEMENT = ("status", "published_at", "unpublish_at", "section", "author", "thread")

# What articles/renditions.py made of the photo, search's folded words (articles/search.py) and the reading time.
DERIVED = ("image_renditions", "search_headline", "search_text", "reading_time")
# Who created and last changed the article, and when: shown read-only in the admin's "Lưu vết" group.
AUDIT = (("created_by", "created_at"), ("updated_by", "updated_at"))
# Where a draft is in the desk workflow: its stage, since when, who first opened it there (articles/workflow.py).
DESK = ("stage", "stage_since", "stage_opened_by", "stage_opened_at")
# The article's links to rows of their own, kept in order: its tags (ArticleTag). Its contributors and hand-picked
# related articles are rows pointing at it (Contribution, RelatedPick), so not fields of its own.
LINKED = ("tags",)
# The rest the system keeps: the id, the optimistic lock's counter (Article.save()), the importer's source and checksum,
# when the latest correction was published (workflow.publish_correction), the desk's position.
BOOKKEEPING = (
    *(name for pair in AUDIT for name in pair),
    *DESK,
    "id",
    "version",
    "source_key",
    "source_checksum",
    "corrected_at",
)


def _field(name):
    return apps.get_model("articles", "Article")._meta.get_field(name)


def _is_text(name):
    """Free text a person types: a text or char field without choices, and not the slug (made from the headline)."""
    field = _field(name)
    return isinstance(field, models.CharField | models.TextField) and not field.choices and name != "slug"


@functools.cache
def placement_columns():
    """`PLACEMENT` as database columns (`section_id`, not `section`): what a row holds, compared before and after."""
    return tuple(_field(name).attname for name in PLACEMENT)


@functools.cache
def files():
    return tuple(name for name in FORM if isinstance(_field(name), models.FileField))


@functools.cache
def typed():
    return tuple(name for name in FORM if _is_text(name))


@functools.cache
def previewed():
    return tuple(name for name in FORM if name not in files())


def restored():
    return tuple(name for name in FORM if name != "slug")


@functools.cache
def word_diffed():
    (_, content), *_ = GROUPS
    return tuple(name for name in content if _is_text(name))


def fieldsets(*, hidden=(), bookkeeping=False):
    """The admin's fieldsets: one per group; `hidden` form fields go with the first, the `LINKED` inputs with the last
    (where readers find the article: its thread, then its tags), and `bookkeeping` adds the read-only "Lưu vết" group
    (who created and last changed the article, and when)."""
    (title, content), *middle, (last, placement) = GROUPS
    sets = [
        (title, {"fields": [*content, *hidden]}),
        *((name, {"fields": list(names)}) for name, names in middle),
        (last, {"fields": [*placement, *LINKED]}),
    ]
    if bookkeeping:
        sets.append(("Lưu vết", {"fields": list(AUDIT)}))
    return sets
