"""A loopback listener that counts the connections made to it: how the tests prove that nothing connects out."""

from __future__ import annotations

import socket
import threading
import time


class Listener:
    """A TCP socket on 127.0.0.1 that accepts, records and closes every connection, for at most ``lifetime`` s."""

    def __init__(self, lifetime: float = 120.0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.port = int(self.sock.getsockname()[1])
        self.connections: list[object] = []
        self._stop = threading.Event()
        self._deadline = time.monotonic() + lifetime
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        """An http URL on the listener."""
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def accepted(self) -> int:
        return len(self.connections)

    def _accept(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            try:
                conn, address = self.sock.accept()
            except OSError:
                continue
            self.connections.append(address)
            conn.close()

    def close(self, wait: float = 0.0) -> list[object]:
        """Stop listening after ``wait`` seconds (for connections still on their way); the connections made."""
        time.sleep(wait)
        self._stop.set()
        self._thread.join(5)
        self.sock.close()
        return self.connections
