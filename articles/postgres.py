"""How psycopg reads this app's values on PostgreSQL: set on every new connection (`read_values`, connected in
ArticlesConfig.ready()). Both are measured in docs/PERFORMANCE.md.

- The photo record's ``json`` column as its text, as Django has psycopg read ``jsonb``'s: renditions.RecordField parses
  each different record once per process, rather than psycopg every row's.
- ``timestamptz`` by psycopg's own loader, written in C in psycopg-binary. Django replaces it with one of its own, which
  parses each value in Python to set its time zone: several times slower, and the front page reads a time for each of
  its candidates. psycopg's loader gives the same datetimes while the session's time zone is UTC, as Django sets it
  (with ``USE_TZ`` and no ``TIME_ZONE`` of the database's); otherwise Django's is kept.
"""

import datetime
import functools


def read_values(sender, connection, **kwargs):
    """connection_created: psycopg's loaders for the photo record and the times (above)."""
    if connection.vendor != "postgresql":
        return
    from psycopg.types.string import TextLoader

    adapters = connection.connection.adapters
    adapters.register_loader("json", TextLoader)
    if connection.timezone is datetime.UTC and connection.connection.info.parameter_status("TimeZone") == "UTC":
        adapters.register_loader("timestamptz", _utc_times_loader())


@functools.cache
def _utc_times_loader():
    """A ``timestamptz`` loader calling psycopg's default one (in C with psycopg-binary). It carries the `timezone`
    Django reads from the connection's loader on every cursor: equal to Django's, so no cursor gets Django's back."""
    import psycopg
    from psycopg.adapt import Loader

    fast = psycopg.adapters.get_loader(psycopg.postgres.types["timestamptz"].oid, psycopg.pq.Format.TEXT)

    class UTCTimesLoader(Loader):
        timezone = datetime.UTC

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            # psycopg's C loaders cannot be subclassed: this one calls one.
            self._load = fast(oid, context).load

        def load(self, data):
            return self._load(data)

    return UTCTimesLoader
