"""Where the demo's e-mail and SMS go: a real SMTP server and a real HTTP SMS gateway on
loopback that keep what they receive under out/demo/ (nothing leaves this machine)."""

from __future__ import annotations

import json
import threading
import time
from email.parser import BytesHeaderParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from zjtx.embedded_mongo import free_port


class MailBox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()
        # delivery id (each message carries its own) -> wall clock it last arrived here: when the
        # platform's e-mail or SMS was really sent, for the benchmarks
        self.received: dict[str, float] = {}
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        content = envelope.original_content or envelope.content
        delivery = BytesHeaderParser().parsebytes(content).get("X-ZJTX-Delivery", "")
        with self.lock:
            self.count += 1
            (self.folder / f"{self.count:04d}.eml").write_bytes(content)
            if delivery:
                self.received[delivery] = time.time()
        return "250 OK"


class Sinks:
    def __init__(self, out: Path) -> None:
        self.mailbox = MailBox(out / "mail")
        self.smtp = Controller(self.mailbox, hostname="127.0.0.1", port=free_port())
        self.sms_log = out / "sms.jsonl"
        self.sms_count = 0
        sinks = self

        class SmsGateway(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                message = json.loads(body)
                with sinks.mailbox.lock:
                    sinks.sms_count += 1
                    with open(sinks.sms_log, "a", encoding="utf-8") as log:
                        log.write(json.dumps(message, ensure_ascii=False) + "\n")
                    if isinstance(message, dict) and message.get("id"):
                        sinks.mailbox.received[str(message["id"])] = time.time()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"accepted": true}')

            def log_message(self, *args: Any) -> None:
                pass

        self.sms = ThreadingHTTPServer(("127.0.0.1", free_port()), SmsGateway)
        self.sms_thread = threading.Thread(target=self.sms.serve_forever, daemon=True)

    @property
    def received(self) -> dict[str, float]:
        """Delivery id -> wall clock its e-mail or SMS last arrived (each message names its delivery)."""
        return self.mailbox.received

    def start(self) -> dict[str, str]:
        self.smtp.start()
        self.sms_thread.start()
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.smtp.port), "SMTP_SECURITY": "none",
                "SMS_GATEWAY_URL": f"http://127.0.0.1:{self.sms.server_address[1]}/sms"}

    def stop(self) -> None:
        self.smtp.stop()
        self.sms.shutdown()
