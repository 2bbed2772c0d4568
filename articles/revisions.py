"""Revisions of articles (django-reversion): every save is recorded, and any revision can be compared and restored.

The admin's views open a revision themselves (``VersionAdmin``: the user and the change message). Every other
save — the importer, the shell, a script, a fixture — is caught by ``record_save`` (connected in
``ArticlesConfig.ready()``), which opens a revision when none is active, so callers need to know nothing about
revisions. What is compared and restored is read from the field declaration (``articles/fields.py``).

The article's linked rows (``LINKS``: its tags in order, its contributors, its hand-picked related articles) are
followed: each revision records them as they were, comparing shows their changes, and restoring brings them back.

Restoring and recovering never use reversion's raw ``revert()``: they copy the stored fields onto an article and
call ``Article.save()``, so the body is sanitised again, the version is checked, and the restore is itself a new
revision.
"""

import re
from difflib import SequenceMatcher

import reversion
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from reversion.models import Version

from articles import audit, fields
from articles.formatting import when
from articles.models import Article, Author, Contribution, RelatedPick, Section, Tag
from articles.sanitize import html_to_text
from articles.workflow import can_publish

SAVED_OUTSIDE_ADMIN = "Lưu ngoài trang quản trị (nhập bài, dòng lệnh hoặc fixture)."
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|tr|caption|table)\s*>", re.IGNORECASE)
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


class RestoreError(Exception):
    """A revision cannot be brought back; the message says why, in Vietnamese."""


# The rows pointing at an article that a revision records with it (reversion's `follow`), by their relation's name on
# Article, with the label a comparison shows them under.
LINKS = {"tag_links": "Thẻ", "contributions": "Người cùng thực hiện", "related_picks": "Bài liên quan chọn tay"}


def register():
    """Put articles under django-reversion, with their linked rows (`LINKS`). Derived columns are rebuilt by save();
    storing them would only make every revision bigger. The desk position is not content: restoring or recovering never
    moves an article in the desk."""
    for name in LINKS:
        if not reversion.is_registered(_link_model(name)):
            reversion.register(_link_model(name))
    # The admin's VersionAdmin registers the models it shows, with options of its own, when the admin is loaded (before
    # this app is ready): these options replace them.
    if reversion.is_registered(Article):
        reversion.unregister(Article)
    reversion.register(Article, exclude=[*fields.DERIVED, *fields.DESK, *fields.LINKED], follow=list(LINKS))


def _link_model(name):
    return Article._meta.get_field(name).related_model


def record_save(sender, instance, **kwargs):
    """Open a revision for a save made outside any revision block (import, shell, fixture)."""
    if reversion.is_active():
        return  # reversion's own receiver adds the article to the open revision
    with reversion.create_revision():
        reversion.set_comment(SAVED_OUTSIDE_ADMIN)
        reversion.add_to_revision(instance)


def versions_of(article_id):
    """An article's revisions, newest first, with who saved them."""
    return Version.objects.get_for_object_reference(Article, article_id).select_related("revision__user")


def article_at(version):
    """An unsaved Article holding the fields stored in `version` (same primary key)."""
    names = {field.attname for field in Article._meta.concrete_fields}
    return Article(**{name: value for name, value in version.field_dict.items() if name in names})


def links_at(version):
    """The linked rows `version`'s revision recorded with its article: {relation: [unsaved rows, in order]}."""
    stored = version.revision.version_set.all()
    links = {}
    for name in LINKS:
        model = _link_model(name)
        content_type = ContentType.objects.get_for_model(model)
        names = {field.attname for field in model._meta.concrete_fields}
        rows = (
            model(**{key: value for key, value in row.field_dict.items() if key in names})
            for row in stored
            if row.content_type_id == content_type.pk
        )
        links[name] = sorted((row for row in rows if row.article_id == int(version.object_id)), key=_in_order)
    return links


def links_of(article):
    """The article's linked rows now: {relation: [rows, in order]}."""
    return {name: list(getattr(article, name).all()) for name in LINKS}


def _in_order(row):
    return (row.position, row.pk or 0)


def _put_links(article, links):
    """Give `article` the linked rows `links` (links_at): those pointing at a tag, person or article deleted since are
    left out."""
    tags = Tag.objects.in_bulk([row.tag_id for row in links["tag_links"]])
    article.set_tags([tags[row.tag_id] for row in links["tag_links"] if row.tag_id in tags])
    people = Author.objects.in_bulk([row.author_id for row in links["contributions"]])
    article.contributions.all().delete()
    for row in links["contributions"]:
        if row.author_id in people:
            Contribution.objects.create(article=article, author_id=row.author_id, role=row.role, position=row.position)
    picked = Article.objects.in_bulk([row.related_id for row in links["related_picks"]])
    article.related_picks.all().delete()
    for row in links["related_picks"]:
        if row.related_id in picked and row.related_id != article.pk:
            RelatedPick.objects.create(article=article, related_id=row.related_id, position=row.position)


def version_opened_at(article_id, number):
    """The revision that recorded `Article.version == number`, if there is one (for the conflict message)."""
    for version in versions_of(article_id)[:50]:
        if version.field_dict.get("version") == number:
            return version
    return None


