import { given, grant, history, P1, refusal } from './license.test-kit';

const P2same = { patentId: 'p2', owners: [{ partyId: 'c', sharePercent: '40.00' }, { partyId: 'u', sharePercent: '60' }] };
const P3other = { patentId: 'p3', owners: [{ partyId: 'u', sharePercent: '100' }] };

describe('GrantLicense', () => {
  it('records normalized terms: amounts at the minor unit, default rounding half-up', () => {
    const [granted] = given([]).when(grant({ royalty: { tiers: [{ upTo: '1000000', ratePercent: '3.0' }, { ratePercent: '4' }], tierBasis: 'calendar-year', minimumAnnual: '50000' } }))();
    expect(granted).toEqual({
      type: 'LicenseGranted',
      data: {
        licenseId: 'l1', licenseeId: 'b', patentIds: ['p1'], territories: ['CN', 'US'], fieldOfUse: 'surgical robotics',
        exclusive: true, effectiveOn: '2025-01-01', expiresOn: '2034-12-31', currency: 'CNY',
        revenueShares: [{ partyId: 'u', sharePercent: '60' }, { partyId: 'c', sharePercent: '40' }], rounding: 'half-up',
        royalty: { tiers: [{ upTo: '1000000.00', ratePercent: '3' }, { ratePercent: '4' }], tierBasis: 'calendar-year', minimumAnnual: '50000.00' },
      },
    });
  });

  it('assesses no upfront fee when there is none', () => {
    const events = given([]).when(grant({ royalty: { tiers: [{ ratePercent: '5' }], tierBasis: 'lifetime' } }))();
    expect(events.map((e) => e.type)).toEqual(['LicenseGranted']);
  });

  it('defaults the revenue shares to the owners when all patents have the same owner table (any order)', () => {
    const [granted] = given([]).when(grant({ patentIds: ['p1', 'p2'], patents: [P1, P2same] }))();
    expect(granted.data).toMatchObject({ revenueShares: [{ partyId: 'u', sharePercent: '60' }, { partyId: 'c', sharePercent: '40' }] });
  });

  it('takes explicit revenue shares when the patents have different owners', () => {
    const revenueShares = [{ partyId: 'u', sharePercent: '70' }, { partyId: 'c', sharePercent: '30' }];
    const [, upfront] = given([]).when(grant({ patentIds: ['p1', 'p3'], patents: [P1, P3other], revenueShares }))();
    expect(upfront.data).toMatchObject({ allocations: [{ partyId: 'u', amount: '70000.00' }, { partyId: 'c', amount: '30000.00' }] });
  });

  it('splits the upfront fee at the currency minor unit, a tie to the first listed', () => {
    const revenueShares = [{ partyId: 'u', sharePercent: '50' }, { partyId: 'c', sharePercent: '50' }];
    const royalty = { tiers: [{ ratePercent: '1' }], tierBasis: 'lifetime' as const, upfrontFee: '1001' };
    const [, upfront] = given([]).when(grant({ currency: 'JPY', revenueShares, royalty }))();
    expect(upfront.data).toMatchObject({ amount: '1001', allocations: [{ partyId: 'u', amount: '501' }, { partyId: 'c', amount: '500' }] });
  });

  describe('refuses', () => {
    it('a second grant of the same license, as a conflict', () => {
      expect(refusal(given(history(grant())).when(grant()))).toMatchObject({ code: 'license-exists', kind: 'conflict' });
    });

    it('a patent that does not exist', () => {
      const error = refusal(given([]).when(grant({ patentIds: ['p1', 'p9'] })));
      expect(error).toMatchObject({ code: 'patent-not-found', kind: 'rule', field: 'patentIds' });
      expect(error.message).toContain('p9');
    });

    it('missing revenue shares when the patents have different owners', () => {
      const error = refusal(given([]).when(grant({ patentIds: ['p1', 'p3'], patents: [P1, P3other] })));
      expect(error).toMatchObject({ code: 'revenue-shares-required', kind: 'rule', field: 'revenueShares' });
      expect(error.message).toContain('required when the patents have different owners');
    });

    it('revenue shares that do not sum to exactly 100', () => {
      const revenueShares = [{ partyId: 'u', sharePercent: '60' }, { partyId: 'c', sharePercent: '39.99' }];
      expect(refusal(given([]).when(grant({ revenueShares })))).toMatchObject({ code: 'shares-not-100', field: 'revenueShares' });
    });

    it('a revenue share for a party that owns none of the licensed patents', () => {
      const revenueShares = [{ partyId: 'u', sharePercent: '60' }, { partyId: 'x', sharePercent: '40' }];
      expect(refusal(given([]).when(grant({ revenueShares })))).toMatchObject({ code: 'not-a-licensor', field: 'revenueShares[1].partyId' });
    });

    it('a revenue share listed twice', () => {
      const revenueShares = [{ partyId: 'u', sharePercent: '50' }, { partyId: 'u', sharePercent: '50' }];
      expect(refusal(given([]).when(grant({ revenueShares })))).toMatchObject({ code: 'duplicate-party', field: 'revenueShares[1].partyId' });
    });

    it('invalid royalty terms, naming the field', () => {
      const royalty = { tiers: [{ upTo: '500.00', ratePercent: '3' }, { upTo: '400.00', ratePercent: '4' }, { ratePercent: '5' }], tierBasis: 'calendar-year' as const };
      expect(refusal(given([]).when(grant({ royalty })))).toMatchObject({ code: 'invalid-royalty-terms', kind: 'rule', field: 'royalty.tiers[1].upTo' });
    });

    it('a milestone code listed twice', () => {
      const royalty = { tiers: [{ ratePercent: '3' }], tierBasis: 'calendar-year' as const, milestones: [{ code: 'A', amount: '1.00' }, { code: 'A', amount: '2.00' }] };
      expect(refusal(given([]).when(grant({ royalty })))).toMatchObject({ code: 'invalid-royalty-terms', field: 'royalty.milestones[1].code' });
    });

    it('an amount finer than the currency minor unit', () => {
      const royalty = { tiers: [{ ratePercent: '3' }], tierBasis: 'calendar-year' as const, upfrontFee: '10.5' };
      expect(refusal(given([]).when(grant({ currency: 'JPY', royalty })))).toMatchObject({ field: 'royalty.upfrontFee' });
    });

    it('a territory that is not an uppercase ISO 3166 alpha-2 code', () => {
      expect(refusal(given([]).when(grant({ territories: ['CN', 'us'] })))).toMatchObject({ code: 'invalid-territory', field: 'territories[1]' });
      expect(refusal(given([]).when(grant({ territories: ['CHN'] })))).toMatchObject({ field: 'territories[0]' });
    });

    it('a term that ends before it starts, and an unknown currency or rounding', () => {
      expect(refusal(given([]).when(grant({ expiresOn: '2025-01-01' })))).toMatchObject({ code: 'expiry-not-after-start', field: 'expiresOn' });
      expect(refusal(given([]).when(grant({ effectiveOn: '2025-02-30' })))).toMatchObject({ code: 'invalid-date', field: 'effectiveOn' });
      expect(refusal(given([]).when(grant({ currency: 'XYZ' })))).toMatchObject({ code: 'unknown-currency', field: 'currency' });
      expect(refusal(given([]).when(grant({ rounding: 'down' as never })))).toMatchObject({ code: 'invalid-rounding', field: 'rounding' });
    });

    it('an overlap with another exclusive license (or any overlap when this one is exclusive)', () => {
      const overlap = refusal(given([]).when(grant({ exclusive: false, conflictingExclusive: [{ licenseId: 'l0' }] })));
      expect(overlap).toMatchObject({ code: 'exclusive-overlap', kind: 'rule' });
      expect(overlap.message).toContain('l0');
      const mine = refusal(given([]).when(grant({ exclusive: true, conflictingExclusive: [{ licenseId: 'l0', exclusive: false }] })));
      expect(mine).toMatchObject({ code: 'exclusive-overlap' });
    });

    it('an overlap names each field of the scope that meets the other license, and what it meets there', () => {
      const other = { licenseId: 'l0', patentIds: ['p1'], territories: ['CN', 'HK'], term: { effectiveOn: '2025-01-01', endsOn: '2034-12-31' } };
      const overlap = refusal(given([]).when(grant({ exclusive: true, fieldOfUse: ' medical robotics ', conflictingExclusive: [other] })));
      // Before: no errors[], so a client could point at no field.
      expect(overlap.problems).toEqual([
        { field: 'patentIds', message: 'licensed there too: p1 (license l0)' },
        { field: 'territories', message: 'licensed there too: CN, HK (license l0)' },
        { field: 'fieldOfUse', message: 'licensed there too: medical robotics (license l0)' },
        { field: 'effectiveOn', message: 'the term meets one from 2025-01-01 to 2034-12-31 (license l0)' },
        { field: 'exclusive', message: 'an exclusive license may overlap no other license: l0' },
      ]);
      const beside = refusal(given([]).when(grant({ exclusive: false, conflictingExclusive: [other] })));
      expect(beside.problems?.map((p) => p.field)).toEqual(['patentIds', 'territories', 'fieldOfUse', 'effectiveOn']); // not exclusive: that field is not at fault
    });
  });

  it('grants a non-exclusive license beside another non-exclusive one', () => {
    const events = given([]).when(grant({ exclusive: false, conflictingExclusive: [{ licenseId: 'l0', exclusive: false }] }))();
    expect(events[0].type).toBe('LicenseGranted');
  });
});
