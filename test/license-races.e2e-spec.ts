import { licenseStream } from '@ledger/domain';
import { EventStore, NewEvent } from '@ledger/event-store';
import { EVENT_STORE } from '@ledger/ledger';
import { describeOnEveryStore, LedgerUnderTest, startLedger } from './support/ledger-app';
import { post, registerWorkedExample, salesLine, WorkedExample } from './support/worked-example';

/**
 * No client states an expected revision of a license: a write that loses the race for its stream is
 * decided again on the stream as it now is, with every rule checked again. Before, a payment booked by
 * the office while the licensee restated was 409 (found by the license-lifecycle QA pass).
 */
describeOnEveryStore('writes to one license racing each other', (kind) => {
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

  /** Runs `meanwhile` once, just before the first append of an event of `type` to the license, as a race would have it land. */
  function landingBefore(type: string, meanwhile: () => Promise<unknown>) {
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    const tries = { appends: 0 };
    jest.spyOn(store, 'append').mockImplementation(async (stream: string, events: readonly NewEvent[], options) => {
      if (stream === licenseStream(w.license) && events.some((e) => e.type === type) && tries.appends++ === 0) await meanwhile();
      return append(stream, events, options);
    });
    return tries;
  }

  it('books a payment that lost the race to a restatement: decided again, after it', async () => {
    const tries = landingBefore('PaymentReceived', () =>
      post(ledger, `/licenses/${w.license}/sales-reports/${q1}/restatements`, { lines: [salesLine('500000.00', '40000.00')] }));
    const res = await ledger.http.post(`/licenses/${w.license}/payments`).send({ amount: '1234.56', currency: 'CNY', receivedOn: '2025-05-15', reference: 'WIRE-RACE' });
    expect([res.status, tries.appends]).toEqual([201, 2]); // before: 409 concurrency-conflict
    const types = (await ledger.store.readStream(licenseStream(w.license))).map((e) => e.type);
    expect(types.lastIndexOf('SalesReportRestated')).toBeLessThan(types.indexOf('PaymentReceived'));
    expect(types.filter((t) => t === 'PaymentReceived')).toHaveLength(1);
  });

  it('decides a report again on the report that won the race for its period: the rule refuses it (409 period), once', async () => {
    const q2 = { period: '2025-Q2', lines: [salesLine('700000.00', '0.00')] };
    const tries = landingBefore('SalesReportSubmitted', () => post(ledger, `/licenses/${w.license}/sales-reports`, q2));
    const res = await ledger.http.post(`/licenses/${w.license}/sales-reports`).send(q2);
    // Its first append lost to the other's (2 appends of a report); decided again, the rule refuses it: not the stream's conflict.
    expect([res.status, res.body.code, tries.appends]).toEqual([409, 'period-already-reported', 2]);
    const reports = (await ledger.store.readStream(licenseStream(w.license))).filter((e) => e.type === 'SalesReportSubmitted');
    expect(reports.map((e) => (e.data as { period: string }).period)).toEqual(['2025-Q1', '2025-Q2']);
  });
});
