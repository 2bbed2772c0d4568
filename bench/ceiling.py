"""The ceilings: a saved copy of one of our pages, served by nginx and by gunicorn with nothing else to do.

    .venv/bin/python -m bench.ceiling start http://127.0.0.1:8000/<article path> 8192 8193   # nginx, gunicorn
    .venv/bin/python -m bench.ceiling stop

The page is fetched once; both servers then answer every request with those bytes. nginx (Debian's) is what this
machine can serve at all, load generator included. gunicorn runs as our app does (bench/servers.py) with
`static_app` below, so a page of ours measured against it shows what Django and our code cost. Everything (the
page, nginx's configuration, pidfiles, logs) is in $CEILING_DIR (default /tmp/nr_bench_ceiling).
"""

import argparse
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

from bench import servers

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("CEILING_DIR", "/tmp/nr_bench_ceiling"))
PAGE = WORK / "www" / "page.html"
PIDFILES = (WORK / "nginx.pid", WORK / "gunicorn.pid")
# No access log, as our gunicorn. The temporary paths are nginx's own because its defaults (/var/lib/nginx) are
# only writable by root.
NGINX_CONF = """\
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    default_type text/html;
    charset utf-8;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {work}/www;
        location / {{ try_files /page.html =404; }}
    }}
}}
"""


def static_app(path):
    """A WSGI app that answers every request with the bytes of the file at `path`, read once per worker."""
    body = Path(path).read_bytes()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]

    def app(environ, start_response):
        start_response("200 OK", headers)
        return [body]

    return app


def start(source_url, nginx_port, gunicorn_port, gunicorn):
    """Save the page at `source_url` (it must answer 2xx), then serve it from nginx and from `gunicorn`."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "tmp").mkdir(parents=True)
    PAGE.parent.mkdir()
    with urllib.request.urlopen(source_url, timeout=30) as response:
        PAGE.write_bytes(response.read())
    # Started as root, nginx's workers run as nobody: they must be able to read the page.
    for path, mode in ((WORK, 0o755), (PAGE.parent, 0o755), (PAGE, 0o644)):
        path.chmod(mode)
    config = WORK / "nginx.conf"
    config.write_text(NGINX_CONF.format(work=WORK, port=nginx_port))
    # -e: the log for errors before the configuration is read, which would otherwise be under /var/log/nginx.
    subprocess.run(["nginx", "-p", f"{WORK}/", "-c", str(config), "-e", str(WORK / "nginx-error.log")], check=True)
    servers.wait_for(f"http://127.0.0.1:{nginx_port}/")
    app = f"bench.ceiling:static_app({str(PAGE)!r})"
    servers.gunicorn(gunicorn, app, gunicorn_port, PIDFILES[1], WORK / "gunicorn.log", chdir=ROOT)
    print(f"ceilings: {PAGE.stat().st_size} bytes from {source_url} on nginx :{nginx_port}, gunicorn :{gunicorn_port}")


def stop():
    for pidfile in PIDFILES:
        servers.stop(pidfile)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    starting = commands.add_parser("start")
    starting.add_argument("source_url")
    starting.add_argument("nginx_port", type=int)
    starting.add_argument("gunicorn_port", type=int)
    starting.add_argument("--gunicorn", default=Path(sys.executable).parent / "gunicorn", help="default: beside python")
    commands.add_parser("stop")
    args = parser.parse_args()
    if args.command == "start":
        start(args.source_url, args.nginx_port, args.gunicorn_port, args.gunicorn)
    else:
        stop()


if __name__ == "__main__":
    main()
