"""Reading the stamp: the cheapest read each cache backend allows, since every page-cache hit makes one.

``stamp_reader(backend)`` returns a function giving the stamp as it is in the shared cache at that moment. The file
cache and django-redis have cheaper reads than ``backend.get``, which serves any other backend.
"""

import math
import os
import pickle
import secrets
import threading

from django.core.cache.backends.filebased import FileBasedCache
from django_redis.cache import RedisCache
from django_redis.client import DefaultClient

from articles.pagecache.keys import STAMP_KEY


def stamp_reader(backend):
    """A function returning the stamp in `backend` as it is at that moment (None if there is none). The file cache and
    django-redis have cheaper reads than `backend.get`, which serves any other backend."""
    if isinstance(backend, FileBasedCache):
        return _FileStamp(backend).read
    if isinstance(backend, RedisCache) and type(backend.client) is DefaultClient:
        return _RedisStamp(backend).read
    return lambda: backend.get(STAMP_KEY)


class _FileStamp:
    """The file cache's stamp, unpickled only when its file has changed: a hit costs one os.stat (~2 µs) instead of
    opening, unpickling and decompressing the file.

    Why that is never stale: FileBasedCache writes every entry to a new temporary file and renames it over the old
    one, so a new stamp is always a new file (a new inode). It rewrites a file in place only in touch(), which nothing
    calls on the stamp (and which would change its size or modification time, compared too). The file read last is
    kept open, so its inode cannot be freed and handed to a later file: while the stamp's path still names that
    inode, no process has written a stamp since. (Without the open file, two stamps written within one tick of the
    file system's clock could reuse an inode with the same time and size, and look unchanged.)
    """

    def __init__(self, backend):
        self.held = None  # (the stamp file read last, open; its identity; its stamp)
        self.lock = threading.Lock()  # threaded servers: one thread must not swap `held` while another compares
        self.backend = backend
        self.path = backend._key_to_file(STAMP_KEY)  # the file backend.get(STAMP_KEY) reads

    def read(self):
        with self.lock:
            try:
                unchanged = self.held is not None and _identity(os.stat(self.path)) == self.held[1]
            except FileNotFoundError:  # no stamp (culled, cleared): pages miss until a new one is written
                self.release()
                return None
            if not unchanged:
                self.release()
                try:
                    file = open(self.path, "rb")  # noqa: SIM115 (kept open on purpose, see above)
                except FileNotFoundError:
                    return None
                # Read after opening: `get` returns this file's stamp or a newer one. If newer, the path no longer
                # names the held file, and the next read looks again.
                self.held = (file, _identity(os.fstat(file.fileno())), self.backend.get(STAMP_KEY))
            return self.held[2]

    def release(self):
        if self.held is not None:
            self.held[0].close()
            self.held = None

    __del__ = release


def _identity(status):
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


class _RedisStamp:
    """django-redis' stamp, read with one GET on a connection of this thread's own: redis-py's client spends ~100 µs
    of CPU on a GET in its pool, retry and instrumentation layers, a bare connection ~35 µs. Same key and encoding as
    `backend.get` (writes still go through it), on the server writes go to. Decoded with pickle.loads when that is
    what django-redis' encoding of a stamp is (its default serializer, no compressor): its own decode first tries
    int(), whose failure alone costs ~8 µs.

    On any error the connection is dropped (a reply left unread would answer the next GET) and the read is left to
    `backend.get`: it retries on a fresh connection (Redis restarted) and otherwise logs and misses, as every cache
    read does (IGNORE_EXCEPTIONS)."""

    def __init__(self, backend):
        self.backend = backend
        self.client = backend.client
        self.key = str(self.client.make_key(STAMP_KEY))
        self.local = threading.local()
        example = (secrets.token_hex(8), math.inf)  # every stamp pickles to the same length, so is encoded alike
        try:
            plain = pickle.loads(self.client.encode(example)) == example
        except Exception:  # another serializer, or compressed
            plain = False
        self.decode = pickle.loads if plain else self.client.decode

    def read(self):
        try:
            connection, get = self.local.connection
        except AttributeError:
            connection = self.client.get_client(write=True).connection_pool.make_connection()
            get = connection.pack_command("GET", self.key)
            self.local.connection = connection, get
        try:
            connection.send_packed_command(get)
            value = connection.read_response()
        except Exception:
            connection.disconnect()
            return self.backend.get(STAMP_KEY)
        return None if value is None else self.decode(value)
