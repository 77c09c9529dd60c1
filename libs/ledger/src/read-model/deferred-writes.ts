/** `INSERT INTO t (columns) VALUES (…), (…) ON CONFLICT … DO NOTHING`, as a template with $n placeholders. */
const INSERT_IGNORING = /^\s*(INSERT INTO \w+\s*\([^)]*\))\s*VALUES\s*([$\d\s(),]+?)\s*(ON CONFLICT\b[^;]*\bDO NOTHING)\s*$/is;
const MAX_ROWS = 1000;

type Item = { head: string; tail: string; rows: string[] } | { text: string };

/**
 * Writes deferred within one transaction, turned into as few statements as possible: inserts that
 * ignore conflicts are merged per table and column list into multi-row inserts (their order among
 * themselves does not matter: each row is kept or skipped on its own); any other statement is a
 * barrier that keeps its place. Values are inlined as literals by `literal`.
 */
export class DeferredWrites {
  private items: Item[] = [];
  /** Merge groups since the last barrier, by head and conflict clause. */
  private groups = new Map<string, { head: string; tail: string; rows: string[] }>();

  constructor(private readonly literal: (value: unknown) => string) {}

  add(sql: string, params: readonly unknown[]): void {
    const inline = (text: string) => text.replace(/\$(\d+)/g, (_, n: string) => this.literal(params[Number(n) - 1]));
    const insert = INSERT_IGNORING.exec(sql);
    if (!insert) {
      this.items.push({ text: inline(sql) });
      this.groups.clear();
      return;
    }
    const [, head, values, tail] = insert;
    const key = `${head.replace(/\s+/g, ' ')}\u0000${tail}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { head, tail, rows: [] };
      this.groups.set(key, group);
      this.items.push(group);
    }
    group.rows.push(inline(values));
  }

  /** The statements to send, joined into one text; empties the buffer. */
  take(): string | undefined {
    const statements = this.items.flatMap((item) => {
      if ('text' in item) return [item.text];
      const chunks: string[] = [];
      for (let i = 0; i < item.rows.length; i += MAX_ROWS) {
        chunks.push(`${item.head} VALUES ${item.rows.slice(i, i + MAX_ROWS).join(', ')} ${item.tail}`);
      }
      return chunks;
    });
    this.items = [];
    this.groups.clear();
    return statements.length > 0 ? statements.join(';\n') : undefined;
  }
}
