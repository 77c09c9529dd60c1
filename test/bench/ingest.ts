/** Sales-report ingest: through the command bus in process, and through HTTP against the API in a child process. */
import { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createApp } from '../../apps/ledger-api/src/bootstrap';
import { LicenseCommandMessage, ProjectionRunner } from '../../libs/ledger/src';
import { EVENT_STORE, READ_MODEL_DB } from '../../libs/ledger/src/event-store/tokens';
import { ReadModelDb } from '../../libs/ledger/src/read-model/read-model-db';
import { EventStore } from '../../libs/event-store/src/port';
import { OFFICE_TOKEN } from '../support/tokens';
import { BenchStore } from './bench-stores';
import { ChildServer, spawnListening } from './child-server';
import { Cast, api, benchLine, period, registerCast } from './bench-cast';
import { each, writeVolume } from './write-volume';

/** Each of the concurrent writers owns its licenses: two writers on one stream would only conflict. */
export const WRITERS = 16;
const LICENSES_PER_WRITER = 3;
const MONTHS = 130;
export const appEnv = (store: BenchStore) => ({
  ...store.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, RATE_LIMIT_PER_MINUTE: '100000000',
});

export interface IngestResult {
  reports: number;
  /** Acknowledged reports per second. */
  rate: number;
  /** Seconds until read models and allocations had caught up after the last acknowledgement. */
  catchUpSeconds?: number;
  p50Ms?: number;
  p99Ms?: number;
  refused?: number;
  /**
   * Through HTTP: the same request refused by validation, from the same connections against the same
   * API once idle. Requests/s of the HTTP stack alone (routing, auth, rate limit, validation, the
   * problem+json error, logging, metrics), no ledger work: what ingest would reach if deciding,
   * appending, allocating and projecting cost nothing.
   */
  stackRate?: number;
  /** Command bus: what each report wrote, with its assessment, allocations and read-model rows. */
  eventsPerReport?: number;
  rowsPerReport?: number;
}

/**
 * autocannon ends a run of `amount` requests only at its next sample tick (every `sampleInt` ms, 1 s by
 * default), and counts that wait in `duration`: at 1 s, a 5 s run measured up to 20 % slow.
 */
export const SAMPLE_MS = 10;

const castFor = (baseUrl: string) => registerCast(api(baseUrl), [WRITERS * LICENSES_PER_WRITER], MONTHS);
/** Writer w's r-th report: which license, and which month. */
const slot = (cast: Cast, writer: number, r: number) => ({
  license: cast.licenses[writer * LICENSES_PER_WRITER + (r % LICENSES_PER_WRITER)].id,
  period: period(Math.floor(r / LICENSES_PER_WRITER), MONTHS),
  line: benchLine(r),
});

async function listening(app: INestApplication) {
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
}

