"""How people read dates, times and names: the one place each is written out, for the public pages, the admin,
messages and feeds alike.

Times are shown the way the paper prints them, day first, in the newsroom's time zone: ``17/02/2020 - 09:44``
(``newsroom/formats/vi/`` makes the admin's inputs and lists agree). Templates reach these through
``articles/templating.py`` (readers' Jinja2 pages) and the ``newsroom_admin`` template library (the admin). Machines
read times in ISO 8601 with the offset (``iso``): ``<time datetime>``, Open Graph, JSON-LD, sitemaps and the API.
"""

import functools
import math
import operator
import re
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.text import fold

DATE = "%d/%m/%Y"
TIME = "%H:%M"
SECONDS = "%H:%M:%S"

# The years an article's times (publication, take-down) may fall in, inclusive, as typed: a date outside them is a
# typo (01/01/0001), and the earliest cannot even be converted to UTC. The model's fields and the importer check it.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def validate_newspaper_date(moment):
    """Refuse, in Vietnamese, a date a newspaper cannot carry: its year (as typed) outside FIRST_YEAR to LAST_YEAR."""
    if moment is not None and not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValidationError(
            "Ngày %(date)s nằm ngoài khoảng báo có thể đăng: từ năm %(first)s đến năm %(last)s.",
            code="date_out_of_range",
            # strftime's %Y does not pad year 1 to four digits on every platform.
            params={
                "date": f"{moment.day:02}/{moment.month:02}/{moment.year:04}",
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            },
        )


def when(moment, *, seconds=False, date=True):
    """`moment` in local time as people read it: "17/02/2020 - 09:44"; with `seconds`, "17/02/2020 - 09:44:05";
    without `date`, only the time of day ("09:44:05" with seconds). "" for None."""
    if moment is None:
        return ""
    clock = SECONDS if seconds else TIME
    return timezone.localtime(moment).strftime(f"{DATE} - {clock}" if date else clock)


# Django's timesince has no Vietnamese in 5.2 (its catalogue still holds the old "%d day" strings); Vietnamese needs
# no plurals anyway.
WAIT_UNITS = (("ngày", 86400), ("giờ", 3600), ("phút", 60))


def waited(since, now=None):
    """How long since `since`, in its largest unit, as people say it: "2 ngày", "3 giờ", "5 phút", "dưới 1 phút". ""
    for None."""
    if since is None:
        return ""
    seconds = ((now or timezone.now()) - since).total_seconds()
    for unit, size in WAIT_UNITS:
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return "dưới 1 phút"


def iso(moment):
    """`moment` in ISO 8601, local time with its offset, to the second: "2020-02-17T09:44:05+07:00". "" for None."""
    return _iso(moment, timezone.get_current_timezone()) if moment else ""


# A list prints the same articles' times on every request (the API's, 40 a page): each is written once per process
# and time zone.
@functools.lru_cache(maxsize=4096)
def _iso(moment, zone):
    return timezone.localtime(moment, zone).isoformat(timespec="seconds")


def display_name(user):
    """What a colleague is called on screen: their full name, else their user name."""
    return user.get_full_name() or user.get_username()


# What a byline prints for each role (`Contribution.Role`), in the order it prints them.
BYLINE_LABELS = {
    "writer": "bài",
    "photo": "ảnh",
    "video": "video",
    "graphics": "đồ họa",
    "translation": "dịch",
    "production": "thực hiện",
}
# How a byline's parts are written apart: the paper's en dash; an importer also meets a hyphen or an em dash.
BYLINE_DASHES = re.compile(r"\s+[–—-]\s+")


