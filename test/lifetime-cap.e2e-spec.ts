import { describeOnEveryStore, LedgerUnderTest, startLedger } from './support/ledger-app';
import { expectBooksBalanced, party, post, salesLine } from './support/worked-example';

/**
 * A lifetime cap bounds everything a license charges in royalties and minimums: earlier years'
 * shortfalls count, in the order the years come, whenever a year is closed. Before, a 1,000.00 cap
 * with an 800.00 minimum charged 2,580.00 over two thin years and a year reaching the cap.
 */
describeOnEveryStore('a lifetime cap with a minimum annual royalty, through HTTP', (kind) => {
  let ledger: LedgerUnderTest;
  let university: string;
  let licensee: string;
  let patent: string;
  let position = '0';

  beforeAll(async () => {
    ledger = await startLedger(kind);
    university = await party(ledger, 'Eastlake University', 'university');
    licensee = await party(ledger, 'Brightpath Medical', 'company');
    const lin = await party(ledger, 'Dr Lin', 'person');
    ({ id: patent } = await post<{ id: string }>(ledger, '/patents', {
      title: 'Compliant gripper', number: 'CN2022100001.X', jurisdiction: 'CN', filedOn: '2022-01-15', expiresOn: '2042-01-15',
      owners: [{ partyId: university, sharePercent: '100' }], inventors: [{ partyId: lin, sharePercent: '100' }],
    }));
  });
  afterAll(async () => { await ledger?.close(); });

  const license = async (fieldOfUse: string) => (await post<{ id: string }>(ledger, '/licenses', {
    licenseeId: licensee, patentIds: [patent], territories: ['CN'], fieldOfUse, exclusive: false, effectiveOn: '2023-01-01', expiresOn: '2032-12-31',
    currency: 'CNY', royalty: { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year', minimumAnnual: '800.00', lifetimeCap: '1000.00' },
  })).id;
  const track = <T extends { position?: string }>(body: T) => {
    if (body.position !== undefined) position = body.position;
    return body;
  };
  const report = async (id: string, period: string, net: string) =>
    track(await post<{ royalty: string; capped: boolean; position: string }>(ledger, `/licenses/${id}/sales-reports`, { period, lines: [salesLine(net, '0.00')] }));
  const close = async (id: string, year: number) =>
    track((await ledger.http.post(`/licenses/${id}/royalty-years/${year}/close`).send({}).expect(200)).body as {
      shortfall: string; adjustments?: { kind: string; reportId?: string; year?: number; amount: string; delta: string; cause?: object }[]; position: string;
    });
  const assessed = async (id: string) =>
    ((await ledger.http.get(`/licenses/${id}?minPosition=${position}`).expect(200)).body as { totals: { royaltiesAssessed: string } }).totals.royaltiesAssessed;

  it('charges the cap and no more over two thin years and a year reaching it', async () => {
    const id = await license('grippers');
    expect((await report(id, '2023-Q1', '100.00')).royalty).toBe('10.00');
    expect((await close(id, 2023)).shortfall).toBe('790.00');
    expect((await report(id, '2024-Q1', '100.00')).royalty).toBe('10.00');
    expect((await close(id, 2024)).shortfall).toBe('190.00'); // what the cap leaves of 790.00
    expect(await report(id, '2025-Q1', '20000.00')).toMatchObject({ royalty: '0.00', capped: true });
    expect(await assessed(id)).toBe('1000.00');
  });

  it('closing an earlier year after a later year was assessed takes back what its shortfall leaves no room for, and says so', async () => {
    const id = await license('arms');
    await report(id, '2023-Q1', '100.00');
    const { reportId } = await report(id, '2024-Q1', '5000.00') as unknown as { reportId: string };
    const closed = await close(id, 2023);
    expect(closed.shortfall).toBe('790.00');
    expect(closed.adjustments).toEqual([expect.objectContaining({
      kind: 'adjustment', reportId, previous: '500.00', restated: '200.00', amount: '-300.00', delta: '-300.00', cause: { kind: 'year-closed', year: 2023 },
    })]);
    expect(await assessed(id)).toBe('1000.00');
    const statement = (await ledger.http.get(`/parties/${university}/statement?minPosition=${position}`).expect(200)).body as {
      lines: { date: string; kind: string; amount: string; licenseId?: string }[];
    };
    const lines = statement.lines.filter((l) => l.licenseId === id).map((l) => `${l.date} ${l.kind} ${l.amount}`);
    // Without a policy the university keeps it all: every figure on its date, the adjustment on the report it moved.
    expect(lines).toEqual(['2023-03-31 royalty 10.00', '2023-12-31 shortfall 790.00', '2024-03-31 royalty 500.00', '2024-03-31 adjustment -300.00']);
    await expectBooksBalanced(ledger);
  });
});
