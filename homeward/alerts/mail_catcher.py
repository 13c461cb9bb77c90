"""The demo's mail catcher: an SMTP server on loopback that keeps each message as a file.

`make demo` points Homeward's EMAIL_HOST and EMAIL_PORT at it, so the demo's emails can be
read (in var/mail/, or on the demo's mail page) and none leaves the computer.
"""

import datetime as dt
import itertools
import os
from pathlib import Path


class KeepInFolder:
    """An aiosmtpd handler that writes each message it is given to `folder`, one .eml each."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{next(self._numbers):04d}.eml"
        envelope_to = ", ".join(envelope.rcpt_tos)
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        # Written whole under a temporary name, then renamed: a reader never sees half.
        partial = path.with_suffix(".part")
        partial.write_bytes(f"X-Envelope-To: {envelope_to}\r\n".encode() + content)
        os.replace(partial, path)
        return "250 Message kept"
