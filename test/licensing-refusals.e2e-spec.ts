import { ProjectionRunner } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { Response } from 'supertest';
import { describeOnEveryStore, eventCount, LedgerUnderTest, startLedger } from './support/ledger-app';
import { post, registerCast, salesLine, WorkedExample, workedLicenseTerms } from './support/worked-example';

type Cast = Omit<WorkedExample, 'license'>;
type Expected = { field?: string; code?: string };

const thisYear = new Date().getUTCFullYear();
/** Terms of a further license on P1 that overlaps no other (its own field of use). */
const otherLicense = (cast: Cast, fieldOfUse: string, extra: object = {}) => ({ ...workedLicenseTerms(cast), fieldOfUse, ...extra });

/** DESIGN.md Domain + API: every refusal of the license stream is problem+json, names its field, and appends nothing. */
describeOnEveryStore('licensing refusals', (kind) => {
  let ledger: LedgerUnderTest;
  let cast: Cast;
  let w: WorkedExample;
  let grantedAt: string;
  let q1: string;
  let terminated: string; // terminated on 2025-06-30
  let closed: string; // royalty year 2025 closed
  let otherlyOwned: string; // a patent owned by the university alone

  const reports = (id: string) => `/licenses/${id}/sales-reports`;

  /** Waits until projections and process managers are idle, so the event count is stable. */
  async function settledCount(): Promise<number> {
    const runner = ledger.app.get(ProjectionRunner);
    for (;;) {
      const all = await ledger.store.readAll();
      const head = all.length ? all[all.length - 1].position : 0n;
      expect(await runner.waitFor(head, 10_000)).toBe(true);
      if ((await eventCount(ledger.store)) === all.length) return all.length;
    }
  }

  /** Sends a request that must be refused; asserts the problem and that neither the stream nor the store grew. */
  async function refused(licenseId: string | undefined, send: () => PromiseLike<Response>, status: number, expected: Expected = {}) {
    const stream = licenseId === undefined ? undefined : `license-${licenseId}`;
    const streamLength = async () => (stream === undefined ? 0 : (await ledger.store.readStream(stream)).length);
    const [streamBefore, allBefore] = [await streamLength(), await settledCount()];
    const res = await send();
    expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (expected.field !== undefined) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(expected.field);
    if (expected.code !== undefined) expect(res.body.code).toBe(expected.code);
    expect(await streamLength()).toBe(streamBefore);
    expect(await settledCount()).toBe(allBefore);
    return res.body as { code?: string; errors?: { field: string; message: string }[] };
  }

  const report = (id: string, body: object, status: number, expected?: Expected) =>
    refused(id, () => ledger.http.post(reports(id)).send(body), status, expected);

  beforeAll(async () => {
    ledger = await startLedger(kind);
    cast = await registerCast(ledger);
    const main = await post<{ id: string; position: string }>(ledger, '/licenses', workedLicenseTerms(cast));
    w = { ...cast, license: main.id };
    grantedAt = main.position;
    q1 = (await post<{ reportId: string }>(ledger, reports(w.license), { period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')] })).reportId;
    await post(ledger, `/licenses/${w.license}/milestones/first-sale/achievements`, { achievedOn: '2025-03-10' });

    terminated = (await post<{ id: string }>(ledger, '/licenses', otherLicense(cast, 'veterinary robotics'))).id;
    await post(ledger, `/licenses/${terminated}/termination`, { effectiveOn: '2025-06-30', reason: 'breach of reporting obligations' });

    closed = (await post<{ id: string }>(ledger, '/licenses', otherLicense(cast, 'industrial grippers'))).id;
    await ledger.http.post(`/licenses/${closed}/royalty-years/2025/close`).send({}).expect(200);

    otherlyOwned = (await post<{ id: string }>(ledger, '/patents', {
      title: 'Soft actuator', number: 'CN2024100002.X', jurisdiction: 'CN', filedOn: '2024-02-01', expiresOn: '2044-02-01',
      owners: [{ partyId: cast.university, sharePercent: '100' }], inventors: [{ partyId: cast.lin, sharePercent: '100' }],
    })).id;
  });
  afterAll(async () => { await ledger?.close(); });

  describe('patents', () => {
    it('refuses the same patent registered again, however its number is spelt → 409 number, naming the first', async () => {
      const again = { title: 'Soft actuator, again', filedOn: '2024-02-01', expiresOn: '2044-02-01', owners: [{ partyId: cast.company, sharePercent: '100' }], inventors: [{ partyId: cast.chen, sharePercent: '100' }] };
      for (const [jurisdiction, number] of [['CN', 'CN2024100002.X'], ['cn', ' cn 2024100002 x '], ['CN', '2024100002.X']]) {
        const problem = await refused(undefined, () => ledger.http.post('/patents').send({ ...again, jurisdiction, number }), 409, { field: 'number', code: 'patent-exists' });
        expect(problem.errors?.[0].message).toContain(`patent CN2024100002.X of CN is already registered, as ${otherlyOwned}`);
      }
      // Before, each registration took a new id: the same patent twice, each licensable and costed apart.
      expect((await ledger.store.readStream(`patent-${otherlyOwned}`)).filter((e) => e.type === 'PatentRegistered')).toHaveLength(1);
      // Another jurisdiction's patent of the same number is another patent.
      await post(ledger, '/patents', { ...again, jurisdiction: 'US', number: 'CN2024100002.X' });
    });
  });

  describe('sales report periods', () => {
    it(`refuses a period that has not ended yet (${thisYear + 1}-Q1) → 422 period`, async () => {
      await report(w.license, { period: `${thisYear + 1}-Q1`, lines: [salesLine('1000.00', '0.00')] }, 422, { field: 'period', code: 'period-not-ended' });
    });

    it('refuses a period before the term (2024-Q4 for a license effective 2025-01-01) → 422 period', async () => {
      await report(w.license, { period: '2024-Q4', lines: [salesLine('1000.00', '0.00')] }, 422, { field: 'period', code: 'period-outside-term' });
    });

    it('refuses a period that starts after the termination → 422 period', async () => {
      await report(terminated, { period: '2025-Q4', lines: [salesLine('1000.00', '0.00')] }, 422, { field: 'period', code: 'license-terminated' });
    });

    it('refuses a second report for the same period → 409', async () => {
      await report(w.license, { period: '2025-Q1', lines: [salesLine('1000.00', '0.00')] }, 409, { field: 'period', code: 'period-already-reported' });
    });

    it('refuses a monthly report inside an already-reported quarter (2025-02) → 409', async () => {
      await report(w.license, { period: '2025-02', lines: [salesLine('1000.00', '0.00')] }, 409, { field: 'period', code: 'period-already-reported' });
    });

    it('takes a period nobody reported into a closed royalty year (201), and corrects its shortfall', async () => {
      // closed with no report: a shortfall of the whole 50,000.00 minimum; Q3 after it: 3 % of 1,000.00
      const res = await ledger.http.post(reports(closed)).send({ period: '2025-Q3', lines: [salesLine('1000.00', '0.00')] }).expect(201);
      expect(res.body).toMatchObject({ royalty: '30.00' });
      const assessed = (await ledger.store.readStream(`license-${closed}`)).filter((e) => e.type === 'RoyaltyAssessed').map((e) => e.data);
      expect(assessed.slice(-1)).toEqual([expect.objectContaining({
        kind: 'shortfall-adjustment', year: 2025, previous: '50000.00', restated: '49970.00', amount: '-30.00',
        cause: { kind: 'late-report', reportId: res.body.reportId },
      })]);
      // A partner following the line back finds the late report whose figures moved the shortfall.
      await ledger.settled();
      const { lines } = (await ledger.http.get(`/parties/${cast.university}/statement`).expect(200)).body;
      const line = lines.find((l: { kind: string; licenseId: string }) => l.kind === 'shortfall-adjustment' && l.licenseId === closed);
      const explained = await ledger.http.get(`/parties/${cast.university}/allocations/${line.allocationId}`).expect(200);
      expect(explained.body.causedBy).toMatchObject({ type: 'SalesReportSubmitted', data: { reportId: res.body.reportId, period: '2025-Q3', netSales: '1000.00' } });
    });
  });

  describe('sales report lines', () => {
    const line = (extra: object) => ({ period: '2025-Q4', lines: [salesLine('1000.00', '100.00', extra)] });

    it('refuses a territory that is not licensed (US) → 422 lines[0].territory', async () => {
      await report(w.license, line({ territory: 'US' }), 422, { field: 'lines[0].territory', code: 'territory-not-licensed' });
    });

    it('refuses deductions above gross sales → 422 lines[0].deductions', async () => {
      await report(w.license, { period: '2025-Q4', lines: [salesLine('1000.00', '1000.01')] }, 422,
        { field: 'lines[0].deductions', code: 'deductions-exceed-gross' });
    });

    it('refuses a line in another currency without fxRate → 422 lines[0].fxRate', async () => {
      await report(w.license, line({ currency: 'USD' }), 422, { field: 'lines[0].fxRate' });
    });

    it('refuses fxRate "0" → 422 lines[0].fxRate', async () => {
      await report(w.license, line({ currency: 'USD', fxRate: '0' }), 422, { field: 'lines[0].fxRate' });
    });

    it('refuses lines whose sum the ledger could not record (each within 20 digits, their net sales past them) → 422 lines, and allocations go on', async () => {
      // Before: assessed (201), then the distribution process manager could not read the amount back and
      // retried it for ever: no allocation, payout or grant after it for any party.
      const big = '99999999999999999999.99';
      const body = await report(w.license, { period: '2025-Q4', lines: [1, 2, 3].map(() => salesLine(big, '0.00')) }, 422, { field: 'lines', code: 'amount-out-of-range' });
      expect(body.errors?.[0].message).toContain("the report's net sales, 299999999999999999999.97 CNY, would have more than 20 digits");
      const taken = await post<{ royalty: string; position: string }>(ledger, reports(w.license), { period: '2025-Q4', lines: [salesLine(big, '0.00')] });
      // After Q1's 480,000.00: 3 % of the 520,000.00 left under the tier, 4 % of the rest, rounded once.
      expect(taken.royalty).toBe('3999999999999994800.00');
      await ledger.settled(); // the allocations too, which the process manager appends after the report
      const university = await ledger.http.get(`/parties/${cast.university}/statement`).expect(200);
      const q4 = university.body.lines.filter((l: { source: { period?: string } }) => l.source.period === '2025-Q4');
      expect(q4.map((l: { amount: string }) => l.amount)).toEqual(['2399999999999996880.00']); // its 60 %
    });

    it('names only the field of the wrong type (lines as an object, royalty terms as an array), and the digits an amount may have → 400', async () => {
      // Before: lines: {…} was also told lines.territory and three more were missing, and royalty: [{…}]
      // reached the domain as terms without tiers (422).
      const lines = await report(w.license, { period: '2025-Q4', lines: salesLine('1000.00', '0.00') }, 400);
      expect(lines.errors).toEqual([{ field: 'lines', message: 'lines must be an array' }]);
      const long = await report(w.license, { period: '2025-Q4', lines: [salesLine('123456789012345678901.00', '0.00')] }, 400);
      expect(long.errors).toEqual([{ field: 'lines[0].grossSales', message: expect.stringContaining('at most 20 digits before the point') }]);
      const terms = workedLicenseTerms(cast);
      const royalty = await refused(undefined, () => ledger.http.post('/licenses').send({ ...terms, fieldOfUse: 'array terms', royalty: [terms.royalty] }), 400);
      expect(royalty.errors).toEqual([{ field: 'royalty', message: 'royalty must be an object' }]);
    });

    const malformed: [string, object, string][] = [
      ['grossSales "1e5"', line({ grossSales: '1e5' }), 'lines[0].grossSales'],
      ['grossSales "1,000.00"', line({ grossSales: '1,000.00' }), 'lines[0].grossSales'],
      ['grossSales as a JSON number', line({ grossSales: 1000 }), 'lines[0].grossSales'],
      ['grossSales ""', line({ grossSales: '' }), 'lines[0].grossSales'],
      ['deductions "-5.00"', line({ deductions: '-5.00' }), 'lines[0].deductions'],
      ['grossSales "-5.00"', line({ grossSales: '-5.00' }), 'lines[0].grossSales'],
      ['units "-5"', line({ units: '-5' }), 'lines[0].units'],
      ['fxRate "-7.1"', line({ currency: 'USD', fxRate: '-7.1' }), 'lines[0].fxRate'],
      ['royaltyReported as a JSON number', { ...line({}), royaltyReported: 30 }, 'royaltyReported'],
      ['an unknown top-level field', { ...line({}), discount: '5.00' }, 'discount'],
      ['an unknown line field', line({ colour: 'red' }), 'lines[0].colour'],
      ['empty lines', { period: '2025-Q4', lines: [] }, 'lines'],
      ['a malformed period', { ...line({}), period: 'Q4-2025' }, 'period'],
    ];
    it.each(malformed)('refuses %s → 400 naming the field', async (_, body, field) => {
      await report(w.license, body, 400, { field });
    });
  });

  describe('unknown resources', () => {
    const body = { period: '2025-Q4', lines: [salesLine('1000.00', '0.00')] };

    it('answers 404 for a report on an unknown license id and on a non-uuid id', async () => {
      const unknown = randomUUID();
      await report(unknown, body, 404, { code: 'license-not-found' });
      await report('not-a-uuid', body, 404);
    });

    it('answers 404 for a restatement of an unknown report', async () => {
      const restate = (reportId: string) => () =>
        ledger.http.post(`${reports(w.license)}/${reportId}/restatements`).send({ lines: [salesLine('1000.00', '0.00')] });
      await refused(w.license, restate(randomUUID()), 404, { field: 'reportId', code: 'report-not-found' });
      await refused(w.license, restate('nope'), 404);
    });

    it('answers 404 for an unknown milestone code, 409 for one achieved twice', async () => {
      const achieve = (code: string) => () => ledger.http.post(`/licenses/${w.license}/milestones/${code}/achievements`).send({ achievedOn: '2025-04-01' });
      await refused(w.license, achieve('no-such-milestone'), 404, { field: 'code', code: 'milestone-not-found' });
      await refused(w.license, achieve('first-sale'), 409, { field: 'code', code: 'milestone-already-achieved' });
    });
  });

  describe('royalty years, payments, termination', () => {
    const close = (id: string, year: number | string) => () => ledger.http.post(`/licenses/${id}/royalty-years/${year}/close`).send({});

    it('refuses to close the same year twice → 409 year', async () => {
      await refused(closed, close(closed, 2025), 409, { field: 'year', code: 'year-already-closed' });
    });

    it('refuses fields sent to a year\'s close, which takes none → 400 naming them (they were ignored, and the year closed)', async () => {
      const send = () => ledger.http.post(`/licenses/${w.license}/royalty-years/2025/close`).send({ shortfall: '999.00' });
      await refused(w.license, send, 400, { field: 'shortfall' });
    });

    it(`refuses to close the current year ${thisYear}, which has not ended → 422 year`, async () => {
      await refused(w.license, close(w.license, thisYear), 422, { field: 'year', code: 'year-not-ended' });
    });

    it('refuses a payment in another currency → 422 currency', async () => {
      const pay = () => ledger.http.post(`/licenses/${w.license}/payments`).send({ amount: '100.00', currency: 'USD', receivedOn: '2025-05-01', reference: 'W-1' });
      await refused(w.license, pay, 422, { field: 'currency', code: 'currency-mismatch' });
    });

    it('refuses to terminate a license twice → 409', async () => {
      const terminate = () => ledger.http.post(`/licenses/${terminated}/termination`).send({ effectiveOn: '2025-09-30', reason: 'again' });
      await refused(terminated, terminate, 409, { code: 'license-already-terminated' });
    });

    it('refuses a milestone achieved after today → 422 achievedOn', async () => {
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const achieve = () => ledger.http.post(`/licenses/${closed}/milestones/first-sale/achievements`).send({ achievedOn: tomorrow });
      await refused(closed, achieve, 422, { field: 'achievedOn', code: 'date-in-future' });
    });

    it('refuses a termination dated before a milestone or report it would leave outside the term → 422 effectiveOn', async () => {
      const terminate = () => ledger.http.post(`/licenses/${w.license}/termination`).send({ effectiveOn: '2025-03-01', reason: 'breach' });
      await refused(w.license, terminate, 422, { field: 'effectiveOn', code: 'termination-before-recorded-facts' });
    });

    it('keeps a license whose termination is dated ahead active until then, showing the termination', async () => {
      const ahead = (await post<{ id: string }>(ledger, '/licenses', otherLicense(cast, 'surgical training'))).id;
      const notice = await post<{ status: string; position: string }>(ledger, `/licenses/${ahead}/termination`, { effectiveOn: '2034-06-30', reason: 'notice given' });
      expect(notice.status).toBe('active');
      const license = (await ledger.http.get(`/licenses/${ahead}?minPosition=${notice.position}`).expect(200)).body;
      expect(license).toMatchObject({ status: 'active', termination: { effectiveOn: '2034-06-30', reason: 'notice given' } });
      expect((await ledger.http.get(`/licenses/${terminated}?minPosition=${notice.position}`).expect(200)).body.status).toBe('terminated');
    });
  });

  describe('grants', () => {
    const grant = (body: object, status: number, expected?: Expected) => refused(undefined, () => ledger.http.post('/licenses').send(body), status, expected);

    it('refuses an exclusive license overlapping an exclusive one (patent, territory, field) → 422 exclusive-overlap', async () => {
      await ledger.http.get(`/licenses/${w.license}?minPosition=${grantedAt}`).expect(200);
      const problem = await grant(workedLicenseTerms(cast), 422, { code: 'exclusive-overlap', field: 'patentIds' });
      // Each field of the scope that meets the worked license names what it meets there (before: no errors[]).
      expect(problem.errors).toEqual([
        { field: 'patentIds', message: `licensed there too: ${cast.patent} (license ${w.license})` },
        { field: 'territories', message: `licensed there too: ${workedLicenseTerms(cast).territories.join(', ')} (license ${w.license})` },
        { field: 'fieldOfUse', message: `licensed there too: ${workedLicenseTerms(cast).fieldOfUse} (license ${w.license})` },
        { field: 'effectiveOn', message: expect.stringMatching(new RegExp(`^the term meets one from \\d{4}-\\d{2}-\\d{2} to \\d{4}-\\d{2}-\\d{2} \\(license ${w.license}\\)$`)) },
        { field: 'exclusive', message: `an exclusive license may overlap no other license: ${w.license}` },
      ]);
      await grant({ ...workedLicenseTerms(cast), exclusive: false }, 422, { code: 'exclusive-overlap', field: 'territories' });
    });

    it('grants one of exclusive licenses of one scope sent together or one right after another, refusing the rest', async () => {
      // Before, the check read the licenses read model as it stood: a grant sent right after another was
      // answered, or beside it, could pass before the first was projected, and both were exclusive.
      const scope = (n: number) => ({ ...workedLicenseTerms(cast), territories: ['FR'], fieldOfUse: `race ${n}` });
      for (let n = 0; n < 3; n++) {
        const together = await Promise.all([1, 2, 3, 4].map(() => ledger.http.post('/licenses').send(scope(n))));
        expect(together.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
        const after = await ledger.http.post('/licenses').send(scope(n));
        expect(after.status).toBe(422);
        expect(after.body.code).toBe('exclusive-overlap');
      }
      await settledCount();
    });

    it('shows a license that ran to its expiry as expired (it showed active for ever)', async () => {
      const old = await post<{ id: string; position: string }>(ledger, '/licenses', { ...otherLicense(cast, 'expired field'), effectiveOn: '2020-01-01', expiresOn: '2024-12-31' });
      expect((await ledger.http.get(`/licenses/${old.id}?minPosition=${old.position}`).expect(200)).body.status).toBe('expired');
      await settledCount();
    });

    it('accepts a non-exclusive license of the same patent and field in another territory → 201', async () => {
      const before = await eventCount(ledger.store);
      const res = await ledger.http.post('/licenses').send({ ...workedLicenseTerms(cast), exclusive: false, territories: ['US'] }).expect(201);
      expect(res.body).toMatchObject({ id: expect.any(String), position: expect.stringMatching(/^\d+$/) });
      expect(await eventCount(ledger.store)).toBeGreaterThan(before);
    });

    it('requires revenueShares when the patents have different owners → 422 revenueShares', async () => {
      const terms = otherLicense(cast, 'prosthetics', { patentIds: [cast.patent, otherlyOwned] });
      await grant(terms, 422, { field: 'revenueShares', code: 'revenue-shares-required' });
    });

    it('refuses revenueShares that do not sum to 100 → 422 revenueShares', async () => {
      const terms = otherLicense(cast, 'prosthetics', {
        patentIds: [cast.patent, otherlyOwned],
        revenueShares: [{ partyId: cast.university, sharePercent: '70' }, { partyId: cast.company, sharePercent: '29.99' }],
      });
      await grant(terms, 422, { field: 'revenueShares', code: 'shares-not-100' });
    });

    it('refuses an unknown licensee → 422 licenseeId', async () => {
      await grant(otherLicense(cast, 'prosthetics', { licenseeId: randomUUID() }), 422, { field: 'licenseeId', code: 'unknown-party' });
    });

    it('refuses tiers whose upTo decreases → 422 royalty.tiers[1].upTo', async () => {
      const terms = otherLicense(cast, 'prosthetics');
      const tiers = [{ upTo: '1000000.00', ratePercent: '3' }, { upTo: '500000.00', ratePercent: '4' }, { ratePercent: '5' }];
      await grant({ ...terms, royalty: { ...terms.royalty, tiers } }, 422, { field: 'royalty.tiers[1].upTo', code: 'invalid-royalty-terms' });
    });
  });

  describe('accepted reports', () => {
    it("accepts a report whose royaltyReported differs from the ledger's figure and lists the discrepancy", async () => {
      const res = await ledger.http.post(reports(w.license))
        .send({ period: '2025-Q2', lines: [salesLine('100000.00', '0.00')], royaltyReported: '2900.00' }).expect(201);
      expect(res.body).toMatchObject({ period: '2025-Q2', netSales: '100000.00', royalty: '3000.00', royaltyReported: '2900.00' });
      const list = await ledger.http.get(`/licenses/${w.license}/discrepancies?minPosition=${res.body.position}`).expect(200);
      expect(list.body).toEqual([
        { reportId: res.body.reportId, period: '2025-Q2', royaltyReported: '2900.00', royaltyAssessed: '3000.00', difference: '-100.00' },
      ]);
    });

    it('converts a USD line at its fxRate exactly: 900.00 USD × 7.1234 = 6411.06 CNY', async () => {
      const res = await ledger.http.post(reports(w.license)).send({
        period: '2025-Q3', lines: [salesLine('1000.00', '100.00', { currency: 'USD', fxRate: '7.1234' })],
      }).expect(201);
      // cumulative 2025 net 580,000.00 + 6,411.06 stays in the 3 % tier: 6411.06 × 3 % = 192.3318 → 192.33
      expect(res.body).toMatchObject({ period: '2025-Q3', currency: 'CNY', netSales: '6411.06', royalty: '192.33' });
      // Tier amounts stay exact (the explanation); only the assessed royalty is rounded, once.
      expect(res.body.tiers).toEqual([{ upTo: '1000000.00', ratePercent: '3', base: '6411.06', amount: '192.3318' }]);
      const events = await ledger.store.readStream(`license-${w.license}`);
      const submitted = events.filter((e) => e.type === 'SalesReportSubmitted').pop()!;
      expect(submitted.data).toMatchObject({ lines: [expect.objectContaining({ currency: 'USD', fxRate: '7.1234' })], netSales: '6411.06' });
    });

    it('keeps the first report untouched by all of the refusals above', async () => {
      const events = await ledger.http.get(`/licenses/${w.license}/events`).expect(200);
      expect(events.body.filter((e: { type: string }) => e.type === 'SalesReportSubmitted').map((e: { data: { reportId: string } }) => e.data.reportId)[0]).toBe(q1);
    });
  });
});
