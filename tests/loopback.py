"""A test HTTP server on 127.0.0.1: `serve(answer)` answers each GET with `answer(path)`'s
(status, headers, body), on a free port, in a thread; `.base` is its URL, `.stop()` ends it;
`.user_agents` holds the User-Agent headers it was sent."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = Callable[[str], tuple[int, dict[str, str], bytes]]


class LoopbackServer:
    def __init__(self, answer: Answer) -> None:
        user_agents = self.user_agents = set[str]()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                user_agents.add(self.headers.get("User-Agent", ""))
                status, headers, body = answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(answer: Answer) -> LoopbackServer:
    return LoopbackServer(answer)
