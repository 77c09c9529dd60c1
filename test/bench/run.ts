/**
 * npm run bench — the ledger's speed beside the limits it is bounded by, measured in one run on each
 * adapter, written to BENCHMARKS.md. Not part of the test run: figures are measured, never asserted.
 *   BENCH_EVENTS (default 1,000,000): size of the ledger that rebuild and statements are measured on.
 *   BENCH_INGEST (default 6,000): sales reports per ingest measurement.
 *   BENCH_ADAPTERS (default sqlite,postgres); BENCH_OUT (default BENCHMARKS.md).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/ledger-api/src/bootstrap';
import { PROJECTIONS, ProjectionRunner } from '../../libs/ledger/src';
import { EVENT_STORE } from '../../libs/ledger/src/event-store/tokens';
import { EventStore } from '../../libs/event-store/src/port';
import { ADAPTERS, BenchAdapter, BenchStore } from './bench-stores';
import { api, benchLine, registerCast } from './bench-cast';
import { bareNestRate } from './bare-nest';
import { IngestResult, SAMPLE_MS, WRITERS, appEnv, ingestHttp, ingestInProcess, startServer } from './ingest';
import { appendReports } from './ledger-log';
import { PartyRestart, partyRestart } from './party-fold';
import { rate, readAllRate, singleAppendRate } from './raw-store';
import { each, readModelRows } from './write-volume';
import { OFFICE_TOKEN } from '../support/tokens';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const INGEST = Number(process.env.BENCH_INGEST ?? 6000);
const STATEMENT_LINES = 10_000;
/** Ten years of monthly reports per license: a report re-assesses its license's history, as a late report may move it. */
const MONTHS = 120;
const STATEMENT_SAMPLES = 200;

const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

async function onFresh<T>(adapter: BenchAdapter, label: string, fn: (store: BenchStore) => Promise<T>): Promise<T> {
  const store = await adapter.create(label);
  try {
    return await fn(store);
  } finally {
    await store.remove();
  }
}

interface LedgerFigures {
  events: number; readAll: number; rebuild: number; rebuildSeconds: number; lines: number; p50: number; p99: number;
  /** Read-model rows the rebuild wrote per event of the log. */
  rowsPerEvent: number;
  /** The university's party stream folded with no snapshot, saved as a snapshot, and restored from it. */
  party: PartyRestart;
}