def restore(article, version, user):
    """Bring `article` back to `version`'s content, as a new revision by `user`; the URL (slug) stays.

    Only someone who may publish restores the publishing fields (status, times): a reporter restoring an old
    published revision of their draft gets its words back, not a published article.
    """
    old = article_at(version)
    names = [name for name in fields.restored() if can_publish(user) or name not in fields.PUBLISHING]
    if old.author_id and not Author.objects.filter(pk=old.author_id).exists():
        names.remove("author")
    for name in names:
        field = Article._meta.get_field(name)
        if name == "image" and article.image.name == old.image.name:
            continue  # re-assigning a file makes Django reopen it to measure it
        setattr(article, field.attname, getattr(old, field.attname))
    if article.section_id and not Section.objects.filter(pk=article.section_id).exists():
        article.section = None
    comment = f"Khôi phục bản lưu lúc {when(version.revision.date_created)}."
    return _save_by(article, user, comment, audit.Act.RESTORE, links_at(version))


def recover(version, user):
    """Bring a deleted article back from its last revision, with the same id so its history follows it."""
    article = article_at(version)
    if Article.objects.filter(pk=article.pk).exists():
        raise RestoreError("Bài này chưa bị xoá, không cần khôi phục.")
    if not Author.objects.filter(pk=article.author_id).exists():
        raise RestoreError("Tác giả của bài đã bị xoá; hãy tạo lại tác giả trước khi khôi phục bài.")
    if article.section_id and not Section.objects.filter(pk=article.section_id).exists():
        article.section = None
    if Article.objects.filter(slug=article.slug).exists():
        article.slug = ""  # another article took the URL meanwhile; save() makes a fresh one
    user_model = get_user_model()
    for name in ("created_by_id", "updated_by_id"):
        if getattr(article, name) and not user_model.objects.filter(pk=getattr(article, name)).exists():
            setattr(article, name, None)
    comment = f"Khôi phục bài đã xoá (bản lưu lúc {when(version.revision.date_created)})."
    return _save_by(article, user, comment, audit.Act.RECOVER, links_at(version))


def _save_by(article, user, comment, act, links):
    """Save through Article.save(), with its linked rows `links`, as one revision by `user`, saying what happened, and
    as one `act` on record."""
    article.updated_by = user
    with transaction.atomic(), reversion.create_revision(), audit.acting(user, act):
        reversion.set_user(user)
        reversion.set_comment(comment)
        article.save()
        _put_links(article, links)
    return article


def changes(old, new):
    """What differs between two articles, field by field, for people: word-level marks for the texts
    (body as plain text, one paragraph a line), before → after for the rest. Unchanged fields are left out."""
    rows = []
    for name in fields.FORM:
        field = Article._meta.get_field(name)
        label = str(field.verbose_name).capitalize()
        if name in fields.word_diffed():
            before, after = _text(old, name), _text(new, name)
            if before != after:
                rows.append({"label": label, "diff": word_diff(before, after)})
        else:
            before, after = _display(old, name), _display(new, name)
            if before != after:
                rows.append({"label": label, "before": before, "after": after})
    return rows


def compare(version, article):
    """What differs between `version` and `article` now, as `changes` says, with the linked rows (tags, contributors,
    related picks) compared as lists in order."""
    rows = changes(article_at(version), article)
    before, after = links_at(version), links_of(article)
    for name, label in LINKS.items():
        shown = [", ".join(_shown_link(row) for row in side[name]) or "—" for side in (before, after)]
        if shown[0] != shown[1]:
            rows.append({"label": label, "before": shown[0], "after": shown[1]})
    return rows


def _shown_link(row):
    try:
        return str(row)
    except ObjectDoesNotExist:
        return "(đã xoá)"


def word_diff(before, after):
    """[(op, text)] with op "" (kept), "del" or "ins", diffing word by word so a small edit stays small.

    Replaced words separated only by spaces read as one change ("<del>đã lưu</del><ins>đang gõ</ins>"),
    not as alternating fragments."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    segments, removed, added = [], [], []

    def flush():
        if removed:
            segments.append(("del", "".join(removed)))
        if added:
            segments.append(("ins", "".join(added)))
        removed.clear()
        added.clear()

    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "equal":
            removed.extend(a[i1:i2])
            added.extend(b[j1:j2])
            continue
        kept = "".join(a[i1:i2])
        next_is_replace = index + 1 < len(ops) and ops[index + 1][0] == "replace"
        if removed and added and next_is_replace and not kept.strip():
            removed.append(kept)
            added.append(kept)
            continue
        flush()
        segments.append(("", kept))
    flush()
    return segments


def _text(article, name):
    value = getattr(article, name) or ""
    if name != "body":
        return value
    paragraphs = (html_to_text(part) for part in _BLOCK_END.split(value))
    return "\n".join(paragraph for paragraph in paragraphs if paragraph)


def _display(article, name):
    field = Article._meta.get_field(name)
    if field.choices:
        return getattr(article, f"get_{name}_display")()
    if field.is_relation:
        try:
            value = getattr(article, name)
        except ObjectDoesNotExist:
            return "(đã xoá)"
    else:
        value = getattr(article, field.attname)
    if name == "image":
        return value.name or "—"
    if hasattr(value, "tzinfo"):
        return when(value)
    return "—" if value in (None, "") else str(value)
