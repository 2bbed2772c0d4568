"""Starting the benchmark's servers as daemons with pidfiles, and stopping each by its own PID, never by name.

Other servers may be running on this machine (another checkout's benchmark, a developer's `make serve`): a pidfile
is the only way to stop exactly what this run started.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

# gunicorn's settings for `make serve`, the one place of them: every gunicorn of the benchmark (ours, the Wagtail
# peer's, the static ceiling's) runs with them, so the benchmark measures what is served and compares like with like.
CONFIG = Path(__file__).resolve().parent.parent / "newsroom" / "gunicorn.conf.py"


def gunicorn(executable, app, port, pidfile, logfile, env=None, chdir=None, ready="/", workers=None, app_log=False):
    """`app` under gunicorn as `make serve` runs ours (newsroom/gunicorn.conf.py), logging to `logfile`; `ready`
    answers on return. `workers`: another number of processes; `app_log`: the app's own log (stdout) goes to `logfile`
    too, which a daemon would otherwise lose."""
    command = [
        executable, "-c", CONFIG, app, "--bind", f"127.0.0.1:{port}",
        "--error-logfile", logfile, "--pid", pidfile, "--daemon",
        *(["--workers", str(workers)] if workers else []),
        *(["--capture-output"] if app_log else []),
    ]  # fmt: skip
    if chdir:
        command += ["--chdir", chdir]
    subprocess.run([str(part) for part in command], env=env, check=True)
    wait_for(f"http://127.0.0.1:{port}{ready}")


def wait_for(url, seconds=30):
    """Until `url` answers 2xx (urllib raises on 4xx and 5xx, and follows redirects)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def stop(pidfile):
    """SIGTERM to the PID in `pidfile` (gunicorn's and nginx's master, which stop their workers); True if sent."""
    with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
        os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
        print(f"stopped the server of {pidfile}")
        pidfile.unlink(missing_ok=True)
        return True
    return False


def listening(port):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def wait_closed(ports, seconds=60):
    """Until no one listens on `ports`: gunicorn lets its workers finish their requests before it exits."""
    deadline = time.monotonic() + seconds
    for port in ports:
        while time.monotonic() < deadline and listening(port):
            time.sleep(0.5)
