"""Talking to a triple store over HTTP: who we are to it, and what went wrong.

``kg push`` (:mod:`kg.stores.push`) loads the build into a store people already run over the SPARQL 1.1 Graph
Store HTTP Protocol, and ``kg query --endpoint`` (:mod:`kg.stores.endpoint`) asks it questions over the SPARQL
1.1 Protocol. Both go through a :class:`Connection`; the stores they know, and where each has its endpoints,
are :mod:`kg.stores.catalogue`'s.

**Who we are.** :class:`Credentials` come from the command line's ``--user NAME`` with the password in
the environment variable ``KG_STORE_PASSWORD``, or a bearer token in ``KG_STORE_TOKEN``: never a secret
on the command line (where ``ps`` and shell histories show it), so a store URL holding a password
(``http://user:secret@host/``) is refused. With a user, HTTP basic authentication is sent; when the
store answers with a digest challenge instead (Virtuoso's ``/sparql-graph-crud-auth`` does), the
connection switches to HTTP digest authentication for every later request.

**What went wrong.** Every failure is a :class:`StoreError` with one line to print: the store
unreachable (and why), the credentials missing or refused (401, 403), or another error status, with the
store's own message trimmed to one line. ``usage`` tells the command's exit status apart: the store
unreachable or the credentials refused is something to fix in the command or its environment (exit
status 2); an error the store answered otherwise is the store's (1). No message holds a secret: every
one is scrubbed of the password and the token before it is raised, and URLs are written without user
information.

The HTTP client is httpx (imported when a connection opens, so ``kg query`` on the embedded store
never loads it): its requests stream a body from an iterator with a known length, keep the connection
alive across the thousands of requests of a large push, and speak digest authentication; the standard
library's urllib does the first badly and the second not at all.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from kg import __version__

if TYPE_CHECKING:
    import httpx

#: the environment variables secrets are read from (never the command line)
PASSWORD_VARIABLE = "KG_STORE_PASSWORD"
TOKEN_VARIABLE = "KG_STORE_TOKEN"
#: seconds to wait for a connection, and for a store to answer one request (a large graph, a slow query)
CONNECT_TIMEOUT = 10.0
ANSWER_TIMEOUT = 600.0
#: the longest store message an error repeats
MESSAGE_LENGTH = 300


# ------------------------------------------------------------------------ errors


class StoreError(Exception):
    """A request to a store that failed; the message is one line, without secrets.

    Attributes:
        status: The HTTP status the store answered, or None when it answered none.
        usage: Whether the command or its environment must change (exit status 2): by default when the
            store could not be reached or refused the credentials (401, 403).
    """

    def __init__(self, message: str, status: int | None = None, usage: bool | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.usage = status is None or status in (401, 403) if usage is None else usage


def shown_url(url: str) -> str:
    """The URL as messages write it: without user information, query or fragment."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def checked_url(url: str, option: str) -> str:
    """The URL of a store when it is one: http(s), a host, no password in it.

    Raises:
        StoreError: Any other URL (a usage error; the message never repeats a password).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{option} takes an http:// or https:// URL, not '{shown_url(url)}'")
    if parts.password is not None:
        raise StoreError(
            f"{option} holds a password: give the user with --user and the password in ${PASSWORD_VARIABLE}, "
            "never on the command line"
        )
    return url.strip()


def _store_message(response: httpx.Response) -> str:
    """What the store said, on one line: tags and runs of white space dropped, cut to MESSAGE_LENGTH."""
    try:
        text = response.text
    except Exception:  # an undecodable body says nothing
        return ""
    text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LENGTH else text[: MESSAGE_LENGTH - 1] + "…"


# ---------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    """Who we are to the store: a user and password, a bearer token, or nobody."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    @classmethod
    def from_environment(cls, user: str | None, environ: Mapping[str, str] | None = None) -> Credentials:
        """The credentials of ``--user`` (password from ``KG_STORE_PASSWORD``), else ``KG_STORE_TOKEN``'s.

        Raises:
            StoreError: A user without a password in the environment.
        """
        environ = os.environ if environ is None else environ
        if user:
            password = environ.get(PASSWORD_VARIABLE)
            if password is None:
                raise StoreError(
                    f"--user {user} needs the password in the environment variable {PASSWORD_VARIABLE} "
                    "(it is never taken from the command line)"
                )
            return cls(user=user, password=password)
        token = environ.get(TOKEN_VARIABLE)
        return cls(token=token) if token else cls()

    @property
    def given(self) -> bool:
        return bool(self.user or self.token)

    def secrets(self) -> list[str]:
        """The secret strings no message may hold."""
        return [s for s in (self.password, self.token) if s]

    def __repr__(self) -> str:  # never the secrets, whatever prints a Credentials
        return f"Credentials(user={self.user!r}, password={'***' if self.password else None}, token=***)"


