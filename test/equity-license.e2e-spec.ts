import { describeOnEveryStore, eventCount, LedgerUnderTest, startLedger } from './support/ledger-app';
import { party, post, registerCast, WorkedExample, workedLicenseTerms } from './support/worked-example';

/**
 * Shares taken for a license come from its licensee to one of its licensors, and what they fetch is
 * that license's income: the institution's bands count it with the license's royalties, and the
 * inventors' part of the shares is the band the license's income stands in when they are granted.
 */
describeOnEveryStore('equity for a license, within the license', (kind) => {
  let ledger: LedgerUnderTest;
  let w: WorkedExample;
  let position = '0';
  let dealId = '';

  beforeAll(async () => {
    ledger = await startLedger(kind);
    const cast = await registerCast(ledger);
    await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false,
      bands: [
        { upTo: '200000.00', shares: [{ beneficiary: 'inventors', sharePercent: '50' }] },
        { shares: [{ beneficiary: 'inventors', sharePercent: '30' }] },
      ],
    }).expect(200);
    // An upfront fee of 1,000,000.00: the university's 600,000.00 less its 10 % fee is 540,000.00, past the first band.
    const terms = workedLicenseTerms(cast);
    w = { ...cast, license: (await post<{ id: string }>(ledger, '/licenses', { ...terms, royalty: { ...terms.royalty, upfrontFee: '1000000.00' } })).id };
  });
  afterAll(async () => { await ledger?.close(); });

  const deal = (body: object) => ledger.http.post('/equity-deals').send({
    issuerId: w.brightpath, holderId: w.university, licenseId: w.license, shareClass: 'ordinary', shares: '1000',
    fullyDilutedShares: '10000', pricePerShare: '1.00', currency: 'CNY', grantedOn: '2025-02-01', ...body,
  });

  it('refuses shares from another party than the licensee, in another currency, or to another than a licensor, naming the field and appending nothing', async () => {
    await ledger.settled(); // the upfront fee's allocations are in
    const before = await eventCount(ledger.store);
    const fromCoOwner = await deal({ issuerId: w.company }).expect(422);
    expect(fromCoOwner.body.errors).toEqual([{ field: 'issuerId', message: expect.stringContaining("the license's licensee") }]);
    const inDollars = await deal({ currency: 'USD' }).expect(422); // its proceeds would start a band count of their own
    expect(inDollars.body.errors).toEqual([{ field: 'currency', message: expect.stringContaining("the license's currency CNY") }]);
    const toInventor = await deal({ holderId: w.lin }).expect(422);
    expect(toInventor.body.errors).toEqual([{ field: 'holderId', message: expect.stringContaining("one of the license's licensors") }]);
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it("awards the inventors the band the license's income stands in, and shares the proceeds in the license's bands", async () => {
    const created = await deal({}).expect(201);
    dealId = created.body.id;
    // 30 % of 1,000 shares (the second band: 540,000.00 already received), 150 each; the first band would give 250 each.
    expect(created.body.awards).toEqual([{ partyId: w.lin, shares: '150' }, { partyId: w.chen, shares: '150' }]);
    const sale = await post<{ position: string }>(ledger, `/equity-deals/${created.body.id}/liquidity-events`, {
      holderId: w.university, sharesSold: '500', proceeds: '100000.00', currency: 'CNY', occurredOn: '2025-03-01' });
    position = sale.position;
    const statement = (await ledger.http.get(`/parties/${w.lin}/statement?minPosition=${position}`).expect(200)).body as {
      lines: { kind: string; role: string; amount: string; licenseId?: string; dealId?: string }[];
    };
    // 90,000.00 after the fee, all in the second band: 30 % to the inventors, 13,500.00 each (22,500.00 if the deal counted its own bands).
    const proceeds = statement.lines.filter((l) => l.kind === 'equity-proceeds');
    expect(proceeds).toEqual([expect.objectContaining({ role: 'inventor', amount: '13500.00', licenseId: w.license, dealId: created.body.id })]);
  });
  it("explains an inventor's share of the proceeds down to the sale it comes from", async () => {
    const statement = (await ledger.http.get(`/parties/${w.lin}/statement?minPosition=${position}`).expect(200)).body as {
      lines: { kind: string; allocationId: string; source: { eventId: string } }[];
    };
    const line = statement.lines.find((l) => l.kind === 'equity-proceeds')!;
    const res = await ledger.http.get(`/parties/${w.lin}/allocations/${line.allocationId}`).expect(200);
    expect(res.body.allocation.data).toMatchObject({ amount: '100000.00', source: { kind: 'equity-proceeds', dealId } });
    // Before, the explanation stopped at the allocation: a partner cannot read the deal, so nothing showed what was sold.
    expect(res.body.liquidityEvent).toMatchObject({
      eventId: line.source.eventId, type: 'EquityLiquidated',
      data: { dealId, holderId: w.university, sharesSold: '500', proceeds: '100000.00', currency: 'CNY', occurredOn: '2025-03-01' },
    });
  });

  it('owes an inventor what her awarded shares fetch in full, though she has a policy of her own', async () => {
    // Before, her sale went through her own policy: a 10 % fee and half of the rest to the school.
    await ledger.http.put(`/parties/${w.lin}/distribution-policy`)
      .send({ adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: w.school, sharePercent: '50' }] }).expect(200);
    const sale = await post<{ position: string }>(ledger, `/equity-deals/${dealId}/liquidity-events`, {
      holderId: w.lin, sharesSold: '10', proceeds: '1000.00', currency: 'CNY', occurredOn: '2025-03-02' });
    const proceeds = async (partyId: string) => ((await ledger.http.get(`/parties/${partyId}/statement?minPosition=${sale.position}`).expect(200)).body as {
      lines: { kind: string; role: string; amount: string; date: string }[];
    }).lines.filter((l) => l.kind === 'equity-proceeds' && l.date === '2025-03-02').map((l) => [l.role, l.amount]);
    expect(await proceeds(w.lin)).toEqual([['retained', '1000.00']]);
    expect(await proceeds(w.school)).toEqual([]);
  });

  it("awards shares only to the holder's own inventors on a license of patents with different owners", async () => {
    // Before, the inventors of every licensed patent shared the award, a co-licensor's among them.
    const [westbrook, alice, bob] = await Promise.all([['Westbrook', 'university'], ['Dr Alice', 'person'], ['Dr Bob', 'person']]
      .map(([name, k]) => party(ledger, name, k)));
    const patent = async (owner: string, inventor: string, number: string) => (await post<{ id: string }>(ledger, '/patents', {
      title: `Patent ${number}`, number, jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
      owners: [{ partyId: owner, sharePercent: '100' }], inventors: [{ partyId: inventor, sharePercent: '100' }],
    })).id;
    const patentIds = [await patent(w.university, alice, 'CN2024300001.X'), await patent(westbrook, bob, 'CN2024300002.X')];
    const terms = workedLicenseTerms(w);
    const license = await post<{ id: string }>(ledger, '/licenses', {
      ...terms, patentIds, royalty: { ...terms.royalty, upfrontFee: '0.00' },
      revenueShares: [{ partyId: w.university, sharePercent: '50' }, { partyId: westbrook, sharePercent: '50' }],
    });
    const created = await deal({ licenseId: license.id }).expect(201);
    expect(created.body.awards).toEqual([{ partyId: alice, shares: '500' }]); // the first band: 50 % of 1,000 shares
  });
});
