import { encodePosition } from '@ledger/event-store/eventstoredb/eventstoredb-position';
import { lag } from './metrics.controller';

describe('lag', () => {
  it('counts positions on SQLite and PostgreSQL', () => {
    expect(lag('sqlite', 10n, 7n)).toBe(3);
    expect(lag('postgres', 10n, -1n)).toBe(11);
    expect(lag('postgres', 10n, 10n)).toBe(0);
    expect(lag('sqlite', -1n, -1n)).toBe(0); // an empty store: nobody is behind
  });

  it('counts log bytes between commit positions on EventStoreDB, not the encoded numbers', () => {
    const at = (commit: bigint) => encodePosition({ commit, prepare: commit });
    expect(lag('eventstoredb', at(5000n), at(1200n))).toBe(3800);
    expect(lag('eventstoredb', at(5000n), -1n)).toBe(5000);
    expect(lag('eventstoredb', at(5000n), at(5000n))).toBe(0);
  });
});
