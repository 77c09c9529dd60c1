import { describeOnEveryStore, LedgerUnderTest, startLedger } from './support/ledger-app';
import { post, registerCast, salesLine, WorkedExample, workedLicenseTerms } from './support/worked-example';

type Cast = Omit<WorkedExample, 'license'>;

/** A UTC day (the ledger's business day here) `days` from now, and its quarter. */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;

/**
 * A license's sales stop with its term: the period and the royalty year a termination falls in are over
 * the day after it, not at their calendar end. The server keeps the real clock, so the dates follow it.
 */
describeOnEveryStore('a license term that ends within a period or year', (kind) => {
  let ledger: LedgerUnderTest;
  let cast: Cast;
  const terminatedOn = async (effectiveOn: string, fieldOfUse: string) => {
    const { id } = await post<{ id: string }>(ledger, '/licenses', { ...workedLicenseTerms(cast), fieldOfUse });
    await post(ledger, `/licenses/${id}/termination`, { effectiveOn, reason: 'licensee insolvent' });
    return id;
  };

  beforeAll(async () => {
    ledger = await startLedger(kind, { LEDGER_TIME_ZONE: 'UTC' });
    cast = await registerCast(ledger);
  });
  afterAll(async () => { await ledger?.close(); });

  it('reports the quarter of a termination that took effect yesterday, and closes its year, now', async () => {
    // Before: 422 period-not-ended until the quarter's calendar end, 422 year-not-ended until 1 January.
    const yesterday = dayFromNow(-1);
    const license = await terminatedOn(yesterday, 'veterinary robotics');
    const report = await post(ledger, `/licenses/${license}/sales-reports`, { period: quarterOf(yesterday), lines: [salesLine('1000.00', '0.00')] });
    expect(report).toMatchObject({ royalty: '30.00' });
    const closed = await ledger.http.post(`/licenses/${license}/royalty-years/${yesterday.slice(0, 4)}/close`).send({}).expect(200);
    expect(closed.body).toMatchObject({ shortfall: '49970.00' }); // the 50,000.00 minimum less the quarter's 30.00
  });

  it('refuses them until the day after a termination given ahead, naming that day', async () => {
    const [tomorrow, dayAfter] = [dayFromNow(1), dayFromNow(2)];
    const license = await terminatedOn(tomorrow, 'dental robotics');
    const report = await ledger.http.post(`/licenses/${license}/sales-reports`).send({ period: quarterOf(tomorrow), lines: [salesLine('1000.00', '0.00')] });
    expect({ status: report.status, code: report.body.code }).toEqual({ status: 422, code: 'period-not-ended' });
    expect(report.body.errors).toEqual([{ field: 'period', message: expect.stringMatching(new RegExp(`reported from ${dayAfter}$`)) }]);
    const close = await ledger.http.post(`/licenses/${license}/royalty-years/${tomorrow.slice(0, 4)}/close`).send({});
    expect({ status: close.status, code: close.body.code }).toEqual({ status: 422, code: 'year-not-ended' });
    expect(close.body.errors).toEqual([{ field: 'year', message: expect.stringMatching(new RegExp(`close it from ${dayAfter}$`)) }]);
  });
});
