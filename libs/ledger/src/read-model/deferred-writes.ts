/** `INSERT INTO t (columns) VALUES (…), (…) ON CONFLICT … DO NOTHING`, as a template with $n placeholders. */
const INSERT_IGNORING = /^\s*(INSERT INTO \w+\s*\([^)]*\))\s*VALUES\s*([$\d\s(),]+?)\s*(ON CONFLICT\b[^;]*\bDO NOTHING)\s*$/is;
/** PostgreSQL takes at most 65,535 parameters in one statement. */
const MAX_PARAMS = 65_535;

export interface Statement {
  text: string;
  params: unknown[];
}

type Item = { head: string; tail: string; pieces: string[]; width: number; rows: unknown[][] } | Statement;
type Parsed = { head: string; values: string; tail: string } | undefined;

/**
 * Writes deferred within one transaction, turned into as few statements as possible: inserts that
 * ignore conflicts are merged per table and column list into multi-row inserts (their order among
 * themselves does not matter: each row is kept or skipped on its own); any other statement is a
 * barrier that keeps its place.
 */
export class DeferredWrites {
  private items: Item[] = [];
  /** Merge groups since the last barrier, by statement template. */
  private groups = new Map<string, Extract<Item, { rows: unknown[][] }>>();
  /** Statement texts are a handful of templates: each is parsed once. */
  private readonly parsed = new Map<string, Parsed>();

  add(sql: string, params: readonly unknown[]): void {
    let insert = this.parsed.get(sql);
    if (!this.parsed.has(sql)) {
      const match = INSERT_IGNORING.exec(sql);
      insert = match ? { head: match[1], values: match[2], tail: match[3] } : undefined;
      this.parsed.set(sql, insert);
    }
    if (!insert) {
      this.items.push({ text: sql, params: [...params] });
      this.groups.clear();
      return;
    }
    const { head, values, tail } = insert;
    let group = this.groups.get(sql);
    if (!group) {
      // The values with their placeholders split out, to renumber them for each merged row.
      group = { head, tail, pieces: values.split(/\$(\d+)/), width: params.length, rows: [] };
      this.groups.set(sql, group);
      this.items.push(group);
    }
    group.rows.push([...params]);
  }

  /** The statements to run, in order; empties the buffer. */
  take(): Statement[] {
    const statements = this.items.flatMap((item): Statement[] => {
      if (!('rows' in item)) return [item];
      const perStatement = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, item.width)));
      const chunks: Statement[] = [];
      for (let i = 0; i < item.rows.length; i += perStatement) {
        const rows = item.rows.slice(i, i + perStatement);
        const tuples = rows.map((_, r) => item.pieces.map((piece, p) => (p % 2 === 1 ? `$${r * item.width + Number(piece)}` : piece)).join(''));
        chunks.push({ text: `${item.head} VALUES ${tuples.join(', ')} ${item.tail}`, params: rows.flat() });
      }
      return chunks;
    });
    this.items = [];
    this.groups.clear();
    return statements;
  }
}
