import { Injectable, NestMiddleware } from '@nestjs/common';
import { LedgerMetrics } from '@ledger/ledger';
import { NextFunction, Request, Response } from 'express';

/**
 * Observes every request's latency, labelled by its route pattern (never the raw URL: ids would explode
 * the series) and its status, or `aborted` when the client left before the answer.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: LedgerMetrics) {}

  use(req: Request, res: Response, next: NextFunction) {
    const end = this.metrics.httpDuration.startTimer();
    // 'close', not 'finish': a client that gives up (often on the slowest requests) is counted too.
    res.once('close', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      end({ method: req.method, route, status: res.writableFinished ? String(res.statusCode) : 'aborted' });
    });
    next();
  }
}
