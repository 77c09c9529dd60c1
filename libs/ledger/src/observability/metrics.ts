import { Counter, Histogram, Registry, Gauge, collectDefaultMetrics } from 'prom-client';

/**
 * The ledger's Prometheus series, on one registry per application instance (tests start several).
 * Lag is measured in positions behind the store's head: positions are opaque, so this is an upper
 * bound on events behind, exact for the SQL stores' dense positions.
 */
export class LedgerMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Node's parser refuses these before any request exists to time: counted apart, by the status answered. */
  readonly unparsedRequests = new Counter({
    name: 'ledger_http_unparsed_requests_total',
    help: "Requests Node's HTTP parser refused before routing (431: headers over 16 KB; 400: not HTTP; 408, 413), answered with problem+json, by status",
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly appendDuration = new Histogram({
    name: 'ledger_event_append_duration_seconds',
    help: 'Event store append latency, by outcome: appended, conflict (a wrong expected revision) or error',
    labelNames: ['store', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly projectionLag = new Gauge({
    name: 'ledger_projection_lag_positions',
    help: 'Positions between the store head and each projection (EventStoreDB: bytes of its log between commit positions)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  readonly processManagerLag = new Gauge({
    name: 'ledger_process_manager_lag_positions',
    help: 'Positions between the store head and each process manager (EventStoreDB: bytes of its log between commit positions)',
    labelNames: ['process_manager'] as const,
    registers: [this.registry],
  });

  readonly failedAttempts = new Gauge({
    name: 'ledger_projection_failed_attempts',
    help: 'Failed attempts of the page or event each projection or process manager is retrying now (0: none failing); it holds its consumer where it is',
    labelNames: ['consumer'] as const,
    registers: [this.registry],
  });

  readonly snapshotDuration = new Histogram({
    name: 'ledger_stream_snapshot_duration_seconds',
    help: "Saving or restoring a long stream's folded state (a snapshot), by fold, operation (save, restore) and outcome (done, failed)",
    labelNames: ['fold', 'operation', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly eventStoreUp = new Gauge({
    name: 'ledger_event_store_up',
    help: 'Whether the event store answered the last scrape\'s head query in time (1) or not (0: the lag gauges keep their last values, and have none before the first answer)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ledger_' });
  }
}
