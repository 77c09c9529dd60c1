import { describeOnEveryStore, LedgerUnderTest, startLedger } from './support/ledger-app';
import { expectBooksBalanced, post, registerCast, salesLine, WorkedExample, workedLicenseTerms } from './support/worked-example';

/** DESIGN.md "Worked example": every number, through HTTP. */
describeOnEveryStore('worked example', (kind) => {
  let ledger: LedgerUnderTest;
  let w: WorkedExample;
  let q1: string;
  let q2: string;
  beforeAll(async () => { ledger = await startLedger(kind); });
  afterAll(async () => { await ledger?.close(); });

  it('grants L1 and assesses the upfront fee: U 60,000.00, C 40,000.00', async () => {
    const cast = await registerCast(ledger);
    const granted = await post<{ id: string; upfront: unknown; revenueShares: unknown }>(ledger, '/licenses', workedLicenseTerms(cast));
    w = { ...cast, license: granted.id };
    expect(granted.revenueShares).toEqual([{ partyId: w.university, sharePercent: '60' }, { partyId: w.company, sharePercent: '40' }]);
    expect(granted.upfront).toEqual({
      amount: '100000.00',
      allocations: [{ partyId: w.university, amount: '60000.00' }, { partyId: w.company, amount: '40000.00' }],
    });
  });

  it('2025-Q1: net 480,000.00 → royalty 14,400.00 → U 8,640.00, C 5,760.00', async () => {
    const report = await post<{ reportId: string }>(ledger, `/licenses/${w.license}/sales-reports`, {
      period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')],
    });
    q1 = report.reportId;
    expect(report).toEqual({
      reportId: expect.any(String), period: '2025-Q1', currency: 'CNY', netSales: '480000.00', royalty: '14400.00',
      tiers: [{ upTo: '1000000.00', ratePercent: '3', base: '480000.00', amount: '14400.00' }],
      perUnitAmount: '0.00', sublicenseAmount: '0.00', capped: false,
      allocations: [{ partyId: w.university, amount: '8640.00' }, { partyId: w.company, amount: '5760.00' }],
      position: expect.stringMatching(/^\d+$/),
    });
  });

  it('2025-Q2: net 700,000.00, cumulative 1,180,000.00 → 520,000 × 3 % + 180,000 × 4 % = 22,800.00', async () => {
    const report = await post<{ reportId: string; royalty: string; tiers: unknown; netSales: string }>(
      ledger, `/licenses/${w.license}/sales-reports`, { period: '2025-Q2', lines: [salesLine('700000.00', '0.00')] },
    );
    q2 = report.reportId;
    expect(report.netSales).toBe('700000.00');
    expect(report.royalty).toBe('22800.00');
    expect(report.tiers).toEqual([
      { upTo: '1000000.00', ratePercent: '3', base: '520000.00', amount: '15600.00' },
      { ratePercent: '4', base: '180000.00', amount: '7200.00' },
    ]);
  });

  it('restating Q1 to net 450,000.00 credits −900.00 on Q1 and −300.00 on Q2', async () => {
    const res = await post<{ adjustments: unknown }>(ledger, `/licenses/${w.license}/sales-reports/${q1}/restatements`, {
      lines: [salesLine('490000.00', '40000.00')],
    });
    expect(res.adjustments).toEqual([
      { reportId: q1, period: '2025-Q1', previous: '14400.00', restated: '13500.00', delta: '-900.00' },
      { reportId: q2, period: '2025-Q2', previous: '22800.00', restated: '22500.00', delta: '-300.00' },
    ]);
  });

  it('closing 2025 assesses the minimum-annual shortfall: 50,000.00 − 36,000.00 = 14,000.00', async () => {
    const res = await ledger.http.post(`/licenses/${w.license}/royalty-years/2025/close`).send({}).expect(200);
    expect(res.body).toMatchObject({
      year: 2025, runningRoyalties: '36000.00', minimumAnnual: '50000.00', shortfall: '14000.00',
      allocations: [{ partyId: w.university, amount: '8400.00' }, { partyId: w.company, amount: '5600.00' }],
    });
  });

  it('records a payment and shows terms, totals and revision on GET /licenses/:id', async () => {
    const paid = await post<{ position: string }>(ledger, `/licenses/${w.license}/payments`, {
      amount: '50000.00', currency: 'CNY', receivedOn: '2026-01-20', reference: 'WIRE-0001',
    });
    const res = await ledger.http.get(`/licenses/${w.license}?minPosition=${paid.position}`).expect(200);
    expect(res.body).toMatchObject({
      id: w.license, licenseeId: w.brightpath, currency: 'CNY', status: 'active', territories: ['CN'], exclusive: true,
      totals: { netSales: '1150000.00', royaltiesAssessed: '150000.00', paymentsReceived: '50000.00', balanceDue: '100000.00' },
    });
    expect(Number(res.body.revision)).toBeGreaterThan(8);
  });

  it('lists the license stream with actor, recordedAt and correlation ids', async () => {
    const res = await ledger.http.get(`/licenses/${w.license}/events`).expect(200);
    expect(res.body.map((e: { type: string }) => e.type)).toEqual([
      'LicenseGranted', 'RoyaltyAssessed',
      'SalesReportSubmitted', 'RoyaltyAssessed',
      'SalesReportSubmitted', 'RoyaltyAssessed',
      'SalesReportRestated', 'RoyaltyAssessed', 'RoyaltyAssessed',
      'RoyaltyYearClosed', 'RoyaltyAssessed',
      'PaymentReceived',
    ]);
    for (const e of res.body) {
      expect(e.metadata).toEqual({ actor: expect.any(Object), correlationId: expect.any(String), causationId: expect.any(String), recordedAt: expect.any(String) });
    }
  });

  it('assesses a milestone once, on its achievement date', async () => {
    const res = await post<Record<string, unknown>>(ledger, `/licenses/${w.license}/milestones/first-sale/achievements`, { achievedOn: '2025-03-10' });
    expect(res).toMatchObject({
      milestone: 'first-sale', achievedOn: '2025-03-10', amount: '20000.00',
      allocations: [{ partyId: w.university, amount: '12000.00' }, { partyId: w.company, amount: '8000.00' }],
    });
  });

  it('leaves the journal balanced per currency, with every licensor income distributed', async () => {
    const head = await ledger.store.headPosition();
    await ledger.http.get(`/licenses/${w.license}?minPosition=${head}`).expect(200);
    await expectBooksBalanced(ledger);
  });
});
