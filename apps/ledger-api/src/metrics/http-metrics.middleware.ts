import { Injectable, NestMiddleware } from '@nestjs/common';
import { LedgerMetrics } from '@ledger/ledger';
import { NextFunction, Request, Response } from 'express';

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
      // Answered before routing (a 400 of malformed JSON, a 413, the drain's 503) or by the catch-all
      // of unknown paths (`/{*path}`): one label for all of them.
      const path: unknown = req.route?.path;
      const route = typeof path === 'string' && path !== '' && !path.includes('*') ? `${req.baseUrl}${path}` : 'unmatched';
      end({ method: req.method, route, status: res.writableFinished ? String(res.statusCode) : 'aborted' });
    });
    next();
  }
}