/** Command bus → handler → decider → append (report and assessment), WRITERS at a time, in this process. */
export async function ingestInProcess(store: BenchStore, reports: number): Promise<IngestResult> {
  const app = await createApp(appEnv(store));
  try {
    const cast = await castFor(await listening(app));
    const bus = app.get(CommandBus);
    const perWriter = Math.ceil(reports / WRITERS);
    const actor = { id: cast.licensee, role: 'licensee' };
    const runner = app.get(ProjectionRunner);
    const events = app.get<EventStore>(EVENT_STORE);
    const volume = () => writeVolume(events, app.get<ReadModelDb>(READ_MODEL_DB));
    // Until the head stops moving: the allocations the process manager appends must be projected too.
    const settled = async (what: string) => {
      for (let head = await events.headPosition(); ; ) {
        if (!(await runner.waitFor(head, 600_000))) throw new Error(`consumers did not catch up with ${what}`);
        const now = await events.headPosition();
        if (now === head) return;
        head = now;
      }
    };
    await settled('the cast');
    const before = await volume();
    const started = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
      for (let r = 0; r < perWriter; r++) {
        const { license, period: p, line } = slot(cast, w, r);
        const id = randomUUID();
        const ctx = { actor, correlationId: id, causationId: id, now: new Date().toISOString() };
        const data = { period: p, lines: [line], reportId: randomUUID(), assessmentId: randomUUID(), today: ctx.now.slice(0, 10) };
        await bus.execute(new LicenseCommandMessage(license, { type: 'SubmitSalesReport', data }, ctx));
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    await settled('the reports');
    const catchUpSeconds = (performance.now() - started) / 1000 - seconds;
    const sent = perWriter * WRITERS;
    const after = await volume();
    return {
      reports: sent, rate: Math.round(sent / seconds), catchUpSeconds,
      eventsPerReport: each(after.events - before.events, sent), rowsPerReport: each(after.rows - before.rows, sent),
    };
  } finally {
    await app.close();
  }
}

/**
 * `IngestResult.stackRate`: the bench's report with a period that is not one, so validation checks the
 * same body and refuses it (400) before any ledger work.
 */
async function stackRate(url: string, cast: Cast, requests: number): Promise<number> {
  const result = await autocannon({
    url: `${url}/licenses/${cast.licenses[0].id}/sales-reports`, connections: WRITERS, amount: requests, sampleInt: SAMPLE_MS, method: 'POST',
    headers: { authorization: `Bearer ${OFFICE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ period: 'month 13', lines: [benchLine(0)] }),
  });
  if (result.statusCodeStats?.['400']?.count !== requests) {
    throw new Error(`expected ${requests} refusals by validation (400), got ${JSON.stringify(result.statusCodeStats)}`);
  }
  return Math.round(requests / result.duration);
}

/** The API in its own process, so the load generator does not share its event loop. */
export function startServer(store: BenchStore): Promise<ChildServer> {
  const server = join(__dirname, '..', 'support', 'ledger-server.ts');
  // BENCH_PROFILE_DIR=dir profiles the API process (`node --cpu-prof`), which NODE_OPTIONS may not ask for.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  return spawnListening([...profile, '-r', '@swc-node/register', server, store.env.SQLITE_PATH ?? ''], { ...process.env, ...store.env }, 'API');
}

/** Polls /health until no read model or process manager is behind the log. */
async function caughtUp(url: string): Promise<void> {
  for (;;) {
    const res = await fetch(`${url}/health`);
    const body = (await res.json()) as { details?: { projections?: { behind?: boolean } } };
    if (body.details?.projections?.behind === false) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** autocannon against POST /licenses/:id/sales-reports, WRITERS connections, each with its own licenses. */
export async function ingestHttp(store: BenchStore, reports: number): Promise<IngestResult> {
  const server = await startServer(store);
  try {
    const cast = await castFor(server.url);
    // A request takes a license no request in flight is writing (there are three per connection), so
    // two writers never race on one stream; each license's reports go month after month.
    const free = cast.licenses.map((_, i) => i);
    const sentOn = cast.licenses.map(() => 0);
    const result = await autocannon({
      url: server.url,
      connections: WRITERS,
      amount: reports,
      sampleInt: SAMPLE_MS,
      headers: { authorization: `Bearer ${OFFICE_TOKEN}`, 'content-type': 'application/json' },
      requests: [{
        method: 'POST',
        setupRequest: (req, context: { license?: number }) => {
          const i = (context.license = free.shift()!);
          const r = sentOn[i]++;
          const body = { period: period(r, MONTHS), lines: [benchLine(r)] };
          return { ...req, path: `/licenses/${cast.licenses[i].id}/sales-reports`, body: JSON.stringify(body) };
        },
        onResponse: (_status, _body, context: { license?: number }) => {
          free.push(context.license!);
        },
      }],
    });
    const ok = result['2xx'];
    const done = performance.now();
    await caughtUp(server.url);
    const catchUpSeconds = (performance.now() - done) / 1000;
    return {
      reports: ok, rate: Math.round(ok / result.duration), p50Ms: result.latency.p50, p99Ms: result.latency.p99,
      refused: result.non2xx + result.errors, catchUpSeconds, stackRate: await stackRate(server.url, cast, reports),
    };
  } finally {
    await server.stop();
  }
}
