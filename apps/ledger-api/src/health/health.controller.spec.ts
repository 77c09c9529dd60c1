import { ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { EVENT_STORE, ProjectionRunner, READ_MODEL_DB, ReadModelLeaseLost } from '@ledger/ledger';
import { toProblem } from '../http/problem-details.filter';
import { DatabaseProbes } from './database-probes';
import { HealthController } from './health.controller';

const HEALTH_TIMEOUT_MS = 300;

/** /health as an anonymous caller sees it (its 503 body, through the one error mapper), with the checks failing as given. */
type RunnerState = { failedAttempts?: Map<string, number>; breaks?: Map<string, number> };

async function healthBody(storePing: () => Promise<void>, dbPing: () => Promise<void>, headPosition = async () => 3n, times = 1, runner: RunnerState = {}) {
  const module = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [
      { provide: EVENT_STORE, useValue: { kind: 'postgres', ping: storePing, headPosition } },
      { provide: READ_MODEL_DB, useValue: { dialect: 'postgres', ping: dbPing } },
      { provide: ProjectionRunner, useValue: { positions: () => ({ journal: 3n, distribution: 2n }), position: () => 2n, failedAttempts: () => runner.failedAttempts ?? new Map(), subscriptionBreaks: () => runner.breaks ?? new Map() } },
      { provide: ConfigService, useValue: new ConfigService({ HEALTH_TIMEOUT_MS }) },
      DatabaseProbes,
    ],
  }).setLogger({ log() {}, error() {}, warn() {}, debug() {}, verbose() {} }).compile();
  const controller = module.get(HealthController);
  const asked = Date.now();
  const refusals = await Promise.all(Array.from({ length: times }, () => controller.check().then(() => undefined, (e: unknown) => e)));
  const answeredIn = Date.now() - asked; // the checks alone: with building the module, a slow CI hour took 1,754 ms
  await module.close();
  for (const refused of refusals) expect(refused).toBeInstanceOf(ServiceUnavailableException);
  return { body: toProblem(refusals[0]), answeredIn };
}

describe('GET /health when a check fails', () => {
  it("says which check is down, but not a driver's message, which can name hosts, ports and roles", async () => {
    const refused = async () => { throw new Error('connect ECONNREFUSED 10.20.30.40:5432 (role ledger_writer)'); };
    const { body } = await healthBody(refused, async () => undefined, refused);
    expect(body).toMatchObject({
      status: 503,
      detail: 'down: eventStore, projections',
      error: {
        eventStore: { status: 'down', kind: 'postgres', message: 'unreachable (the reason is in the service log)' },
        projections: { status: 'down', positions: { journal: '3', distribution: '2' }, message: 'the head of the log is unknown: the event store is unreachable' },
      },
      info: { readModels: { status: 'up' } },
    });
    expect(JSON.stringify(body)).not.toMatch(/10\.20\.30\.40|5432|ledger_writer/);
  });

  it("gives a lost lease's reason: it names nothing and tells the operator what to do", async () => {
    const reason = "the session holding the read models' lease ended: another process may now project them; restart this one";
    const { body } = await healthBody(async () => undefined, async () => { throw new ReadModelLeaseLost(reason); });
    expect(body).toMatchObject({ status: 503, error: { readModels: { status: 'down', message: reason } } });
  });

  it('answers 503 within HEALTH_TIMEOUT_MS when a database stops answering, naming the check, asking it once however often probed', async () => {
    const hang = () => new Promise<never>(() => undefined); // a blackholed connection: before, /health hung as long as TCP waits
    const storePing = jest.fn(hang);
    const headPosition = jest.fn(hang);
    const { body, answeredIn } = await healthBody(storePing, async () => undefined, headPosition, 3);
    // The pings never end: any answer came from the bound; the margin is for a slow machine, not for TCP's minutes.
    expect(answeredIn).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS - 20);
    expect(answeredIn).toBeLessThan(HEALTH_TIMEOUT_MS + 3000);
    expect(body).toMatchObject({
      status: 503,
      error: {
        eventStore: { status: 'down', kind: 'postgres', message: `no answer within ${HEALTH_TIMEOUT_MS} ms (HEALTH_TIMEOUT_MS)` },
        projections: { status: 'down' },
      },
      info: { readModels: { status: 'up' } },
    });
    expect(storePing).toHaveBeenCalledTimes(1);
    expect(headPosition).toHaveBeenCalledTimes(1);
  });

  it('is down naming a projection or process manager whose retries keep failing (one event held it, and every allocation after it, for ever)', async () => {
    const up = async () => undefined;
    const { body } = await healthBody(up, up, async () => 3n, 1, { failedAttempts: new Map([['distribution', 5], ['journal', 1]]), breaks: new Map([['parties', 1]]) });
    expect(body).toMatchObject({
      status: 503,
      detail: 'down: projections',
      error: { projections: { status: 'down', behind: true, stuck: ['distribution'], retrying: { distribution: 5, journal: 1 } } },
      info: { eventStore: { status: 'up' }, readModels: { status: 'up' } },
    });
  });

  it('is down naming a consumer whose subscription broke 3 times in a row; once is a dropped connection, resubscribed at once', async () => {
    const up = async () => undefined;
    const { body } = await healthBody(up, up, async () => 3n, 1, { breaks: new Map([['journal', 3], ['parties', 1]]) });
    expect(body).toMatchObject({ status: 503, error: { projections: { status: 'down', failed: ['journal', 'parties'], stuck: ['journal'] } } });
  });
});
