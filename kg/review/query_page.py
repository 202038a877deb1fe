"""The query page of a review: ``kg serve --data`` over the review's last build, started on a free loopback
port when the page asks for it, so the page can link to the article's graph, and stopped with the review
server.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kg.review.files import ReviewError

#: how long the query page's server may take to start (it loads the built file into its store first)
QUERY_PAGE_STARTUP = 180.0


@dataclass
class QueryPage:
    """The ``kg serve`` a review started, if any: its process, its address and the build it serves."""

    running: tuple[subprocess.Popen[bytes], str, Path] | None = None

    def url(self, built: Path, folder: Path) -> str:
        """The address of ``kg serve --data`` over ``built``, started (or restarted) when needed; its log is
        written into ``folder``."""
        if self.running is not None:
            process, url, data = self.running
            if process.poll() is None and data == built and _answers(url):
                return url
            self.stop()
        port = _free_port()
        log = folder / "query-page.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kg",
                    "serve",
                    "--data",
                    str(built),
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        self.running = (process, url, built)
        deadline = time.monotonic() + QUERY_PAGE_STARTUP
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.running = None
                raise ReviewError(500, f"kg serve stopped (exit {process.returncode}); its log is {log}")
            if _answers(url):
                return url
            time.sleep(0.3)
        self.stop()
        raise ReviewError(503, f"kg serve did not start within {QUERY_PAGE_STARTUP:g} s; its log is {log}")

    def stop(self) -> None:
        """Stop the query page's server, if this review started one."""
        if self.running is None:
            return
        process = self.running[0]
        self.running = None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/status", timeout=2) as reply:  # noqa: S310 (our own loopback server)
            return bool(reply.status == 200)
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
