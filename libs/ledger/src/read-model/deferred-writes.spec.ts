import { DeferredWrites } from './deferred-writes';

describe('DeferredWrites (PostgreSQL read-model writes sent together)', () => {
  it('merges inserts that ignore conflicts per statement, keeping other statements in place as barriers', () => {
    const writes = new DeferredWrites();
    writes.add('INSERT INTO a (x, y) VALUES ($1, $2) ON CONFLICT DO NOTHING', [1, 'p']);
    writes.add('INSERT INTO b (x) VALUES ($1) ON CONFLICT (x) DO NOTHING', [null]);
    writes.add('INSERT INTO a (x, y) VALUES ($1, $2) ON CONFLICT DO NOTHING', [2, 'q']);
    writes.add('INSERT INTO c (x, y)\n VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING', [3, 'r', 4, 's']);
    writes.add('INSERT INTO c (x, y)\n VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING', [5, 't', 6, 'u']);
    writes.add('UPDATE a SET y = $2 WHERE x = $1', [1, 'w']);
    writes.add('INSERT INTO a (x, y) VALUES ($1, $2) ON CONFLICT DO NOTHING', [4, 'z']);
    expect(writes.take()).toEqual([
      { text: 'INSERT INTO a (x, y) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING', params: [1, 'p', 2, 'q'] },
      { text: 'INSERT INTO b (x) VALUES ($1) ON CONFLICT (x) DO NOTHING', params: [null] },
      { text: 'INSERT INTO c (x, y) VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8) ON CONFLICT DO NOTHING', params: [3, 'r', 4, 's', 5, 't', 6, 'u'] },
      { text: 'UPDATE a SET y = $2 WHERE x = $1', params: [1, 'w'] },
      { text: 'INSERT INTO a (x, y) VALUES ($1, $2) ON CONFLICT DO NOTHING', params: [4, 'z'] },
    ]);
    expect(writes.take()).toEqual([]);
  });

  it('never merges an upsert (a row may not be updated twice in one statement)', () => {
    const writes = new DeferredWrites();
    const upsert = 'INSERT INTO c (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = excluded.n';
    writes.add(upsert, ['k', 1]);
    writes.add(upsert, ['k', 2]);
    expect(writes.take()).toHaveLength(2);
  });

  it('keeps each statement within 65,535 parameters', () => {
    const writes = new DeferredWrites();
    for (let i = 0; i < 40_000; i++) writes.add('INSERT INTO a (x, y) VALUES ($1, $2) ON CONFLICT DO NOTHING', [i, i]);
    const statements = writes.take();
    expect(statements.map((s) => s.params.length)).toEqual([65_534, 14_466]);
    expect(statements[1].text.endsWith('($14465, $14466) ON CONFLICT DO NOTHING')).toBe(true);
  });
});
