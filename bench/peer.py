"""The Wagtail peer, the site our pages are compared with: build it, serve it under gunicorn, stop it.

    .venv/bin/python -m bench.peer build 1000    # N articles; skipped when already built so
    .venv/bin/python -m bench.peer start 8191    # then http://127.0.0.1:8191/ and /bai-viet-00500/
    .venv/bin/python -m bench.peer stop

The site's source is bench/peer_wagtail/site (a Wagtail news index and its articles, written for this), its pins
bench/peer_wagtail/requirements.txt. Everything it runs from is in $PEER_DIR (default /tmp/nr_bench_peer), outside
the repository: venv/; site/, the copy that runs (its migrations are made there); data/, its SQLite database, media
and static files. Building takes minutes, so it is kept between runs and rebuilt only when the pins, the site's
source or the number of articles change.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench import photo, servers

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "bench" / "peer_wagtail"
# Every article repeats Newsroom's first one, so both sites show the same text.
FIXTURE = ROOT / "articles" / "fixtures" / "htx.json"
PEER_DIR = Path(os.environ.get("PEER_DIR", "/tmp/nr_bench_peer"))
PIDFILE = PEER_DIR / "gunicorn.pid"
# Set, not defaulted: a DJANGO_SETTINGS_MODULE exported for Newsroom would otherwise run the peer with ours.
ENV = {**os.environ, "DJANGO_SETTINGS_MODULE": "peersite.settings"}


def article_path(number):
    """The URL path of the peer's article `number` (1 to N)."""
    return f"/bai-viet-{number:05d}/"


def run(command, **kwargs):
    print("$", " ".join(str(part) for part in command)[:160], flush=True)
    subprocess.run([str(part) for part in command], check=True, env=ENV, **kwargs)


def fingerprint(articles):
    """What a built peer is made of: its source, pins and fixture, and how many articles it holds."""
    digest = hashlib.sha256()
    files = [path for path in sorted(SOURCE.rglob("*")) if path.is_file() and "__pycache__" not in path.parts]
    for path in [*files, FIXTURE]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return {"source": digest.hexdigest(), "articles": articles}


def build(articles):
    """The venv (when its pins changed), a fresh copy of the site, its database seeded with `articles` articles."""
    stamp, venv, site, data = PEER_DIR / "built.json", PEER_DIR / "venv", PEER_DIR / "site", PEER_DIR / "data"
    wanted = fingerprint(articles)
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        print(f"Wagtail peer: already built in {PEER_DIR} with {articles} articles")
        return
    stamp.unlink(missing_ok=True)
    pins = (SOURCE / "requirements.txt").read_text()
    installed = venv / "requirements.txt"  # the pins the venv was made from
    if not installed.exists() or installed.read_text() != pins:
        shutil.rmtree(venv, ignore_errors=True)
        run([sys.executable, "-m", "venv", venv])
        run([venv / "bin" / "pip", "install", "--quiet", "--requirement", SOURCE / "requirements.txt"])
        installed.write_text(pins)
    for folder in (site, data):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(SOURCE / "site", site, ignore=shutil.ignore_patterns("__pycache__"))
    data.mkdir()
    manage = [venv / "bin" / "python", "manage.py"]
    run([*manage, "makemigrations", "news", "--verbosity", "0"], cwd=site)
    run([*manage, "migrate", "--verbosity", "0"], cwd=site)
    run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=site)
    (data / "photo.jpg").write_bytes(photo.jpeg())
    run([*manage, "seed_news", "--count", articles, "--fixture", FIXTURE, "--photo", data / "photo.jpg"], cwd=site)
    stamp.write_text(json.dumps(wanted))


def start(port):
    """The built peer under gunicorn (as our app runs) on 127.0.0.1:`port`, its PID in PIDFILE."""
    gunicorn = PEER_DIR / "venv" / "bin" / "gunicorn"
    servers.gunicorn(gunicorn, "peersite.wsgi", port, PIDFILE, PEER_DIR / "gunicorn.log", ENV, PEER_DIR / "site")
    print(f"Wagtail peer on http://127.0.0.1:{port}/")


def stop():
    servers.stop(PIDFILE)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build").add_argument("articles", type=int)
    commands.add_parser("start").add_argument("port", type=int)
    commands.add_parser("stop")
    args = parser.parse_args()
    if args.command == "build":
        build(args.articles)
    elif args.command == "start":
        start(args.port)
    else:
        stop()


if __name__ == "__main__":
    main()
