/**
 * Child process of the crash test: appends one event per transaction forever and prints the id of
 * each append the store acknowledged. The parent kills it with SIGKILL at a random moment.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';

async function main() {
  const store = new SqliteEventStore(process.argv[2]);
  for (let n = 0; ; n++) {
    const id = randomUUID();
    await store.append(`crash-${n % 7}`, [{
      id, type: 'Appended', data: { n },
      metadata: { actor: { id: 'crash', role: 'office' }, correlationId: id, causationId: id, recordedAt: new Date().toISOString() },
    }], { expectedRevision: 'any' });
    process.stdout.write(`${id}\n`);
  }
}

void main();
