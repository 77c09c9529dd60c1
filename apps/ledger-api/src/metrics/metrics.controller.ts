import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, LedgerMetrics, ProjectionRunner } from '@ledger/ledger';
import { Public } from '../auth/access-policy';

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
      const lag = Number(head - position); // a count of positions, not money
      if (this.runner.isProcessManager(name)) this.metrics.processManagerLag.set({ process_manager: name }, lag);
      else this.metrics.projectionLag.set({ projection: name }, lag);
    }
    return this.metrics.registry.metrics();
  }
}
