"""An SMTP sink for aiosmtpd and a free local port to run it (or a server) on."""
from __future__ import annotations

import socket
import threading


class Inbox:
    """What the SMTP server received: one entry per recipient of each message."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received.append((recipient, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
