import { HttpAdapterHost } from '@nestjs/core';
import { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { ShutdownDrain } from './shutdown-drain';

/** A response as the middleware sees it: its connection, whether its head is out, what was sent. */
function response(socket: object, headersSent = false) {
  const res = Object.assign(new EventEmitter(), {
    req: { socket }, headersSent, shouldKeepAlive: true, headers: {} as Record<string, string>, statusCode: 200, body: undefined as unknown,
  });
  const chain = {
    setHeader: (name: string, value: string) => { res.headers[name] = value; return chain; },
    status: (code: number) => { res.statusCode = code; return chain; },
    type: (type: string) => { res.headers['Content-Type'] = type; return chain; },
    send: (body: unknown) => { res.body = body; return chain; },
  };
  return Object.assign(res, chain);
}

describe('ShutdownDrain', () => {
  const closeIdleConnections = jest.fn();
  const drain = () => new ShutdownDrain({ httpAdapter: { getHttpServer: () => ({ closeIdleConnections }) } } as unknown as HttpAdapterHost);
  const pass = (d: ShutdownDrain, res: ReturnType<typeof response>) => {
    const next = jest.fn();
    d.middleware({ originalUrl: '/parties' } as Request, res as unknown as Response, next);
    return next;
  };

  it('closes each connection after its last answer in flight, so a pipelined request behind another keeps its answer', () => {
    const d = drain();
    const [a, b] = [{}, {}];
    const first = response(a);
    const pipelined = response(a);
    const other = response(b);
    const answered = response(b);
    for (const res of [first, pipelined, other, answered]) expect(pass(d, res)).toHaveBeenCalled();
    answered.emit('close'); // answered before the signal: no longer in flight
    d.beforeApplicationShutdown();
    expect([first.shouldKeepAlive, pipelined.shouldKeepAlive, other.shouldKeepAlive, answered.shouldKeepAlive]).toEqual([true, false, false, true]);
    expect(closeIdleConnections).toHaveBeenCalled();
    d.onApplicationShutdown();
  });

  it('refuses a request that arrives after the signal, before any work, and closes its connection', () => {
    const d = drain();
    d.beforeApplicationShutdown();
    const late = response({});
    expect(pass(d, late)).not.toHaveBeenCalled();
    expect(late.statusCode).toBe(503);
    expect(late.headers).toMatchObject({ Connection: 'close', 'Retry-After': '1', 'Content-Type': 'application/problem+json' });
    expect(JSON.parse(late.body as string)).toEqual({ type: 'about:blank', title: 'service unavailable', status: 503, detail: expect.stringContaining('shutting down'), instance: '/parties' });
    d.onApplicationShutdown();
  });
});
