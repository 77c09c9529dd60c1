import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, PROJECTIONS, ProjectionRunner } from '@ledger/ledger';
import { Inject } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { Command, CommandRunner } from 'nest-commander';

@Command({ name: 'rebuild', arguments: '[projection]', description: 'rebuild one projection (or all) from the start of the log' })
export class RebuildCommand extends CommandRunner {
  constructor(private readonly runner: ProjectionRunner, @Inject(EVENT_STORE) private readonly store: EventStore) {
    super();
  }

  async run([name]: string[]): Promise<void> {
    const names = name ? [name] : PROJECTIONS.map((p) => p.name);
    const unknown = names.filter((n) => !PROJECTIONS.some((p) => p.name === n));
    if (unknown.length) throw new Error(`unknown projection ${unknown.join(', ')}; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
    await this.runner.start('projections');
    const head = await this.store.headPosition();
    for (const projection of names) {
      const bar = new SingleBar({
        format: `${projection.padEnd(16)} {bar} {percentage}% | {value}/{total} positions | {rate} events/s`,
        stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000,
      });
      const started = Date.now();
      bar.start(Number(head < 0n ? 0n : head), 0, { rate: 0 }); // a position count for display only
      await this.runner.rebuild(projection);
      while (this.runner.positions()[projection] < head) {
        const done = Number(this.runner.positions()[projection] + 1n);
        bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
        await new Promise((r) => setTimeout(r, 100));
      }
      bar.update(Number(head < 0n ? 0n : head), { rate: Math.round(Number(head + 1n) / Math.max((Date.now() - started) / 1000, 0.001)) });
      bar.stop();
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`rebuilt ${projection}: ${head + 1n} positions in ${seconds.toFixed(1)} s\n`);
    }
    await this.runner.stop();
  }
}
