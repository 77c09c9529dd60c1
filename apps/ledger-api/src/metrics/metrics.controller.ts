import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { EventStore, decodePosition } from '@ledger/event-store';
import { EVENT_STORE, LedgerMetrics, ProjectionRunner } from '@ledger/ledger';
import { Public } from '../auth/access-policy';

/**
 * How far a consumer at `position` is behind `head`: positions on SQLite and PostgreSQL (events, give
 * or take PostgreSQL's holes); on EventStoreDB, whose positions encode {commit, prepare}, bytes of its
 * transaction log between their commit positions.
 */
export function lag(kind: EventStore['kind'], head: bigint, position: bigint): number {
  if (head <= position) return 0;
  if (kind !== 'eventstoredb') return Number(head - position);
  return Number(decodePosition(head).commit - (position < 0n ? 0n : decodePosition(position).commit));
}

@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: LedgerMetrics,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Prometheus text format; lag gauges are refreshed at scrape time. */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    const head = await this.store.headPosition();
    for (const [name, position] of Object.entries(this.runner.positions())) {
      const behind = lag(this.store.kind, head, position); // positions, not money
      if (this.runner.isProcessManager(name)) this.metrics.processManagerLag.set({ process_manager: name }, behind);
      else this.metrics.projectionLag.set({ projection: name }, behind);
    }
    return this.metrics.registry.metrics();
  }
}
