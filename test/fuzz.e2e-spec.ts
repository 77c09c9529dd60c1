import fc from 'fast-check';
import { eventCount, LedgerUnderTest, startLedger } from './support/ledger-app';
import { Route, routeTable } from './support/route-table';
import { post, registerCast, salesLine, WorkedExample, workedLicenseTerms } from './support/worked-example';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

/** Values that break naive parsers: wrong types, exponents, overflow, bad dates, control characters, huge sizes. */
const hostile = fc.constantFrom<unknown>(
  null, true, 0, -1, 1.5, 1e309, 12345678901234567890, '', ' ', '1e5', '-0.01', '1,000.00', '0x10', '９', 'NaN', 'Infinity',
  '2025-02-30', '2025-13-01', '99999-01-01', '2025-Q5', "'; DROP TABLE events; --", '\u0000', '😀'.repeat(50), 'x'.repeat(20000),
  [], {}, [null], { $ne: 1 }, Array.from({ length: 5000 }, () => 'a'), '00000000-0000-0000-0000-000000000000', '../../etc/passwd',
);

function setPath(target: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(target) ? [...target] : { ...(target as object) }) as Record<string | number, unknown>;
  copy[path[0]] = setPath(copy[path[0]], path.slice(1), value);
  return copy;
}

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

describe('fuzzing every POST and PUT with malformed and extreme bodies', () => {
  let ledger: LedgerUnderTest;
  let w: WorkedExample;
  let samples: Record<string, object>;
  let params: Record<string, string>;
  let writes: Route[];
  let dealId: string;

  beforeAll(async () => {
    ledger = await startLedger('sqlite');
    writes = routeTable(ledger.app).filter((r) => r.method === 'POST' || r.method === 'PUT');
    const cast = await registerCast(ledger);
    w = { ...cast, license: (await post<{ id: string }>(ledger, '/licenses', workedLicenseTerms(cast))).id };
    const report = await post<{ reportId: string }>(ledger, `/licenses/${w.license}/sales-reports`, { period: '2025-Q1', lines: [salesLine('1000.00', '0.00')] });
    params = { id: w.license, reportId: report.reportId, code: 'first-sale', year: '2025' };
    dealId = (await post<{ id: string }>(ledger, '/equity-deals', { issuerId: cast.brightpath, holderId: cast.university, shareClass: 'ordinary',
      shares: '1000', fullyDilutedShares: '100000', pricePerShare: '1.00', currency: 'CNY' })).id;
    const reportBody = { period: '2025-Q2', lines: [salesLine('1000.00', '10.00', { currency: 'USD', fxRate: '7.1' })], sublicenseIncome: '0.00' };
    samples = {
      '/api-keys': { partyId: cast.lin, role: 'partner' },
      '/parties': { name: 'Fuzz Party', kind: 'person' },
      '/patents': { title: 'T', number: 'N', jurisdiction: 'CN', filedOn: '2024-01-01', expiresOn: '2040-01-01',
        owners: [{ partyId: cast.university, sharePercent: '100' }], inventors: [{ partyId: cast.lin, sharePercent: '100' }] },
      '/patents/:id/costs': { partyId: cast.university, amount: '100.00', currency: 'CNY', incurredOn: '2025-01-01', description: 'fees' },
      '/licenses': { ...workedLicenseTerms(cast), exclusive: false, territories: ['JP'] },
      '/licenses/:id/sales-reports': reportBody,
      '/licenses/:id/sales-reports/:reportId/restatements': { lines: reportBody.lines },
      '/licenses/:id/milestones/:code/achievements': { achievedOn: '2025-03-01' },
      '/licenses/:id/royalty-years/:year/close': {},
      '/licenses/:id/payments': { amount: '10.00', currency: 'CNY', receivedOn: '2025-05-01', reference: 'R' },
      '/licenses/:id/termination': { effectiveOn: '2030-01-01', reason: 'r' },
      '/parties/:id/payouts': { amount: '1.00', currency: 'CNY', paidOn: '2026-01-01', reference: 'R' },
      '/equity-deals': { issuerId: cast.brightpath, holderId: cast.university, licenseId: w.license, shareClass: 'ordinary', shares: '1000',
        fullyDilutedShares: '100000', pricePerShare: '1.00', currency: 'CNY' },
      '/equity-deals/:id/funding-rounds': { newShares: '1000', pricePerShare: '2.00', closedOn: '2025-06-30' },
      '/equity-deals/:id/liquidity-events': { holderId: cast.university, sharesSold: '10', proceeds: '100.00', currency: 'CNY', occurredOn: '2025-07-01' },
      '/parties/:id/distribution-policy': { adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '50' }] },
    };
  });
  afterAll(async () => { await ledger?.close(); });

  const target = (route: Route) =>
    route.path.replace(/:(\w+)/g, (_, name: string) => {
      if (name !== 'id') return params[name];
      return route.path.startsWith('/parties') ? w.university : route.path.startsWith('/equity-deals') ? dealId : w.license;
    });

  /** Bodies go as raw JSON text, so bare numbers, strings and null reach the server as sent. */
  async function send(route: Route, body: unknown, raw = false) {
    // An accepted request's consequences (allocations appended by the process manager) land later:
    // the count is taken once they have, so it moves only with what this request appended.
    await ledger.settled();
    const before = await eventCount(ledger.store);
    const req = ledger.http[route.method === 'PUT' ? 'put' : 'post'](target(route));
    const res = await req.set('Content-Type', 'application/json').send(raw ? (body as string) : JSON.stringify(body));
    await ledger.settled();
    const after = await eventCount(ledger.store);
    return { status: res.status, type: String(res.headers['content-type']), appended: after - before, body: res.body };
  }

  const verdict = (route: Route, r: Awaited<ReturnType<typeof send>>) => {
    if (r.status >= 500) return `${route.method} ${route.path}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
    if (r.status >= 400 && (r.appended !== 0 || !r.type.startsWith('application/problem+json'))) {
      return `${route.method} ${route.path}: refused with ${r.status} but appended ${r.appended} (${r.type})`;
    }
    return undefined;
  };

  it('never answers 5xx, and a refused request appends nothing', async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const route of writes) {
      const sample = samples[route.path];
      if (!sample) throw new Error(`${route.method} ${route.path} has no sample body in the fuzz suite: add one`);
      const bodies = fc.sample(fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.tuple(fc.constantFrom(...paths(sample)), hostile).map(([path, value]) => setPath(sample, path, value)),
        fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), hostile).map(([key, value]) => ({ ...sample, [`x${key}`]: value })),
      ), { numRuns: RUNS, seed: 20261128 });
      for (const body of bodies) {
        const problem = verdict(route, await send(route, body));
        if (problem) failures.push(problem);
        requests++;
      }
      for (const raw of ['{"name": ', '[1,2', 'not json', '{"a":1}}', '\u0000', '1e309', '{"amount": 1e999}']) {
        const problem = verdict(route, await send(route, raw, true));
        if (problem) failures.push(problem);
        requests++;
      }
    }
    const huge = await ledger.http.post('/parties').set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), kind: 'person' }));
    expect(huge.status).toBe(413);
    console.log(`fuzz: ${requests} requests over ${writes.length} write routes (${RUNS} generated bodies + 7 raw each)`);
    expect(failures).toEqual([]);
  }, 120000);
});
