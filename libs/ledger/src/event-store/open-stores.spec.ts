import { EventStoreDbNotAnswering } from '@ledger/event-store';
import { silentServer } from '@ledger/event-store/testing/silent-server';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig, validateLedgerConfig } from '../config/ledger-config';
import { storeConfig } from '../ledger.module';
import { openEventStore } from './open-stores';

describe('openEventStore: EventStoreDB', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => (silent = await silentServer()));
  afterAll(() => silent.close());

  it('gives up on a silent server after ESDB_ANSWER_WITHIN_MS, not the 10 s default', async () => {
    const { port } = silent;
    const config = validateLedgerConfig({ EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: `esdb://127.0.0.1:${port}?tls=false`,
      DATABASE_URL: 'postgres://unused/ledger', ESDB_ANSWER_WITHIN_MS: '300' });
    // As the module opens it: through the configuration service and storeConfig.
    const store = await openEventStore(storeConfig(new ConfigService<LedgerConfig, true>(config as unknown as Record<string, unknown>)));
    try {
      await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreDbNotAnswering);
    } finally {
      void store.close().catch(() => undefined); // closing waits for calls a silent server never answers
    }
  }, 5000); // at the default deadline the read waits 10 s: this test then fails on its timeout

  it('refuses a deadline below 100 ms or above 10 minutes, naming the variable', () => {
    for (const value of ['50', '600001', 'soon']) {
      expect(() => validateLedgerConfig({ ESDB_ANSWER_WITHIN_MS: value })).toThrow('ESDB_ANSWER_WITHIN_MS must be an integer from 100 to 600000');
    }
    expect(validateLedgerConfig({}).ESDB_ANSWER_WITHIN_MS).toBe(10000);
  });
});
