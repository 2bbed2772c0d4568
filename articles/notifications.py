"""Telling colleagues: the notifications of the admin (a count in its header, a list, marked read) and their e-mails,
and who a note mentions.

What is worth telling whom is decided by articles/workflow.py (a move tells the people of the stage it reaches, a
send-back the writer, a note the people it mentions); this module writes the rows and sends the mail. One
notification per event per person, never to the person who acted; each is e-mailed once, through Django's e-mail
settings (newsroom/settings.py reads them from the environment; the console in development), after the transaction
that made it commits, so a move that is rolled back tells nobody.
"""

import logging
import re
import unicodedata

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from articles.formatting import display_name
from articles.models import Notification
from articles.text import fold

logger = logging.getLogger(__name__)

# A mention starts at an "@" that does not follow a letter or digit (an e-mail address is no mention).
_AT = re.compile(r"(?<!\w)@")
_WORD = re.compile(r"[\w.-]+")


def notify(people, *, actor, article, message, detail=""):
    """Tell each of `people` once (`actor` excepted) that `message` happened to `article`; return who was told."""
    told = {}
    for person in people:
        if person.pk != getattr(actor, "pk", None):
            told.setdefault(person.pk, person)
    rows = [
        Notification(recipient=person, article=article, actor=actor, message=message[:500], detail=detail)
        for person in told.values()
    ]
    Notification.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(lambda: send_mail(rows))
    return list(told.values())


def send_mail(notifications):
    """E-mail each notification to its recipient who has an address, over one connection. A mail server that fails is
    logged, never the act's failure: the notification is in the admin anyway."""
    messages = [_email(notification) for notification in notifications if notification.recipient.email]
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:  # SMTP, DNS, TLS: whatever the mail server does, the newsroom's work goes on
        logger.exception("notification e-mail not sent to %s", ", ".join(m.to[0] for m in messages))


def _email(notification):
    lines = [notification.message]
    if notification.detail:
        lines += ["", notification.detail]
    if notification.article_id:
        form = reverse("admin:articles_article_change", args=[notification.article_id])
        lines += ["", f"Mở bài: {settings.SITE_URL}{form}"]
    lines += ["", f"Xem mọi thông báo: {settings.SITE_URL}{reverse('admin:articles_notification_changelist')}"]
    subject = f"[{settings.SITE_NAME}] {notification.message}"
    return EmailMessage(subject[:200], "\n".join(lines), to=[notification.recipient.email])


def mentioned(text, people):
    """Who `text` mentions among `people`, and the mentions that name none of them.

    A mention is "@" and a person's user name or name as shown (`display_name`), accents, case and đ ignored, and not
    followed by a letter or digit: "@lan", "@Nguyễn Văn An" and "@nguyen van an," all work. Where two names fit, the
    longer wins ("@Lan Anh" is not "@Lan")."""
    text = unicodedata.normalize("NFC", text)
    names = sorted(
        (
            (folded, person)
            for person in people
            for folded in {fold(unicodedata.normalize("NFC", name)) for name in _names(person)}
            if folded
        ),
        key=lambda pair: -len(pair[0]),
    )
    found, unknown = {}, []
    for at in _AT.finditer(text):
        start = at.end()
        for folded, person in names:
            end = start + len(folded)
            if fold(text[start:end]) == folded and not text[end : end + 1].isalnum():
                found.setdefault(person.pk, person)
                break
        else:
            word = _WORD.match(text, start)
            if word:
                unknown.append(f"@{word.group()}")
    return list(found.values()), unknown


def _names(person):
    return {person.get_username(), person.get_full_name(), display_name(person)}
