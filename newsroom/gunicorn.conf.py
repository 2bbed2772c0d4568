"""How gunicorn serves Newsroom: the one place of these settings, read by `make serve` and by the benchmarks' servers
(bench/servers.py), so a benchmark measures what is served. docs/DEPLOYMENT.md ("Serving") says why these.

    gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi --bind HOST:PORT

Command-line options given after `-c` override these (the benchmark names its own log file and pidfile).
"""

import os

# WEB_CONCURRENCY processes (default 2), each with THREADS threads: a client that sends its request slowly holds one
# thread while it dribbles, not a whole process, so a few slow clients cannot stall the site (gunicorn's sync worker
# is held by the first line of headers until the last). The benchmark showed no loss for cached pages at this count
# (docs/PERFORMANCE.md, "Serving").
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
worker_class = "gthread"
threads = 8
# gunicorn's access log only with NEWSROOM_ACCESS_LOG=1: a line per request costs a worker more CPU than answering a
# cached page (docs/CACHING.md), and the proxy in front usually logs access anyway. Errors are always logged.
accesslog = "-" if os.environ.get("NEWSROOM_ACCESS_LOG") == "1" else None
errorlog = "-"
# Every gunicorn would otherwise claim the same default control socket path.
control_socket_disable = True
