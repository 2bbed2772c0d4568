"""The CPU time a gunicorn's workers spend per request, URL by URL: what req/s is the inverse of on a quiet machine,
and still a fair comparison on a busy one, where wrk's req/s moves with everything else the cores run.

    python3 bench/worker_cpu.py --pidfile var/bench/gunicorn-8070.pid [-n 300] [-r 5] name=URL ...

For each round, each URL in turn (interleaved, as bench/compare.py does): `-n` GETs on one keep-alive connection,
and the workers' user + system time from /proc/<pid>/stat before and after. Printed: the median over the rounds, in
milliseconds of CPU per request, and each round's figure; the last line is the same as JSON. Every answer must be a
200. The server's own CPU only: the client's is not counted. Python's standard library only; Linux (/proc).
"""

import argparse
import http.client
import json
import os
import statistics
import urllib.parse
from pathlib import Path


def workers(pidfile):
    master = int(Path(pidfile).read_text())
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (after the command's name)
    return total / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pidfile", required=True, help="gunicorn's --pid file")
    parser.add_argument("-n", type=int, default=300, help="requests per URL per round")
    parser.add_argument("-r", "--rounds", type=int, default=5)
    parser.add_argument("targets", nargs="+", metavar="name=URL")
    args = parser.parse_args()
    targets = dict(target.split("=", 1) for target in args.targets)
    pids = workers(args.pidfile)
    connections = {}

    def get(url):
        parts = urllib.parse.urlsplit(url)
        connection = connections.get(parts.netloc)
        if connection is None:
            connection = connections[parts.netloc] = http.client.HTTPConnection(parts.netloc)
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")

    for url in targets.values():  # warm-up: every worker has compiled and cached what the URL needs
        for _ in range(30):
            get(url)
    rounds = {name: [] for name in targets}
    for _ in range(args.rounds):
        for name, url in targets.items():
            before = cpu_seconds(pids)
            for _ in range(args.n):
                get(url)
            rounds[name].append((cpu_seconds(pids) - before) / args.n * 1000)
    for name, figures in rounds.items():
        listed = ", ".join(f"{figure:.2f}" for figure in figures)
        print(f"{name:<14} {statistics.median(figures):.2f} ms CPU/request  ({listed})")
    medians = {name: round(statistics.median(figures), 3) for name, figures in rounds.items()}
    print(json.dumps({"load_average": os.getloadavg(), "ms_cpu_per_request": medians}))


if __name__ == "__main__":
    main()
