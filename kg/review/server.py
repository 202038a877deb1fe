"""``kg review``: the local server of the review page, from its command line to uvicorn serving the application.

The server (Starlette on uvicorn) serves one article of one corpus folder: its page, the page's script and
stylesheets, and the API through which every decision is written (:mod:`kg.review.api`, which also says how
the server keeps to its own page and the article's files); what it knows of the corpus is a
:class:`kg.review.session.Review`. It listens on the loopback interface only (:func:`is_loopback`) and answers
only at its own address (:func:`allowed_hosts`).
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from kg.review.api import create_app
from kg.review.files import ReviewError, article_files
from kg.review.session import Review
from kg.web.hosts import listening_socket

#: the hosts the server may listen on: loopback addresses only


def is_loopback(host: str) -> bool:
    """Whether a --host value names the loopback interface (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ReviewOptions:
    """The command line of ``kg review``."""

    corpus: Path
    stem: str
    host: str = "127.0.0.1"
    port: int = 0
    open_browser: bool = True
    out: Path | None = None


# ------------------------------------------------------------------------------------------ running


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers the server answers: its loopback address and port, and localhost when it is IPv4."""
    shown = f"[{host}]" if ":" in host else host
    hosts = {f"{shown}:{port}"}
    if host in ("127.0.0.1", "localhost"):
        hosts |= {f"127.0.0.1:{port}", f"localhost:{port}"}
    if host == "::1":
        hosts.add(f"localhost:{port}")
    return hosts


def run(options: ReviewOptions) -> int:
    """Serve the review page until interrupted. Returns the exit status."""
    import uvicorn

    try:
        files = article_files(options.corpus, options.stem)
    except ReviewError as exc:
        print(f"kg review: {exc.message}", file=sys.stderr)
        return 2
    try:
        sock = listening_socket(options.host, options.port)
    except OSError as exc:
        print(f"kg review: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    out = options.out or Path(tempfile.mkdtemp(prefix=f"kg-review-{options.stem}-"))
    review = Review(options.corpus, options.stem, out)
    review.allowed_hosts = allowed_hosts(options.host, port)
    app = create_app(review)
    shown = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{shown}:{port}/review/{options.stem}"
    announcement = f"kg review: reviewing {files.facts} at {url} (builds go to {out}; Ctrl+C stops)"

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                print(announcement, flush=True)
                if options.open_browser:
                    import webbrowser

                    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5, server_header=False, proxy_headers=False
    )
    server = Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        print("kg review: stopped", file=sys.stderr)
    finally:
        sock.close()
        review.stop_query_page()
    return 0 if server.started else 1


def main(options: ReviewOptions) -> int:
    """``kg review``: check the options, then serve."""
    if not is_loopback(options.host):
        print(
            f"kg review: --host {options.host} is not a loopback address: the review server edits your files, so it "
            "listens only on this machine (127.0.0.1, ::1 or localhost)",
            file=sys.stderr,
        )
        return 2
    corpus = options.corpus
    if not (corpus / "articles").is_dir() or not (corpus / "entities.yaml").is_file():
        print(f"kg review: {corpus} is not a corpus folder (it needs entities.yaml and articles/)", file=sys.stderr)
        return 2
    if options.out is not None and options.out.exists() and not options.out.is_dir():
        print(f"kg review: --out {options.out} is a file; name a folder for the builds", file=sys.stderr)
        return 2
    return run(options)


__all__ = ["ReviewOptions", "allowed_hosts", "is_loopback", "main", "run"]
