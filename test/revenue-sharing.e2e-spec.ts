import Big from 'big.js';
import { partyStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { DistributionProcessManager, EVENT_STORE } from '@ledger/ledger';
import { describeOnEveryStore, eventCount, LedgerUnderTest, startLedger } from './support/ledger-app';
import { expectBooksBalanced, party, post, registerCast, salesLine, WorkedExample, workedLicenseTerms } from './support/worked-example';

type Statement = {
  currencies: { currency: string; opening: string; earned: string; paidOut: string; closing: string }[];
  lines: {
    date: string; kind: string; role: string; amount: string; allocationId?: string; policyVersion?: number; recordedAt: string;
    source: { eventId: string; reportId?: string; payoutId?: string; reference?: string };
  }[];
};

/** DESIGN.md worked example, step 2: every partner's statement to the cent, and balanced books. */
describeOnEveryStore('revenue sharing and statements', (kind) => {
  let ledger: LedgerUnderTest;
  let w: WorkedExample;
  let q1: string;
  let position = '0';
  let beforeRestatement = '';

  const statement = async (partyId: string, query = 'from=2025-01-01&to=2025-12-31') =>
    (await ledger.http.get(`/parties/${partyId}/statement?${query}&minPosition=${position}`).expect(200)).body as Statement;
  const track = <T extends { position?: string }>(body: T) => {
    if (body.position) position = body.position;
    return body;
  };

  beforeAll(async () => {
    ledger = await startLedger(kind);
    const cast = await registerCast(ledger);
    const policy = await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false,
      shares: [{ beneficiary: 'inventors', sharePercent: '50' }, { beneficiary: cast.school, sharePercent: '20' }],
    }).expect(200);
    expect(policy.body).toMatchObject({ partyId: cast.university, version: 1 });
    const license = track(await post<{ id: string; position: string }>(ledger, '/licenses', workedLicenseTerms(cast)));
    w = { ...cast, license: license.id };
    q1 = track(await post<{ reportId: string; position: string }>(ledger, `/licenses/${w.license}/sales-reports`, {
      period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')] })).reportId;
    track(await post(ledger, `/licenses/${w.license}/sales-reports`, { period: '2025-Q2', lines: [salesLine('700000.00', '0.00')] }));
    await statement(w.lin); // allocations of everything so far are in the journal
    await new Promise((r) => setTimeout(r, 5));
    beforeRestatement = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    track(await post(ledger, `/licenses/${w.license}/sales-reports/${q1}/restatements`, { lines: [salesLine('490000.00', '40000.00')] }));
    track((await ledger.http.post(`/licenses/${w.license}/royalty-years/2025/close`).send({}).expect(200)).body);
  });
  afterAll(async () => { await ledger?.close(); });

  it("shows Dr Lin's 2025 statement line by line: 20,250.00 earned", async () => {
    const s = await statement(w.lin);
    expect(s.currencies).toEqual([{ currency: 'CNY', opening: '0.00', earned: '20250.00', paidOut: '0.00', closing: '20250.00' }]);
    expect(s.lines.map((l) => [l.date, l.kind, l.role, l.amount, l.policyVersion])).toEqual([
      ['2025-01-01', 'upfront', 'inventor', '13500.00', 1],
      ['2025-03-31', 'royalty', 'inventor', '1944.00', 1],
      ['2025-03-31', 'adjustment', 'inventor', '-121.50', 1],
      ['2025-06-30', 'royalty', 'inventor', '3078.00', 1],
      ['2025-06-30', 'adjustment', 'inventor', '-40.50', 1],
      ['2025-12-31', 'shortfall', 'inventor', '1890.00', 1],
    ]);
    expect(s.lines[1].source.reportId).toBe(q1);
  });

  it('splits the university\'s 60,000.00 upfront share as the design says', async () => {
    const upfront = async (partyId: string) => (await statement(partyId)).lines.filter((l) => l.kind === 'upfront').map((l) => [l.role, l.amount]);
    expect(await upfront(w.university)).toEqual([['admin-fee', '6000.00'], ['retained', '16200.00']]);
    expect(await upfront(w.chen)).toEqual([['inventor', '13500.00']]);
    expect(await upfront(w.school)).toEqual([['beneficiary', '10800.00']]);
    expect(await upfront(w.company)).toEqual([['retained', '40000.00']]);
    const q1Lines = (await statement(w.university)).lines.filter((l) => l.kind === 'royalty' && l.date === '2025-03-31');
    expect(q1Lines.map((l) => [l.role, l.amount])).toEqual([['admin-fee', '864.00'], ['retained', '2332.80']]);
    expect((await statement(w.school)).lines.find((l) => l.date === '2025-03-31' && l.kind === 'royalty')?.amount).toBe('1555.20');
  });

  it('gives every partner its exact total, and the books balance', async () => {
    const earned = async (partyId: string) => (await statement(partyId)).currencies[0].earned;
    expect(await earned(w.university)).toBe('33300.00');
    expect(await earned(w.chen)).toBe('20250.00');
    expect(await earned(w.school)).toBe('16200.00');
    expect(await earned(w.company)).toBe('60000.00');
    await expectBooksBalanced(ledger);
  });

  it('allocates nothing twice when the process manager sees every assessment again (a replay)', async () => {
    await statement(w.lin);
    const before = await eventCount(ledger.store);
    const manager = ledger.app.get(DistributionProcessManager);
    const sources = (await ledger.store.readAll()).filter((e) => manager.handles.has(e.type));
    await manager.handle(sources); // as one page
    for (const event of sources) await manager.handle([event]); // and one at a time
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('shows the statement as it was known before the restatement (asOf)', async () => {
    const s = await statement(w.lin, `from=2025-01-01&to=2025-12-31&asOf=${encodeURIComponent(beforeRestatement)}`);
    expect(s.currencies[0].earned).toBe('18522.00');
    expect(s.lines.map((l) => l.kind)).toEqual(['upfront', 'royalty', 'royalty']);
    // What was recorded since says why the statement moved: dated in Q1 and Q2, recorded after it.
    const since = (await statement(w.lin)).lines.filter((l) => l.recordedAt > beforeRestatement);
    expect(since.map((l) => [l.date, l.kind, l.amount])).toEqual([
      ['2025-03-31', 'adjustment', '-121.50'], ['2025-06-30', 'adjustment', '-40.50'], ['2025-12-31', 'shortfall', '1890.00'],
    ]);
  });

  it('serves the same lines as CSV', async () => {
    const res = await ledger.http.get(`/parties/${w.lin}/statement?from=2025-01-01&to=2025-12-31`).set('Accept', 'text/csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = res.text.trim().split('\n');
    expect(rows[0]).toBe('date,kind,role,amount,currency,licenseId,dealId,allocationId,sourceEventId,reportId,period,milestone,policyVersion,year,payoutId,reference,recordedAt,liquidityId');
    // The header, the opening, six lines, then earned, paid-out and closing: the JSON's figures.
    expect(rows).toHaveLength(11);
    expect(rows[3]).toContain('2025-03-31,royalty,inventor,1944.00,CNY');
    const figures = ',,,,,,,,,,,,,';
    expect([rows[1], ...rows.slice(-3)]).toEqual([
      `2025-01-01,opening,,0.00,CNY${figures}`,
      `2025-12-31,earned,,20250.00,CNY${figures}`, `2025-12-31,paid-out,,0.00,CNY${figures}`, `2025-12-31,closing,,20250.00,CNY${figures}`,
    ]);
  });

  it("describes the statement in OpenAPI: a payout line's payoutId and reference, and the CSV's columns", async () => {
    const docs = (await ledger.http.get('/docs-json').expect(200)).body;
    const described = docs.paths['/parties/{id}/statement'].get.description as string;
    expect(described).toContain('`payoutId`');
    expect(described).toContain('406');
    expect(described).toMatch(/`opening` row.*`earned`, `paid-out` and `closing` rows/);
    expect(described).toContain('sourceEventId, reportId, period, milestone, policyVersion, year, payoutId, reference, recordedAt');
  });

  it('varies by Accept, on 304s too, and refuses a type it serves neither as (406 problem+json)', async () => {
    // Before, no Vary (a shared cache could serve JSON to a CSV client), and `Accept: application/xml` got JSON.
    const url = `/parties/${w.lin}/statement?from=2025-01-01&minPosition=${position}`;
    const varies = (res: { headers: Record<string, string> }) => expect(res.headers.vary).toMatch(/(^|,\s*)Accept(\s*,|$)/);
    const json = await ledger.http.get(url).expect(200);
    varies(json);
    varies(await ledger.http.get(url).set('If-None-Match', json.headers.etag).expect(304));
    const csv = await ledger.http.get(url).set('Accept', 'text/csv').expect(200);
    varies(csv);
    varies(await ledger.http.get(url).set('Accept', 'text/csv').set('If-None-Match', csv.headers.etag).expect(304));
    const refused = await ledger.http.get(url).set('Accept', 'application/xml').expect(406);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.text)).toMatchObject({ type: 'about:blank', title: 'Not Acceptable', status: 406, detail: expect.stringContaining('text/csv') });
    varies(refused);
  });

  it('tags each CSV period apart: a cached year is never served for half of it', async () => {
    // Before, the CSV ETag came from the party's lines through `to` alone: the same for any `from`.
    const csv = (query: string, ifNoneMatch?: string) => {
      const req = ledger.http.get(`/parties/${w.lin}/statement?${query}`).set('Accept', 'text/csv');
      return ifNoneMatch === undefined ? req : req.set('If-None-Match', ifNoneMatch);
    };
    const year = await csv('from=2025-01-01&to=2025-12-31').expect(200);
    const half = await csv('from=2025-07-01&to=2025-12-31', year.headers.etag as string).expect(200);
    expect(half.headers.etag).not.toBe(year.headers.etag);
    expect(half.text.trim().split('\n').length).toBeLessThan(year.text.trim().split('\n').length);
    await csv('from=2025-07-01&to=2025-12-31', half.headers.etag as string).expect(304);
  });

  it('pays out up to the payable balance and refuses more; a statement changes its ETag only then', async () => {
    const url = () => `/parties/${w.lin}/statement?minPosition=${position}`;
    const tagged = (await ledger.http.get(url()).expect(200)).headers.etag as string;
    expect(tagged).toMatch(/^W\/".+"$/);
    await ledger.http.get(url()).set('If-None-Match', tagged).expect(304);
    const csv = await ledger.http.get(url()).set('Accept', 'text/csv').expect(200);
    expect(csv.headers.etag).not.toBe(tagged);
    const { payoutId } = track(await post<{ payoutId: string; position: string }>(ledger, `/parties/${w.lin}/payouts`,
      { amount: '5000.00', currency: 'CNY', paidOn: '2026-01-15', reference: 'PAY-1' }));
    const changed = await ledger.http.get(url()).set('If-None-Match', tagged).expect(200);
    expect(changed.headers.etag).not.toBe(tagged);
    // Before, the line named only its event: neither the payoutId POST answered nor the reference.
    expect(changed.body.lines.at(-1)).toMatchObject({ kind: 'payout', amount: '-5000.00', source: { payoutId, reference: 'PAY-1' } });
    const paidCsv = await ledger.http.get(url()).set('Accept', 'text/csv').expect(200);
    expect(paidCsv.text).toMatch(new RegExp(`,${payoutId},PAY-1,\\d{4}-\\d\\d-\\d\\dT[^,\\n]+Z,\\n`));
    const s = await statement(w.lin, 'from=2026-01-01&to=2026-12-31');
    expect(s.currencies).toEqual([{ currency: 'CNY', opening: '20250.00', earned: '0.00', paidOut: '5000.00', closing: '15250.00' }]);
    expect(s.lines.map((l) => [l.kind, l.amount])).toEqual([['payout', '-5000.00']]);
    // Before, the CSV of 2026 was its one payout line: the 20,250.00 brought forward was nowhere in it.
    const year = await ledger.http.get(`/parties/${w.lin}/statement?from=2026-01-01&to=2026-12-31`).set('Accept', 'text/csv').expect(200);
    expect(year.text.trim().split('\n').map((row) => row.split(',').slice(0, 5).join(','))).toEqual([
      'date,kind,role,amount,currency', '2026-01-01,opening,,20250.00,CNY', '2026-01-15,payout,payout,-5000.00,CNY',
      '2026-12-31,earned,,0.00,CNY', '2026-12-31,paid-out,,5000.00,CNY', '2026-12-31,closing,,15250.00,CNY',
    ]);
    const before = (await ledger.store.readAll()).length;
    const refused = await ledger.http.post(`/parties/${w.lin}/payouts`).send({ amount: '15250.01', currency: 'CNY', paidOn: '2026-02-01', reference: 'PAY-2' }).expect(422);
    expect(refused.body.errors).toEqual([{ field: 'amount', message: expect.any(String) }]);
    // Dated back, a payout may take only what was owed on its date and every date after: Lin was owed
    // nothing before the license, and 13,500.00 (the upfront fee's share) from 2025-01-01 to the Q1 report.
    // Before, both were taken from today's 15,250.00, leaving those periods' statements owing.
    const payout = (amount: string, paidOn: string) => ledger.http.post(`/parties/${w.lin}/payouts`).send({ amount, currency: 'CNY', paidOn, reference: 'PAY-3' });
    expect((await payout('100.00', '2024-06-30').expect(422)).body.errors).toEqual([{ field: 'amount', message: expect.stringContaining('the least owed on any date from 2024-06-30 on') }]);
    await payout('13500.01', '2025-02-01').expect(422);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await payout('1.00', tomorrow).expect(422)).body.errors).toEqual([{ field: 'paidOn', message: expect.any(String) }]);
    expect((await ledger.store.readAll()).length).toBe(before);
    // Answered as recorded: before, "100" and "  PAY-4  " came back as sent while the ledger held 100.00 and PAY-4.
    const recorded = await ledger.http.post(`/parties/${w.lin}/payouts`).send({ amount: '100', currency: 'CNY', paidOn: '2026-02-01', reference: '  PAY-4  ' }).expect(201);
    expect(track(recorded.body)).toMatchObject({ amount: '100.00', reference: 'PAY-4' });
    const line = (await statement(w.lin, 'from=2026-01-01&to=2026-12-31')).lines.find((l) => l.source.payoutId === recorded.body.payoutId);
    expect(line).toMatchObject({ kind: 'payout', amount: '-100.00', source: { reference: 'PAY-4' } });
    await expectBooksBalanced(ledger);
  });

  it('explains an allocation down to the sales lines and tiers, and hides other parties\' allocations', async () => {
    const line = (await statement(w.lin)).lines.find((l) => l.kind === 'royalty' && l.date === '2025-03-31')!;
    // The allocation is read where the journal says it is: a university's stream of 250,000 allocations
    // was read whole for each explanation.
    const readStream = jest.spyOn(ledger.app.get<EventStore>(EVENT_STORE), 'readStream');
    const res = await ledger.http.get(`/parties/${w.lin}/allocations/${line.allocationId}`).expect(200);
    const reads = readStream.mock.calls.filter(([id]) => id === partyStream(w.university));
    readStream.mockRestore();
    expect(reads.every(([, options]) => (options?.fromRevision ?? 0n) > 0n)).toBe(true);
    expect(res.body.allocation.data).toMatchObject({ amount: '8640.00', policyVersion: 1 });
    expect(res.body.policy.data).toMatchObject({ version: 1, adminFeePercent: '10' });
    expect(res.body.assessment.data).toMatchObject({ kind: 'royalty', amount: '14400.00', tiers: [{ base: '480000.00', amount: '14400.00' }] });
    expect(res.body.salesReport.data.lines).toEqual([salesLine('520000.00', '40000.00')]);
    const companyLine = (await statement(w.company)).lines[0];
    await ledger.http.get(`/parties/${w.lin}/allocations/${companyLine.allocationId}`).expect(404);
  });

  it('explains an adjustment by the write that moved it: the restatement of another report', async () => {
    const lines = (await statement(w.lin)).lines;
    const explain = async (kind: string, date: string) => {
      const line = lines.find((l) => l.kind === kind && l.date === date)!;
      return (await ledger.http.get(`/parties/${w.lin}/allocations/${line.allocationId}`).expect(200)).body;
    };
    // Q2's −300.00: its own figures (net 700,000.00, unchanged) do not explain it; Q1's restatement does.
    const q2 = await explain('adjustment', '2025-06-30');
    expect(q2.assessment.data).toMatchObject({ kind: 'adjustment', period: '2025-Q2', amount: '-300.00', cause: { kind: 'restatement', reportId: q1 } });
    expect(q2.salesReport.data).toMatchObject({ period: '2025-Q2', netSales: '700000.00' });
    expect(q2.causedBy).toMatchObject({ type: 'SalesReportRestated', data: { reportId: q1, netSales: '450000.00', previousNetSales: '480000.00' } });
    const royalty = await ledger.http.get(`/parties/${w.lin}/allocations/${lines.find((l) => l.kind === 'royalty')!.allocationId}`).expect(200);
    expect(royalty.body.causedBy).toBeUndefined(); // a report's own royalty is explained by its report
    // A shortfall by its year's close: the royalties that counted and the minimum they fell short of (before: the amount alone).
    const shortfall = await explain('shortfall', '2025-12-31');
    expect(shortfall.assessment.data).toMatchObject({ kind: 'shortfall', year: 2025, amount: '14000.00' });
    expect(shortfall.causedBy).toMatchObject({ type: 'RoyaltyYearClosed', data: { year: 2025, runningRoyalties: '36000.00', minimumAnnual: '50000.00', shortfall: '14000.00' } });
  });

  it('applies a new policy version only to income after it; history keeps version 1', async () => {
    await ledger.http.put(`/parties/${w.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '40' }],
    }).expect(200);
    track(await post(ledger, `/licenses/${w.license}/milestones/first-sale/achievements`, { achievedOn: '2025-03-10' }));
    const lines = (await statement(w.lin)).lines;
    const milestone = lines.find((l) => l.kind === 'milestone')!;
    expect([milestone.amount, milestone.policyVersion]).toEqual(['2160.00', 2]); // 12,000 × 90 % × 40 % × 50 %
    const explained = await ledger.http.get(`/parties/${w.lin}/allocations/${milestone.allocationId}`).expect(200);
    expect([explained.body.allocation.data.policyVersion, explained.body.policy.data.version]).toEqual([2, 2]);
    expect(explained.body.policy.data.bands).toEqual([expect.objectContaining({ shares: [{ beneficiary: 'inventors', sharePercent: '40' }] })]);
    expect(lines.filter((l) => l.kind !== 'milestone').every((l) => l.policyVersion === 1)).toBe(true);
    await expectBooksBalanced(ledger);
  });

  it('keeps the version in force when the same policy comes back as bands, keys reordered, "40.0" and "10.00"', async () => {
    // Before, each of these made a new version: the policy in force was compared as JSON text.
    await ledger.settled();
    const before = await eventCount(ledger.store);
    const again = await ledger.http.put(`/parties/${w.university}/distribution-policy`).send({
      bands: [{ shares: [{ sharePercent: '40.0', beneficiary: 'inventors' }] }], recoverPatentCosts: false, adminFeePercent: '10.00',
    }).expect(200);
    expect(again.body.version).toBe(2);
    await ledger.settled();
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('decides payouts racing on one party one after another: none overdraws, none is told 409', async () => {
    // Before, every payout but one of those that read the party's stream together was refused with
    // 409, though the client had stated no expected revision; the ledger's allocations race them too.
    const closing = async () => new Big((await statement(w.chen, 'from=2025-01-01')).currencies[0].closing);
    const before = await closing();
    const quarter = before.div(4).round(2, Big.roundDown).toFixed(2);
    const sent = await Promise.all([1, 2, 3, 4, 5].map((n) => ledger.http.post(`/parties/${w.chen}/payouts`)
      .send({ amount: quarter, currency: 'CNY', paidOn: '2026-01-20', reference: `RACE-${n}` })));
    expect(sent.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 422]);
    expect(sent.find((r) => r.status === 422)!.body.errors).toEqual([{ field: 'amount', message: expect.stringContaining('exceeds the payable balance') }]);
    for (const r of sent) if (r.status === 201) track(r.body);
    expect((await closing()).eq(before.minus(new Big(quarter).times(4)))).toBe(true);
    const policies = await Promise.all(['31', '32', '33'].map((sharePercent) => ledger.http.put(`/parties/${w.university}/distribution-policy`)
      .send({ adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent }] })));
    expect(policies.map((r) => r.status)).toEqual([200, 200, 200]);
    const versions = policies.map((r) => r.body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual([versions[0], versions[0] + 1, versions[0] + 2]); // three new versions, one after another
    await expectBooksBalanced(ledger);
  });
  it("pays each licensor's inventors from that licensor's income only, on a license of patents with different owners", async () => {
    // Before, every inventor of every licensed patent shared each licensor's inventors' part: Bob, an
    // inventor of Westbrook's patent only, got half of Eastlake's.
    const [eastlake, westbrook, alice, bob, licensee] = await Promise.all([['Eastlake Two', 'university'], ['Westbrook', 'university'],
      ['Dr Alice', 'person'], ['Dr Bob', 'person'], ['Licensee Two', 'company']].map(([name, k]) => party(ledger, name, k)));
    const patent = async (owner: string, inventor: string, number: string) => (await post<{ id: string }>(ledger, '/patents', {
      title: `Patent ${number}`, number, jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
      owners: [{ partyId: owner, sharePercent: '100' }], inventors: [{ partyId: inventor, sharePercent: '100' }],
    })).id;
    const patentIds = [await patent(eastlake, alice, 'CN2024200001.X'), await patent(westbrook, bob, 'CN2024200002.X')];
    for (const [owner, sharePercent] of [[eastlake, '60'], [westbrook, '50']]) {
      await ledger.http.put(`/parties/${owner}/distribution-policy`)
        .send({ adminFeePercent: '0', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent }] }).expect(200);
    }
    const license = track(await post<{ id: string; position: string }>(ledger, '/licenses', {
      ...workedLicenseTerms(w), licenseeId: licensee, patentIds,
      revenueShares: [{ partyId: eastlake, sharePercent: '50' }, { partyId: westbrook, sharePercent: '50' }],
      royalty: { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' },
    }));
    track(await post(ledger, `/licenses/${license.id}/sales-reports`, { period: '2025-Q1', lines: [salesLine('1000.00', '0.00')] }));
    const earned = async (partyId: string) => (await statement(partyId)).lines.map((l) => [l.kind, l.role, l.amount]);
    expect(await earned(alice)).toEqual([['royalty', 'inventor', '30.00']]); // 100.00 × 50 % × 60 %
    expect(await earned(bob)).toEqual([['royalty', 'inventor', '25.00']]); // 100.00 × 50 % × 50 %
    await expectBooksBalanced(ledger);
  });

  it('restating a report from before the office set its policy takes back what the office kept, not a later report\'s shares', async () => {
    // Before, the credit came off the top of the license's income, which was the later report's
    // shares under the new policy: its inventor lost 450.00 of a report nobody had touched.
    const [office, inventor, licensee] = await Promise.all([['Northgate', 'university'], ['Dr Noor', 'person'], ['Licensee Three', 'company']]
      .map(([name, k]) => party(ledger, name, k)));
    const patentId = (await post<{ id: string }>(ledger, '/patents', {
      title: 'Patent N', number: 'CN2024300001.X', jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
      owners: [{ partyId: office, sharePercent: '100' }], inventors: [{ partyId: inventor, sharePercent: '100' }],
    })).id;
    const license = track(await post<{ id: string; position: string }>(ledger, '/licenses', {
      ...workedLicenseTerms(w), licenseeId: licensee, patentIds: [patentId], revenueShares: undefined,
      royalty: { tiers: [{ ratePercent: '1' }], tierBasis: 'calendar-year' },
    }));
    const reports = `/licenses/${license.id}/sales-reports`;
    const kept = track(await post<{ reportId: string; position: string }>(ledger, reports, { period: '2025-Q1', lines: [salesLine('100000.00', '0.00')] }));
    await statement(office); // Q1's 1,000.00 allocated, with no policy: the office keeps it
    await ledger.http.put(`/parties/${office}/distribution-policy`)
      .send({ adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }).expect(200);
    track(await post(ledger, reports, { period: '2025-Q2', lines: [salesLine('100000.00', '0.00')] })); // fee 100.00, inventor 450.00, kept 450.00
    track(await post(ledger, `${reports}/${kept.reportId}/restatements`, { lines: [salesLine('0.00', '0.00')] }));
    const held = async (partyId: string) => (await statement(partyId)).currencies[0].closing;
    expect(await held(inventor)).toBe('450.00');
    expect(await held(office)).toBe('550.00');
    const credit = (await statement(office)).lines.filter((l) => new Big(l.amount).lt(0));
    expect(credit.map((l) => [l.role, l.amount, l.policyVersion])).toEqual([['retained', '-1000.00', undefined]]);
    await expectBooksBalanced(ledger);
  });

  it("shows a payment's reference wherever the payment is shown: its answer and the license's events (statements show payables only)", async () => {
    const paid = track(await post<{ paymentId: string; reference: string; position: string }>(ledger, `/licenses/${w.license}/payments`,
      { amount: '14400.00', currency: 'CNY', receivedOn: '2025-04-20', reference: 'WIRE-2025-0420' }));
    expect(paid).toMatchObject({ paymentId: expect.any(String), reference: 'WIRE-2025-0420' });
    const events = (await ledger.http.get(`/licenses/${w.license}/events`).expect(200)).body as { type: string; data: object }[];
    expect(events.filter((e) => e.type === 'PaymentReceived').map((e) => e.data)).toEqual([expect.objectContaining({ paymentId: paid.paymentId, reference: 'WIRE-2025-0420' })]);
    await expectBooksBalanced(ledger);
  });
});
