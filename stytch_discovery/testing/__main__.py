"""Command line: ``python -m stytch_discovery.testing --port 8765 [--seed seed.json] [--public-token T]``.

Prints the base URL on one line (flushed, so a parent process can read it) and serves until
interrupted; Ctrl-C (SIGINT) or SIGTERM stops it cleanly with exit status 0.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from .errors import ApiError
from .fake import DEFAULT_PROJECT_ID, DEFAULT_PUBLIC_TOKEN, DEFAULT_SECRET, FakeStytch


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m stytch_discovery.testing",
        description="Run the fake Stytch B2B discovery server.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--project-id", default=DEFAULT_PROJECT_ID)
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    parser.add_argument(
        "--public-token", default=DEFAULT_PUBLIC_TOKEN, help="what OAuth and SSO start URLs must carry"
    )
    parser.add_argument("--seed", type=Path, help="a JSON file in the /_fake/seed format")
    parser.add_argument("--default-redirect-url", help="used when send gives no redirect URL")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Handlers instead of KeyboardInterrupt: the main thread only waits, so stopping is
    # clean whichever signal arrives.
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    fake = FakeStytch(
        project_id=args.project_id,
        secret=args.secret,
        public_token=args.public_token,
        host=args.host,
        port=args.port,
        default_discovery_redirect_url=args.default_redirect_url,
    )
    with fake:
        if args.seed is not None:
            try:
                fake.seed(json.loads(args.seed.read_text()))
            except (OSError, ValueError, ApiError) as error:
                print(f"cannot seed from {args.seed}: {error}", file=sys.stderr)
                return 2
        print(fake.base_url, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