def byline_parts(credits):
    """An article's credits grouped the way the paper prints them: [(label, [who, …])], from `credits`, [(who, role)]
    in the article's order (`who` a name or an Author: anything printed by its ``str``).

    Only writers: one part without a label, [("", [A, B])]. Otherwise each role names its people, roles with the same
    people share one label: [("Bài, ảnh", [X])]; [("Bài", [A]), ("Ảnh", [B])]."""
    people = {}  # role → who, in the article's order
    for who, role in credits:
        names = people.setdefault(role, [])
        if who not in names:
            names.append(who)
    if people.keys() <= {"writer"}:
        return [("", people["writer"])] if people else []
    parts = {}  # the same people → their roles
    for role in sorted(people, key=list(BYLINE_LABELS).index):
        parts.setdefault(tuple(people[role]), []).append(BYLINE_LABELS[role])
    return [(", ".join(labels).capitalize(), list(names)) for names, labels in parts.items()]


def byline(credits, show=str):
    """The credits (as for `byline_parts`) as the paper prints them: "THANH THY"; "A, B" (only writers); "Bài, ảnh:
    THANH THY"; "Bài: A – Ảnh: B". Each person is printed by `show`: their name as text by default; a page passes one
    that links it (``templating.byline``)."""
    return " – ".join(
        f"{label}: {names}" if label else names
        for label, names in ((label, ", ".join(map(show, people))) for label, people in byline_parts(credits))
    )


@functools.lru_cache(maxsize=4096)
def printed_byline(credits):
    """`byline()` as text of credits given as ((id, name, role), …): each different one once per process, for the API
    and the feeds, which print the same people's bylines on every request."""
    return byline([((pk, name), role) for pk, name, role in credits], show=operator.itemgetter(1))


class Credited(NamedTuple):
    """Who an article credits as its authors (its writers) and as contributors (every other role), each once, in the
    article's order: what feeds (RSS ``dc:creator``/``dc:contributor``, Atom ``author``/``contributor``), JSON-LD and
    Open Graph say alike."""

    writers: list
    contributors: list


def credited(credits):
    """`credits`, [(who, role)] in order, as `Credited`; a writer who also took the photos is a writer only."""
    writers = list(dict.fromkeys(who for who, role in credits if role == "writer"))
    others = dict.fromkeys(who for who, role in credits if role != "writer" and who not in writers)
    return Credited(writers, list(others))


def read_byline(text):
    """A byline as the paper prints it (`byline`) read back: [(name, role)] in its order, or None when `text` is not
    one: a label it does not know, or a name not in capitals as the paper prints names ("Theo báo Nhân Dân")."""
    roles = {fold(label): role for role, label in BYLINE_LABELS.items()}
    parts = BYLINE_DASHES.split(" ".join(text.split()))
    credits = []
    for part in parts:
        labels, _, names = part.rpartition(":")
        if not labels and len(parts) > 1:
            return None  # "A – Ảnh: B": only a byline of writers alone goes without a label
        part_roles = [roles.get(fold(label).strip()) for label in labels.split(",")] if labels else ["writer"]
        names = [name.strip() for name in names.split(",")]
        if None in part_roles or not all(name and name == name.upper() != name.lower() for name in names):
            return None
        credits += [(name, role) for role in part_roles for name in names]
    return credits


# How fast people read, in syllables per minute: Vietnamese writes each syllable apart, so the words between spaces of
# a text are its syllables. No published measurement of Vietnamese adults' reading speed was found; this is the mean
# the International Reading Speed Texts measured, in syllables, over 17 languages read aloud (Trauzettel-Klosinski S,
# Dietz K, IReST Study Group, "Standardized Assessment of Reading Performance: The New International Reading Speed
# Texts IReST", Invest Ophthalmol Vis Sci 2012;53(9):5452-61, doi:10.1167/iovs.11-8284). docs/ARCHITECTURE.md says why.
READING_RATE = 370


def reading_minutes(text):
    """How many minutes `text` takes to read at READING_RATE, rounded up, at least 1."""
    return max(1, math.ceil(len(text.split()) / READING_RATE))


def reading_time(minutes):
    """Reading time as the paper prints it: "4 phút đọc"."""
    return f"{minutes} phút đọc"
