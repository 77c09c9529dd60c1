import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { Big } from '../money/big';
import { fold } from '../shared/decider';
import { finished, readEncodedLines } from '../shared/encoded-fields';
import { distributionDecider } from './distribution';
import { allocation, P1, registered, SCHOOL, U } from './distribution.test-kit';
import { DISTRIBUTION_SNAPSHOT_VERSION, decodeDistribution, distributionSnapshot, encodeDistribution } from './snapshot';
import { DistributionCommand, DistributionEvent, DistributionPolicy } from './types';

const cents = (min: number, max: number) => fc.integer({ min, max }).map((c) => new Big(c).div(100).toFixed(2));
const patents = [{ ...P1, costs: [{ costId: 'c', partyId: U, amount: '250.00', currency: 'CNY' }] }];
const policy = (fee: string, inventors: string, upTo?: string): DistributionPolicy => ({
  adminFeePercent: fee, recoverPatentCosts: true,
  bands: [
    { ...(upTo ? { upTo } : {}), shares: [{ beneficiary: 'inventors', sharePercent: inventors }, { beneficiary: SCHOOL, sharePercent: '20' }] },
    ...(upTo ? [{ shares: [{ beneficiary: 'inventors', sharePercent: '30' }] }] : []),
  ],
});

/** Yen have no minor unit: whole yen, at least one. */
const inMinorUnits = (amount: string, currency: string) => (currency === 'JPY' ? new Big(amount).round(0, Big.roundUp).toFixed() : amount);

type Step = { kind: 'policy'; fee: string; inventors: string; upTo?: string } | { kind: 'income' | 'credit'; amount: string; license: string; pick: number; currency: string };

/** Decides each step on the state the ones before left, as the party's stream records them; credits never exceed a report's net. */
function history(steps: Step[]): DistributionEvent[] {
  const events = [registered] as unknown as DistributionEvent[];
  const reports: { licenseId: string; currency: string; net: Big }[] = [];
  steps.forEach((st, i) => {
    const state = fold(distributionDecider, events);
    const source = { eventId: `e${i}`, position: String(i + 1), period: '2025-Q1' };
    let command: DistributionCommand | undefined;
    if (st.kind === 'policy') {
      command = { type: 'SetDistributionPolicy', data: { ...policy(st.fee, st.inventors, st.upTo), partyId: U, knownParties: [SCHOOL] } };
    } else if (st.kind === 'income') {
      const amount = inMinorUnits(st.amount, st.currency);
      reports.push({ licenseId: st.license, currency: st.currency, net: new Big(amount) });
      command = allocation(amount, { patents, currency: st.currency, policyVersion: state.latestVersion || null,
        source: { ...source, licenseId: st.license, kind: 'royalty', reportId: `r${reports.length - 1}` } });
    } else if (reports.length > 0) {
      const r = reports[st.pick % reports.length];
      const asked = new Big(inMinorUnits(st.amount, r.currency));
      const back = asked.gt(r.net) ? r.net : asked;
      if (back.eq(0)) return;
      r.net = r.net.minus(back);
      command = allocation(back.times(-1).toFixed(), { patents, currency: r.currency, policyVersion: state.latestVersion || null,
        source: { ...source, licenseId: r.licenseId, kind: 'adjustment', reportId: `r${reports.indexOf(r)}` } });
    }
    if (command) events.push(...distributionDecider.decide(command, state));
  });
  return events;
}

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('policy' as const), fee: fc.constantFrom('0', '10', '15'), inventors: fc.constantFrom('30', '50'), upTo: fc.constantFrom(undefined, '5000.00') }),
  fc.record({ kind: fc.constantFrom('income' as const, 'credit' as const), amount: cents(1, 1_000_000), pick: fc.nat(),
    license: fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `l${i}`)), currency: fc.constantFrom('CNY', 'JPY') }),
);

/** Through JSON, as it is saved and read back. */
const restored = (events: DistributionEvent[]) =>
  decodeDistribution(JSON.parse(JSON.stringify(encodeDistribution(fold(distributionDecider, events)))));

