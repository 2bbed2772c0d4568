"""The page benchmark's harness (scripts/bench_pages.py, `make bench`).

- `compare.py`: the wrk driver; interleaved rounds, medians, ratios to baselines, JSON with the raw wrk output.
- `peer_wagtail/`: a small Wagtail news site to compare against; built in its own venv outside the repository.
- `ceiling.py`: a saved copy of one of our pages served by nginx and by gunicorn, the limits of this machine.
"""