def _auth(credentials: Credentials) -> Any:
    """The httpx authentication of the credentials: basic that turns digest on a digest challenge, or a
    bearer token, or None."""
    import httpx

    if credentials.token and not credentials.user:
        token = credentials.token

        class Bearer(httpx.Auth):
            def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
                request.headers["Authorization"] = f"Bearer {token}"
                yield request

        return Bearer()
    if credentials.user is None or credentials.password is None:
        return None
    user, password = credentials.user, credentials.password

    basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    digest = httpx.DigestAuth(user, password)

    class BasicOrDigest(httpx.Auth):
        """HTTP basic, sent with every request, until the store challenges with digest: then digest."""

        use_digest = False

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
            if self.use_digest:
                yield from digest.auth_flow(request)
                return
            request.headers["Authorization"] = basic
            response = yield request
            if response.status_code != 401:
                return
            challenges = response.headers.get_list("www-authenticate")
            if not challenges:  # Virtuoso answers basic credentials with a bare 401: ask for its challenge
                del request.headers["Authorization"]
                response = yield request
                challenges = response.headers.get_list("www-authenticate")
            if any(c.lower().lstrip().startswith("digest") for c in challenges):
                self.use_digest = True
                request.headers.pop("Authorization", None)
                yield from digest.auth_flow(request)

    return BasicOrDigest()


# ---------------------------------------------------------------- connection


class Connection:
    """Requests to one store, with its credentials, kept alive across requests; close it when done.

    Use it as a context manager::

        with Connection(Credentials.from_environment(None)) as connection:
            response = connection.request("GET", url, what="read the graph")
    """

    def __init__(self, credentials: Credentials | None = None, answer_timeout: float = ANSWER_TIMEOUT) -> None:
        import httpx

        self.credentials = credentials or Credentials()
        #: seconds to wait for the store to answer one request (``bench/stores.py`` sets a shorter limit)
        self.answer_timeout = answer_timeout
        self._client = httpx.Client(
            auth=_auth(self.credentials),
            timeout=httpx.Timeout(answer_timeout, connect=CONNECT_TIMEOUT),
            headers={"User-Agent": f"kerman-kg/{__version__}"},
            follow_redirects=False,
        )

    def set_answer_timeout(self, seconds: float) -> None:
        """Wait at most this many seconds for each later answer (connecting: at most :data:`CONNECT_TIMEOUT`)."""
        import httpx

        self.answer_timeout = seconds
        self._client.timeout = httpx.Timeout(seconds, connect=min(CONNECT_TIMEOUT, seconds))

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def scrub(self, text: str) -> str:
        """The text with every secret of the credentials replaced by ``***``."""
        for secret in self.credentials.secrets():
            text = text.replace(secret, "***")
        return text

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Any = None,
        data: Any = None,
        content: Any = None,
        headers: dict[str, str] | None = None,
        allow: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send one request; the response when its status is 2xx (or in ``allow``).

        Args:
            method: The HTTP method.
            url: The URL (its query string is ``params``).
            what: What the request does, for messages ("PUT the graph kgg:registry").
            params: The URL's query parameters.
            data: A form to send (``application/x-www-form-urlencoded``).
            content: A body to send: bytes, or an iterable of bytes with its Content-Length in ``headers``.
            headers: More headers.
            allow: Error statuses to return rather than raise (404 when a graph may be missing).

        Raises:
            StoreError: The store could not be reached, or answered another status (the message says which,
                with the store's message, and never a secret).
        """
        import httpx

        try:
            response = self._client.request(method, url, params=params, data=data, content=content, headers=headers)
        except httpx.TimeoutException as exc:
            kind = "connect" if isinstance(exc, httpx.ConnectTimeout) else "answer"
            limit = CONNECT_TIMEOUT if kind == "connect" else self.answer_timeout
            message = f"the store at {shown_url(url)} did not {kind} within {limit:g} s ({what})"
            raise StoreError(self.scrub(message), usage=kind == "connect") from None
        except httpx.HTTPError as exc:  # refused, no such host, reset, a bad URL...
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreError(self.scrub(f"cannot reach the store at {shown_url(url)} to {what}: {reason}")) from None
        if response.is_success or response.status_code in allow:
            return response
        raise StoreError(self.scrub(self._message(response, url, what)), response.status_code)

    def _message(self, response: httpx.Response, url: str, what: str) -> str:
        status = f"{response.status_code} {response.reason_phrase}".strip()
        said = _store_message(response)
        said = f": {said}" if said else ""
        if response.status_code in (401, 403):
            if self.credentials.given:
                how = f"check --user and ${PASSWORD_VARIABLE}, or ${TOKEN_VARIABLE}"
                return f"the store at {shown_url(url)} refused the credentials ({status}) to {what}{said}; {how}"
            how = f"give --user NAME with ${PASSWORD_VARIABLE} set, or set ${TOKEN_VARIABLE}"
            return f"the store at {shown_url(url)} needs credentials ({status}) to {what}{said}; {how}"
        if response.is_redirect:
            where = shown_url(response.headers.get("location", "")) or "elsewhere"
            return f"the store at {shown_url(url)} redirects ({status}) to {where}: give that URL instead"
        return f"the store at {shown_url(url)} answered {status} to {what}{said}"


__all__ = [
    "Connection",
    "Credentials",
    "StoreError",
    "checked_url",
    "shown_url",
]
