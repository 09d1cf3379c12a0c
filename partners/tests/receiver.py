"""A partner's webhook receiver on loopback: answers each POST with the next status of a script,
keeps what it got, and checks the signature the way docs/partners-api.md tells partners to."""

import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


def signature_ok(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class Receiver:
    def __init__(self, statuses=(200,), secret: str = ""):
        self.statuses = list(statuses)
        self.secret = secret
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                receiver.received.append(
                    {
                        "body": body,
                        "event_id": self.headers.get("X-Minzheng-Event-Id", ""),
                        "signed": signature_ok(
                            receiver.secret,
                            self.headers.get("X-Minzheng-Timestamp", ""),
                            body,
                            self.headers.get("X-Minzheng-Signature", ""),
                        ),
                        "status": status,
                    }
                )
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/minzheng/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
