import { Injectable, NestMiddleware } from '@nestjs/common';
import { LedgerMetrics } from '@ledger/ledger';
import { NextFunction, Request, Response } from 'express';
import { routePattern } from '../http/route-pattern';

/**
 * Installed first of all (bootstrap.ts), so every answer is observed. Observes every request's latency, labelled by its route pattern (never the raw URL: ids would explode
 * the series) and its status, or `aborted` when the client left before the answer.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: LedgerMetrics) {}

  use(req: Request, res: Response, next: NextFunction) {
    const end = this.metrics.httpDuration.startTimer();
    // 'close', not 'finish': a client that gives up (often on the slowest requests) is counted too.
    res.once('close', () => {
      // Answered before routing or by no route (an unknown path's 404, a method's 405): one label for all.
      const route = routePattern(req) ?? 'unmatched';
      end({ method: req.method, route, status: res.writableFinished ? String(res.statusCode) : 'aborted' });
    });
    next();
  }

  /** A request Node's HTTP parser refused, answered `status` before any route (client-error.ts). */
  unparsed(status: number) {
    this.metrics.unparsedRequests.inc({ status: String(status) });
  }
}
