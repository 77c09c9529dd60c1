import { Map as PersistentMap } from 'immutable';
import { SnapshotCodec } from '../shared/decider';
import { EncodedField, encodedLines, encodedObject, finished } from '../shared/encoded-fields';
import { IncomeLayer } from './income-layers';
import { SourcePart } from './source-parts';
import { DistributionState } from './state';

/**
 * Bump with any change to evolveDistribution or DistributionState: snapshots saved by the code before
 * are then ignored and the party's stream folded again. snapshot.spec.ts pins the encoding of a
 * fixed history, so a change that forgets the bump fails there.
 */
export const DISTRIBUTION_SNAPSHOT_VERSION = 1;

/**
 * Line keys (role|party|patent) repeat in every report's net and every layer: they are written once, in
 * `keys`, and lines as flat [key index, amount, …] lists, which keep their order (a source's lines are
 * iterated in it). Persistent maps become [key, value] lists in their own iteration order, which
 * rebuilding them from those lists restores.
 */
interface Encoded {
  registered: boolean;
  policies: DistributionState['policies'];
  latestVersion: number;
  allocatedThrough: string | null;
  keys: string[];
  cumulative: [string, string][];
  recovered: [string, string][];
  netBySource: [string, [string, (number | string)[]][]][];
  layers: [string, (Omit<IncomeLayer, 'lines'> & { lines: (number | string)[] })[]][];
  partsBySource: [string, [string, SourcePart[]][]][];
}

function keyDictionary() {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const flat = (lines: Record<string, string>) =>
    Object.entries(lines).flatMap(([key, amount]) => {
      let i = index.get(key);
      if (i === undefined) index.set(key, (i = keys.push(key) - 1));
      return [i, amount];
    });
  return { keys, flat };
}

function unflat(keys: readonly string[], flat: readonly (number | string)[]): Record<string, string> {
  if (flat.length % 2 !== 0) throw new Error('lines of odd length');
  const lines: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const key = keys[flat[i] as number];
    if (key === undefined || typeof flat[i + 1] !== 'string') throw new Error('a line that names no key or amount');
    lines[key] = flat[i + 1] as string;
  }
  return lines;
}

/** A persistent map's entries, an element at a time, values mapped. */
function* entries<V, W>(map: PersistentMap<string, V>, f: (v: V) => W): Generator<[string, W]> {
  for (const [k, v] of map.entries()) yield [k, f(v)];
}
const persistent = <V, W>(list: [string, V][], f: (v: V) => W) => PersistentMap<string, W>(list.map(([k, v]) => [k, f(v)] as [string, W]));
/** As `persistent`, a step per entry: one license's (or deal's) figures between two steps. */
function* persistentInSteps<V, W>(list: [string, V][], f: (v: V) => W): Generator<void, PersistentMap<string, W>> {
  const decoded: [string, W][] = [];
  for (const [k, v] of list) {
    decoded.push([k, f(v)]);
    yield;
  }
  return PersistentMap<string, W>(decoded);
}

/** The encoding's fields in Encoded's order; `keys` last, once the lists before have named every key. */
function fields(state: DistributionState): EncodedField[] {
  const { keys, flat } = keyDictionary();
  return [
    { name: 'registered', value: () => state.registered },
    { name: 'policies', value: () => state.policies },
    { name: 'latestVersion', value: () => state.latestVersion },
    { name: 'allocatedThrough', value: () => state.allocatedThrough },
    { name: 'cumulative', list: () => entries(state.cumulative, (v) => v) },
    { name: 'recovered', list: () => entries(state.recovered, (v) => v) },
    { name: 'netBySource', list: () => entries(state.netBySource, (sources) => [...entries(sources, flat)]) },
    { name: 'layers', list: () => entries(state.layers, (layers) => layers.map((l) => ({ ...l, lines: flat(l.lines) }))) },
    { name: 'partsBySource', list: () => entries(state.partsBySource, (sources) => [...entries(sources, (parts) => parts)]) },
    { name: 'keys', value: () => keys },
  ];
}

export const encodeDistribution = (state: DistributionState): Encoded => encodedObject(fields(state)) as unknown as Encoded;

export const decodeDistribution = (snapshot: unknown): DistributionState => finished(decodingDistribution(snapshot));

/** Decoding ~70 MB of a university's 250,000 allocations takes ~1.4 s: a step per license, so its caller can give way. */
function* decodingDistribution(snapshot: unknown): Generator<void, DistributionState> {
  const s = snapshot as Encoded;
  const lists = [s?.keys, s?.cumulative, s?.recovered, s?.netBySource, s?.layers, s?.partsBySource];
  if (typeof s !== 'object' || s === null || !lists.every(Array.isArray)) throw new Error('not a distribution snapshot');
  return {
    registered: s.registered,
    policies: s.policies,
    latestVersion: s.latestVersion,
    allocatedThrough: s.allocatedThrough,
    cumulative: persistent(s.cumulative, (v) => v),
    recovered: persistent(s.recovered, (v) => v),
    netBySource: yield* persistentInSteps(s.netBySource, (sources) => persistent(sources, (lines) => unflat(s.keys, lines))),
    layers: yield* persistentInSteps(s.layers, (layers) => layers.map((l) => ({ ...l, lines: unflat(s.keys, l.lines) }))),
    partsBySource: yield* persistentInSteps(s.partsBySource, (sources) => persistent(sources, (parts) => parts)),
  };
}

export const distributionSnapshot: SnapshotCodec<DistributionState> = {
  name: 'distribution',
  version: DISTRIBUTION_SNAPSHOT_VERSION,
  encode: encodeDistribution,
  encodeLines: (state) => encodedLines(fields(state)),
  decode: decodeDistribution,
  decodeInSteps: decodingDistribution,
};
