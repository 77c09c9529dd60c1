import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig, ProjectionRunner } from '@ledger/ledger';
import { RequestValidationFailed } from './validation';

/**
 * Read-your-writes: a GET with ?minPosition=N (the position a write returned) waits, bounded, until
 * every projection has reached N; past the bound it answers 503 with Retry-After.
 */
@Injectable()
export class ProjectionFreshness {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly config: ConfigService<LedgerConfig, true>,
  ) {}

  async await(minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    if (!/^\d{1,40}$/.test(minPosition)) {
      throw new RequestValidationFailed([{ field: 'minPosition', message: 'minPosition must be a non-negative integer' }]);
    }
    const reached = await this.runner.waitFor(BigInt(minPosition), this.config.get('MIN_POSITION_WAIT_MS', { infer: true }));
    if (!reached) throw new ServiceUnavailableException(`read models have not reached position ${minPosition} yet`);
  }
}
