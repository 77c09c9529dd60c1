import { Controller, Get, Inject, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, LedgerConfig, ProjectionRunner, READ_MODEL_DB, ReadModelDb, ReadModelLeaseLost } from '@ledger/ledger';
import { Public } from '../auth/access-policy';
import { DatabaseProbes, ProbeTimedOut, SingleFlightProbe } from './database-probes';

/** Failed attempts, or subscription breaks in a row, after which a consumer is reported as stuck (~0.3 s of failing at the default 0.1 s base). */
export const STUCK_AFTER_ATTEMPTS = 3;

/** terminus' answer when every check is up (its decorator's own documentation is off: its 503 is problem details here). */
const HEALTHY = {
  type: 'object',
  properties: {
    status: { type: 'string', example: 'ok' },
    info: { type: 'object', example: { eventStore: { status: 'up', kind: 'sqlite' } } },
    error: { type: 'object', example: {} },
    details: { type: 'object', example: { eventStore: { status: 'up', kind: 'sqlite' } } },
  },
};

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  /** Each check's longest wait: a database that stops answering makes /health a 503 naming it, not a hang. */
  private readonly timeoutMs: number;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly runner: ProjectionRunner,
    private readonly probes: DatabaseProbes,
    config: ConfigService<LedgerConfig, true>,
  ) {
    this.timeoutMs = config.get('HEALTH_TIMEOUT_MS', { infer: true });
  }

  @Get()
  @ApiOperation({ summary: 'The store, the read models and their lease, and the projections: 503 naming what is down' })
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ description: "every check is up: terminus' results", schema: HEALTHY })
  @ApiServiceUnavailableResponse({
    description: "a check is down: problem details naming it in `detail`, with terminus' results as extension members",
    content: { 'application/problem+json': { schema: {
      allOf: [{ $ref: '#/components/schemas/ProblemDetails' }, { type: 'object', properties: { info: { type: 'object' }, error: { type: 'object' }, details: { type: 'object' } } }],
    } } },
  })
  check() {
    return this.health.check([
      () => this.reachable('eventStore', this.probes.storePing, { kind: this.store.kind }),
      () => this.reachable('readModels', this.probes.readModelsPing, { dialect: this.db.dialect }),
      () => this.projections(),
    ]);
  }

  /**
   * /health is public: a driver's error can name hosts, ports, roles and databases, so it goes to the
   * log and the caller is told only that the check failed. A lost lease is the exception: its reason
   * names nothing, and tells the operator what to do.
   */
  private async reachable(key: string, ping: SingleFlightProbe<void>, details: Record<string, string>) {
    const session = this.indicators.check(key);
    try {
      await ping.run(this.timeoutMs);
      return session.up(details);
    } catch (error) {
      if (error instanceof ReadModelLeaseLost) return session.down({ ...details, message: error.message });
      this.logger.warn(`health check ${key} failed: ${(error as Error).message}`);
      // Names nothing: the caller may know the check hangs rather than fails.
      if (error instanceof ProbeTimedOut) return session.down({ ...details, message: `no answer within ${this.timeoutMs} ms (HEALTH_TIMEOUT_MS)` });
      return session.down({ ...details, message: 'unreachable (the reason is in the service log)' });
    }
  }

  /** Lag is shown as positions: they are opaque, so "behind" is the honest measure. */
  private async projections() {
    const session = this.indicators.check('projections');
    const positions = Object.fromEntries(Object.entries(this.runner.positions()).map(([k, v]) => [k, v.toString()]));
    // With the store down the head is unknown: this check is down too, not the whole request a 500.
    const head = await this.probes.head.run(this.timeoutMs).catch(() => undefined);
    if (head === undefined) return session.down({ positions, message: 'the head of the log is unknown: the event store is unreachable' });
    // A page or event that keeps failing holds its consumer, and every read waiting for it, where it is
    // (a process manager stuck on one event allocates nothing after it): down, naming it. So does a
    // subscription that keeps breaking. Errors go to the log only, as a driver's words can name hosts.
    // One or two failures are a retry's business: a dropped connection took the check down for 5 s.
    const attempts = this.runner.failedAttempts();
    const breaks = this.runner.subscriptionBreaks(); // the consumers resubscribing, each with its breaks in a row
    const over = (counts: Map<string, number>) => [...counts].filter(([, n]) => n >= STUCK_AFTER_ATTEMPTS).map(([name]) => name);
    const stuck = [...new Set([...over(attempts), ...over(breaks)])];
    const details = {
      head: head.toString(), positions, behind: this.runner.position() < head,
      failed: [...breaks.keys()], retrying: Object.fromEntries(attempts), stuck,
    };
    return stuck.length ? session.down(details) : session.up(details);
  }
}
