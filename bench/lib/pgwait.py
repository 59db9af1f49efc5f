#!/usr/bin/python3
"""Waits until a PostgreSQL server accepts connections, like libpq's PQping.

Usage: pgwait.py HOST PORT [TIMEOUT_S]

Polls every 5 ms from one process (no fork per attempt): connects, sends a
startup packet, and reads the first reply. An authentication request means
the server accepts connections; an error with SQLSTATE 57P03 ("the database
system is starting up") or a refused connection means try again. Exit 0 when
ready, 1 on timeout.
"""
import socket
import struct
import sys
import time


def probe(host, port):
    """True when ready, False when not yet."""
    try:
        with socket.create_connection((host, port), timeout=5) as sock:
            params = b"user\0velo_bench_probe\0database\0postgres\0\0"
            body = struct.pack("!I", 196608) + params  # protocol 3.0
            sock.sendall(struct.pack("!I", len(body) + 4) + body)
            reply = sock.recv(8192)
    except OSError:
        return False
    if not reply:
        return False
    if reply[:1] != b"E":
        return True  # authentication request, or anything but an error
    # Error fields: type byte + NUL-terminated string; C = SQLSTATE.
    for field in reply[5:].split(b"\0"):
        if field[:1] == b"C":
            return field[1:] != b"57P03"
    return True


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 300.0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe(host, port):
            return 0
        time.sleep(0.005)
    print(f"pgwait: {host}:{port} not ready after {timeout:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
