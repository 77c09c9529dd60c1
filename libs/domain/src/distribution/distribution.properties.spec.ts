import fc from 'fast-check';
import { Big } from '../money/big';
import { allocation, P1, policySet, registered, run, SCHOOL, U } from './distribution.test-kit';
import { DistributionCommand, DistributionEvent, DistributionPolicy } from './types';
import { distributionDecider } from './distribution';
import { fold } from '../shared/decider';

const cents = (min: number, max: number) => fc.integer({ min, max }).map((c) => new Big(c).div(100).toFixed(2));
const percent = fc.integer({ min: 0, max: 100 }).map(String);

/** Random policies: a fee, 1-3 bands, up to two beneficiaries whose shares sum to at most 100. */
const policy: fc.Arbitrary<DistributionPolicy> = fc.record({
  fee: percent,
  recover: fc.boolean(),
  bands: fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 3 }),
  step: fc.integer({ min: 1, max: 5000 }),
}).map(({ fee, recover, bands, step }) => ({
  adminFeePercent: fee,
  recoverPatentCosts: recover,
  bands: bands.map(([inventors, school], i) => ({
    ...(i < bands.length - 1 ? { upTo: new Big(step * (i + 1)).toFixed(2) } : {}),
    shares: [{ beneficiary: 'inventors', sharePercent: String(inventors) }, { beneficiary: SCHOOL, sharePercent: String(school) }],
  })),
}));

const patents = [{ ...P1, costs: [{ costId: 'c', partyId: U, amount: '250.00', currency: 'CNY' }] }];
const allocated = (events: DistributionEvent[]) => events.flatMap((e) => (e.type === 'DistributionAllocated' ? [e.data] : []));

/** Reports on one license, and credits on any of them, never below what the report netted. */
function reportsAndCredits(steps: { credit: boolean; pick: number; amount: string }[]) {
  const commands: ReturnType<typeof allocation>[] = [];
  const net: Big[] = []; // per report, what it has been allocated in all
  steps.forEach(({ credit, pick, amount }, i) => {
    const source = { licenseId: 'l1', eventId: `e${i}`, position: String(i + 1), period: '2025-Q1' };
    if (!credit || net.length === 0) {
      net.push(new Big(amount));
      commands.push(allocation(amount, { patents, source: { ...source, kind: 'royalty', reportId: `r${net.length - 1}` } }));
      return;
    }
    const r = pick % net.length;
    const back = new Big(amount).gt(net[r]) ? net[r] : new Big(amount);
    if (back.eq(0)) return;
    net[r] = net[r].minus(back);
    commands.push(allocation(back.times(-1).toFixed(2), { patents, source: { ...source, kind: 'adjustment', reportId: `r${r}` } }));
  });
  return commands;
}