describe('distribution snapshots', () => {
  it('restore a state that decides exactly as the fold it was taken from: same encoding, same next allocation', () => {
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), step, (steps, next) => {
      const events = history(steps);
      const folded = fold(distributionDecider, events);
      const back = restored(events);
      expect(encodeDistribution(back)).toEqual(encodeDistribution(folded));
      // What the API saves and reads back, a line and a step at a time: the same encoding, the same state.
      const lines = finished(readEncodedLines(distributionSnapshot.encodeLines!(folded)));
      expect(JSON.stringify(lines)).toBe(JSON.stringify(encodeDistribution(folded)));
      expect(encodeDistribution(finished(distributionSnapshot.decodeInSteps!(lines)))).toEqual(encodeDistribution(folded));
      // The next step, decided on each: the same events (credits read the maps in their order).
      for (const extra of next.kind === 'policy' ? [next] : [next, { ...next, kind: 'credit' as const }]) {
        const onFold = history([...steps, extra]).slice(events.length);
        const decided = onFold.length ? distributionDecider.evolve(back, onFold[0]) : back;
        expect(encodeDistribution(decided)).toEqual(encodeDistribution(fold(distributionDecider, [...events, ...onFold.slice(0, 1)])));
      }
    }), { numRuns: 200 });
  });

  it('keep the order of every map, past the size where persistent maps stop keeping insertion order', () => {
    const steps: Step[] = Array.from({ length: 40 }, (_, i) => ({ kind: i % 5 === 4 ? 'credit' : 'income', amount: `${1000 + i}.00`, license: `l${i % 12}`, pick: i * 7, currency: 'CNY' }));
    const events = history([{ kind: 'policy', fee: '10', inventors: '50', upTo: '5000.00' }, ...steps]);
    const folded = fold(distributionDecider, events);
    const back = restored(events);
    expect([...back.netBySource.keys()]).toEqual([...folded.netBySource.keys()]);
    expect([...back.netBySource.get('l3')!.keys()]).toEqual([...folded.netBySource.get('l3')!.keys()]);
    expect([...back.cumulative.keys()]).toEqual([...folded.cumulative.keys()]);
    expect(folded.netBySource.size).toBe(12);
  });

  it('decode a step per license, so a university\'s thousands of licenses are read back between turns of the event loop', () => {
    const steps: Step[] = Array.from({ length: 24 }, (_, i) => ({ kind: 'income', amount: `${100 + i}.00`, license: `l${i % 12}`, pick: 0, currency: 'CNY' }));
    const folded = fold(distributionDecider, history(steps));
    const decoding = distributionSnapshot.decodeInSteps!(JSON.parse(JSON.stringify(encodeDistribution(folded))));
    let taken = 0;
    for (let step = decoding.next(); !step.done; step = decoding.next()) taken++;
    expect(taken).toBe(12 * 3); // each license's net by source, its income layers and its parts
  });

  it('write each line key once', () => {
    const events = history([{ kind: 'policy', fee: '10', inventors: '50' }, ...['1', '2', '3'].map((n) => ({ kind: 'income' as const, amount: `${n}00.00`, license: `l${n}`, pick: 0, currency: 'CNY' }))]);
    const encoded = encodeDistribution(fold(distributionDecider, events));
    expect(new Set(encoded.keys).size).toBe(encoded.keys.length);
    expect(encoded.keys.length).toBeLessThan(10);
  });

  it('refuse what is not a snapshot of theirs', () => {
    expect(() => decodeDistribution(null)).toThrow('not a distribution snapshot');
    expect(() => decodeDistribution({ keys: [] })).toThrow('not a distribution snapshot');
    const encoded = encodeDistribution(fold(distributionDecider, history([{ kind: 'income', amount: '10.00', license: 'l1', pick: 0, currency: 'CNY' }])));
    expect(() => decodeDistribution({ ...encoded, keys: [] })).toThrow('a line that names no key or amount');
  });

  it('are pinned to the version of evolve that made them: a change to what a fixed history folds into needs a new version', () => {
    // If this fails, evolveDistribution or DistributionState changed what a party's stream folds into:
    // bump DISTRIBUTION_SNAPSHOT_VERSION (so snapshots saved before are folded again), then update both lines.
    const steps: Step[] = [
      { kind: 'policy', fee: '10', inventors: '50', upTo: '5000.00' },
      ...Array.from({ length: 12 }, (_, i): Step => ({ kind: i % 4 === 3 ? 'credit' : 'income', amount: `${1234 + 321 * i}.56`, license: `l${i % 3}`, pick: i, currency: i % 2 ? 'JPY' : 'CNY' })),
      { kind: 'policy', fee: '15', inventors: '30' },
      { kind: 'income', amount: '4321.09', license: 'l1', pick: 0, currency: 'CNY' },
      { kind: 'credit', amount: '9999.99', license: 'l1', pick: 1, currency: 'CNY' },
    ];
    const json = JSON.stringify(encodeDistribution(fold(distributionDecider, history(steps))));
    expect(DISTRIBUTION_SNAPSHOT_VERSION).toBe(1);
    expect(createHash('sha256').update(json).digest('hex').slice(0, 16)).toBe('f2b19831057c495c');
  });
});
