"""Search benchmark: seed demo articles into a throwaway database, then time typical queries.

    .venv/bin/python scripts/bench_search.py                  # SQLite file in a temporary folder, 100,000 articles
    .venv/bin/python scripts/bench_search.py --postgres       # PostgreSQL: creates and drops nr_bench_search
    .venv/bin/python scripts/bench_search.py --articles 10000 --runs 50

Each query runs exactly what the search page runs: ``Article.objects.published().select_related("author")
.search(q)`` paginated 20 a page. "ids" is the ranked-ids lookup (which also gives Paginator its count), "rows"
the 20 articles of page 1, "total" both; "last page" is the same for the last page (at most page 50: results stop
at MAX_RESULTS); "CPU" is this process's CPU time for "total" (all of SQLite's work, none of PostgreSQL's), which
stays meaningful when other jobs share the cores and stretch the wall-clock times. The first run of each query
is a warm-up and is not counted. Results are in docs/PERFORMANCE.md.
"""

import argparse
import os
import statistics
import time

from benchdb import throwaway_django

QUERIES = [
    ("can tho", "two common words (a place name)"),
    ("duc phuong", "a person's name, without accents"),
    ("Mỹ Khánh", "a rare name, with accents"),
    ("phat trien", "the most common words"),
    ("can tho hop tac xa", "five words"),
    ("khong co bai nao", "no match"),
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query (after one warm-up)")
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (database nr_bench_search)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (prints where it is)")
    args = parser.parse_args()

    with throwaway_django("nr_bench_search", postgres=args.postgres, keep=args.keep):
        from django.core.management import call_command
        from django.core.paginator import Paginator
        from django.db import connection

        from articles.models import Article

        started, cpu = time.perf_counter(), time.process_time()
        call_command("seed_demo", articles=args.articles, seed=1, verbosity=1)
        print(
            f"seed_demo --articles {args.articles} on {connection.vendor}: {time.perf_counter() - started:.1f} s "
            f"(this process used {time.process_time() - cpu:.1f} s of CPU; load average {os.getloadavg()[0]:.1f})"
        )

        print(
            f"\n{'query':<20} {'matches':>8} {'total median':>12} {'p95':>6} {'ids':>6} {'rows':>6} "
            f"{'last page':>9} {'CPU':>6}"
        )
        for query, what in QUERIES:
            totals, ids, rows, last, cpu_ms = [], [], [], [], []
            for run in range(args.runs + 1):
                started, cpu_started = time.perf_counter(), time.process_time()
                paginator = Paginator(Article.objects.published().select_related("author").search(query), 20)
                matches = paginator.count
                counted = time.perf_counter()
                list(paginator.page(1).object_list)
                finished, cpu_finished = time.perf_counter(), time.process_time()
                paginator = Paginator(Article.objects.published().select_related("author").search(query), 20)
                list(paginator.page(paginator.num_pages).object_list)
                if run:
                    totals.append((finished - started) * 1000)
                    ids.append((counted - started) * 1000)
                    rows.append((finished - counted) * 1000)
                    last.append((time.perf_counter() - finished) * 1000)
                    cpu_ms.append((cpu_finished - cpu_started) * 1000)
            results = Article.objects.published().search(query)
            shown = f"{matches}+" if results.capped else str(matches)
            print(
                f"{query:<20} {shown:>8} {statistics.median(totals):>12.1f} {percentile(totals, 0.95):>6.1f} "
                f"{statistics.median(ids):>6.1f} {statistics.median(rows):>6.1f} {statistics.median(last):>9.1f} "
                f"{statistics.median(cpu_ms):>6.1f}"
                f"   {what}"
            )
        print(f"\nload average (1 min) after the queries: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
