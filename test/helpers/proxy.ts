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
  private stalled = false;

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

  /** Keeps connections open but forwards nothing more, in either direction (a dead peer). */
  blackhole(on = true): void {
    this.blackholed = on;
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
    client.on("data", (chunk: Buffer) => {
      if (!this.blackholed) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!this.blackholed) client.write(chunk);
    });
    if (this.stalled) client.pause();
  }
}
