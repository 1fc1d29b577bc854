"""A small Slack Web API on loopback: `chat.postMessage` as Slack answers it, checking the bot
token and recording every message — the stand-in for slack.com, which we do not own."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSlack:
    def __init__(self, token: str = "xoxb-test-token") -> None:
        self.token = token
        self.messages: list[dict] = []
        self.rejected: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path != "/api/chat.postMessage":
                    answer = {"ok": False, "error": "unknown_method"}
                elif self.headers.get("Authorization") != f"Bearer {fake.token}":
                    fake.rejected.append(self.headers.get("Authorization", ""))
                    answer = {"ok": False, "error": "invalid_auth"}
                else:
                    message = json.loads(raw)
                    if not message.get("channel"):
                        answer = {"ok": False, "error": "channel_not_found"}
                    else:
                        fake.messages.append(message)
                        answer = {"ok": True, "channel": message["channel"],
                                  "ts": f"{time.time():.6f}", "message": message}
                body = json.dumps(answer).encode()
                self.send_response(200)  # Slack answers 200 with ok=false for API errors
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n: int, seconds: float = 15) -> list[dict]:
        deadline = time.time() + seconds
        while len(self.messages) < n and time.time() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= n, f"received {len(self.messages)} of {n}"
        return self.messages

    def stop(self) -> None:
        self.server.shutdown()
