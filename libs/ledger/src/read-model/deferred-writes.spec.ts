import { DeferredWrites } from './deferred-writes';

const quote = (v: unknown) => (v === null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);

describe('DeferredWrites (PostgreSQL read-model writes sent together)', () => {
  it('merges inserts that ignore conflicts per table, keeping other statements in place as barriers', () => {
    const writes = new DeferredWrites(quote);
    writes.add('INSERT INTO a (x, y) VALUES ($1, $2) ON CONFLICT DO NOTHING', [1, "it's"]);
    writes.add('INSERT INTO b (x) VALUES ($1) ON CONFLICT (x) DO NOTHING', [null]);
    writes.add('INSERT INTO a (x, y)\n VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING', [2, 'u', 3, 'v']);
    writes.add('UPDATE a SET y = $2 WHERE x = $1', [1, 'w']);
    writes.add('INSERT INTO a (x, y) VALUES ($1, $2) ON CONFLICT DO NOTHING', [4, 'z']);
    expect(writes.take()).toBe([
      "INSERT INTO a (x, y) VALUES ('1', 'it''s'), ('2', 'u'), ('3', 'v') ON CONFLICT DO NOTHING",
      'INSERT INTO b (x) VALUES (NULL) ON CONFLICT (x) DO NOTHING',
      "UPDATE a SET y = 'w' WHERE x = '1'",
      "INSERT INTO a (x, y) VALUES ('4', 'z') ON CONFLICT DO NOTHING",
    ].join(';\n'));
    expect(writes.take()).toBeUndefined();
  });

  it('never merges an upsert (a row may not be updated twice in one statement)', () => {
    const writes = new DeferredWrites(quote);
    const upsert = 'INSERT INTO c (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = excluded.n';
    writes.add(upsert, ['k', 1]);
    writes.add(upsert, ['k', 2]);
    expect(writes.take()?.split(';\n')).toHaveLength(2);
  });

  it('splits a large merge into statements of at most 1,000 rows', () => {
    const writes = new DeferredWrites(quote);
    for (let i = 0; i < 2500; i++) writes.add('INSERT INTO a (x) VALUES ($1) ON CONFLICT DO NOTHING', [i]);
    expect(writes.take()?.split(';\n').map((s) => s.split('), (').length)).toEqual([1000, 1000, 500]);
  });
});
