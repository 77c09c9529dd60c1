import { equityStream, licenseStream, patentStream } from '@ledger/domain';
import { describeOnEveryStore, LedgerUnderTest, startLedger } from './support/ledger-app';
import { landingBefore } from './support/races';
import { post, registerWorkedExample, salesLine, WorkedExample } from './support/worked-example';

/**
 * No client states an expected revision of a license: a write that loses the race for its stream is
 * decided again on the stream as it now is, with every rule checked again. Before, a payment booked by
 * the office while the licensee restated was 409 (found by the license-lifecycle QA pass).
 */
describeOnEveryStore('writes to one stream racing each other: a license, an equity deal, a patent', (kind) => {
  let ledger: LedgerUnderTest;
  let w: WorkedExample;
  let q1: string;

  beforeAll(async () => {
    ledger = await startLedger(kind);
    w = await registerWorkedExample(ledger);
    q1 = (await post<{ reportId: string }>(ledger, `/licenses/${w.license}/sales-reports`, { period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')] })).reportId;
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => { await ledger?.close(); });

  /** Before the first append of `type` to `on` (the license's stream): see support/races. */
  const landing = (type: string, meanwhile: () => Promise<unknown>, on = licenseStream(w.license)) => landingBefore(ledger, on, type, meanwhile);

  it('books a payment that lost the race to a restatement: decided again, after it', async () => {
    const tries = landing('PaymentReceived', () =>
      post(ledger, `/licenses/${w.license}/sales-reports/${q1}/restatements`, { lines: [salesLine('500000.00', '40000.00')] }));
    const res = await ledger.http.post(`/licenses/${w.license}/payments`).send({ amount: '1234.56', currency: 'CNY', receivedOn: '2025-05-15', reference: 'WIRE-RACE' });
    expect([res.status, tries.appends]).toEqual([201, 2]); // before: 409 concurrency-conflict
    const types = (await ledger.store.readStream(licenseStream(w.license))).map((e) => e.type);
    expect(types.lastIndexOf('SalesReportRestated')).toBeLessThan(types.indexOf('PaymentReceived'));
    expect(types.filter((t) => t === 'PaymentReceived')).toHaveLength(1);
  });

  it("records an equity deal's funding round that lost the race to another round: decided again on the cap table after it", async () => {
    const deal = (await post<{ id: string }>(ledger, '/equity-deals', {
      issuerId: w.brightpath, holderId: w.university, licenseId: w.license, shareClass: 'ordinary', shares: '1000',
      fullyDilutedShares: '10000', pricePerShare: '1.00', currency: 'CNY', grantedOn: '2025-02-01' })).id;
    const round = (newShares: string) => ({ newShares, pricePerShare: '2.00', closedOn: '2025-06-30' });
    const tries = landing('FundingRoundRecorded', () => post(ledger, `/equity-deals/${deal}/funding-rounds`, round('500')), equityStream(deal));
    const res = await ledger.http.post(`/equity-deals/${deal}/funding-rounds`).send(round('700'));
    // Its first append lost to the other round's (the second of 3 appends of a round), its second landed: before, 409.
    expect([res.status, tries.appends, res.body.fullyDilutedShares]).toEqual([201, 3, '11200']); // 10,000 + 500 + 700
  });

  it("records a patent's cost that lost the race to another cost", async () => {
    const cost = (amount: string) => ({ partyId: w.university, amount, currency: 'CNY', incurredOn: '2025-02-01', description: 'filing fees' });
    const tries = landing('PatentCostRecorded', () => post(ledger, `/patents/${w.patent}/costs`, cost('100.00')), patentStream(w.patent));
    const res = await ledger.http.post(`/patents/${w.patent}/costs`).send(cost('250.00'));
    expect([res.status, tries.appends]).toEqual([201, 3]); // its own, the other's, its own again; before: 409
    const costs = (await ledger.store.readStream(patentStream(w.patent))).filter((e) => e.type === 'PatentCostRecorded');
    expect(costs.map((e) => (e.data as { amount: string }).amount)).toEqual(['100.00', '250.00']);
  });

  it('decides a report again on the report that won the race for its period: the rule refuses it (409 period), once', async () => {
    const q2 = { period: '2025-Q2', lines: [salesLine('700000.00', '0.00')] };
    const tries = landing('SalesReportSubmitted', () => post(ledger, `/licenses/${w.license}/sales-reports`, q2));
    const res = await ledger.http.post(`/licenses/${w.license}/sales-reports`).send(q2);
    // Its first append lost to the other's (2 appends of a report); decided again, the rule refuses it: not the stream's conflict.
    expect([res.status, res.body.code, tries.appends]).toEqual([409, 'period-already-reported', 2]);
    const reports = (await ledger.store.readStream(licenseStream(w.license))).filter((e) => e.type === 'SalesReportSubmitted');
    expect(reports.map((e) => (e.data as { period: string }).period)).toEqual(['2025-Q1', '2025-Q2']);
  });
});
