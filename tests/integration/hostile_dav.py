"""A hostile or broken CalDAV server on 127.0.0.1 for the fault tests: every reply 500, a
PUT always refused with 412, a reply that never ends, a 100 MB multistatus, a multistatus with entity expansion. PUT and
DELETE succeed (so the daemon gets as far as its sync) except in `status500` mode.

    python3 hostile_dav.py MODE PORT_FILE
writes the port it listens on to PORT_FILE and serves until killed."""

import http.server
import sys
import threading
import time

MODE = sys.argv[1]

LAUGHS = ("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
          + "".join(f" <!ENTITY lol{i} \"" + f"&lol{i - 1 if i > 1 else ''};" * 10 + "\">\n"
                    for i in range(1, 10))
          + "]>\n<multistatus xmlns=\"DAV:\"><sync-token>&lol9;</sync-token></multistatus>\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _drain(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def _reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        self._drain()
        if MODE == "status500":
            self._reply(500, b"Internal Server Error")
        elif MODE == "conflict":
            self._reply(412, b"Precondition Failed")
        else:
            self._reply(201, headers=[("ETag", "\"1\"")])

    do_DELETE = do_PUT

    def do_REPORT(self):
        self._drain()
        if MODE == "status500":
            self._reply(500, b"Internal Server Error")
        elif MODE == "hang":
            self.send_response(207)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\">")
            self.wfile.flush()
            time.sleep(3600)  # never ends
        elif MODE == "huge":
            self.send_response(207)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<response><href>/x</href><status>HTTP/1.1 404 Not Found</status></response>" * 800
            sent = 0
            try:
                self._chunk(b"<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\">")
                while sent < 100 * 1024 * 1024:
                    self._chunk(chunk)
                    sent += len(chunk)
                self._chunk(b"</multistatus>")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should
        elif MODE == "conflict":
            self._reply(207, b"<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\">"
                        b"<sync-token>t</sync-token></multistatus>",
                        [("Content-Type", "application/xml")])
        elif MODE == "entities":
            self._reply(207, LAUGHS.encode(), [("Content-Type", "application/xml")])

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(sys.argv[2] + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
import os  # noqa: E402
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