describe('distribution properties', () => {
  it('allocates every amount exactly: the lines always sum to it', () => {
    fc.assert(fc.property(policy, fc.array(cents(1, 5_000_000), { minLength: 1, maxLength: 6 }), (p, amounts) => {
      const events = run([registered, policySet(p)], amounts.map((a) => allocation(a, { patents })));
      for (const d of allocated(events)) {
        expect(d.lines.reduce((s, l) => s.plus(l.amount), new Big(0)).eq(d.amount)).toBe(true);
      }
    }), { numRuns: 150 });
  });

  it('reverses exactly what a report allocated when it is restated to zero', () => {
    fc.assert(fc.property(policy, cents(1, 5_000_000), fc.array(cents(-100_000, 100_000), { maxLength: 3 }), (p, original, moves) => {
      const source = { licenseId: 'l1', kind: 'adjustment', reportId: 'r', period: '2025-Q1' };
      const commands = [allocation(original, { patents, source: { ...source, eventId: 'first', position: '1', kind: 'royalty' } })];
      let total = new Big(original);
      moves.forEach((m, i) => {
        if (total.plus(m).lte(0) || new Big(m).eq(0)) return;
        total = total.plus(m);
        commands.push(allocation(m, { patents, source: { ...source, eventId: `move${i}`, position: String(i + 2) } }));
      });
      commands.push(allocation(total.times(-1).toFixed(2), { patents, source: { ...source, eventId: 'to-zero', position: '99' } }));
      const net = new Map<string, Big>();
      for (const d of allocated(run([registered, policySet(p)], commands))) {
        for (const l of d.lines) net.set(`${l.role}|${l.partyId}|${l.patentId ?? ''}`, (net.get(`${l.role}|${l.partyId}|${l.patentId ?? ''}`) ?? new Big(0)).plus(l.amount));
      }
      for (const [key, amount] of net) expect([key, amount.toFixed(2)]).toEqual([key, '0.00']);
    }), { numRuns: 150 });
  });

  it('keeps the bands on cumulative income through credits: what inventors hold is the bands\' share of what is left', () => {
    const step = fc.record({ credit: fc.boolean(), pick: fc.nat(), amount: cents(1, 3_000_000) });
    fc.assert(fc.property(policy, fc.array(step, { minLength: 1, maxLength: 8 }), (p, steps) => {
      const commands = reportsAndCredits(steps);
      const events = allocated(run([registered, policySet(p)], commands));
      const all = events.flatMap((d) => d.lines);
      const total = (roles: string[]) => all.filter((l) => roles.includes(l.role)).reduce((sum, l) => sum.plus(l.amount), new Big(0));
      const distributable = total(['inventor', 'beneficiary', 'retained']);
      let expected = new Big(0);
      let below = new Big(0);
      for (const band of p.bands) {
        const upTo = band.upTo === undefined ? distributable : new Big(band.upTo);
        const slice = (upTo.lt(distributable) ? upTo : distributable).minus(below);
        if (slice.gt(0)) expected = expected.plus(slice.times(band.shares[0].sharePercent).div(100));
        below = below.plus(slice.gt(0) ? slice : 0);
      }
      // Each allocation rounds each of its inventor lines once: a cent each, at most.
      expect(total(['inventor']).minus(expected).abs().lte(new Big('0.02').times(events.length))).toBe(true);
    }), { numRuns: 300 });
  });

  it('keeps patent costs recovered as far as the income left after admin fees covers them, through credits in any order', () => {
    const step = fc.record({ credit: fc.boolean(), pick: fc.nat(), amount: cents(1, 40_000) }); // up to 400.00, against a cost of 250.00
    fc.assert(fc.property(policy, fc.array(step, { minLength: 1, maxLength: 10 }), (p, steps) => {
      const commands = reportsAndCredits(steps);
      const events = allocated(run([registered, policySet({ ...p, recoverPatentCosts: true })], commands));
      const afterFees = events.reduce((s, d) => s.plus(d.amount).minus(d.adminFee), new Big(0));
      const recovered = events.flatMap((d) => d.costRecovery).reduce((s, r) => s.plus(r.amount), new Big(0));
      expect(recovered.toFixed(2)).toBe((afterFees.lt(250) ? afterFees : new Big(250)).toFixed(2)); // the cost is 250.00
    }), { numRuns: 300 });
  });

  it('never takes back from a beneficiary more than it holds, through policies set, changed or absent, and credits on any report', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('policy' as const), policy }),
      fc.record({ kind: fc.constant('income' as const), amount: cents(1, 3_000_000), license: fc.constantFrom('l1', 'l2') }),
      fc.record({ kind: fc.constant('credit' as const), pick: fc.nat(), amount: cents(1, 3_000_000) }),
    );
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 10 }), (steps) => {
      const commands: DistributionCommand[] = [];
      const reports: { licenseId: string; net: Big }[] = [];
      let version: number | null = null;
      steps.forEach((st, i) => {
        const source = { eventId: `e${i}`, position: String(i + 1), period: '2025-Q1' };
        if (st.kind === 'policy') {
          commands.push({ type: 'SetDistributionPolicy', data: { ...st.policy, partyId: U, knownParties: [SCHOOL] } });
          version = (version ?? 0) + 1; // every random policy differs from the last often enough; a repeat decides nothing and is skipped below
        } else if (st.kind === 'income') {
          reports.push({ licenseId: st.license, net: new Big(st.amount) });
          commands.push(allocation(st.amount, { patents, policyVersion: version, source: { ...source, licenseId: st.license, kind: 'royalty', reportId: `r${reports.length - 1}` } }));
        } else if (reports.length > 0) {
          const r = reports[st.pick % reports.length];
          const back = new Big(st.amount).gt(r.net) ? r.net : new Big(st.amount);
          if (back.eq(0)) return;
          r.net = r.net.minus(back);
          commands.push(allocation(back.times(-1).toFixed(2), { patents, policyVersion: version, source: { ...source, licenseId: r.licenseId, kind: 'adjustment', reportId: `r${reports.indexOf(r)}` } }));
        }
      });
      const events = [registered] as unknown as DistributionEvent[];
      for (const command of commands) {
        const state = fold(distributionDecider, events);
        if (command.type === 'AllocateDistribution' && command.data.policyVersion !== null && !state.policies[command.data.policyVersion]) {
          command.data.policyVersion = state.latestVersion || null; // the random policy repeated the last: no new version
        }
        events.push(...distributionDecider.decide(command, state));
      }
      const held = new Map<string, Big>();
      for (const d of allocated(events)) {
        expect(d.lines.reduce((sum, l) => sum.plus(l.amount), new Big(0)).eq(d.amount)).toBe(true);
        for (const l of d.lines) held.set(`${l.role}|${l.partyId}|${l.patentId ?? ''}`, (held.get(`${l.role}|${l.partyId}|${l.patentId ?? ''}`) ?? new Big(0)).plus(l.amount));
      }
      for (const [key, amount] of held) expect([key, amount.gte(0)]).toEqual([key, true]);
    }), { numRuns: 300 });
  });

  it('undoing a report takes back what it gave each line, whatever policies came in since, to a unit per line', () => {
    const flat = policy.map((p) => ({ ...p, recoverPatentCosts: false, bands: [{ shares: p.bands[0].shares }] }));
    const step = fc.record({ policy: fc.option(flat, { nil: undefined }), amount: cents(1, 3_000_000) });
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), fc.nat(), (steps, pick) => {
      const events = [registered] as unknown as DistributionEvent[];
      let position = 0;
      const decide = (command: DistributionCommand) => {
        const decided = distributionDecider.decide(command, fold(distributionDecider, events));
        events.push(...decided);
        return decided;
      };
      const given: DistributionEvent[][] = [];
      steps.forEach((st, i) => {
        if (st.policy) decide({ type: 'SetDistributionPolicy', data: { ...st.policy, partyId: U, knownParties: [SCHOOL] } });
        const version = fold(distributionDecider, events).latestVersion || null;
        const source = { eventId: `e${i}`, position: String((position += 1)), licenseId: 'l1', kind: 'royalty', reportId: `r${i}`, period: '2025-Q1' };
        given.push(decide(allocation(st.amount, { patents, policyVersion: version, source })));
      });
      const r = pick % steps.length;
      const latest = fold(distributionDecider, events).latestVersion || null;
      const source = { eventId: 'undo', position: String(position + 1), licenseId: 'l1', kind: 'adjustment', reportId: `r${r}`, period: '2025-Q1' };
      const [undo] = allocated(decide(allocation(`-${steps[r].amount}`, { patents, policyVersion: latest, source })));
      const gave = new Map(allocated(given[r]).flatMap((d) => d.lines).map((l) => [`${l.role}|${l.partyId}`, new Big(l.amount)]));
      for (const l of undo.lines) {
        const back = new Big(l.amount).abs();
        expect([l.role, l.partyId, back.minus(gave.get(`${l.role}|${l.partyId}`) ?? 0).abs().lte('0.01')]).toEqual([l.role, l.partyId, true]);
      }
    }), { numRuns: 300 });
  });

  it('decides nothing new when every command is replayed over its own events (no duplicates)', () => {
    fc.assert(fc.property(policy, fc.array(cents(-50_000, 5_000_000), { minLength: 1, maxLength: 6 }), (p, amounts) => {
      const commands = amounts.filter((a) => a !== '0.00').map((a) => allocation(a, { patents }));
      const history = [registered, policySet(p)];
      const first = run(history, commands);
      expect(run([...history, ...first], commands)).toEqual([]);
    }), { numRuns: 100 });
  });
});
