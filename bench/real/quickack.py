"""bench:real --stall, one more row: what TCP_QUICKACK would do, from a client that can set
it (Node's net.Socket cannot: it has setNoDelay and setKeepAlive, no setsockopt). A bare
websocket client over a plain Python socket, no Bokeh code, TCP_NODELAY on like `ws`:
SERVER-INFO-REQ round trips against the real Bokeh server, with TCP_QUICKACK set again
before every recv (Linux leaves quick-ACK mode by itself, so once is not enough), and
without it. Prints one JSON line: {"quickack": median ms, "plain": median ms}.

    .venv-bokeh/bin/python bench/real/quickack.py <server url> [round trips]
"""
import base64
import json
import os
import socket
import statistics
import struct
import sys
import time
from urllib.parse import urlparse

url = urlparse(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 50


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class Raw:
    def __init__(self, quickack):
        self.quickack = quickack
        session_id = b64url(os.urandom(33)).replace("-", "x").replace("_", "x")
        token = b64url(json.dumps({"session_id": session_id, "session_expiry": int(time.time()) + 300}).encode())
        self.sock = socket.create_connection((url.hostname, url.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET /empty/ws HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: bokeh, {token}\r\n\r\n".encode()
        )
        self.data = b""
        while b"\r\n\r\n" not in self.data:
            self.recv()
        head, self.data = self.data.split(b"\r\n\r\n", 1)
        assert b" 101 " in head.split(b"\r\n")[0], head
        self.message()  # the ACK

    def recv(self):
        if self.quickack:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = self.sock.recv(65536)
        if self.quickack:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        if not chunk:
            raise ConnectionError("closed")
        self.data += chunk

    def frame(self):
        while True:
            if len(self.data) >= 2:
                length = self.data[1] & 0x7F
                at = 2
                if length == 126 and len(self.data) >= 4:
                    length, at = struct.unpack("!H", self.data[2:4])[0], 4
                elif length == 127 and len(self.data) >= 10:
                    length, at = struct.unpack("!Q", self.data[2:10])[0], 10
                if length < 126 or at > 2:
                    if len(self.data) >= at + length:
                        payload, self.data = self.data[at:at + length], self.data[at + length:]
                        return payload
            self.recv()

    def message(self):
        header = json.loads(self.frame())
        for _ in range(2 + 2 * header.get("num_buffers", 0)):
            self.frame()
        return header

    def send(self, text):
        payload = text.encode()
        assert len(payload) < 126
        self.sock.sendall(struct.pack("!BB", 0x81, 0x80 | len(payload)) + b"\0\0\0\0" + payload)

    def roundtrip(self, n):
        msgid = f"q{n}"
        t0 = time.perf_counter()
        self.send(json.dumps({"msgid": msgid, "msgtype": "SERVER-INFO-REQ"}))
        self.send("{}")
        self.send("{}")
        while self.message().get("reqid") != msgid:
            pass
        return (time.perf_counter() - t0) * 1000


result = {}
for name, quickack in (("plain", False), ("quickack", True)):
    raw = Raw(quickack)
    result[name] = statistics.median(raw.roundtrip(i) for i in range(count))
    raw.sock.close()
print(json.dumps(result))
