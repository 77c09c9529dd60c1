import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiQuery } from '@nestjs/swagger';
import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, LedgerConfig, ProjectionRunner } from '@ledger/ledger';
import { RequestValidationFailed } from './validation';

const MIN_POSITION = /^\d{1,40}$/;

/** The optional `?minPosition=` of a GET, as OpenAPI shows it (it showed required where not declared). */
export const MinPositionQuery = () =>
  ApiQuery({ name: 'minPosition', required: false, description: 'wait until read models reach this position (a write returned it)' });

/**
 * Read-your-writes: a GET with ?minPosition=N (the position a write returned) waits, bounded, until
 * every projection has reached N; past the bound it answers 503 with Retry-After. A position past the
 * log's head, which no write returned, is refused at once (400 minPosition).
 */
@Injectable()
export class ProjectionFreshness {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly config: ConfigService<LedgerConfig, true>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * Whether no write could have returned this position: not one, or past the log's head (a write
   * answers once its events are in). Waiting for it could only end in 503, after holding the connection.
   */
  async unreachable(minPosition: string): Promise<boolean> {
    return !MIN_POSITION.test(minPosition) || (await this.headBefore(BigInt(minPosition))) !== undefined;
  }

  /** The log's head, when the position is past it. */
  private async headBefore(position: bigint): Promise<bigint | undefined> {
    const head = await this.store.headPosition();
    return position > head ? head : undefined;
  }

  async await(minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    if (!MIN_POSITION.test(minPosition)) {
      throw new RequestValidationFailed([{ field: 'minPosition', message: 'minPosition must be a non-negative integer' }]);
    }
    const position = BigInt(minPosition);
    if (await this.runner.waitFor(position, 0)) return; // the usual case: no look at the log's head
    // Before, a position no write returned held the connection MIN_POSITION_WAIT_MS, then answered 503
    // with a Retry-After that asked for the same wait again.
    const head = await this.headBefore(position);
    if (head !== undefined) {
      throw new RequestValidationFailed([{ field: 'minPosition', message: `minPosition ${minPosition} is past the log's head (${head}): no write returned it` }]);
    }
    const reached = await this.runner.waitFor(position, this.config.get('MIN_POSITION_WAIT_MS', { infer: true }));
    if (!reached) throw new ServiceUnavailableException(`read models have not reached position ${minPosition} yet`);
  }
}
