"""How people read dates, times and names: the one place each is written out, for the public pages, the admin,
messages and feeds alike.

Times are shown the way the paper prints them, day first, in the newsroom's time zone: ``17/02/2020 - 09:44``
(``newsroom/formats/vi/`` makes the admin's inputs and lists agree). Templates reach these through
``articles/templating.py`` (readers' Jinja2 pages) and the ``newsroom_admin`` template library (the admin). Machines
read times in ISO 8601 with the offset (``iso``): ``<time datetime>``, Open Graph, JSON-LD, sitemaps and the API.
"""

import functools

from django.core.exceptions import ValidationError
from django.utils import timezone

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


def byline(credits):
    """An article's credits printed the paper's way: `credits` is [(name, role)] in the article's order.

    Only writers: their names, comma-joined ("THANH THY"; "A, B"). Otherwise each role names its people, roles with
    the same people share one label ("Bài, ảnh: THANH THY"), and the parts are joined by a dash ("Bài: A – Ảnh: B")."""
    people = {}  # role → names, in the article's order
    for name, role in credits:
        names = people.setdefault(role, [])
        if name not in names:
            names.append(name)
    if people.keys() <= {"writer"}:
        return ", ".join(people.get("writer", []))
    parts = {}  # the same people → their roles
    for role in sorted(people, key=list(BYLINE_LABELS).index):
        parts.setdefault(tuple(people[role]), []).append(BYLINE_LABELS[role])
    return " – ".join(f"{', '.join(labels).capitalize()}: {', '.join(names)}" for names, labels in parts.items())
