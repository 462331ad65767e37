"""What the load benchmarks (web_load.py, server_load.py) share: a bare HTTP/1.1
keep-alive client that costs the client next to nothing, the requests it sends to
acupress (the CSRF cookie and header), the safety check's all-clear answers, and a
percentile."""

from __future__ import annotations

import asyncio
import json
import math
import time

from acupress import safety

HOST = "127.0.0.1"


class Closed(Exception):
    """The connection failed or the server hung up."""


class Conn:
    """One HTTP/1.1 keep-alive connection, one request at a time; it connects again when
    the server hung up. ``wait_for_start``: a refused connection is tried again for ten
    seconds (a server bound and printed, not yet listening); else it is Closed."""

    def __init__(self, port: int, *, wait_for_start: bool = False) -> None:
        self.port = port
        self.wait_for_start = wait_for_start
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.gap = 0.0  # from the end of the last answer's head to the end of its body

    async def open(self) -> None:
        tries = 100 if self.wait_for_start else 1
        for attempt in range(tries):
            try:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
                return
            except ConnectionRefusedError:
                if attempt == tries - 1:
                    raise
                await asyncio.sleep(0.1)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, data: bytes) -> tuple[int, bytes, bytes]:
        """Status, head and body of the answer; Closed when the connection failed."""
        try:
            if self.writer is None:
                await self.open()
            assert self.reader is not None and self.writer is not None
            self.writer.write(data)
            head = await self.reader.readuntil(b"\r\n\r\n")
            headed = time.perf_counter()
            lower = head.lower()
            at = lower.find(b"\r\ncontent-length:")
            if at >= 0:
                size = int(lower[at + 17 : lower.index(b"\r\n", at + 2)])
                body = await self.reader.readexactly(size)
            elif b"\r\ntransfer-encoding: chunked" in lower:
                body = await self.chunked()
            else:
                raise Closed("an answer without a length")
            self.gap = time.perf_counter() - headed
        except (asyncio.IncompleteReadError, OSError) as e:
            self.close()
            raise Closed(str(e)) from e
        if b"\r\nconnection: close" in lower:
            self.close()
        return int(head[9:12]), head, body

    async def chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await self.reader.readexactly(size + 2))
            if size == 0:
                return b"".join(parts)


def get(port: int, path: str, token: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nCookie: acupress_csrf={token}\r\n"
        f"X-CSRF-Token: {token}\r\n\r\n"
    ).encode()


def post(port: int, path: str, token: str, body: object) -> bytes:
    data = json.dumps(body, separators=(",", ":")).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Cookie: acupress_csrf={token}\r\nX-CSRF-Token: {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    ).encode() + data


def all_clear() -> dict[str, object]:
    """Answers to the safety check of a person with nothing against a session."""
    answers: dict[str, object] = {}
    for q in safety.default_screening().questions:
        answers[q.id] = {"yes_no": False, "number": 40, "points": []}[q.type]
    return {"answers": answers}


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
