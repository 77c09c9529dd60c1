import { Injectable, NestMiddleware } from '@nestjs/common';
import { LedgerMetrics } from '@ledger/ledger';
import { NextFunction, Request, Response } from 'express';

/** Observes every request's latency, labelled by its route pattern (never the raw URL: ids would explode the series). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: LedgerMetrics) {}

  use(req: Request, res: Response, next: NextFunction) {
    const end = this.metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  }
}
