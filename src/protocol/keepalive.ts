/**
 * Keep-alive pings, decided the same way by the client and the server.
 *
 * Whoever owns the timer (the client, one per connection; the server, one for all
 * of its connections) calls `beat()` every interval: it says whether to send the
 * next ping, or that the previous one was never answered, so the peer is gone
 * (a half-open TCP connection after a network change, a process frozen) and the
 * socket should be dropped. Ping payloads count up ("0", "1", ...) like Bokeh's.
 */
export class KeepAlive {
  private awaitingPong = false;
  private sent = 0;

  /** The payload of the ping to send now, or null when the last one was not answered. */
  beat(): string | null {
    if (this.awaitingPong) return null;
    this.awaitingPong = true;
    return String(this.sent++);
  }

  /** A pong (any pong: RFC 6455 lets a peer answer only the latest ping) came. */
  pong(): void {
    this.awaitingPong = false;
  }
}
