/**
 * Profiling aid: builds and measures only the big ledger on one adapter, e.g.
 * `BENCH_EVENTS=100000 node --cpu-prof --cpu-prof-dir=/tmp/prof -r @swc-node/register test/bench/profile-ledger.ts sqlite`.
 * BENCH_KEEP=1 keeps the ledger (its environment is printed) and skips the statement measurement.
 */
import 'reflect-metadata';
import { ADAPTERS } from './bench-stores';
import { bigLedger } from './run';

async function main() {
  const adapter = ADAPTERS.find((a) => a.name === (process.argv[2] ?? 'sqlite'));
  if (!adapter) throw new Error(`unknown adapter ${process.argv[2]}`);
  const store = await adapter.create('profile');
  const keep = process.env.BENCH_KEEP === '1';
  try {
    process.stdout.write(`${JSON.stringify(await bigLedger(store, { statement: !keep }))}\n`);
  } finally {
    if (keep) process.stdout.write(`kept: ${JSON.stringify(store.env)}\n`);
    else await store.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
