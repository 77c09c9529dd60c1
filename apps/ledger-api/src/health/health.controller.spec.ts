import { ServiceUnavailableException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { EVENT_STORE, ProjectionRunner, READ_MODEL_DB, ReadModelLeaseLost } from '@ledger/ledger';
import { toProblem } from '../http/problem-details.filter';
import { HealthController } from './health.controller';

/** /health as an anonymous caller sees it (its 503 body, through the one error mapper), with the checks failing as given. */
async function healthBody(storePing: () => Promise<void>, dbPing: () => Promise<void>, headPosition = async () => 3n) {
  const module = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [
      { provide: EVENT_STORE, useValue: { kind: 'postgres', ping: storePing, headPosition } },
      { provide: READ_MODEL_DB, useValue: { dialect: 'postgres', ping: dbPing } },
      { provide: ProjectionRunner, useValue: { positions: () => ({ journal: 3n }), failed: () => [], position: () => 3n } },
    ],
  }).setLogger({ log() {}, error() {}, warn() {}, debug() {}, verbose() {} }).compile();
  const refused = await module.get(HealthController).check().then(() => undefined, (e: unknown) => e);
  await module.close();
  expect(refused).toBeInstanceOf(ServiceUnavailableException);
  return toProblem(refused);
}

describe('GET /health when a check fails', () => {
  it("says which check is down, but not a driver's message, which can name hosts, ports and roles", async () => {
    const refused = async () => { throw new Error('connect ECONNREFUSED 10.20.30.40:5432 (role ledger_writer)'); };
    const body = await healthBody(refused, async () => undefined, refused);
    expect(body).toMatchObject({
      status: 503,
      error: {
        eventStore: { status: 'down', kind: 'postgres', message: 'unreachable (the reason is in the service log)' },
        projections: { status: 'down', positions: { journal: '3' }, message: 'the head of the log is unknown: the event store is unreachable' },
      },
      info: { readModels: { status: 'up' } },
    });
    expect(JSON.stringify(body)).not.toMatch(/10\.20\.30\.40|5432|ledger_writer/);
  });

  it("gives a lost lease's reason: it names nothing and tells the operator what to do", async () => {
    const reason = "the session holding the read models' lease ended: another process may now project them; restart this one";
    const body = await healthBody(async () => undefined, async () => { throw new ReadModelLeaseLost(reason); });
    expect(body).toMatchObject({ status: 503, error: { readModels: { status: 'down', message: reason } } });
  });
});
