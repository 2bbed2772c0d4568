"""The wrk driver: HTTP targets measured side by side, interleaved, reported as medians and ratios to baselines.

    python3 bench/compare.py [-r ROUNDS] [-d SECONDS] [-b NAME,NAME] [--label LABEL] [--out DIR] name=URL ...

First every URL gets one plain GET, which must answer 200: wrk counts a redirect as a success, so a URL that
redirects would pass for a fast page. Then each round runs every target in turn (A B C A B C ...), so that a change
in the machine's load falls on all of them alike; a run is a discarded warm-up, then `wrk -t2 -c16 -d<SECONDS>
--latency`. Printed per target: the medians over the rounds of req/s, p50 and p99, and their ratios to each
baseline (the first target by default). Saved: <DIR>/compare-<UTC time>[-LABEL].json (docs/benchmarks/ by default)
with every run's raw wrk output and the load average before it.

Exit status: 0; 1 when wrk saw socket errors or non-2xx/3xx responses; 2 when a first GET did not answer 200.
Python's standard library only; needs wrk on PATH (Debian's package `wrk`).
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
THREADS, CONNECTIONS, TIMEOUT_S, WARMUP_S = 2, 16, 5, 2
MS_PER = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
BYTES_PER = {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30, "TB": 2**40}


class PreflightError(Exception):
    pass


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * MS_PER[unit]


def parse_wrk(output):
    """The numbers of one `wrk --latency` report."""

    def find(pattern):
        return re.search(pattern, output, re.MULTILINE)

    found = find(r"Requests/sec:\s+([\d.]+)")
    run = {"rps": float(found[1]) if found else None}
    for percent in (50, 75, 90, 99):
        found = find(rf"^\s+{percent}%\s+(\S+)")
        run[f"p{percent}_ms"] = milliseconds(found[1]) if found else None
    if found := find(r"^\s+Latency\s+(\d\S*)\s+\S+\s+(\S+)"):  # the thread stats: average, deviation, maximum
        run["avg_ms"], run["max_ms"] = milliseconds(found[1]), milliseconds(found[2])
    if found := find(r"(\d+) requests in \S+, ([\d.]+)(\w+) read"):
        run["requests"], run["bytes_read"] = int(found[1]), round(float(found[2]) * BYTES_PER[found[3]])
    found = find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    kinds = ("connect", "read", "write", "timeout")
    run["socket_errors"] = dict(zip(kinds, map(int, found.groups()), strict=True)) if found else {}
    found = find(r"Non-2xx or 3xx responses: (\d+)")
    run["non_2xx_3xx"] = int(found[1]) if found else 0
    run["errors"] = run["non_2xx_3xx"] + sum(run["socket_errors"].values())
    return run


def preflight(url):
    """One plain GET, redirects not followed: what the server answers and how large the page is."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    started = time.perf_counter()
    try:
        connection.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return {
        "status": response.status,
        "bytes": len(body),
        "content_type": response.getheader("Content-Type"),
        "connection": response.getheader("Connection"),
        "single_request_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def wrk_command(url, seconds):
    return ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", f"--timeout={TIMEOUT_S}s", url]


def wrk(url, seconds):
    done = subprocess.run(wrk_command(url, seconds), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}) on {url}: {done.stderr.strip()} {done.stdout.strip()}")
    return done.stdout


