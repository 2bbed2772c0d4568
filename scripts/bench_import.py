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
import time
import zipfile
from pathlib import Path

from benchdb import throwaway_django

SEED = Path(__file__).resolve().parent.parent / "tests" / "data" / "000_cb3a0ecfc020ae02.txt"


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
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (database nr_bench_import)")
    args = parser.parse_args()

    with throwaway_django("nr_bench_import", postgres=args.postgres) as workdir:
        from django.core.management import call_command
        from django.db import connection

        from articles.models import Article, Author

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


if __name__ == "__main__":
    main()
