#!/usr/bin/env bash
# Lighthouse 12 on the home page and the HTX article page, as a phone sees them (Lighthouse's default: mobile,
# simulated slow 4G), against a production-like server: gunicorn, DEBUG off, WhiteNoise, the HTX fixture and its
# photo renditions in a throwaway database and media folder.
#
#   scripts/lighthouse.sh [-n RUNS] [--port PORT]      defaults: 1 run per page, port 8020
#
# Uses Debian's chromium at /usr/bin/chromium (CHROME_PATH overrides) and npm, installed with apt-get if missing.
# lighthouse@12.2.3 is installed with npm into scripts/.lighthouse/ (git-ignored); no browser is ever downloaded.
# Prints the median score per category and page; the JSON reports go to test-artifacts/lighthouse/ (git-ignored).
# docs/LIGHTHOUSE.md has the latest numbers and what the pages do to earn them.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=1
PORT=8020
while [ $# -gt 0 ]; do
  case "$1" in
    -n) RUNS="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    -h | --help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "usage: $0 [-n RUNS] [--port PORT]" >&2; exit 2 ;;
  esac
done

# shellcheck source=scripts/debian.sh
source scripts/debian.sh
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
need "$CHROME_PATH" chromium fonts-dejavu-core
need npm nodejs npm
LH_VERSION=12.2.3
LH_DIR=scripts/.lighthouse
LH="$LH_DIR/node_modules/.bin/lighthouse"
if [ ! -x "$LH" ] || [ "$("$LH" --version)" != "$LH_VERSION" ]; then
  echo "Installing lighthouse@$LH_VERSION into $LH_DIR/ …"
  npm install --prefix "$LH_DIR" --no-save --no-package-lock --no-audit --no-fund "lighthouse@$LH_VERSION" >/dev/null
fi
PY=.venv/bin/python
[ -x "$PY" ] || { echo "No .venv: run make run or make test first" >&2; exit 1; }

WORK="$(mktemp -d)"
OUT=test-artifacts/lighthouse
mkdir -p "$OUT" "$WORK/media"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Production settings, except plain HTTP on 127.0.0.1 (DJANGO_HTTPS=0) and everything written to $WORK.
export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SECRET_KEY=lighthouse-only-not-a-secret
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export DJANGO_MEDIA_ROOT="$WORK/media" DJANGO_CACHE_DIR="$WORK/cache"
cp -r media/fixtures "$WORK/media/"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py loaddata htx -v0
"$PY" manage.py renditions >/dev/null
"$PY" manage.py collectstatic --noinput -v0
.venv/bin/gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi --bind "127.0.0.1:$PORT" --log-level warning &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 50); do curl -fs -o /dev/null "$BASE/" && break; sleep 0.2; done
curl -fs -o /dev/null "$BASE/" || { echo "The server on port $PORT did not answer" >&2; exit 1; }

FLAGS="--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
reports=()
for page in / /articles/neu-cao-tinh-than-trach-nhiem/; do
  name="$(echo "$page" | tr -c 'a-z0-9\n' '_' | sed 's/^_*$/home/; s/^_//; s/_$//')"
  for run in $(seq "$RUNS"); do
    report="$WORK/$STAMP-$name-$run.json"
    # Chromium 156 is newer than Lighthouse 12.2.3, which now and then loses a trace (NO_NAVSTART): try again.
    for attempt in 1 2 3; do
      if "$LH" "$BASE$page" --quiet --output=json --output-path="$report" \
        --only-categories=performance,accessibility,best-practices,seo --chrome-flags="$FLAGS" 2>"$report.log"; then
        reports+=("$page|$report")
        rm -f "$report.log"
        break
      fi
      echo "  attempt $attempt on $page failed: $(tail -1 "$report.log")" >&2
      [ "$attempt" = 3 ] && { echo "Lighthouse failed on $page (see $report.log)" >&2; exit 1; }
    done
  done
done

"$PY" - "${reports[@]}" <<'PY'
import json, statistics, sys

by_page = {}
for item in sys.argv[1:]:
    page, path = item.split("|", 1)
    report = json.load(open(path))
    scores = {key: round(cat["score"] * 100) for key, cat in report["categories"].items()}
    audits = report["audits"]
    scores["LCP ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["CLS"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    scores["bytes"] = round(audits["total-byte-weight"]["numericValue"])
    failed = [k for k, a in audits.items() if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")]
    by_page.setdefault(page, []).append((scores, failed, report["lighthouseVersion"], report["configSettings"]["formFactor"]))

columns = ["performance", "accessibility", "best-practices", "seo", "LCP ms", "CLS", "bytes"]
print(f"{'page':<42}" + "".join(f"{c:>15}" for c in columns))
for page, runs in by_page.items():
    medians = [statistics.median(run[0][c] for run in runs) for c in columns]
    print(f"{page:<42}" + "".join(f"{m:>15}" for m in medians))
    print(f"  Lighthouse {runs[0][2]}, {runs[0][3]}, {len(runs)} run(s); audits below 100: {', '.join(sorted(set(sum((r[1] for r in runs), [])))) or 'none'}")
PY
cp "$WORK"/*.json "$OUT/"
echo "Reports: $OUT/$STAMP-*.json"
