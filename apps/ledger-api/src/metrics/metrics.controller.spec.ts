import { encodePosition } from '@ledger/event-store/eventstoredb/eventstoredb-position';
import { EventStore } from '@ledger/event-store';
import { LedgerMetrics, ProjectionRunner, ReadModelDb } from '@ledger/ledger';
import { DatabaseProbes } from '../health/database-probes';
import { HEAD_TIMEOUT_MS, lag, MetricsController } from './metrics.controller';

describe('lag', () => {
  it('counts positions on SQLite and PostgreSQL', () => {
    expect(lag('sqlite', 10n, 7n)).toBe(3);
    expect(lag('postgres', 10n, -1n)).toBe(10); // nothing consumed of events 1 to 10 (it said 11)
    expect(lag('postgres', 10n, 10n)).toBe(0);
    expect(lag('sqlite', -1n, -1n)).toBe(0); // an empty store: nobody is behind
  });

  it('counts log bytes between commit positions on EventStoreDB, not the encoded numbers', () => {
    const at = (commit: bigint) => encodePosition({ commit, prepare: commit });
    expect(lag('eventstoredb', at(5000n), at(1200n))).toBe(3800);
    expect(lag('eventstoredb', at(5000n), -1n)).toBe(5000);
    expect(lag('eventstoredb', at(5000n), at(5000n))).toBe(0);
  });
});

describe('MetricsController.scrape', () => {
  let failing = new Map<string, number>();
  const runner = { positions: () => ({ parties: 7n, distribution: 5n }), isProcessManager: (name: string) => name === 'distribution', failedAttempts: () => failing };
  const scrapeWith = (headPosition: () => Promise<bigint>) => {
    const metrics = new LedgerMetrics();
    const store = { kind: 'postgres', headPosition } as unknown as EventStore;
    const probes = new DatabaseProbes(store, {} as ReadModelDb);
    return { metrics, controller: new MetricsController(metrics, runner as unknown as ProjectionRunner, store, probes) };
  };

  it('sets the lags from the head, and says the store is up', async () => {
    const { controller } = scrapeWith(async () => 10n);
    const text = await controller.scrape();
    expect(text).toMatch(/ledger_projection_lag_positions\{projection="parties"\} 3/);
    expect(text).toMatch(/ledger_process_manager_lag_positions\{process_manager="distribution"\} 5/);
    expect(text).toMatch(/ledger_event_store_up 1/);
  });

  it('counts the failed attempts of what each consumer is retrying now, back to 0 once it succeeds, also while the store is down', async () => {
    const { controller } = scrapeWith(async () => { throw new Error('store down'); });
    failing = new Map([['distribution', 7]]);
    let text = await controller.scrape();
    expect(text).toMatch(/ledger_projection_failed_attempts\{consumer="distribution"\} 7/);
    expect(text).toMatch(/ledger_projection_failed_attempts\{consumer="parties"\} 0/);
    failing = new Map();
    text = await controller.scrape();
    expect(text).toMatch(/ledger_projection_failed_attempts\{consumer="distribution"\} 0/);
  });

  it('still answers when the store fails, keeping the last lags and saying the store is down', async () => {
    let up = true;
    const { controller } = scrapeWith(async () => { if (up) return 10n; throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); });
    await controller.scrape();
    up = false;
    const text = await controller.scrape();
    expect(text).toMatch(/ledger_event_store_up 0/);
    expect(text).toMatch(/ledger_projection_lag_positions\{projection="parties"\} 3/);
    expect(text).toMatch(/ledger_http_request_duration_seconds/);
  });

  it('answers within the bound when the store hangs, asking it once however often it is scraped', async () => {
    const asked = jest.fn(() => new Promise<bigint>(() => undefined)); // a blackholed connection
    const { controller } = scrapeWith(asked);
    const started = Date.now();
    const [first, second] = await Promise.all([controller.scrape(), controller.scrape()]);
    // The question never ends: any answer came from the bound; the margin is for a slow machine, not for TCP's minutes.
    expect(Date.now() - started).toBeLessThan(HEAD_TIMEOUT_MS + 5000);
    expect([first, second].every((t) => /ledger_event_store_up 0/.test(t))).toBe(true);
    await controller.scrape();
    expect(asked).toHaveBeenCalledTimes(1);
  });
});
