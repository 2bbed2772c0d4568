"""Newsroom's edge on one machine: Varnish with deploy/varnish/newsroom.vcl in front of app instances under gunicorn,
all sharing one database and one cache; every process started with a pidfile (or held) and stopped by its own PID.

Used by `make serve-edge` (scripts/serve_edge.py), the edge tests (tests/test_edge.py) and the edge benchmark
(scripts/bench_edge.py). Varnish runs as Debian's `varnishd` (packages varnish and varnish-modules, installed by
scripts/debian.sh through the Makefile), its working directory under /tmp as services.md asks.

    python -m bench.edge shell    # (used by `Shell`) Django on the site's database, running the code sent to it
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import servers

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"
GUNICORN = Path(sys.executable).parent / "gunicorn"
ANSWER = "\x1eanswer "  # marks the shell's answers among the log lines Django prints on stdout too


def free_port():
    """A TCP port nobody listens on now (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def backends_vcl(app_ports):
    """backends.vcl (see deploy/varnish/backends.vcl) for app instances on this machine's `app_ports`."""
    backends = "".join(
        f'backend app{n} {{ .host = "127.0.0.1"; .port = "{port}"; .probe = healthz; .connect_timeout = 1s; }}\n'
        for n, port in enumerate(app_ports, 1)
    )
    added = "".join(f"    app.add_backend(app{n});\n" for n in range(1, len(app_ports) + 1))
    return (
        f"{backends}\nsub vcl_init {{\n    new app = directors.round_robin();\n{added}}}\n\n"
        'acl purgers {\n    "127.0.0.1";\n}\n'
    )


class Site:
    """Varnish on `port` in front of an app instance on each of `app_ports`; pidfiles, logs and the VCL of the
    backends in `workdir`. `env` is the app's environment (database, cache, secret key…); each instance and the shell
    get it with NEWSROOM_VARNISH_URLS naming this Varnish and DJANGO_TLS_PROXY=1 (Varnish adds X-Forwarded-For).
    `workers`: gunicorn processes per instance (default: newsroom/gunicorn.conf.py's)."""

    def __init__(self, workdir, port, app_ports, env, workers=None, storage="malloc,64m"):
        self.workdir, self.port, self.app_ports, self.workers = Path(workdir), port, list(app_ports), workers
        self.storage = storage  # varnishd's -s
        self.env = {**env, "NEWSROOM_VARNISH_URLS": f"http://127.0.0.1:{port}", "DJANGO_TLS_PROXY": "1"}
        self.varnish_pidfile = self.workdir / "varnish.pid"
        # varnishd's working directory and the backends' VCL: under /tmp, where its unprivileged processes (the VCL
        # compiler, the child) can read them, which a private folder (pytest's) would not let them.
        self.varnish_dir = Path(tempfile.gettempdir()) / f"newsroom-varnish-{port}"
        self.vcl_path = Path(tempfile.gettempdir()) / f"newsroom-varnish-{port}-vcl"

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"

    def app_url(self, index, path=""):
        return f"http://127.0.0.1:{self.app_ports[index]}{path}"

    def app_pidfile(self, index):
        return self.workdir / f"app-{self.app_ports[index]}.pid"

    def app_log(self, index):
        return self.workdir / f"app-{self.app_ports[index]}.log"

    def start(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        for index in range(len(self.app_ports)):
            self.start_app(index)
        self.start_varnish()

    def stop(self):
        """Stop every process this site started, each by its PID, and wait until their ports are free."""
        self.stop_varnish()
        for index in range(len(self.app_ports)):
            self.stop_app(index)

    def start_app(self, index, **env):
        """Instance `index` under gunicorn, `env` added to the site's environment; returns once /healthz answers."""
        port = self.app_ports[index]
        servers.gunicorn(
            GUNICORN, "newsroom.wsgi", port, self.app_pidfile(index), self.app_log(index),
            {**self.env, **env}, ROOT, "/healthz", workers=self.workers, app_log=True,
        )  # fmt: skip

    def stop_app(self, index):
        servers.stop(self.app_pidfile(index))
        servers.wait_closed([self.app_ports[index]])

    def start_varnish(self):
        self.vcl_path.mkdir(mode=0o755, exist_ok=True)
        (self.vcl_path / "backends.vcl").write_text(backends_vcl(self.app_ports))
        subprocess.run(
            [
                "varnishd", "-f", VCL, "-a", f"127.0.0.1:{self.port}", "-n", self.varnish_dir, "-P",
                self.varnish_pidfile, "-s", self.storage, "-p", f"vcl_path={self.vcl_path}", "-T", "127.0.0.1:0",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not servers.listening(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"Varnish did not start on port {self.port}")
            time.sleep(0.1)

    def stop_varnish(self):
        servers.stop(self.varnish_pidfile)
        servers.wait_closed([self.port])
        for folder in (self.vcl_path, self.varnish_dir):
            shutil.rmtree(folder, ignore_errors=True)

    def varnish_processes(self):
        """The PIDs of Varnish's manager and of its child (which serves): the manager's children."""
        manager = int(self.varnish_pidfile.read_text())
        children = Path(f"/proc/{manager}/task/{manager}/children").read_text().split()
        return [manager, *map(int, children)]

    def pause_varnish(self, paused=True):
        """Freeze Varnish (SIGSTOP; SIGCONT to go on) with its cache: what a network cut looks like to the app."""
        for pid in self.varnish_processes():
            os.kill(pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def shell(self):
        return Shell(self.env)


class Shell:
    """A Django process on the site's database and cache (as `manage.py shell` would be), running code sent to it:
    `run(code)` executes `code` and returns the value it left in `result` (JSON). Stopped by its PID (`close`)."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.edge", "shell"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.log = []  # what Django printed meanwhile (its log lines)

    def run(self, code):
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(ANSWER):
                answer = json.loads(line[len(ANSWER) :])
                if "error" in answer:
                    raise RuntimeError(answer["error"])
                return answer["result"]
            self.log.append(line.rstrip("\n"))
        raise RuntimeError(f"the shell stopped: {self.log[-5:]}")

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def shell():
    """Run each line of stdin (a JSON string of Python code) in one namespace; answer each with ANSWER + JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    namespace = {}
    for line in sys.stdin:
        namespace["result"] = None
        try:
            exec(json.loads(line), namespace)
            answer = {"result": namespace["result"]}
        except Exception:
            answer = {"error": traceback.format_exc()}
        print(ANSWER + json.dumps(answer, default=str), flush=True)


if __name__ == "__main__" and sys.argv[1:] == ["shell"]:
    shell()
