import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerModule, ThrottlerModuleOptions, ThrottlerStorage,
} from '@nestjs/throttler';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig } from '@ledger/ledger';
import { Request } from 'express';
import { Authenticator } from '../auth/authenticator';
import { RateWindows } from './rate-windows';

/**
 * Requests are counted per API key, or per client address without a valid one: counted per token as
 * sent, a fresh made-up token each time was never limited.
 */
@Injectable()
export class PerTokenThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = await this.authenticator.principalOf(req as unknown as Request);
    return principal ? `key:${principal.keyId}` : `ip:${(req as unknown as Request).ip}`;
  }

  /**
   * One allowance per token (or address) across every route, as documented: the library's default key
   * adds the controller and handler, which gave a client the limit once per endpoint.
   */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    // Express routes /metrics/ and /Metrics there too.
    const path = context.switchToHttp().getRequest<Request>().path.replace(/\/+$/, '').toLowerCase();
    return path === '/health' || path === '/metrics';
  }
}

export const rateLimitModule = () =>
  ThrottlerModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService<LedgerConfig, true>) => ({
      throttlers: [{ name: 'default', ttl: 60_000, limit: config.get('RATE_LIMIT_PER_MINUTE', { infer: true }) }],
      // The 429's detail: the library's own is 'ThrottlerException: Too Many Requests'.
      errorMessage: (_context, { limit }) =>
        `more than ${limit} requests a minute from this API key (without a valid one, from this address): send again after Retry-After seconds`,
      storage: new RateWindows(),
    }),
  });
