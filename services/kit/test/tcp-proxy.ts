import type { AddressInfo, Server, Socket } from "node:net";
import { connect, createServer } from "node:net";

export interface TcpProxyOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  /** Default 127.0.0.1. */
  readonly listenHost?: string;
  /**
   * Picks the target of each new connection (default: targetHost:targetPort), e.g. a
   * round-robin over ready replicas, as kube-proxy does for a Service. Undefined: refuse.
   */
  readonly route?: () => { host: string; port: number } | undefined;
}

/**
 * A tiny TCP proxy for fault injection: put it between a client and a server, then cut every
 * connection (`cutAll`), reset them with a TCP RST (`resetAll`), stall them like a black-holed
 * network (`stall(true)`: bytes stop flowing both ways, sockets stay open) or refuse new ones
 * for a while (`refuse(true)`). Each accepted client socket is piped to a fresh socket to the
 * target. Reused by the fault-injection suite (`services/faults`).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<[Socket, Socket]>();
  private refusing = false;
  private stalled = false;
  /** Connections accepted since start (cut or not). */
  accepted = 0;

  constructor(private readonly opts: TcpProxyOptions) {}

  /** Starts listening on an ephemeral port and returns it. */
  async listen(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, this.opts.listenHost ?? "127.0.0.1", () => resolve());
    });
    return this.port;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  /** Replaces host:port of `url` with the proxy's address. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = this.opts.listenHost ?? "127.0.0.1";
    u.port = String(this.port);
    return u.toString();
  }

  /** Open client connections. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Destroys every open connection on both sides, like a network failure. */
  cutAll(): number {
    const n = this.pairs.size;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    return n;
  }

  /** Aborts every open connection with a TCP RST on both sides (not a clean FIN). */
  resetAll(): number {
    const n = this.pairs.size;
    for (const [a, b] of this.pairs) {
      for (const s of [a, b]) {
        if (s.readyState === "opening" || s.destroyed) s.destroy();
        else s.resetAndDestroy();
      }
    }
    this.pairs.clear();
    return n;
  }

  /**
   * While true, no byte is forwarded in either direction, on open or new connections (they
   * stay open, like a black-holed network); bytes sent meanwhile are delivered on `stall(false)`.
   */
  stall(on: boolean): void {
    if (this.stalled === on) return;
    this.stalled = on;
    for (const pair of this.pairs) this.setFlowing(pair, !on);
  }

  /** While true, new connections are accepted and immediately destroyed. */
  refuse(on: boolean): void {
    this.refusing = on;
  }

  async close(): Promise<void> {
    this.cutAll();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    if (this.refusing) {
      client.destroy();
      return;
    }
    const target = this.opts.route
      ? this.opts.route()
      : { host: this.opts.targetHost, port: this.opts.targetPort };
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = connect(target);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    for (const s of pair) {
      s.on("error", drop);
      s.on("close", drop);
    }
    if (!this.stalled) this.setFlowing(pair, true);
  }

  private setFlowing([client, upstream]: [Socket, Socket], on: boolean): void {
    if (on) {
      client.pipe(upstream);
      upstream.pipe(client);
    } else {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }
}
