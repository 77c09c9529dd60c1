import { partyStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, StatementsQuery } from '@ledger/ledger';
import { describeOnEveryStore, LedgerUnderTest, startLedger } from './support/ledger-app';
import { landingBefore } from './support/races';
import { post, registerWorkedExample, salesLine, WorkedExample } from './support/worked-example';

/**
 * A licensor's stream takes the distribution process manager's allocations at any moment: a payout to
 * it is decided again at once on what landed meanwhile when that only adds to what it is owed, and reads
 * its balance again when it may not (a credit, another payout). Before, under steady report load, a
 * payout to a licensor lost nearly every race (409 after 8 attempts, each waiting for the journal).
 */
describeOnEveryStore('payouts racing the ledger\'s own allocations', (kind) => {
  let ledger: LedgerUnderTest;
  let w: WorkedExample;
  let q1: string;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    ledger = await startLedger(kind);
    w = await registerWorkedExample(ledger);
    q1 = (await post<{ reportId: string }>(ledger, `/licenses/${w.license}/sales-reports`, { period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')] })).reportId;
    await ledger.settled();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => { await ledger?.close(); });

  /** Runs `meanwhile` once, just before the first append of a payout to the university, as a race would have it land. */
  const landingBeforeThePayout = (meanwhile: () => Promise<void>) => landingBefore(ledger, partyStream(w.university), 'PayoutRecorded', meanwhile);

  const payout = (reference: string) =>
    ledger.http.post(`/parties/${w.university}/payouts`).send({ amount: '100.00', currency: 'CNY', paidOn: today, reference });

  it('decides it again at once on an allocation that landed meanwhile, on the balance it read', async () => {
    const balances = jest.spyOn(ledger.app.get(StatementsQuery), 'payableBalance');
    const tries = landingBeforeThePayout(async () => {
      await post(ledger, `/licenses/${w.license}/sales-reports`, { period: '2025-Q2', lines: [salesLine('700000.00', '0.00')] });
      await ledger.settled(); // the university's allocation of Q2 is on its stream now
    });
    const res = await payout('RACE-ALLOCATION').expect(201);
    expect(tries.appends).toBe(2); // lost the race once, then appended after the allocation
    expect(balances).toHaveBeenCalledTimes(1);
    const types = (await ledger.store.readStream(partyStream(w.university))).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['DistributionAllocated', 'PayoutRecorded']);
    expect(res.body).toMatchObject({ amount: '100.00', reference: 'RACE-ALLOCATION' });
  });

  it('reads the balance again when a credit landed meanwhile, which lowers what the licensor is owed', async () => {
    const balances = jest.spyOn(ledger.app.get(StatementsQuery), 'payableBalance');
    const tries = landingBeforeThePayout(async () => {
      await post(ledger, `/licenses/${w.license}/sales-reports/${q1}/restatements`, { lines: [salesLine('490000.00', '40000.00')] });
      await ledger.settled(); // a negative allocation on the university's stream
    });
    await payout('RACE-CREDIT').expect(201);
    expect(tries.appends).toBe(2);
    expect(balances).toHaveBeenCalledTimes(2); // decided again from a fresh balance, not rebased
  });

  it('checks a payout that landed while it was decided again: both are never recorded on one balance', async () => {
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const balances = jest.spyOn(ledger.app.get(StatementsQuery), 'payableBalance');
    let other: Promise<unknown> | undefined;
    landingBeforeThePayout(async () => {
      await post(ledger, `/licenses/${w.license}/sales-reports`, { period: '2025-Q3', lines: [salesLine('100000.00', '0.00')] });
      await ledger.settled();
    });
    // Once it has read what landed (the allocation), another payout to the university lands before it appends again.
    const read = store.readStream.bind(store);
    jest.spyOn(store, 'readStream').mockImplementation(async (stream, options) => {
      const events = await read(stream, options);
      if (stream === partyStream(w.university) && options?.fromRevision !== undefined && options.maxCount === undefined && !other) {
        other = payout('RACE-OTHER-PAYOUT').expect(201);
        await other;
      }
      return events;
    });
    await payout('RACE-PAYOUT-MEANWHILE').expect(201);
    // Its first balance, the other payout's, then its own again: the other payout was not taken unchecked
    // (a first version folded the stream loaded again, the other payout in it, on the first balance).
    expect(balances).toHaveBeenCalledTimes(3);
    const payouts = (await ledger.store.readStream(partyStream(w.university))).filter((e) => e.type === 'PayoutRecorded');
    expect(payouts.map((e) => (e.data as { reference: string }).reference).slice(-2)).toEqual(['RACE-OTHER-PAYOUT', 'RACE-PAYOUT-MEANWHILE']);
  });
});
