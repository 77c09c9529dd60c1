import { BeforeApplicationShutdown, Injectable, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NextFunction, Request, Response } from 'express';
import { Server } from 'node:http';
import { toProblem } from './problem-details.filter';

/** How often idle keep-alive connections are closed while the server drains. */
const IDLE_SWEEP_MS = 50;

/**
 * Graceful shutdown of HTTP. `server.close()` (Nest's, after this hook) stops listening and waits
 * for every connection to end, but a busy keep-alive connection never goes idle: its client goes on
 * sending requests, which were served for as long as it kept sending. From shutdown on, the requests
 * in flight are answered with `Connection: close`, a request that arrives on an open connection is
 * refused 503 with `Retry-After` and `Connection: close` before any ledger work, and idle connections
 * are closed, so the server closes once what it had taken in is answered.
 */
@Injectable()
export class ShutdownDrain implements BeforeApplicationShutdown, OnApplicationShutdown {
  private draining = false;
  private sweep?: NodeJS.Timeout;
  private readonly inFlight = new Set<Response>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** First of the app's middleware (bootstrap.ts). */
  readonly middleware = (req: Request, res: Response, next: NextFunction) => {
    if (this.draining) {
      // Ahead of Nest's filters (an Express middleware): the problem is made by the one mapper all the same.
      const problem = { ...toProblem(new ServiceUnavailableException('the service is shutting down: send the request again shortly')), instance: req.originalUrl };
      res.setHeader('Connection', 'close');
      res.setHeader('Retry-After', '1');
      res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
      return;
    }
    this.inFlight.add(res);
    res.once('close', () => this.inFlight.delete(res));
    next();
  };

  beforeApplicationShutdown(): void {
    if (this.draining) return;
    this.draining = true;
    // Node then writes `Connection: close` and ends the connection after that answer: only on the
    // last request in flight on each connection, so a pipelined one behind it still gets its own.
    const lastOnSocket = new Map<unknown, Response>();
    for (const res of this.inFlight) lastOnSocket.set(res.req.socket, res); // a Set keeps arrival order
    for (const res of lastOnSocket.values()) if (!res.headersSent) res.shouldKeepAlive = false;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    server.closeIdleConnections();
    // A connection whose answer was already under way when shutdown began goes idle later.
    this.sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS).unref();
  }

  /** After Nest has closed the server (a server that never listened never emits 'close'). */
  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }
}
