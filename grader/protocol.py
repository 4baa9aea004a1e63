"""Framing for the engine's local sockets: a 4-byte big-endian length, then JSON.

The in-sandbox harness (labs/engine/harness/main.py) repeats these few lines
because the repository is not visible inside the sandbox.
"""

import json
import socket
import struct

MAX_MESSAGE = 64 * 1024 * 1024  # a verdict or a call's arguments never come close


def send(sock: socket.socket, message) -> None:
    data = json.dumps(message, default=str).encode()
    sock.sendall(struct.pack(">I", len(data)) + data)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv(sock: socket.socket):
    (size,) = struct.unpack(">I", _recv_exact(sock, 4))
    if size > MAX_MESSAGE:
        raise ValueError(f"message of {size} bytes is too large")
    return json.loads(_recv_exact(sock, size))
