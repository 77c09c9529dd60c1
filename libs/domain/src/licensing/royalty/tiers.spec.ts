import Big from 'big.js';
import { tierBreakdown } from './tiers';

const tiers = [{ upTo: '100', ratePercent: '1' }, { upTo: '200', ratePercent: '2' }, { ratePercent: '3' }];
const show = (before: string, net: string) =>
  tierBreakdown(tiers, new Big(before), new Big(net)).map((t) => [t.upTo ?? '∞', t.base.toFixed(), t.amount.toFixed()]);

describe('tierBreakdown', () => {
  it('lists only the tiers a slice touches', () => {
    expect(show('0', '50')).toEqual([['100', '50', '0.5']]);
    expect(show('150', '10')).toEqual([['200', '10', '0.2']]);
  });
  it('splits a slice crossing thresholds', () => {
    expect(show('50', '300')).toEqual([['100', '50', '0.5'], ['200', '100', '2'], ['∞', '150', '4.5']]);
  });
  it('treats the threshold as the top of its tier', () => {
    expect(show('0', '100')).toEqual([['100', '100', '1']]);
    expect(show('100', '1')).toEqual([['200', '1', '0.02']]);
  });
  it('walks a negative slice downwards with negative bases', () => {
    expect(show('250', '-200')).toEqual([['100', '-50', '-0.5'], ['200', '-100', '-2'], ['∞', '-50', '-1.5']]);
  });
  it('returns nothing for a zero slice', () => {
    expect(show('10', '0')).toEqual([]);
  });
});
