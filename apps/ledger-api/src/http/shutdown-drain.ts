import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NextFunction, Request, Response } from 'express';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { toProblem } from './problem-details.filter';

/** How often connections gone idle are looked at while the server drains. */
const SWEEP_MS = 50;
/**
 * How long a keep-alive connection stays open once idle while the server drains. A client that sends
 * its next request within it gets the 503 (send it again) instead of a reset, which leaves it unsure
 * whether a POST was taken: at once was too soon for clients sending back to back.
 */
export const IDLE_GRACE_MS = 500;
/** Longest the drain waits for the connections open at the signal to end before Nest closes the server (which still waits for requests in flight). */
const DRAIN_WAIT_MS = 2_000;

/** One client connection: its requests not yet answered, the last of them, and since when it has had none. */
interface Connection { busy: number; last?: ServerResponse; idleSince: number }

/**
 * Graceful shutdown of HTTP. From the signal on, the requests in flight are answered with
 * `Connection: close`; a request that arrives after it, on a kept-alive or a new connection, is refused
 * 503 with `Retry-After` and `Connection: close` before any ledger work; a connection idle for
 * IDLE_GRACE_MS is closed. Node's own `server.close()` closes every idle connection at once, including
 * one whose client's next request is already on the wire: that client saw its connection reset.
 */
@Injectable()
export class ShutdownDrain implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private draining = false;
  private sweep?: NodeJS.Timeout;
  private readonly connections = new Map<Socket, Connection>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** First of the app's middleware (bootstrap.ts). */
  readonly middleware = (req: Request, res: Response, next: NextFunction) => {
    if (!this.draining) return next();
    // Ahead of Nest's filters (an Express middleware): the problem is made by the one mapper all the same.
    const problem = { ...toProblem(new ServiceUnavailableException('the service is shutting down: send the request again shortly')), instance: req.originalUrl };
    res.setHeader('Connection', 'close');
    res.setHeader('Retry-After', '1');
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  };

  onApplicationBootstrap(): void {
    const server = this.server();
    if (!server) return;
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { busy: 0, idleSince: performance.now() });
      socket.once('close', () => this.connections.delete(socket));
    });
    // Ahead of Express's listener, which may answer before it returns.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const connection = this.connections.get(req.socket);
      if (!connection) return;
      connection.busy++;
      connection.last = res;
      res.once('close', () => {
        connection.busy--;
        connection.idleSince = performance.now();
        if (connection.last === res) connection.last = undefined; // not kept, with its request, while the connection idles
      });
    });
  }

  /** Resolves once the connections open at the signal have ended, or after DRAIN_WAIT_MS; Nest then closes the server. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    // Node then writes `Connection: close` and ends the connection after that answer: only on the
    // last request in flight on each connection, so a pipelined one behind it still gets its own.
    for (const { busy, last } of this.connections.values()) if (busy > 0 && last && !last.headersSent) last.shouldKeepAlive = false;
    // The server goes on listening until Nest closes it, so a connection a client opened just before
    // the signal, still in the listener's backlog, is taken and refused 503 rather than reset with it.
    const open = new Set(this.connections.keys());
    const started = performance.now();
    await new Promise<void>((resolve) => {
      // Idle since its last answer or since the signal, whichever is later: a pooled connection idle
      // for a minute gets its grace too, its client not knowing the server is stopping.
      const idle = (c: Connection) => c.busy === 0 && performance.now() - Math.max(c.idleSince, started) >= IDLE_GRACE_MS;
      const closeIdle = () => {
        // Decided after this turn's reads (setImmediate runs after the poll phase; this timer, before it):
        // when the event loop was held (a long collection, a page of projections), a request that came
        // meanwhile is read first and its connection is busy, answered 503 instead of reset.
        // Only those idle when this ran, not when the immediate runs: the first call is made outside the
        // timers phase, and its immediate may come before the next reads.
        const candidates = [...this.connections].filter(([, c]) => idle(c)).map(([socket]) => socket);
        setImmediate(() => {
          for (const socket of candidates) {
            const c = this.connections.get(socket);
            if (c && idle(c)) socket.destroy();
          }
          for (const socket of open) if (socket.destroyed) open.delete(socket);
          if (open.size === 0 || performance.now() - started >= DRAIN_WAIT_MS) resolve();
        });
      };
      closeIdle();
      // Goes on after the wait: a connection whose answer was under way goes idle later.
      this.sweep = setInterval(closeIdle, SWEEP_MS).unref();
    });
  }

  /** After Nest has closed the server (a server that never listened never emits 'close'). */
  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
