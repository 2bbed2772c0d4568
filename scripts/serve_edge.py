"""`make serve-edge`: the edge on this machine, as docs/DEPLOYMENT.md draws it. `make serve-edge-stop` stops it.

    .venv/bin/python scripts/serve_edge.py start [--port 8100] [--app-ports 8101 8102] [--database-url URL] …
    .venv/bin/python scripts/serve_edge.py stop

Varnish (deploy/varnish/newsroom.vcl) on --port in front of a gunicorn instance on each of --app-ports, all sharing
this machine's PostgreSQL (the database is made when missing, with the HTX article and the demo articles) and Redis.
Production-like: DEBUG off, static files collected, plain HTTP on 127.0.0.1. Pidfiles, logs and the secret key the
instances share (kept, so sessions survive a restart) are in var/edge/ (git-ignored); what runs is recorded there
too, so `stop` stops exactly that, each process by its PID.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.edge import Site  # noqa: E402

WORK = ROOT / "var" / "edge"
RUNNING = WORK / "running.json"
PYTHON = Path(sys.executable)


def secret_key():
    path = WORK / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text()


def create_database(url):
    """The PostgreSQL database `url` names, made when missing."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"made the database {name}")


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start(args):
    if RUNNING.exists():
        sys.exit(f"*** The edge is already running ({RUNNING}); `make serve-edge-stop` first.")
    for name, url in (("PostgreSQL", args.database_url), ("Redis", args.redis_url)):
        subprocess.run([PYTHON, ROOT / "scripts" / "require_service.py", name, url], check=True)
    WORK.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secret_key(),
    }
    create_database(args.database_url)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    counted = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", "from articles.models import Article; print(Article.objects.count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    if int(counted.split()[-1]) == 0:
        manage(env, "loaddata", "htx")
        manage(env, "load_demo")
    site = Site(WORK, args.port, args.app_ports, env)
    RUNNING.write_text(json.dumps({"port": args.port, "app_ports": args.app_ports}))
    try:
        site.start()
    except BaseException:
        stop()
        raise
    apps = ", ".join(site.app_url(index) for index in range(len(args.app_ports)))
    print(f"\nVarnish: {site.url('/')} in front of {apps}")
    print(f"Logs: {WORK}/app-*.log; Varnish's own: varnishlog -n {site.varnish_dir}")
    print(f"An editor account: DATABASE_URL={args.database_url} .venv/bin/python manage.py createsuperuser")
    print("Stop everything: make serve-edge-stop")


def stop():
    if not RUNNING.exists():
        print("The edge is not running.")
        return
    running = json.loads(RUNNING.read_text())
    Site(WORK, running["port"], running["app_ports"], {}).stop()
    RUNNING.unlink()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    starting = commands.add_parser("start")
    starting.add_argument("--port", type=int, default=8100)
    starting.add_argument("--app-ports", type=int, nargs="+", default=[8101, 8102])
    starting.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/newsroom_edge")
    starting.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    commands.add_parser("stop")
    args = parser.parse_args()
    start(args) if args.command == "start" else stop()


if __name__ == "__main__":
    main()
