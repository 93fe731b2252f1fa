/**
 * A TCP proxy between a client and a real server that can cut, stall or
 * black-hole connections: the network faults a server cannot produce itself.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export class FaultProxy {
  readonly url: string;
  private readonly server: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private blackholed = false;
  private downstreamBlackholed = false;
  private stalled = false;
  /** Resets armed by `resetOn`: a connection is reset when a chunk in that direction contains the marker. */
  private armed: { marker: Buffer; direction: "up" | "down"; left: number; done: () => void }[] = [];
  private readonly clientBytesWaiters: (() => void)[] = [];
  /** Messages clients sent, by msgtype (read from the header frames that passed). */
  private readonly sentTypes = new Map<string, number>();
  private sentWaiters: { msgtype: string; count: number; resolve: () => void }[] = [];

  private constructor(server: Server, private readonly target: URL) {
    this.server = server;
    const address = server.address() as { port: number };
    this.url = `${target.protocol}//127.0.0.1:${address.port}${target.pathname.replace(/\/$/, "")}`;
  }

  /** A proxy to the server at `targetUrl` (http://host:port/...); its own URL has the same path. */
  static async start(targetUrl: string): Promise<FaultProxy> {
    const target = new URL(targetUrl);
    let proxy: FaultProxy | null = null;
    const server = createServer((client) => proxy?.accept(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy = new FaultProxy(server, target);
    return proxy;
  }

  get connections(): number {
    return this.pairs.size;
  }

  /** Drops every open connection (both sides see a TCP reset). */
  cut(): void {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Resets one open connection, chosen by `pick(count)` (an index below count); false if none is open. */
  resetOne(pick: (count: number) => number): boolean {
    const pairs = [...this.pairs];
    if (pairs.length === 0) return false;
    const [client, upstream] = pairs[pick(pairs.length)]!;
    client.resetAndDestroy();
    upstream.resetAndDestroy();
    return true;
  }

  /** Drops every armed `resetOn` (their promises never resolve). */
  disarm(): void {
    this.armed = [];
  }

  /** Keeps connections open but forwards nothing more, in either direction (a dead peer). */
  blackhole(on = true): void {
    this.blackholed = on;
  }

  /** Forwards what clients send, but nothing the server sends back (its replies are lost). */
  blackholeDownstream(on = true): void {
    this.downstreamBlackholed = on;
  }

  /**
   * Resets the connection that carries `marker` next (server to client: "down", or client to
   * server: "up"), before the chunk holding it is forwarded; `times` connections in turn.
   * Resolves once the last of them was reset.
   */
  resetOn(marker: string, direction: "up" | "down" = "down", times = 1): Promise<void> {
    return new Promise<void>((done) => this.armed.push({ marker: Buffer.from(marker), direction, left: times, done }));
  }

  /** Resolves when the next chunk from a client reaches the proxy (whether or not it is forwarded). */
  clientBytes(): Promise<void> {
    return new Promise<void>((resolve) => this.clientBytesWaiters.push(resolve));
  }

  /** How many messages of `msgtype` clients sent through the proxy so far. */
  sent(msgtype: string): number {
    return this.sentTypes.get(msgtype) ?? 0;
  }

  /** Resolves once clients have sent `count` messages of `msgtype` through the proxy. */
  whenSent(msgtype: string, count: number): Promise<void> {
    if (this.sent(msgtype) >= count) return Promise.resolve();
    return new Promise<void>((resolve) => this.sentWaiters.push({ msgtype, count, resolve }));
  }

  private countSent(payloads: readonly Buffer[]): void {
    for (const payload of payloads) {
      const match = /^\{[^{}]*"msgtype": ?"([A-Z-]+)"/.exec(payload.toString("latin1", 0, 200));
      if (match) this.sentTypes.set(match[1]!, this.sent(match[1]!) + 1);
    }
    this.sentWaiters = this.sentWaiters.filter((w) => (this.sent(w.msgtype) >= w.count ? (w.resolve(), false) : true));
  }

  /** Stops reading from clients (TCP backpressure builds up on the client side), or resumes. */
  stall(on = true): void {
    this.stalled = on;
    for (const [client] of this.pairs) {
      if (on) client.pause();
      else client.resume();
    }
  }

  /** Refuses new connections from now on (the server looks gone); open ones stay until cut. */
  refuse(): void {
    if (this.server.listening) this.server.close();
  }

  async close(): Promise<void> {
    this.refuse();
    this.cut();
  }

  private resetIfArmed(chunk: Buffer, direction: "up" | "down", [client, upstream]: [Socket, Socket], text: Buffer = chunk): boolean {
    const arm = this.armed.find((a) => a.direction === direction && text.includes(a.marker));
    if (arm === undefined) return false;
    client.resetAndDestroy();
    upstream.resetAndDestroy();
    arm.left -= 1;
    if (arm.left === 0) {
      this.armed.splice(this.armed.indexOf(arm), 1);
      arm.done();
    }
    return true;
  }

  private accept(client: Socket): void {
    const upstream = connect(Number(this.target.port), this.target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const forget = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", forget).on("close", forget);
    upstream.on("error", forget).on("close", forget);
    const scanner = new ClientFrames();
    client.on("data", (chunk: Buffer) => {
      for (const resolve of this.clientBytesWaiters.splice(0)) resolve();
      // Client frames are masked: markers are looked for in their unmasked payloads.
      const payloads = scanner.push(chunk);
      this.countSent(payloads);
      if (this.resetIfArmed(chunk, "up", pair, Buffer.concat(payloads))) return;
      if (!this.blackholed) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (this.resetIfArmed(chunk, "down", pair)) return;
      if (!this.blackholed && !this.downstreamBlackholed) client.write(chunk);
    });
    if (this.stalled) client.pause();
  }
}

/**
 * What a client sends after its upgrade request, as the payloads of its masked frames:
 * `push` returns the unmasked payloads of the frames the chunk completes.
 */
class ClientFrames {
  private pending = Buffer.alloc(0);
  private upgraded = false;

  push(chunk: Buffer): Buffer[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (!this.upgraded) {
      const end = this.pending.indexOf("\r\n\r\n");
      if (end < 0) return [];
      this.upgraded = true;
      this.pending = this.pending.subarray(end + 4);
    }
    const payloads: Buffer[] = [];
    for (;;) {
      const frame = this.next();
      if (frame === null) break;
      payloads.push(frame);
    }
    return payloads;
  }

  private next(): Buffer | null {
    const b = this.pending;
    if (b.length < 2) return null;
    let length = b[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return null;
      length = Number(b.readBigUInt64BE(2));
      at = 10;
    }
    const masked = (b[1]! & 0x80) !== 0;
    const start = at + (masked ? 4 : 0);
    if (b.length < start + length) return null;
    const payload = Buffer.from(b.subarray(start, start + length));
    if (masked) for (let i = 0; i < length; i++) payload[i]! ^= b[at + (i & 3)]!;
    this.pending = b.subarray(start + length);
    return payload;
  }
}