/** Builds the big ledger, then measures readAll, a rebuild of every read model, and a partner's statement. */
export async function bigLedger(store: BenchStore, stages = { statement: true }): Promise<LedgerFigures> {
  const app = await createApp(appEnv(store));
  const linLicenses = Math.ceil(STATEMENT_LINES / MONTHS);
  const reports = Math.max(STATEMENT_LINES, Math.floor((EVENTS - 400) / 4));
  const others = Math.ceil((reports - STATEMENT_LINES) / MONTHS);
  const perPatent = [linLicenses, ...Array.from({ length: 20 }, (_, p) => Math.floor(others / 20) + (p < others % 20 ? 1 : 0))];
  let cast;
  try {
    await app.listen(0, '127.0.0.1');
    cast = await registerCast(api(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`), perPatent, MONTHS);
    await app.get(ProjectionRunner).waitFor(await app.get<EventStore>(EVENT_STORE).headPosition(), 60_000);
  } finally {
    await app.close();
  }
  // Licenses are registered patent by patent: Dr Lin's (patent 0) come first.
  const plan = cast.licenses.map((l, i) => (l.patent === 0 ? Math.min(MONTHS, STATEMENT_LINES - i * MONTHS) : 0));
  let rest = reports - STATEMENT_LINES;
  for (const [i, l] of cast.licenses.entries()) if (l.patent !== 0) rest -= plan[i] = Math.min(MONTHS, rest);

  const events = await store.openStore();
  const readModels = store.openReadModels();
  try {
    let shown = 0;
    const started = performance.now();
    await appendReports(events, readModels, cast, plan, MONTHS, (n) => {
      if (n - shown >= EVENTS / 10) log(`  generated ${(shown = n)} events (${rate(n, performance.now() - started)}/s)`);
    });
    const read = await readAllRate(events);
    log(`  log: ${read.events} events; readAll ${read.rate}/s`);
    const party = await partyRestart(events, readModels, cast.university);
    log(`  the university's ${party.events} allocations folded in ${party.fold.seconds.toFixed(1)} s, ` +
      `saved in ${party.save.seconds.toFixed(2)} s (${mb(party.save.bytes)} MB; event loop held ${party.save.longestHoldMs} ms at most), ` +
      `restored in ${party.restore.seconds.toFixed(2)} s (held ${party.restore.longestHoldMs} ms at most)`);

    const runner = new ProjectionRunner(events, readModels, PROJECTIONS);
    await runner.start('projections');
    const t = performance.now();
    await runner.rebuildAll();
    if (!(await runner.waitFor(await events.headPosition(), 3_600_000))) throw new Error('rebuild did not finish');
    await runner.vacuum(); // as `ledger-cli rebuild` does: part of the rebuild's time
    const rebuildMs = performance.now() - t;
    await runner.stop();
    const rowsPerEvent = each(await readModelRows(readModels), read.events);
    log(`  rebuild: ${(rebuildMs / 1000).toFixed(1)} s, ${rowsPerEvent} read-model rows per event`);
    const statement = stages.statement ? await statementLatency(store, cast.lin) : { lines: 0, p50: 0, p99: 0 };
    return { events: read.events, readAll: read.rate, rebuild: rate(read.events, rebuildMs), rebuildSeconds: rebuildMs / 1000, rowsPerEvent, party, ...statement };
  } finally {
    await events.close();
    await readModels.close();
  }
}

/**
 * GET /parties/{Dr Lin}/statement, one request at a time, against the API in its own process. The time
 * is from sending the request to having the whole body; parsing it here is the client's work, not timed.
 */
async function statementLatency(store: BenchStore, partyId: string) {
  const server = await startServer(store);
  try {
    const timings: number[] = [];
    let lines = 0;
    for (let i = 0; i < STATEMENT_SAMPLES + 10; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/parties/${partyId}/statement`, { headers: { authorization: `Bearer ${OFFICE_TOKEN}` } });
      const body = await res.arrayBuffer();
      if (i >= 10) timings.push(performance.now() - t); // the first ten warm the process up
      if (res.status !== 200) throw new Error(`statement → ${res.status}`);
      lines = (JSON.parse(Buffer.from(body).toString('utf8')) as { lines: unknown[] }).lines.length;
    }
    timings.sort((a, b) => a - b);
    const at = (q: number) => Math.round(timings[Math.min(timings.length - 1, Math.ceil(q * timings.length) - 1)] * 10) / 10;
    return { lines, p50: at(0.5), p99: at(0.99) };
  } finally {
    await server.stop();
  }
}

interface Row {
  adapter: string; single: number; inProcess: IngestResult; http: IngestResult; bare: number;
  /** NestJS and a report's appends alone (bare-nest.ts `append`), requests/s. */
  floor: number;
  ledger: LedgerFigures;
}

async function measure(adapter: BenchAdapter): Promise<Row> {
  log(`${adapter.name}: raw single-event appends`);
  const single = await onFresh(adapter, 'raw', async (s) => {
    const store = await s.openStore();
    try {
      return await singleAppendRate(store, 3000);
    } finally {
      await store.close();
    }
  });
  log(`${adapter.name}: ${single} appends/s; ingest in process`);
  const inProcess = await onFresh(adapter, 'bus', (s) => ingestInProcess(s, INGEST));
  log(`${adapter.name}: ${inProcess.rate} reports/s in process; ingest over HTTP`);
  const http = await onFresh(adapter, 'http', (s) => ingestHttp(s, INGEST));
  log(`${adapter.name}: ${http.rate} reports/s over HTTP; NestJS alone`);
  const body = { period: '2026-01', lines: [benchLine(0)] };
  const bare = await bareNestRate(INGEST, WRITERS, body, SAMPLE_MS);
  log(`${adapter.name}: ${bare} requests/s to an empty NestJS controller; NestJS and the appends alone`);
  const floor = await onFresh(adapter, 'floor', (s) => bareNestRate(INGEST, WRITERS, body, SAMPLE_MS, s.env));
  log(`${adapter.name}: ${floor} requests/s appending a report's events; ledger of ${EVENTS} events`);
  const ledger = await onFresh(adapter, 'ledger', bigLedger);
  return { adapter: adapter.name, single, inProcess, http, bare, floor, ledger };
}

const sustained = (r: IngestResult) => Math.round(r.reports / (r.reports / r.rate + (r.catchUpSeconds ?? 0)));
const pct = (a: number, b: number) => `${Math.round((100 * a) / b)} %`;
/** One report's time on the bus plus one request's in the HTTP stack, as a rate. */
const both = (r: Row) => Math.round(1 / (1 / r.inProcess.rate + 1 / (r.http.stackRate ?? Infinity)));
/** Milliseconds per request at a rate. */
const ms = (perSecond: number) => 1000 / perSecond;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

function report(rows: Row[], skipped: string[]): string {
  const cpu = cpus();
  const out = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Every ratio compares figures measured in the same run.`,
    '',
    '| adapter | figure | measured | bounded by | measured | ratio | target |',
    '| --- | --- | ---: | --- | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const l = r.ledger;
    out.push(
      `| ${r.adapter} | sales-report ingest, command bus (reports/s) | ${r.inProcess.rate} | raw append, 1 event/tx (tx/s) | ${r.single} | ${pct(r.inProcess.rate, r.single)} | |`,
      `| ${r.adapter} | sales-report ingest, HTTP (reports/s) | ${r.http.rate} | raw append, 1 event/tx (tx/s) | ${r.single} | ${pct(r.http.rate, r.single)} | ≥ 50 %: ${mark(r.http.rate >= r.single / 2)} |`,
      `| ${r.adapter} | HTTP stack alone: the same POST refused by validation, no ledger work (requests/s) | ${r.http.stackRate} | raw append, 1 event/tx (tx/s) | ${r.single} | ${pct(r.http.stackRate ?? 0, r.single)} | |`,
      `| ${r.adapter} | NestJS alone: the same POST to an empty controller, no middleware (requests/s) | ${r.bare} | raw append, 1 event/tx (tx/s) | ${r.single} | ${pct(r.bare, r.single)} | |`,
      `| ${r.adapter} | NestJS and the report's appends alone: the same POST appending 4 events in one transaction, no other work (requests/s) | ${r.floor} | raw append, 1 event/tx (tx/s) | ${r.single} | ${pct(r.floor, r.single)} | |`,
      `| ${r.adapter} | rebuild of every read model (events/s) | ${l.rebuild} | raw readAll (events/s) | ${l.readAll} | ${pct(l.rebuild, l.readAll)} | ≥ 30 %: ${mark(l.rebuild >= 0.3 * l.readAll)} |`,
      `| ${r.adapter} | the university's ${l.party.events} allocations after a restart with no snapshot: folded from the log (events/s) | ${l.party.fold.rate} | raw readAll (events/s) | ${l.readAll} | ${pct(l.party.fold.rate, l.readAll)} | |`,
      `| ${r.adapter} | the same after a restart from its saved snapshot (events/s) | ${l.party.restore.rate} | raw readAll (events/s) | ${l.readAll} | ${pct(l.party.restore.rate, l.readAll)} | |`,
      `| ${r.adapter} | statement of ${l.lines} lines, p50 / p99 (ms) | ${l.p50} / ${l.p99} | | | | p99 < 50 ms: ${mark(l.p99 < 50)} |`,
    );
  }
  out.push('', 'Details:', '');
  for (const r of rows) {
    out.push(
      `- ${r.adapter}: ledger of ${r.ledger.events} events rebuilt in ${r.ledger.rebuildSeconds.toFixed(1)} s; ` +
        `HTTP ingest of ${r.http.reports} reports over ${WRITERS} connections, latency p50 ${r.http.p50Ms} ms / p99 ${r.http.p99Ms} ms, ` +
        `${r.http.refused} refused, read models and allocations caught up ${r.http.catchUpSeconds?.toFixed(1)} s after the last ` +
        `(sustained, with allocations and read models: ${sustained(r.http)} reports/s); ` +
        `command-bus ingest of ${r.inProcess.reports} reports, caught up ${r.inProcess.catchUpSeconds?.toFixed(1)} s after the last ` +
        `(sustained, with allocations and read models: ${sustained(r.inProcess)} reports/s); ` +
        `each report appended ${r.inProcess.eventsPerReport} events and wrote ${r.inProcess.rowsPerReport} read-model rows; ` +
        `the rebuild wrote ${r.ledger.rowsPerEvent} read-model rows per event; ` +
        `the university's ${r.ledger.party.events} allocations folded with no snapshot in ${r.ledger.party.fold.seconds.toFixed(1)} s, ` +
        `saved as a snapshot of ${mb(r.ledger.party.save.bytes)} MB in ${r.ledger.party.save.seconds.toFixed(2)} s ` +
        `(the API's event loop held ${r.ledger.party.save.longestHoldMs} ms at most at a time) and restored from it in ` +
        `${r.ledger.party.restore.seconds.toFixed(2)} s (held ${r.ledger.party.restore.longestHoldMs} ms at most).`,
      `  Ingest over HTTP does the command bus's work and the HTTP stack's: at the rates each measured alone, ` +
        `both together come to about ${both(r)} reports/s, ${pct(both(r), r.single)} of raw appends.`,
      `  At half the raw rate a report may take ${ms(r.single / 2).toFixed(2)} ms; NestJS and the report's appends alone take ` +
        `${ms(r.floor).toFixed(2)} ms, which leaves ${(ms(r.single / 2) - ms(r.floor)).toFixed(2)} ms for everything else a report does ` +
        `(authenticating, validating, deciding, allocating, projecting, logging); over HTTP that takes ${(ms(r.http.rate) - ms(r.floor)).toFixed(2)} ms now.`,
    );
  }
  for (const s of skipped) out.push(`- ${s}`);
  out.push('', 'What was profiled and changed to get here, and what still bounds each figure, and every recorded run: docs/performance.md.');
  return out.join('\n') + '\n';
}

async function main() {
  const wanted = (process.env.BENCH_ADAPTERS ?? 'sqlite,postgres').split(',');
  const rows: Row[] = [];
  const skipped: string[] = [];
  for (const adapter of ADAPTERS.filter((a) => wanted.includes(a.name))) {
    const why = adapter.unavailable();
    if (why) {
      skipped.push(`${adapter.name}: not measured (${why})`);
      log(`${adapter.name}: skipped (${why})`);
      continue;
    }
    rows.push(await measure(adapter));
  }
  const text = report(rows, skipped);
  writeFileSync(process.env.BENCH_OUT ?? join(__dirname, '..', '..', 'BENCHMARKS.md'), text);
  process.stdout.write(text);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
}
