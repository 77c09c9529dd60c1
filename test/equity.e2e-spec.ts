import { describeOnEveryStore, eventCount, LedgerUnderTest, startLedger } from './support/ledger-app';
import { expectBooksBalanced, post, registerWorkedExample, WorkedExample } from './support/worked-example';

type Holder = { partyId: string; shares: string; percent: string; costBasis: string; proceeds: string };

/** Issue 5's scenario: equity for IP, awards to inventors, a protected round, a diluting round, a sale. */
describeOnEveryStore('equity for IP', (kind) => {
  let ledger: LedgerUnderTest;
  let w: WorkedExample;
  let deal: string;
  let position = '0';
  /** An instant after the grant and before the first round was recorded. */
  let grantRecorded = '';
  /** What POST /liquidity-events answered for the university's sale. */
  let liquidityId = '';
  const track = <T extends { position?: string }>(body: T) => { if (body.position) position = body.position; return body; };
  const holders = async (query = '') =>
    (await ledger.http.get(`/equity-deals/${deal}${query}`).expect(200)).body as { fullyDilutedShares: string; holders: Holder[] };
  const shares = (table: { holders: Holder[] }) => table.holders.map((h) => [h.partyId, h.shares, h.percent]);

  beforeAll(async () => {
    ledger = await startLedger(kind);
    w = await registerWorkedExample(ledger);
  });
  afterAll(async () => { await ledger?.close(); });

  it('grants 500,000 of 10,000,000 shares (5 %) and awards 50 % to the two inventors', async () => {
    const created = track(await post<{ id: string; awards: unknown; position: string }>(ledger, '/equity-deals', {
      issuerId: w.brightpath, holderId: w.university, licenseId: w.license, shareClass: 'ordinary', shares: '500000',
      fullyDilutedShares: '10000000', pricePerShare: '1.00', currency: 'CNY', antiDilution: { untilRaised: '5000000.00' }, grantedOn: '2025-01-15',
    }));
    deal = created.id;
    expect(created.awards).toEqual([{ partyId: w.lin, shares: '125000' }, { partyId: w.chen, shares: '125000' }]);
    expect(shares(await holders())).toEqual([
      [w.university, '250000', '2.5000'], [w.lin, '125000', '1.2500'], [w.chen, '125000', '1.2500'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    grantRecorded = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
  });

  it('tops the protected stake up to 5 % in a round of 2,500,000 new shares, then protection ends', async () => {
    const round = track(await post<Record<string, unknown>>(ledger, `/equity-deals/${deal}/funding-rounds`, { newShares: '2500000', pricePerShare: '2.00', closedOn: '2025-06-30' }));
    expect(round).toMatchObject({
      raised: '5000000.00', protected: true, fullyDilutedShares: '12631579', protectionEnded: true,
      topUps: [{ partyId: w.university, shares: '65789' }, { partyId: w.lin, shares: '32895' }, { partyId: w.chen, shares: '32895' }],
    });
    expect(shares(await holders())).toEqual([
      [w.university, '315789', '2.5000'], [w.lin, '157895', '1.2500'], [w.chen, '157895', '1.2500'],
    ]);
  });

  it('dilutes everyone in the next round of 2,500,000 shares', async () => {
    const round = track(await post<Record<string, unknown>>(ledger, `/equity-deals/${deal}/funding-rounds`, { newShares: '2500000', pricePerShare: '4.00', closedOn: '2025-12-31' }));
    // The deal's currency beside raised and cumulativeRaised (a deal without a license has no license currency they could be in).
    expect(round).toMatchObject({ protected: false, fullyDilutedShares: '15131579', topUps: [], protectionEnded: true, raised: '10000000.00', currency: 'CNY' });
  });

  it('refuses a sale of more shares than the seller holds, appending nothing', async () => {
    const before = await eventCount(ledger.store);
    const res = await ledger.http.post(`/equity-deals/${deal}/liquidity-events`).send({
      holderId: w.lin, sharesSold: '157896', proceeds: '1.00', currency: 'CNY', occurredOn: '2026-03-31' }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'sharesSold', message: expect.any(String) }]);
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('sells 100,000 shares for 400,000.00, distributed by policy and visible on every statement', async () => {
    ({ liquidityId } = track(await post<{ liquidityId: string; position: string }>(ledger, `/equity-deals/${deal}/liquidity-events`, {
      holderId: w.university, sharesSold: '100000', proceeds: '400000.00', currency: 'CNY', occurredOn: '2026-03-31' })));
    const table = await holders();
    expect(table.fullyDilutedShares).toBe('15131579');
    expect(shares(table)).toEqual([[w.university, '215789', '1.4261'], [w.lin, '157895', '1.0435'], [w.chen, '157895', '1.0435']]);
    expect(table.holders[0].proceeds).toBe('400000.00');

    const statement = async (partyId: string) =>
      (await ledger.http.get(`/parties/${partyId}/statement?from=2026-01-01&to=2026-12-31&minPosition=${position}`).expect(200)).body;
    const proceeds = async (partyId: string) =>
      (await statement(partyId)).lines.filter((l: { kind: string }) => l.kind === 'equity-proceeds').map((l: { role: string; amount: string }) => [l.role, l.amount]);
    expect(await proceeds(w.university)).toEqual([['admin-fee', '40000.00'], ['retained', '108000.00']]);
    expect(await proceeds(w.lin)).toEqual([['inventor', '90000.00']]);
    expect(await proceeds(w.chen)).toEqual([['inventor', '90000.00']]);
    expect(await proceeds(w.school)).toEqual([['beneficiary', '72000.00']]);
    const lin = await statement(w.lin);
    expect(lin.equity).toEqual([expect.objectContaining({ dealId: deal, shares: '157895', percent: '1.0435', shareClass: 'ordinary' })]);
    await expectBooksBalanced(ledger);
  });

  it('explains an equity-proceeds line down to the sale that made it', async () => {
    // Before, the explanation stopped at the allocation: the sale (shares sold, proceeds, the liquidityId
    // the office was answered) was nowhere a partner could read, so the line traced to no event.
    const line = (await ledger.http.get(`/parties/${w.lin}/statement?minPosition=${position}`).expect(200)).body.lines
      .find((l: { kind: string }) => l.kind === 'equity-proceeds');
    const explained = (await ledger.http.get(`/parties/${w.lin}/allocations/${line.allocationId}`).expect(200)).body;
    expect(explained.allocation.data).toMatchObject({ amount: '400000.00', source: { dealId: deal, eventId: line.source.eventId } });
    expect(explained.liquidityEvent).toMatchObject({
      eventId: line.source.eventId, type: 'EquityLiquidated',
      data: { liquidityId, dealId: deal, holderId: w.university, sharesSold: '100000', proceeds: '400000.00', currency: 'CNY', occurredOn: '2026-03-31' },
    });
    expect(explained.assessment).toBeUndefined();
  });

  it('names the sale on each of its equity-proceeds lines, in JSON and CSV', async () => {
    // As a payout's line names its payoutId: the liquidityId POST /liquidity-events answered, to reconcile
    // the lines with the sale (before, only source.eventId, an id no answer to the office carried).
    for (const partyId of [w.university, w.lin, w.chen, w.school]) {
      const lines = (await ledger.http.get(`/parties/${partyId}/statement?minPosition=${position}`).expect(200)).body.lines
        .filter((l: { kind: string }) => l.kind === 'equity-proceeds');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line.source).toMatchObject({ liquidityId });
    }
    const csv = (await ledger.http.get(`/parties/${w.lin}/statement`).set('Accept', 'text/csv').expect(200)).text.trim().split('\n');
    const column = csv[0].split(',').indexOf('liquidityId');
    expect(column).toBeGreaterThan(-1);
    expect(csv.filter((row) => row.includes(',equity-proceeds,')).map((row) => row.split(',')[column])).toEqual([liquidityId]);
  });

  it("names the currency of the equity section's amounts on a statement", async () => {
    // A statement spans currencies: its equity section's proceeds and cost basis said "400000.00" with none beside them.
    const university = (await ledger.http.get(`/parties/${w.university}/statement?minPosition=${position}`).expect(200)).body;
    expect(university.equity).toEqual([expect.objectContaining({ dealId: deal, proceeds: '400000.00', costBasis: '170833.21', currency: 'CNY' })]);
  });

  it('shows the cap position as of any business date', async () => {
    const early = await holders('?asOf=2025-03-01');
    expect(early.fullyDilutedShares).toBe('10000000');
    expect(shares(early)).toEqual([[w.university, '250000', '2.5000'], [w.lin, '125000', '1.2500'], [w.chen, '125000', '1.2500']]);
    expect((await holders('?asOf=2025-07-01')).fullyDilutedShares).toBe('12631579');
    await ledger.http.get(`/equity-deals/${deal}?asOf=yesterday`).expect(400);
    // Before the grant there is no cap table, but the deal exists: before, 404 said it was not found.
    const before = await ledger.http.get(`/equity-deals/${deal}?asOf=2024-12-31`).expect(404);
    expect(before.body.detail).toBe(`equity deal ${deal} was not granted yet on 2024-12-31`);
    expect(before.body.errors).toEqual([{ field: 'asOf', message: before.body.detail }]);
  });

  it('shows on a statement asOf an instant the equity the ledger had recorded by then, as its lines', async () => {
    const lin = (await ledger.http.get(`/parties/${w.lin}/statement?to=2026-12-31&asOf=${grantRecorded}&minPosition=${position}`).expect(200)).body;
    expect(lin.equity).toEqual([expect.objectContaining({ dealId: deal, shares: '125000', fullyDilutedShares: '10000000', proceeds: '0.00' })]);
    expect(lin.lines.filter((l: { kind: string }) => l.kind === 'equity-proceeds')).toEqual([]);
  });

  it('refuses a round or sale dated before the deal\'s latest one, or after today, naming the field and appending nothing', async () => {
    const before = await eventCount(ledger.store);
    const refused = async (path: string, body: object, field: string) =>
      expect((await ledger.http.post(`/equity-deals/${deal}/${path}`).send(body).expect(422)).body.errors).toEqual([{ field, message: expect.any(String) }]);
    await refused('funding-rounds', { newShares: '1000', pricePerShare: '1.00', closedOn: '2026-03-30' }, 'closedOn');
    await refused('liquidity-events', { holderId: w.lin, sharesSold: '1', proceeds: '1.00', currency: 'CNY', occurredOn: '2025-07-01' }, 'occurredOn');
    await refused('liquidity-events', { holderId: w.lin, sharesSold: '1', proceeds: '1.00', currency: 'CNY', occurredOn: '2999-01-01' }, 'occurredOn');
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('takes antiDilution: null as no protection: its rounds are recorded, not answered 500', async () => {
    const created = await post<{ id: string }>(ledger, '/equity-deals', {
      issuerId: w.brightpath, holderId: w.university, shareClass: 'preferred', shares: '1000', fullyDilutedShares: '3000', pricePerShare: '1.00',
      currency: 'CNY', antiDilution: null, grantedOn: '2025-01-15', licenseId: null,
    });
    const round = await post<Record<string, unknown>>(ledger, `/equity-deals/${created.id}/funding-rounds`, { newShares: '100', pricePerShare: '1.00', closedOn: '2025-06-30' });
    expect(round).toMatchObject({ protected: false, topUps: [], protectionEnded: true, fullyDilutedShares: '3100' });
  });
});
