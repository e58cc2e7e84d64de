"""Reading a request body off the wire, for the local HTTP servers (the gateway and the fakes)."""

from __future__ import annotations

from email.message import Message
from io import BufferedIOBase

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit


def read_body(rfile: BufferedIOBase, headers: Message, limit: int = MAX_BODY_BYTES) -> bytes | None:
    """The body as sent, by Content-Length or chunked; None when it is larger than ``limit``."""
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        chunks: list[bytes] = []
        total = 0
        while size := int(rfile.readline().split(b";")[0].strip() or b"0", 16):
            total += size
            if total > limit:
                return None
            chunks.append(rfile.read(size))
            rfile.readline()
        while rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
            pass
        return b"".join(chunks)
    length = int(headers.get("Content-Length") or 0)
    if length > limit:
        return None
    return rfile.read(length) if length else b""
