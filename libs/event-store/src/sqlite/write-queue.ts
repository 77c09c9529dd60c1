import { resolve } from 'node:path';

/**
 * One queue of writers per SQLite file in this process. The event store appends synchronously while
 * read-model transactions await between statements; if both took SQLite's write lock directly, an
 * append issued during such a transaction would block the only thread that could finish it. Queued
 * here, they simply take turns. Other processes are still serialized by SQLite's own lock.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const queues = new Map<string, WriteQueue>();

export function writeQueueFor(path: string): WriteQueue {
  if (path === ':memory:') return new WriteQueue();
  const key = resolve(path);
  let queue = queues.get(key);
  if (!queue) queues.set(key, (queue = new WriteQueue()));
  return queue;
}
