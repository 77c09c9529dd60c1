import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventStore, decodePosition } from '@ledger/event-store';
import { EVENT_STORE, LedgerMetrics, ProjectionRunner } from '@ledger/ledger';
import { Public } from '../auth/access-policy';
import { DatabaseProbes } from '../health/database-probes';

/**
 * How far a consumer at `position` is behind `head`: positions on SQLite and PostgreSQL (events, give
 * or take PostgreSQL's holes); on EventStoreDB, whose positions encode {commit, prepare}, bytes of its
 * transaction log between their commit positions.
 */
export function lag(kind: EventStore['kind'], head: bigint, position: bigint): number {
  if (head <= position) return 0;
  // Nothing consumed is -1, and the SQL stores number their events from 1: a head of 54 is 54 behind, not 55.
  if (kind !== 'eventstoredb') return Number(head - (position < 0n ? 0n : position));
  return Number(decodePosition(head).commit - (position < 0n ? 0n : decodePosition(position).commit));
}

/** How long a scrape waits for the store's head: under Prometheus's default scrape timeout of 10 s. */
export const HEAD_TIMEOUT_MS = 1000;

@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: LedgerMetrics,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly probes: DatabaseProbes,
  ) {}

  /**
   * Prometheus text format; lag gauges are refreshed at scrape time. A store that fails or does not
   * answer in HEAD_TIMEOUT_MS leaves them as they were and sets ledger_event_store_up to 0: the HTTP
   * series are scraped whatever the store does, and an outage is when they matter.
   */
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics: HTTP and append latency, projection and process manager lag, failed attempts' })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  async scrape(): Promise<string> {
    const head = await this.head();
    this.metrics.eventStoreUp.set(head === undefined ? 0 : 1);
    const failing = this.runner.failedAttempts();
    for (const name of Object.keys(this.runner.positions())) this.metrics.failedAttempts.set({ consumer: name }, failing.get(name) ?? 0);
    if (head !== undefined) {
      for (const [name, position] of Object.entries(this.runner.positions())) {
        const behind = lag(this.store.kind, head, position); // positions, not money
        if (this.runner.isProcessManager(name)) this.metrics.processManagerLag.set({ process_manager: name }, behind);
        else this.metrics.projectionLag.set({ projection: name }, behind);
      }
    }
    return this.metrics.registry.metrics();
  }

  /** One head query at a time, /health's too: until a hung one fails (a lost connection may take minutes), the store is reported down. */
  private head(): Promise<bigint | undefined> {
    return this.probes.head.run(HEAD_TIMEOUT_MS).catch(() => undefined);
  }
}
