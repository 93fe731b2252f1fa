"""A Tornado websocket server that answers each text message with its length and
SHA-256: checks that Tornado (the websocket layer of the real Bokeh server) reads
the frames our client writes itself (client/transport/frame-writer.ts).
Usage: python interop/tornado_echo.py PORT"""
import hashlib
import sys

import tornado.ioloop
import tornado.web
import tornado.websocket


class Echo(tornado.websocket.WebSocketHandler):
    def on_message(self, message):
        data = message.encode("utf-8") if isinstance(message, str) else message
        self.write_message(f"{len(data)} {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    app = tornado.web.Application([(r"/ws", Echo)], websocket_max_message_size=1024**3)
    app.listen(int(sys.argv[1]), address="127.0.0.1")
    print("READY", flush=True)
    tornado.ioloop.IOLoop.current().start()
