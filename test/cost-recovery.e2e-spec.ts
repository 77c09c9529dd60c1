import { DistributionProcessManager, ProjectionRunner } from '@ledger/ledger';
import { RecordedEvent } from '@ledger/event-store';
import { LedgerUnderTest, startLedger } from './support/ledger-app';
import { expectBooksBalanced, party, post, salesLine } from './support/worked-example';

/**
 * Patent-cost recovery reads the costs recorded before the income it recovers from: how far behind the
 * process manager runs must never change an allocation, or the same log would allocate differently
 * live and after an import.
 */
describe('patent-cost recovery, whenever the process manager gets to the income', () => {
  let ledger: LedgerUnderTest;

  beforeEach(async () => {
    ledger = await startLedger('sqlite');
  });
  afterEach(() => ledger.close());

  /** A university owning a patent of Dr Lin's, inventors 50 %, recovering a cost of `cost` recorded before or after the license. */
  async function licenseWithFee(policyAfterCost = false, terms: { cost?: string; royalty?: object; beforeCost?: (license: string) => Promise<void> } = {}) {
    const university = await party(ledger, 'Eastlake University', 'university');
    const lin = await party(ledger, 'Dr Lin', 'person');
    const licensee = await party(ledger, 'Brightpath Medical', 'company');
    await ledger.http.put(`/parties/${university}/distribution-policy`).send({
      adminFeePercent: '0', recoverPatentCosts: true, shares: [{ beneficiary: 'inventors', sharePercent: '50' }],
    }).expect(200);
    const { id: patent } = await post<{ id: string }>(ledger, '/patents', {
      title: 'Compliant gripper', number: 'CN2024100001.X', jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
      owners: [{ partyId: university, sharePercent: '100' }], inventors: [{ partyId: lin, sharePercent: '100' }],
    });
    const cost = () => post(ledger, `/patents/${patent}/costs`, { partyId: university, amount: terms.cost ?? '400.00', currency: 'CNY', incurredOn: '2024-05-01', description: 'filing fees' });
    if (policyAfterCost) await cost();
    const { id: license } = await post<{ id: string }>(ledger, '/licenses', {
      licenseeId: licensee, patentIds: [patent], territories: ['CN'], fieldOfUse: 'robotics', exclusive: true, effectiveOn: '2025-01-01', expiresOn: '2034-12-31',
      currency: 'CNY', royalty: terms.royalty ?? { tiers: [{ ratePercent: '3' }], tierBasis: 'calendar-year', upfrontFee: '1000.00' },
    });
    await terms.beforeCost?.(license);
    if (!policyAfterCost) await cost();
    return { university, lin, license };
  }

  const allocated = async (partyId: string) => (await ledger.store.readStream(`party-${partyId}`))
    .filter((e) => e.type === 'DistributionAllocated')
    .map((e) => (e.data as { lines: { role: string; amount: string }[] }).lines.map((l) => `${l.role} ${l.amount}`));

  it('does not recover a cost recorded after the fee, though the process manager reads it before allocating the fee', async () => {
    // Granted while the consumers run (a grant is decided on the read models); then the process manager
    // lags behind the log: the report's royalty, then the cost, before it allocates the royalty.
    const { university } = await licenseWithFee(false, {
      royalty: { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' },
      beforeCost: async (license) => {
        await ledger.app.get(ProjectionRunner).stop();
        await post(ledger, `/licenses/${license}/sales-reports`, { period: '2025-Q1', lines: [salesLine('10000.00', '0.00')] });
      },
    });
    const manager = ledger.app.get(DistributionProcessManager);
    const sources = (await ledger.store.readAll()).filter((e: RecordedEvent) => manager.handles.has(e.type));
    expect(sources.map((e) => e.type)).toEqual(['RoyaltyAssessed']);
    await manager.handle(sources);
    expect(await allocated(university)).toEqual([['inventor 500.00', 'retained 500.00']]);
  });

  it("lists a patent's costs in the order recorded, past position 9 too", async () => {
    // Before, ordered by the position's text: the cost at position 10 was listed before the one at 9.
    const university = await party(ledger, 'Eastlake University', 'university');
    const { id: patent } = await post<{ id: string }>(ledger, '/patents', {
      title: 'Compliant gripper', number: 'CN2024100001.X', jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
      owners: [{ partyId: university, sharePercent: '100' }], inventors: [{ partyId: university, sharePercent: '100' }],
    });
    let last = '0';
    for (let n = 1; n <= 12; n++) {
      last = (await post<{ position: string }>(ledger, `/patents/${patent}/costs`, { partyId: university, amount: `${n}.00`, currency: 'CNY', incurredOn: '2024-05-01', description: `fee ${n}` })).position;
    }
    const read = (await ledger.http.get(`/patents/${patent}?minPosition=${last}`).expect(200)).body;
    expect(read.costs.map((c: { amount: string }) => c.amount)).toEqual(Array.from({ length: 12 }, (_, i) => `${i + 1}.00`));
  });

  it('refuses a cost dated after today (it would be recovered before it is spent), appending nothing', async () => {
    const { university, license } = await licenseWithFee();
    const patent = ((await ledger.http.get(`/licenses/${license}`).expect(200)).body as { patentIds: string[] }).patentIds[0];
    const before = (await ledger.store.readAll()).length;
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10); // after today even across UTC midnight
    const refused = await ledger.http.post(`/patents/${patent}/costs`)
      .send({ partyId: university, amount: '50.00', currency: 'CNY', incurredOn: later, description: 'renewal' }).expect(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([{ field: 'incurredOn', message: expect.stringContaining('has not come yet') }]);
    expect((await ledger.store.readAll()).length).toBe(before);
  });

  it('recovers a cost recorded before the fee', async () => {
    const { university } = await licenseWithFee(true);
    await ledger.settled();
    expect(await allocated(university)).toEqual([['cost-recovery 400.00', 'inventor 300.00', 'retained 300.00']]);
  });

  it('keeps the cost recovered when a report is restated to zero and back across a closed year (a shortfall comes and goes)', async () => {
    const { university, lin, license } = await licenseWithFee(true, {
      cost: '300.00', royalty: { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year', minimumAnnual: '2000.00' },
    });
    const report = (period: string) => post<{ reportId: string }>(ledger, `/licenses/${license}/sales-reports`, { period, lines: [salesLine('10000.00', '0.00')] });
    const { reportId: q1 } = await report('2025-Q1');
    await report('2025-Q2');
    await ledger.http.post(`/licenses/${license}/royalty-years/2025/close`).send({}).expect(200);
    for (const gross of ['0.00', '10000.00']) {
      await post(ledger, `/licenses/${license}/sales-reports/${q1}/restatements`, { lines: [salesLine(gross, '0.00')] });
    }
    await ledger.settled();
    const closing = async (partyId: string) => ((await ledger.http.get(`/parties/${partyId}/statement`).expect(200)).body as { currencies: { closing: string }[] }).currencies[0].closing;
    // 2,000.00 of royalties throughout the end: 300.00 recovered, the rest split 50 / 50
    expect(await closing(university)).toBe('1150.00'); // before: 1,000.00, nothing recovered
    expect(await closing(lin)).toBe('850.00'); // before: 1,000.00
    await expectBooksBalanced(ledger);
  });
});
