"""Say plainly whether a service the test suite needs is reachable.

Exit 0 when it answers. When it does not: exit 1 in CI (CI=true) or unless the developer opted out with
NEWSROOM_SKIP_SERVICES=1, in which case exit 2 so the Makefile can skip that part with a message.
"""

import os
import socket
import sys
from urllib.parse import urlsplit


def main(name, url):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port), timeout=3):
            return 0
    except OSError as error:
        print(f"*** {name} is not reachable at {parts.hostname}:{parts.port} ({error}).", file=sys.stderr)
        print("    docs/DEPLOYMENT.md ('Services') says how to start it.", file=sys.stderr)
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("NEWSROOM_SKIP_SERVICES") != "1":
            print("    Failing. Locally, NEWSROOM_SKIP_SERVICES=1 skips the tests that need it.", file=sys.stderr)
            return 1
        print(f"    NEWSROOM_SKIP_SERVICES=1: skipping the {name} run.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
