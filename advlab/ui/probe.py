"""One browser-like visit to the app, without a browser.

Does what a browser tab does when it opens the app: ``GET /`` (where nginx hands out
the ``advlab_replica`` cookie), then the websocket ``/_stcore/stream`` with the
cookies it got and a same-origin ``Origin`` header, asks for the first run of the
page and waits until the script has finished. Used to warm up fresh replicas (the
first run in a process imports TensorFlow and traces the attack graphs) and by the
deployment tests. Needs only what Streamlit itself depends on (``websockets``).
"""

from __future__ import annotations

import contextlib
import http.cookies
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

COOKIE = "advlab_replica"


@dataclass
class Visit:
    """What one visit saw; the websocket stays open while the ``visit`` block runs."""

    url: str
    cookies: dict[str, str]
    status: str = ""  # ScriptFinishedStatus name of the first run
    seconds: float = 0.0  # from GET / to the end of the first run
    deltas: int = 0
    download_urls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what the page showed with st.error

    @property
    def replica(self) -> str | None:
        """The replica nginx pinned this visit to (None when served without nginx)."""
        return self.cookies.get(COOKIE)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def get(self, path: str, *, cookies: dict[str, str] | None = None, timeout: float = 30.0) -> int:
        """Status of a GET of ``path`` sent with this visit's cookies (or the given ones)."""
        jar = self.cookies if cookies is None else cookies
        return http_status(self.url + path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())},
                           timeout=timeout)


def http_status(url: str, *, headers: dict[str, str] | None = None, timeout: float = 30.0) -> int:
    """The HTTP status of a GET of ``url`` (the body is read and dropped). Raises
    ``urllib.error.URLError`` or ``OSError`` when nothing answers."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _set_cookies(headers, jar: dict[str, str]) -> None:
    for h in headers.get_all("Set-Cookie") or []:
        c = http.cookies.SimpleCookie()
        c.load(h)
        jar.update({k: m.value for k, m in c.items()})


@contextlib.contextmanager
def visit(url: str, *, cookies: dict[str, str] | None = None, query: str = "", page: str = "",
          timeout_s: float = 120.0) -> Iterator[Visit]:
    """Open the app at ``url`` like a new browser tab and run its first page once
    (``page``: the page's URL path, e.g. ``"digits"``; the default page if empty).

    ``cookies`` are those the browser already holds (e.g. ``{"advlab_replica": "r1"}``).
    Raises TimeoutError when the run does not finish within ``timeout_s`` and
    RuntimeError when the server closes the session or the run ends in an error.
    """
    url = url.rstrip("/")
    jar = dict(cookies or {})
    v = Visit(url, jar)
    t0 = time.monotonic()
    req = urllib.request.Request(url + "/", headers={"Cookie": v.cookie_header()} if jar else {})
    with urllib.request.urlopen(req, timeout=timeout_s) as r:
        r.read()
        _set_cookies(r.headers, jar)
    headers = {"Cookie": v.cookie_header()} if jar else {}
    with connect(url.replace("http", "ws", 1) + "/_stcore/stream", origin=url, subprotocols=["streamlit"],
                 additional_headers=headers, max_size=None, open_timeout=timeout_s,
                 close_timeout=5) as ws:
        _set_cookies(ws.response.headers, jar)
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        ws.send(msg.SerializeToString())
        deadline = t0 + timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the first run at {url} did not finish within {timeout_s:.0f} s")
            fm = ForwardMsg()
            fm.ParseFromString(ws.recv(timeout=left))
            kind = fm.WhichOneof("type")
            if kind == "delta":
                v.deltas += 1
                if fm.delta.WhichOneof("type") == "new_element":
                    el = fm.delta.new_element
                    kind = el.WhichOneof("type")
                    if kind == "download_button" and el.download_button.url:
                        v.download_urls.append(el.download_button.url)
                    elif kind == "alert" and el.alert.format == el.alert.ERROR:
                        v.errors.append(el.alert.body[:300])
                    elif kind == "exception":
                        raise RuntimeError(f"the page raised {el.exception.type}: {el.exception.message}")
            elif kind == "script_finished":
                v.status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
                break
        v.seconds = time.monotonic() - t0
        if v.status != "FINISHED_SUCCESSFULLY":
            raise RuntimeError(f"the first run at {url} ended with {v.status}")
        yield v
