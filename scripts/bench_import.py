"""Importer benchmark: write N article files in the newspaper's format, then time import_articles on them.

    .venv/bin/python scripts/bench_import.py                  # SQLite file in a temporary folder, 2,000 files
    .venv/bin/python scripts/bench_import.py --postgres       # PostgreSQL: creates and drops nr_bench_import
    .venv/bin/python scripts/bench_import.py --files 500 --authors 500

Each file is the seed article with its own headline and one of ``--authors`` bylines (all of which already exist,
so every file pays the author lookup in full). Timed: the first import (every file created), the same folder again
(every file unchanged: parse, checksum, one lookup, no write), a --dry-run, and the folder zipped. Results are in
docs/importer.md.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "000_cb3a0ecfc020ae02.txt"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "nr_bench_import"


def postgres(sql):
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def write_files(folder, count, authors):
    seed = SEED.read_text(encoding="utf-8")
    for n in range(count):
        text = seed.replace("Nêu cao tinh thần trách nhiệm", f"Nêu cao tinh thần trách nhiệm số {n}", 1)
        text = text.replace("THANH THY", f"PHÓNG VIÊN {n % authors}", 1)
        (folder / f"{n:06d}.txt").write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--authors", type=int, default=200, help="existing authors the bylines are matched against")
    parser.add_argument("--postgres", action="store_true", help=f"use PostgreSQL database {PG_DATABASE}")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="nr_bench_import_"))
    if args.postgres:
        postgres(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        postgres(f"CREATE DATABASE {PG_DATABASE}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article, Author

    try:
        call_command("migrate", verbosity=0)
        for n in range(args.authors):
            Author.objects.create(name=f"Phóng viên {n}")
        folder = workdir / "files"
        folder.mkdir()
        write_files(folder, args.files, args.authors)
        archive = workdir / "files.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(folder.iterdir()):
                zipped.write(path, f"nam-2020/{path.name}")

        print(f"{args.files} files, {args.authors} existing authors, {connection.vendor}")
        for what, paths, options in [
            ("first import (all created)", [folder], {}),
            ("same folder again (all unchanged)", [folder], {}),
            ("--dry-run (all unchanged)", [folder], {"dry_run": True}),
            ("the zip of the same files (all unchanged)", [archive], {}),
        ]:
            started = time.perf_counter()
            call_command("import_articles", *map(str, paths), verbosity=0, **options)
            elapsed = time.perf_counter() - started
            print(f"{what:<44} {elapsed:>7.2f} s  {args.files / elapsed:>7.0f} files/s")
        assert Article.objects.count() == args.files and Author.objects.count() == args.authors
    finally:
        connection.close()
        if args.postgres:
            postgres(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
