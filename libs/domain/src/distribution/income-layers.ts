import { allocate } from '../money/allocate';
import { Big } from '../money/big';

/**
 * Distributable income of one license (or deal) in one currency, as the bands of a policy took it in:
 * layer on layer, the last allocated on top. Each layer is part of one band, allocated under one
 * policy version, with what each line (role|party|patent) got from it. A credit takes income off the
 * top, as the bands measure cumulative income: inventors on 50 % of the first 200,000.00 and 30 %
 * above keep 50 % of what is left under 200,000.00 after a credit, and income earned again is split
 * as it was the first time. Taking layers, not re-splitting by today's policy, a credit reverses only
 * what was given, under the versions it was given under.
 */
export interface IncomeLayer {
  band: number;
  version: number | null;
  amount: string;
  /** Per line key; they sum to `amount`. */
  lines: Record<string, string>;
}

/** The band of what a party without a policy keeps, and of allocations recorded before there were layers. */
export const NO_POLICY_BAND = -1;

const plus = (a: string | undefined, b: Big | string) => new Big(a ?? '0').plus(b).toFixed();

/** Lays a slice on top, merged with the top layer when that is the same band under the same version. */
export function layOn(layers: readonly IncomeLayer[], slice: IncomeLayer): IncomeLayer[] {
  const top = layers[layers.length - 1];
  if (!top || top.band !== slice.band || top.version !== slice.version) return [...layers, slice];
  const lines = { ...top.lines };
  for (const [key, amount] of Object.entries(slice.lines)) lines[key] = plus(lines[key], amount);
  return [...layers.slice(0, -1), { ...top, amount: plus(top.amount, slice.amount), lines }];
}

export interface Peeled {
  /** What each line gives back, positive, by line key. */
  taken: Map<string, Big>;
  /** How much was taken: what was asked, or all the layers held if less. */
  amount: Big;
  left: IncomeLayer[];
}

/**
 * Takes `amount` (positive, at the currency's unit) off the top: whole layers, then part of one, split
 * like that layer by largest remainder; all of them when they hold less. With `version`, only layers
 * given under that policy version are taken, the others stay where they are.
 */
export function peel(layers: readonly IncomeLayer[], amount: Big, scale: number, version?: number | null): Peeled {
  const left = [...layers];
  const taken = new Map<string, Big>();
  const give = (key: string, x: Big) => taken.set(key, (taken.get(key) ?? new Big(0)).plus(x));
  let rest = amount;
  for (let i = left.length - 1; i >= 0 && rest.gt(0); i--) {
    const top = left[i];
    if (version !== undefined && top.version !== version) continue;
    const whole = new Big(top.amount);
    if (whole.lte(rest)) {
      for (const [key, x] of Object.entries(top.lines)) give(key, new Big(x));
      rest = rest.minus(whole);
      left.splice(i, 1);
      continue;
    }
    const keys = Object.keys(top.lines);
    const parts = allocate(rest, keys.map((k) => new Big(top.lines[k])), scale);
    const lines: Record<string, string> = {};
    keys.forEach((k, j) => {
      give(k, parts[j]);
      lines[k] = new Big(top.lines[k]).minus(parts[j]).toFixed();
    });
    left[i] = { ...top, amount: whole.minus(rest).toFixed(), lines };
    rest = new Big(0);
  }
  return { taken, amount: amount.minus(rest), left };
}

/** A version's layers to take from first, and how much: what the credit's source gave under it. */
export interface Preferred {
  version: number | null;
  amount: Big;
}

/**
 * Peels `amount` off the layers of each preferred version in turn, then the rest off the top. What
 * evolve replays from a credit's `peels` and `peeled` (state.ts): both must take the same lines.
 */
export function peelPreferring(layers: readonly IncomeLayer[], amount: Big, scale: number, prefer: readonly Preferred[]): Peeled & { peels: Preferred[] } {
  let left: IncomeLayer[] = [...layers];
  let rest = amount;
  const taken = new Map<string, Big>();
  const peels: Preferred[] = [];
  const take = (want: Big, version?: number | null) => {
    const p = peel(left, want, scale, version);
    for (const [key, x] of p.taken) taken.set(key, (taken.get(key) ?? new Big(0)).plus(x));
    left = p.left;
    rest = rest.minus(p.amount);
    return p.amount;
  };
  for (const { version, amount: wanted } of prefer) {
    const want = wanted.lt(rest) ? wanted : rest;
    if (want.lte(0)) continue;
    const got = take(want, version);
    if (got.gt(0)) peels.push({ version, amount: got });
  }
  if (rest.gt(0)) take(rest);
  return { taken, amount: amount.minus(rest), left, peels };
}
