"""The page cache's keys in the shared cache. The number changes whenever the stored format does, so that entries
written by an older deploy are never misread."""

STAMP_KEY = "pagecache:1:stamp"
PAGE_KEY_PREFIX = "pagecache:1:page:"
VALUE_KEY_PREFIX = "pagecache:1:value:"
