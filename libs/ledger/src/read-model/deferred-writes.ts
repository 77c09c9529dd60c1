/** `INSERT INTO t (columns) VALUES (…), (…) ON CONFLICT … DO NOTHING`, as a template with $n placeholders. */
const INSERT_IGNORING = /^\s*(INSERT INTO \w+\s*\([^)]*\))\s*VALUES\s*([$\d\s(),]+?)\s*(ON CONFLICT\b[^;]*\bDO NOTHING)\s*$/is;
/** PostgreSQL takes at most 65,535 parameters in one statement. */
const MAX_PARAMS = 65_535;

export interface Statement {
  text: string;
  params: unknown[];
}

type Parsed = { head: string; tail: string; pieces: string[]; width: number; tuples: string[] } | undefined;
type Item = { insert: NonNullable<Parsed>; rows: unknown[][] } | Statement;

/**
 * Statement texts are a handful of constant templates: each is parsed once per process, and the
 * renumbered placeholders of its n-th row (`($19, $20, …)`) are built once and kept, since every
 * page builds the same ones again (PostgreSQL rebuild profile: ~10 % of the process's time).
 */
const parsedTemplates = new Map<string, Parsed>();
const MAX_TEMPLATES = 500;

function parse(sql: string, width: number): Parsed {
  if (parsedTemplates.has(sql)) return parsedTemplates.get(sql);
  const match = INSERT_IGNORING.exec(sql);
  // The values with their placeholders split out, to renumber them for each merged row.
  const parsed = match ? { head: match[1], tail: match[3], pieces: match[2].split(/\$(\d+)/), width, tuples: [] } : undefined;
  // Texts built per call (none today) must not grow the cache without end.
  if (parsedTemplates.size < MAX_TEMPLATES) parsedTemplates.set(sql, parsed);
  return parsed;
}

function tuple(insert: NonNullable<Parsed>, row: number): string {
  const { tuples, pieces, width } = insert;
  while (tuples.length <= row) {
    const r = tuples.length;
    tuples.push(pieces.map((piece, p) => (p % 2 === 1 ? `$${r * width + Number(piece)}` : piece)).join(''));
  }
  return tuples[row];
}

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

  add(sql: string, params: readonly unknown[]): void {
    const insert = parse(sql, params.length);
    if (!insert || insert.width !== params.length) {
      this.items.push({ text: sql, params: [...params] });
      this.groups.clear();
      return;
    }
    let group = this.groups.get(sql);
    if (!group) {
      group = { insert, rows: [] };
      this.groups.set(sql, group);
      this.items.push(group);
    }
    group.rows.push([...params]);
  }

  /** The statements to run, in order; empties the buffer. */
  take(): Statement[] {
    const statements = this.items.flatMap((item): Statement[] => {
      if (!('rows' in item)) return [item];
      const { head, tail, width } = item.insert;
      const perStatement = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, width)));
      const chunks: Statement[] = [];
      for (let i = 0; i < item.rows.length; i += perStatement) {
        const rows = item.rows.slice(i, i + perStatement);
        const tuples = rows.map((_, r) => tuple(item.insert, r));
        chunks.push({ text: `${head} VALUES ${tuples.join(', ')} ${tail}`, params: rows.flat() });
      }
      return chunks;
    });
    this.items = [];
    this.groups.clear();
    return statements;
  }
}