def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def number(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def summarise(targets, baselines):
    """Medians, range and errors per target, and the ratios of its medians to each baseline's."""
    for target in targets:
        runs = target["runs"]
        target["median"] = {key: median(run[key] for run in runs) for key in ("rps", "p50_ms", "p90_ms", "p99_ms")}
        target["rps_min"] = min(run["rps"] or 0 for run in runs)
        target["rps_max"] = max(run["rps"] or 0 for run in runs)
        target["errors_total"] = sum(run["errors"] for run in runs)
    by_name = {target["name"]: target for target in targets}
    for target in targets:
        target["ratio_to_baseline"] = {
            name: {
                key: target["median"][key] / by_name[name]["median"][key]
                if target["median"][key] and by_name[name]["median"][key]
                else None
                for key in ("rps", "p50_ms", "p99_ms")
            }
            for name in baselines
        }


def table(targets, baselines, started, rounds, duration):
    command = " ".join(wrk_command("URL", duration)[:-1])
    header = f"{'target':<16} {'bytes':>7} {'req/s':>10} {'(min..max)':>19} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    header += "".join(f" {'rps/' + name:>{len(name) + 5}} {'p99/' + name:>{len(name) + 5}}" for name in baselines)
    lines = [
        f"# {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load(1m) at end {os.getloadavg()[0]:.2f}; "
        f"{command}, {rounds} rounds interleaved, median shown; ratio = target / baseline",
        header,
    ]
    for target in targets:
        middle, ratios = target["median"], target["ratio_to_baseline"]
        spread = f"({target['rps_min']:,.0f}..{target['rps_max']:,.0f})"
        line = (
            f"{target['name']:<16} {target['preflight']['bytes']:>7} {number(middle['rps']):>10} {spread:>19} "
            f"{number(middle['p50_ms'], 2):>8} {number(middle['p99_ms'], 2):>8} {target['errors_total']:>6}"
        )
        for name in baselines:
            width = len(name) + 5
            line += f" {number(ratios[name]['rps'], 4):>{width}} {number(ratios[name]['p99_ms'], 2):>{width}}"
        lines.append(line)
    return "\n".join(lines)


def measure(targets, baselines=None, rounds=3, duration=10, out=RESULTS, label=""):
    """Measure `targets` ([(name, url)]), print the table, save the JSON; return the exit status (0 or 1).

    Raises PreflightError when a first GET does not answer 200, before anything is measured.
    """
    names = [name for name, _ in targets]
    baselines = baselines or names[:1]
    if len(set(names)) != len(names) or not set(baselines) <= set(names):
        raise ValueError(f"target names must be unique and include the baselines {baselines}: {names}")
    started = datetime.datetime.now(datetime.UTC)
    load_at_start = os.getloadavg()
    targets = [{"name": name, "url": url, "runs": []} for name, url in targets]
    for target in targets:
        try:
            target["preflight"] = preflight(target["url"])
        except OSError as error:
            target["preflight"] = {"status": None, "bytes": 0, "error": str(error)}
        print(
            f"preflight {target['name']:<16} {target['preflight']['status']} {target['preflight']['bytes']} B  "
            f"{target['url']}",
            flush=True,
        )
    failed = [target["name"] for target in targets if target["preflight"]["status"] != 200]
    if failed:
        raise PreflightError(f"the first GET did not answer 200 for {failed}")

    print(
        f"{rounds} rounds x {len(targets)} targets, wrk -t{THREADS} -c{CONNECTIONS} -d{duration}s "
        f"(+{WARMUP_S}s warm-up each) ~ {rounds * len(targets) * (duration + WARMUP_S)} s",
        flush=True,
    )
    for round_number in range(1, rounds + 1):
        for target in targets:
            wrk(target["url"], WARMUP_S)
            load = os.getloadavg()[0]
            output = wrk(target["url"], duration)
            run = {**parse_wrk(output), "round": round_number, "loadavg_1m_before": round(load, 2), "raw": output}
            target["runs"].append(run)
            flag = f"  ERRORS {run['socket_errors']} non-2xx/3xx {run['non_2xx_3xx']}" if run["errors"] else ""
            print(
                f"  round {round_number} {target['name']:<16} {number(run['rps'])} req/s  "
                f"p50 {number(run['p50_ms'], 2)} ms  p99 {number(run['p99_ms'], 2)} ms  load {load:.2f}{flag}",
                flush=True,
            )

    summarise(targets, baselines)
    text = table(targets, baselines, started, rounds, duration)
    errors = any(target["errors_total"] for target in targets)
    print("\n" + text)
    if errors:
        print("WARNING: some runs had socket errors or non-2xx/3xx responses; see 'runs' in the JSON.")
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
    document = {
        "started_utc": started.isoformat(),
        "finished_utc": datetime.datetime.now(datetime.UTC).isoformat(),
        "host": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "wrk": version[0] if version else None,
            "loadavg_at_start": load_at_start,
            "loadavg_at_end": os.getloadavg(),
        },
        "settings": {
            "rounds": rounds,
            "duration_s": duration,
            "warmup_s": WARMUP_S,
            "threads": THREADS,
            "connections": CONNECTIONS,
            "timeout_s": TIMEOUT_S,
            "order": "interleaved " + " ".join(names) + " per round",
            "baselines": baselines,
        },
        "table": text,
        "targets": targets,
    }
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"compare-{started:%Y%m%dT%H%M%SZ}{'-' + label if label else ''}.json"
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False))
    print(f"saved {path}")
    return 1 if errors else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="+", metavar="name=URL")
    parser.add_argument("-r", "--rounds", type=int, default=3)
    parser.add_argument("-d", "--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("-b", "--baseline", help="the targets the ratios are to, comma-separated (default: the first)")
    parser.add_argument("--label", default="", help="added to the JSON file's name")
    parser.add_argument("--out", default=RESULTS, help="folder for the JSON (default: docs/benchmarks)")
    args = parser.parse_args()
    targets = []
    for argument in args.targets:
        name, _, url = argument.partition("=")
        if not name or not url.startswith("http://"):
            parser.error(f"expected name=http://host:port/path, got {argument!r}")
        targets.append((name, url))
    baselines = args.baseline.split(",") if args.baseline else None
    try:
        return measure(targets, baselines, args.rounds, args.duration, args.out, args.label)
    except (PreflightError, ValueError) as error:
        print(f"*** {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
