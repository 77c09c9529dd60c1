import { Projection } from '../projections/projection';
import { ProjectionRunner } from '../projections/projection-runner';
import { ReadModelDb } from '../read-model/read-model-db';

/** Every row of a projection's tables, in a stable order, as comparable text. */
async function snapshot(db: ReadModelDb, projection: Projection): Promise<string[]> {
  const rows: string[] = [];
  for (const table of projection.tables) {
    for (const row of await db.query(`SELECT * FROM ${table}`)) {
      rows.push(`${table} ${JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])))}`);
    }
  }
  return rows.sort();
}

/**
 * Rebuilds every projection from zero (one reading of the log) and compares each with what it held:
 * the names of the read models that differed (they now hold the rebuilt, correct rows).
 */
export async function readModelsDifferingFromRebuild(
  db: ReadModelDb, runner: ProjectionRunner, projections: readonly Projection[], head: bigint, timeoutMs: number,
): Promise<string[]> {
  const differing: string[] = [];
  if (!(await runner.waitFor(head, timeoutMs))) throw new Error('read models did not catch up with the log');
  const before = await Promise.all(projections.map((p) => snapshot(db, p)));
  await runner.rebuildAll();
  if (!(await runner.waitFor(head, timeoutMs))) throw new Error('read models did not finish rebuilding');
  for (const [i, projection] of projections.entries()) {
    const after = await snapshot(db, projection);
    if (before[i].length !== after.length || before[i].some((row, j) => row !== after[j])) differing.push(projection.name);
  }
  return differing;
}
