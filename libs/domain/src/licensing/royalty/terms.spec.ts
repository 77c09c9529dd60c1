import { validateRoyaltyTerms, RoyaltyTerms } from './terms';

const valid: RoyaltyTerms = {
  tiers: [{ upTo: '1000000.00', ratePercent: '3' }, { ratePercent: '4' }],
  tierBasis: 'calendar-year',
  minimumAnnual: '50000.00',
  upfrontFee: '100000.00',
  milestones: [{ code: 'FDA', amount: '250000.00' }],
};

describe('validateRoyaltyTerms', () => {
  it('accepts the worked example', () => {
    expect(validateRoyaltyTerms(valid, 'CNY')).toEqual([]);
  });

  it('names each problem by field', () => {
    const problems = validateRoyaltyTerms(
      {
        tiers: [{ upTo: '500', ratePercent: '3' }, { upTo: '400', ratePercent: '101' }, { ratePercent: '5' }, { upTo: '900', ratePercent: '6' }],
        tierBasis: 'yearly' as never,
        perUnit: '-1',
        upfrontFee: '10.001',
        sublicenseSharePercent: '120',
        milestones: [{ code: 'A', amount: '1' }, { code: 'A', amount: 'x' }],
      },
      'CNY',
    );
    expect(problems).toEqual([
      'royalty.tiers[1].ratePercent must be a percent between 0 and 100',
      "royalty.tiers[1].upTo must be greater than the previous tier's upTo",
      'royalty.tiers[2].upTo is required on every tier but the last',
      'royalty.tiers[3].upTo must be absent on the last tier, which is open-ended',
      'royalty.tierBasis must be "calendar-year" or "lifetime"',
      'royalty.upfrontFee must have at most 2 decimal places',
      'royalty.perUnit must not be negative',
      'royalty.sublicenseSharePercent must be a percent between 0 and 100',
      'royalty.milestones[1].code "A" is listed twice',
      'royalty.milestones[1].amount must be a decimal string such as "1234.56"',
    ]);
  });

  it('requires at least one tier and a positive first threshold', () => {
    expect(validateRoyaltyTerms({ tiers: [], tierBasis: 'lifetime' })).toEqual(['royalty.tiers must list at least one tier']);
    expect(validateRoyaltyTerms({ tiers: [{ upTo: '0', ratePercent: '1' }, { ratePercent: '2' }], tierBasis: 'lifetime' })).toEqual([
      'royalty.tiers[0].upTo must be greater than 0',
    ]);
  });
});
