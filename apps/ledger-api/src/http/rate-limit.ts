import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig, tokenHash } from '@ledger/ledger';
import { Request } from 'express';
import { RateWindows } from './rate-windows';

/** Requests are counted per bearer token (its hash), or per client address without one. */
@Injectable()
export class PerTokenThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const authorization = (req as unknown as Request).header?.('authorization');
    return authorization ? `token:${tokenHash(authorization)}` : `ip:${(req as unknown as Request).ip}`;
  }

  /**
   * One allowance per token (or address) across every route, as documented: the library's default key
   * adds the controller and handler, which gave a client the limit once per endpoint.
   */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const path = context.switchToHttp().getRequest<Request>().path;
    return path === '/health' || path === '/metrics';
  }
}

export const rateLimitModule = () =>
  ThrottlerModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService<LedgerConfig, true>) => ({
      throttlers: [{ name: 'default', ttl: 60_000, limit: config.get('RATE_LIMIT_PER_MINUTE', { infer: true }) }],
      storage: new RateWindows(),
    }),
  });
