"""The audit log (Nhật ký): the one writer of its rows, who is acting, and reading the rows out.

What a write means for the log — which act, what changed — is decided by the code that makes it, and every act goes
through `record` here: article saves and deletes (``workflow.record_save``, ``workflow.record_delete``, receivers
connected in ``ArticlesConfig.ready()``), takedowns and reinstatements, corrections and share links
(``articles/workflow.py``), and the clock (``manage.py record_expiries``).

Who acted: the signed-in user of the request being answered (``ActorMiddleware``), or the user a workflow function
names (``acting``); nobody — "hệ thống" — for the importer, the shell and the clock. Rows are append-only: the model
refuses to change or delete them, and on PostgreSQL so does the database (a django-pgtrigger trigger); ``purge`` is
the one deliberate way to remove old ones.
"""

import contextlib
import contextvars
import csv
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from articles.formatting import display_name, when
from articles.models import Article, AuditEntry

Act = AuditEntry.Act
SYSTEM = "hệ thống"


class Acting(NamedTuple):
    """Who is acting, and, when the caller says so, as what act and for what reason."""

    user: object = None
    act: str | None = None
    reason: str = ""


_request = contextvars.ContextVar("audit_request", default=None)
_acting = contextvars.ContextVar("audit_acting", default=None)


class ActorMiddleware:
    """Whatever a request writes was done by its signed-in user. `request.user` is read only when a row is written,
    so readers' requests (which write nothing) never load a session for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextlib.contextmanager
def acting(user, act=None, reason=""):
    """The writes inside are done by `user`, as `act` (None: each says what it did) and for `reason`."""
    token = _acting.set(Acting(user, act, reason))
    try:
        yield
    finally:
        _acting.reset(token)


def declared():
    """What the innermost `acting` block says (an empty Acting outside any)."""
    return _acting.get() or Acting()


def current_user():
    """The user acting now: the one named by `acting`, else the request's signed-in user, else None (hệ thống)."""
    named = _acting.get()
    if named is not None and named.user is not None:
        return named.user
    request = _request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(act, *, article=None, target="", changes=None, reason=None, at=None, using=DEFAULT_DB_ALIAS):
    """Add one row to the log: `act` on `article` (or on `target`, named), by the user acting now, for `reason` (by
    default the one `acting` gave), with `changes` ({"fields": [names], name: [before, after]})."""
    user = current_user()
    return AuditEntry.objects.using(using).create(
        act=act,
        actor=user,
        actor_name=display_name(user) if user else SYSTEM,
        article_id=article.pk if article is not None else None,
        target=(target or (article.headline if article is not None else ""))[:255],
        reason=declared().reason if reason is None else reason,
        changes=changes or {},
        **({"at": at} if at else {}),
    )


def describe(entry):
    """A row's changes as people read them: "Tiêu đề, Nội dung; Trạng thái: Bản nháp → Đã xuất bản"."""
    parts = []
    names = [_label(name) for name in entry.changes.get("fields", [])]
    if names:
        parts.append(", ".join(names))
    for name, value in entry.changes.items():
        if name != "fields" and isinstance(value, list) and len(value) == 2:
            before, after = (_shown(name, v) for v in value)
            parts.append(f"{_label(name)}: {before} → {after}")
        elif name != "fields":
            parts.append(f"{_label(name)}: {value}")
    return "; ".join(parts)


# What other rows than an article's save name in their changes: a correction, a share link, the front page.
OTHER_LABELS = {
    "kind": "Loại",
    "text": "Nội dung",
    "expires_at": "Hết hạn lúc",
    "front_lead": "Tiêu điểm",
    "front_featured": "Tin nổi bật",
    "front_breaking": "Tin nóng",
    "on_front": "Hiện trên trang nhất",
    "front_position": "Thứ tự trên trang nhất",
    "front_count": "Số bài trên trang nhất",
}


def _label(name):
    field = _field(name)
    if field is not None and field.auto_created and not field.concrete:  # the article's rows in another table
        return str(field.related_model._meta.verbose_name_plural).capitalize()
    return str(field.verbose_name).capitalize() if field else OTHER_LABELS.get(name, name)


def _shown(name, value):
    if value in (None, ""):
        return "—"
    if name == "status":
        return dict(Article.Status.choices).get(value, value)
    field = _field(name)
    if isinstance(field, models.DateTimeField):
        return when(models.DateTimeField().to_python(value))
    return str(value)


def _field(name):
    try:
        return Article._meta.get_field(name)
    except FieldDoesNotExist:
        return None


CSV_COLUMNS = ("Lúc", "Người làm", "Việc", "Mã bài", "Đối tượng", "Lý do", "Thay đổi")


class _Echo:
    """A file whose write() returns the line: csv.writer then yields lines to a streaming response."""

    def write(self, value):
        return value


def csv_lines(entries):
    """The rows of `entries` as CSV lines (with a header and a BOM so spreadsheet programs read UTF-8), one at a time:
    an export of a million rows never holds more than one batch in memory."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                when(entry.at, seconds=True),
                entry.actor_name,
                entry.get_act_display(),
                entry.article_id or "",
                entry.target,
                entry.reason,
                describe(entry),
            ]
        )


def purge(before, using=DEFAULT_DB_ALIAS):
    """Remove the rows older than `before`, on purpose (docs/corrections.md): the one way around the append-only
    rule, for a retention period decided by the newsroom. Returns how many were removed.

    On PostgreSQL the trigger is switched off for this transaction's DELETE alone (ALTER TABLE is transactional: no
    other session ever sees it off, and audit writes wait the moment it takes). Not pgtrigger.ignore(): it sends its
    setting and the statement as one, which server-side binding (settings.py) refuses."""
    # A plain QuerySet: AuditEntry's own refuses to delete.
    old = models.QuerySet(AuditEntry, using=using).filter(at__lt=before)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return old.delete()[0]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    (trigger,) = (trigger.get_pgid(AuditEntry) for trigger in AuditEntry._meta.triggers)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {connection.ops.quote_name(trigger)}")
        removed = old.delete()[0]
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {connection.ops.quote_name(trigger)}")
    return removed
