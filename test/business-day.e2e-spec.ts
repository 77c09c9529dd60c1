import { LedgerUnderTest, startLedger } from './support/ledger-app';
import { party, post, registerCast, workedLicenseTerms } from './support/worked-example';

/**
 * "Today" is the business day in LEDGER_TIME_ZONE: a cost dated today on the far side of the date
 * line is today for a ledger there, and still ahead for a ledger 26 hours behind it (never the same day).
 */
describe('the business day of LEDGER_TIME_ZONE', () => {
  const ledgers: LedgerUnderTest[] = [];
  afterAll(async () => { for (const ledger of ledgers) await ledger.close(); });

  async function costDated(timeZone: string, incurredOn: string) {
    const ledger = await startLedger('sqlite', { LEDGER_TIME_ZONE: timeZone });
    ledgers.push(ledger);
    const owner = await party(ledger, 'Eastlake University', 'university');
    const inventor = await party(ledger, 'Dr Lin', 'person');
    const { id: patent } = await post<{ id: string }>(ledger, '/patents', {
      title: 'Compliant gripper', number: 'CN2024100001.X', jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
      owners: [{ partyId: owner, sharePercent: '100' }], inventors: [{ partyId: inventor, sharePercent: '100' }],
    });
    return ledger.http.post(`/patents/${patent}/costs`).send({ partyId: owner, amount: '50.00', currency: 'CNY', incurredOn, description: 'renewal' });
  }

  it('accepts a cost dated today in the ledger\'s zone, and refuses it in a zone where that day has not come', async () => {
    const kiribati = new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10); // UTC+14's day now (or earlier, by the time it is sent)
    expect((await costDated('Etc/GMT-14', kiribati)).status).toBe(201); // POSIX signs: Etc/GMT-14 is UTC+14
    const behind = await costDated('Etc/GMT+12', kiribati); // UTC−12: always a day or two earlier
    expect(behind.status).toBe(422);
    expect(behind.body.errors).toEqual([{ field: 'incurredOn', message: expect.stringContaining('has not come yet') }]);
  });

  it('reads a statement as of a date up to the end of that business day in the ledger\'s zone, not UTC\'s', async () => {
    // An upfront fee recorded now; with asOf dates read as UTC days, one of the two checks fails at any hour.
    const linesAsOf = async (timeZone: string, hoursAhead: number, daysBack: number) => {
      const ledger = await startLedger('sqlite', { LEDGER_TIME_ZONE: timeZone });
      ledgers.push(ledger);
      const cast = await registerCast(ledger);
      const { position } = await post<{ position: string }>(ledger, '/licenses', workedLicenseTerms(cast));
      await ledger.http.get(`/parties/${cast.university}/statement?minPosition=${position}`).expect(200);
      const day = new Date(Date.now() + hoursAhead * 3_600_000 - daysBack * 86_400_000).toISOString().slice(0, 10);
      return ((await ledger.http.get(`/parties/${cast.university}/statement?asOf=${day}`).expect(200)).body as { lines: unknown[] }).lines.length;
    };
    expect(await linesAsOf('Etc/GMT+12', -12, 0)).toBeGreaterThan(0); // as of today at UTC−12: what was recorded now is in
    expect(await linesAsOf('Etc/GMT-14', 14, 1)).toBe(0); // as of yesterday at UTC+14: it is not
  });

  it('reads a statement as of the last day ISO dates have, west of UTC too (no instant past year 9999)', async () => {
    const ledger = await startLedger('sqlite', { LEDGER_TIME_ZONE: 'America/Los_Angeles' });
    ledgers.push(ledger);
    const cast = await registerCast(ledger);
    const { position } = await post<{ position: string }>(ledger, '/licenses', workedLicenseTerms(cast));
    await ledger.http.get(`/parties/${cast.university}/statement?minPosition=${position}`).expect(200);
    const lines = async (asOf: string) => ((await ledger.http.get(`/parties/${cast.university}/statement?asOf=${asOf}`).expect(200)).body as { lines: unknown[] }).lines.length;
    expect(await lines('9999-12-31')).toBe(await lines('9999-12-30')); // before: 0, "+010000-…" sorted before every recorded time
  });
});
